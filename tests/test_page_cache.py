"""Survey pages are built once per process and wave, never served to the wrong wave, language or
account, and a page's answers come back in one query."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from vocgap.collection import page_cache, survey
from vocgap.extensions import db
from vocgap.instruments import load_instrument

from .conftest import ROOT
from .factories import gen_account, gen_customer, gen_study, gen_vendor
from .helpers import checked, open_survey, post_page
from .languages import translated_surveys

TRUST = "We trust {vendor} to do the right thing for us"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="[^"]+"')


@pytest.fixture(autouse=True)
def empty_cache():
    page_cache.pages.clear()
    yield
    page_cache.pages.clear()


def page(client, account, number=1) -> str:
    response = client.get(f"/survey/a/{account.id}/p/{number}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def edited_copy(folder: Path, old: str, new: str) -> Path:
    """A copy of the default instrument with one wording changed."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "b2b-relationship.yaml"
    text = (ROOT / "surveys" / "b2b-relationship.yaml").read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_pages_are_built_once_and_then_served_from_the_cache(app, monkeypatch):
    """Is the page's form class built on the first request only, the same for later ones?"""
    built = []
    real = survey.build_form_class
    monkeypatch.setattr(survey, "build_form_class", lambda *a: built.append(1) or real(*a))
    study = gen_study(load_instrument(ROOT / "surveys" / "b2b-relationship.yaml"))
    globex = gen_account(study)
    _, token = gen_customer(study, globex)
    client = app.test_client()
    open_survey(client, token)
    first = CSRF.sub("", page(client, globex, 2))
    for _ in range(3):
        assert CSRF.sub("", page(client, globex, 2)) == first
    assert built == [1]
    assert (page_cache.pages.misses, page_cache.pages.hits) == (1, 3)


def test_another_waves_pages_are_never_served(app, tmp_path):
    """Two waves whose frozen instruments differ get their own wording, although the vendor,
    account, side and instrument id are the same."""
    original = load_instrument(ROOT / "surveys" / "b2b-relationship.yaml")
    edited = load_instrument(edited_copy(tmp_path / "edited", TRUST, "We rely on {vendor}"))
    assert edited.id == original.id
    first, second = gen_study(original, "one"), gen_study(edited, "two")
    second.vendor = first.vendor
    db.session.commit()
    clients = []
    for study in (first, second):
        _, token = gen_customer(study, gen_account(study, "Globex"))
        client = app.test_client()
        open_survey(client, token)
        clients.append((client, study.accounts[0]))
    html_one, html_two = (page(client, account, 2) for client, account in clients)
    assert "We trust Vendor one to do the right thing" in html_one
    assert "We rely on Vendor one" in html_two and "We trust Vendor one" not in html_two


def test_editing_the_file_after_the_wave_froze_changes_no_page(app, tmp_path):
    """Does a page keep the wave's frozen wording after the instrument file is edited, both from
    the cache and when the cache is rebuilt?"""
    path = edited_copy(tmp_path / "surveys", TRUST, TRUST)
    study = gen_study(load_instrument(path))
    globex = gen_account(study)
    _, token = gen_customer(study, globex)
    client = app.test_client()
    open_survey(client, token)
    assert "We trust Vendor acme to do the right thing" in page(client, globex, 2)
    edited_copy(tmp_path / "surveys", TRUST, "We rely on {vendor}")
    app.config["SURVEYS_DIR"] = str(tmp_path / "surveys")
    assert "We trust Vendor acme to do the right thing" in page(client, globex, 2)
    page_cache.pages.clear()
    html = page(client, globex, 2)
    assert "We trust Vendor acme to do the right thing" in html and "We rely on" not in html


def test_another_languages_pages_are_never_served(app, tmp_path):
    """Do two respondents of the same account, one set to German and one to English, each get
    their own language's page, one after the other in the same process?"""
    app.config["SURVEYS_DIR"] = str(translated_surveys(tmp_path / "surveys", ("en", "de")))
    study = gen_study(load_instrument(tmp_path / "surveys" / "b2b-relationship.yaml"))
    globex = gen_account(study)
    pages = {}
    for language, name in (("de", "Greta Kunde"), ("en", "Eve English"), ("de", "Dora Kunde")):
        person, token = gen_customer(study, globex, name)
        person.language = language
        db.session.commit()
        client = app.test_client()
        open_survey(client, token)
        pages[name] = page(client, globex, 2)
    assert "DE: We trust Vendor acme" in pages["Greta Kunde"]
    assert "DE: We trust" not in pages["Eve English"]
    assert "We trust Vendor acme" in pages["Eve English"]
    assert "DE: We trust Vendor acme" in pages["Dora Kunde"]


def test_a_new_contact_appears_on_the_vendors_power_map(app):
    """Is a customer contact added after the vendor's first visit on the power map next time?"""
    study = gen_study(load_instrument(ROOT / "surveys" / "b2b-relationship.yaml"))
    globex = gen_account(study)
    gen_customer(study, globex, "Casey Customer")
    _, token = gen_vendor(study, [globex])
    client = app.test_client()
    open_survey(client, token)
    number = next(n for n in range(1, 20) if "Power map" in page(client, globex, n))
    assert "Casey Customer" in page(client, globex, number)
    gen_customer(study, globex, "Nora Newcomer")
    html = page(client, globex, number)
    assert "Casey Customer" in html and "Nora Newcomer" in html


def test_a_pages_answers_come_back_in_one_query(app):
    """Does opening a page with stored answers and power-map ratings read them in exactly one
    statement?"""
    study = gen_study(load_instrument(ROOT / "surveys" / "b2b-relationship.yaml"))
    globex = gen_account(study)
    contact, _ = gen_customer(study, globex)
    _, token = gen_vendor(study, [globex])
    client = app.test_client()
    open_survey(client, token)
    number = next(n for n in range(1, 20) if "Power map" in page(client, globex, n))
    url = f"/survey/a/{globex.id}/p/{number}"
    saved = post_page(client, url, {f"pm_{contact.id}_support": "strongly_for",
                                    f"pm_{contact.id}_influence": "dk"}, action="later")
    assert saved.status_code == 302
    post_page(client, f"/survey/a/{globex.id}/p/1", {"superior_experience": "4"},
              action="later")
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement.lower())

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        html = page(client, globex, number)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    reads = [s for s in statements if re.search(r"from (answer|power_map_rating)\b", s)]
    assert len(reads) == 1, reads
    assert checked(html, f"pm_{contact.id}_support") == "strongly_for"
    assert survey.stored_form_data(db.session.scalars(sa.select(survey.Response)).one()) == {
        "superior_experience": "4", f"pm_{contact.id}_support": "strongly_for",
        f"pm_{contact.id}_influence": "dk"}
