"""Probed as a clumsy operator would: stale analysis after a rename, tokens in the development
server's log, JSON endpoints answering with HTML, and study short names that tell too much."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request

import pytest
import sqlalchemy as sa

from vocgap.cli import main
from vocgap.demo import DEMO_EMAIL, DEMO_PASSWORD
from vocgap.extensions import db
from vocgap.models import Account, Study, utcnow

from .browser import chromium, live_server
from .conftest import ROOT, TEST_SECRET
from .factories import gen_study, gen_user
from .helpers import csrf_from, open_survey
from .test_analysis_web import demo
from .test_respondent import page_url, setup  # noqa: F401
from .test_restart import free_port


def login(client, email, password):
    page = client.get("/consultant/login").get_data(as_text=True)
    client.post("/consultant/login", data={"csrf_token": csrf_from(page), "email": email,
                                           "password": password})


def test_renamed_account_shows_its_new_name_in_analysis_and_all_zip(app):
    """After a rename by anyone (another worker, the CLI), is the cached analysis stale?"""
    study = demo(app)
    account = db.session.scalar(sa.select(Account).where(Account.name == "Greywell Pharma"))
    client = app.test_client()
    login(client, DEMO_EMAIL, DEMO_PASSWORD)
    url = f"/consultant/studies/{study.id}/analysis/accounts/{account.id}"
    assert "Greywell Pharma" in client.get(url).get_data(as_text=True)  # cached now
    with app.app_context():  # a write this process's code never sees
        db.session.execute(sa.update(Account).where(Account.id == account.id).values(
            name="Greywell Pharmaceuticals"))
        db.session.commit()
    page = client.get(url)
    assert page.status_code == 200
    assert "Greywell Pharmaceuticals" in page.get_data(as_text=True)
    overview = client.get(f"/consultant/studies/{study.id}/analysis/").get_data(as_text=True)
    assert "Greywell Pharmaceuticals" in overview
    # all.zip became report batches (issue 11); the report views read the same cached analysis.
    report = client.get(f"/consultant/studies/{study.id}/reports/accounts/{account.id}.html")
    assert report.status_code == 200
    assert "Greywell Pharmaceuticals" in report.get_data(as_text=True)


def test_edits_through_the_form_reach_the_analysis(app):
    study = demo(app)
    account = db.session.scalar(sa.select(Account).where(Account.name == "Greywell Pharma"))
    client = app.test_client()
    login(client, DEMO_EMAIL, DEMO_PASSWORD)
    url = f"/consultant/studies/{study.id}/analysis/accounts/{account.id}"
    assert client.get(url).status_code == 200
    edit = f"/consultant/studies/{study.id}/accounts/{account.id}/edit"
    saved = client.post(edit, data={"csrf_token": csrf_from(client.get(edit).get_data(
        as_text=True)), "name": "Greywell (renamed)", "segment": "Enterprise", "crm_stage": "3",
        "key_account": "y"})
    assert saved.status_code == 302
    page = client.get(url)
    assert page.status_code == 200 and "Greywell (renamed)" in page.get_data(as_text=True)


def test_development_server_log_masks_tokens(app, tmp_path):
    """`make demo` runs `flask run`: does its request log show private links in full?"""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOCGAP_")}
    env.update(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY=TEST_SECRET,
               PYTHONUNBUFFERED="1")
    db.session.remove()
    log = tmp_path / "flask.log"
    token = "Tk" * 21 + "x"
    with log.open("wb") as output:
        server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "flask"), "--app", "app", "run",
                                   "--port", str(port)], cwd=ROOT, env=env, stdout=output,
                                  stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/s/{token}", timeout=5)
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.25)
        time.sleep(0.5)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(30)
    text = log.read_text()
    assert "/s/<token>" in text, text
    assert token not in text, text


def test_autosave_after_close_answers_in_json(client, setup):  # noqa: F811
    """The survey page's autosave reads JSON; after close it must not get the HTML 404 page."""
    open_survey(client, setup["ctoken"])
    url = page_url(setup["globex"], 2)
    csrf = csrf_from(client.get(url).get_data(as_text=True))
    setup["study"].current_wave.closed_at = utcnow()
    db.session.commit()
    late = client.post(url, data={"csrf_token": csrf, "action": "autosave",
                                  "trust_right_thing": "4"})
    assert late.status_code == 404 and late.is_json
    assert late.json == {"saved": False, "reason": "closed"}
    gone = client.post("/survey/a/999/p/1", data={"action": "autosave"})
    assert gone.status_code == 404 and gone.is_json
    page = client.post(url, data={"csrf_token": csrf, "action": "next"})
    assert not page.is_json and "closed" in page.get_data(as_text=True)  # a form gets a page


def test_errors_are_json_for_json_callers(app, client):
    missing = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert missing.status_code == 404 and missing.json["status"] == 404
    assert "<html" in client.get("/no/such/page").get_data(as_text=True).lower()
    app.config["MAX_CONTENT_LENGTH"] = 1000
    too_big = client.post("/consultant/login", data={"x": "y" * 5000},
                          headers={"Sec-Fetch-Dest": "empty", "Sec-Fetch-Mode": "cors"})
    assert too_big.status_code == 413 and too_big.json["status"] == 413
    assert not client.post("/consultant/login", data={"x": "y" * 5000}).is_json


def _new_study(client, short_name):
    page = client.get("/consultant/studies/new").get_data(as_text=True)
    return client.post("/consultant/studies/new", data={
        "csrf_token": csrf_from(page), "vendor": "Vendor", "name": "A study",
        "short_name": short_name, "instrument": "b2b-relationship", "opens": "2026-01-01",
        "closes": "2030-01-01", "min_group": "3"})


def test_short_names_are_unique_per_consultant_without_revealing_others(app, instrument):
    """Can a consultant learn that another client's study called 'acme' exists?"""
    gen_user("other@test.example", study=gen_study(instrument, "acme"))  # someone else's
    gen_user("me@test.example")
    client = app.test_client()
    login(client, "me@test.example", "correct horse battery")
    created = _new_study(client, "acme")
    assert created.status_code == 302
    again = _new_study(client, "acme")
    assert again.status_code == 422
    assert "One of your studies already has this short name" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Study)) == 2
    result = app.test_cli_runner().invoke(main, ["export", "--study", "acme"])
    assert result.exit_code != 0 and "several studies are called 'acme'" in result.output
    mine = db.session.scalars(sa.select(Study.id).order_by(Study.id)).all()[-1]
    by_id = app.test_cli_runner().invoke(main, ["analyse", "--study", str(mine)])
    assert by_id.exit_code == 0, by_id.output


@pytest.mark.e2e
def test_autosave_tells_the_respondent_when_the_survey_has_closed(app, setup):  # noqa: F811
    """In Chromium: after the wave closes, does autosave say so instead of going quiet?"""
    with live_server(app) as base, chromium() as browser:
        page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        page.goto(f"{base}/s/{setup['ctoken']}")
        page.goto(f"{base}{page_url(setup['globex'], 2)}")
        setup["study"].current_wave.closed_at = utcnow()
        db.session.commit()
        page.locator("fieldset.question input[type=radio]").first.check()
        status = page.locator(".autosave-status")
        status.filter(has_text="no longer open").wait_for(timeout=10000)
        assert "cannot be saved" in status.inner_text()
