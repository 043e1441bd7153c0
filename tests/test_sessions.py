"""Sessions on shared computers: respondent sessions end on submit and with the wave, consultant
sessions end on the server at logout and password change, and nothing is cached."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from vocgap.cli import main
from vocgap.extensions import db
from vocgap.models import User, utcnow

from .factories import gen_user
from .helpers import csrf_from, customer_answers, open_survey, post_page
from .helpers import fill_everything as _fill_everything
from .test_respondent import page_url, setup  # noqa: F401

PASSWORD = "correct horse battery"


def session_data(app, client) -> dict:
    cookie = client.get_cookie("session")
    if cookie is None:
        return {}
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def submit(client, account):
    url = f"/survey/a/{account.id}/review"
    return client.post(url, data={"csrf_token": csrf_from(client.get(url).get_data(as_text=True))})


def test_submit_ends_the_respondent_session(app, client, setup):  # noqa: F811
    """After submitting on a shared computer, can the next person see or change the answers?"""
    globex = setup["globex"]
    open_survey(client, setup["ctoken"])
    _fill_everything(client, globex, customer_answers)
    done = submit(client, globex)
    assert done.status_code == 302 and done.headers["Location"] == f"/survey/a/{globex.id}/thanks"
    assert "respondent" not in session_data(app, client)
    thanks = client.get(done.headers["Location"])
    html = thanks.get_data(as_text=True)
    assert thanks.status_code == 200 and "Thank you" in html
    assert "open the private link from your invitation again" in html
    assert "Review or change my answers" not in html
    # The next person at the browser: the start page, the answers and the review are gone.
    assert client.get("/survey/").status_code == 404
    for url in (page_url(globex, 2), f"/survey/a/{globex.id}/review",
                f"/survey/a/{globex.id}/"):
        again = client.get(url)
        assert again.status_code == 302 and again.headers["Location"].endswith("/thanks"), url
    changed = post_page(client, page_url(globex, 2), {"trust_right_thing": "1"},
                        csrf=csrf_from(html) if "csrf_token" in html else "x")
    assert changed.status_code == 302 and changed.headers["Location"].endswith("/thanks")
    autosave = client.post(page_url(globex, 2), data={"action": "autosave",
                                                      "trust_right_thing": "1"})
    assert autosave.status_code == 409 and autosave.json == {"saved": False,
                                                             "reason": "submitted"}
    assert "Casey" not in html and "trust" not in html.lower()


def test_review_or_change_comes_back_through_the_private_link(client, setup):  # noqa: F811
    globex = setup["globex"]
    open_survey(client, setup["ctoken"])
    _fill_everything(client, globex, customer_answers)
    submit(client, globex)
    open_survey(client, setup["ctoken"])
    resumed = client.get("/survey/", follow_redirects=True).get_data(as_text=True)
    assert "Review or change my answers" in resumed
    review = client.get(f"/survey/a/{globex.id}/review")
    assert review.status_code == 200 and "Check your answers" in review.get_data(as_text=True)


def test_vendor_keeps_only_the_accounts_still_to_answer(app, client, setup):  # noqa: F811
    """A vendor with two accounts: the submitted one leaves the browser, the other stays."""
    globex, initech = setup["globex"], setup["initech"]
    open_survey(client, setup["vtoken"])
    _fill_everything(client, globex, customer_answers)
    assert submit(client, globex).status_code == 302
    thanks = client.get(f"/survey/a/{globex.id}/thanks").get_data(as_text=True)
    assert "See all my accounts" in thanks and "Continue with Initech" in thanks
    assert client.get("/survey/").status_code == 200
    assert client.get(page_url(globex, 1)).headers["Location"].endswith("/thanks")
    assert client.get(page_url(initech, 1)).status_code == 200
    _fill_everything(client, initech, customer_answers)
    assert submit(client, initech).status_code == 302
    assert "respondent" not in session_data(app, client)
    assert client.get("/survey/").status_code == 404


def test_respondent_session_lasts_only_until_the_wave_closes(app, client, setup,  # noqa: F811
                                                             monkeypatch):
    closes = setup["study"].current_wave.closes_at
    opened = client.get(f"/s/{setup['ctoken']}")
    cookie = next(h for h in opened.headers.getlist("Set-Cookie") if h.startswith("session="))
    expires = datetime.strptime(cookie.split("Expires=")[1].split(";")[0],
                                "%a, %d %b %Y %H:%M:%S GMT")
    assert abs((expires - closes).total_seconds()) <= 1, (expires, closes)
    assert client.get("/survey/", follow_redirects=True).status_code == 200
    # The browser might keep the cookie longer than asked: the server does not.
    later = closes.replace(tzinfo=UTC).timestamp() + 1
    monkeypatch.setattr("vocgap.web.respondent_session._now", lambda: later)
    assert client.get("/survey/").status_code == 404


def test_consultant_cookie_stays_long_lived_without_a_respondent(app, client, setup):  # noqa: F811
    """The wave's expiry applies to respondent-only sessions, not to a signed-in consultant."""
    gen_user(study=setup["study"])
    assert login(client).status_code == 302
    opened = client.get(f"/s/{setup['ctoken']}")
    cookie = next(h for h in opened.headers.getlist("Set-Cookie") if h.startswith("session="))
    expires = datetime.strptime(cookie.split("Expires=")[1].split(";")[0],
                                "%a, %d %b %Y %H:%M:%S GMT")
    assert (expires - utcnow()).days >= 44


def login(client, email="consultant@test.example", password=PASSWORD):
    page = client.get("/consultant/login").get_data(as_text=True)
    return client.post("/consultant/login", data={"csrf_token": csrf_from(page), "email": email,
                                                  "password": password})


def copy_of(app, client):
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def test_logout_ends_a_copied_session_cookie(app, client, setup):  # noqa: F811
    """Does a consultant cookie copied before logout still open the back office afterwards?"""
    gen_user(study=setup["study"])
    assert login(client).status_code == 302
    stolen = copy_of(app, client)
    assert stolen.get("/consultant/").status_code == 200
    page = client.get("/consultant/").get_data(as_text=True)
    assert client.post("/consultant/logout",
                       data={"csrf_token": csrf_from(page)}).status_code == 302
    refused = stolen.get("/consultant/")
    assert refused.status_code == 302 and "/consultant/login" in refused.headers["Location"]
    assert login(client).status_code == 302  # signing in again works
    assert client.get("/consultant/").status_code == 200


def test_password_change_ends_every_other_session(app, client, setup):  # noqa: F811
    gen_user(study=setup["study"])
    login(client)
    elsewhere = app.test_client()
    login(elsewhere)
    form = client.get("/consultant/password")
    assert form.status_code == 200
    wrong = client.post("/consultant/password", data={
        "csrf_token": csrf_from(form.get_data(as_text=True)), "current": "not it",
        "new": "a new long password", "again": "a new long password"})
    assert wrong.status_code == 422 and elsewhere.get("/consultant/").status_code == 200
    changed = client.post("/consultant/password", data={
        "csrf_token": csrf_from(form.get_data(as_text=True)), "current": PASSWORD,
        "new": "a new long password", "again": "a new long password"})
    assert changed.status_code == 302
    assert client.get("/consultant/").status_code == 200
    assert elsewhere.get("/consultant/").status_code == 302
    assert login(elsewhere, password=PASSWORD).status_code == 422
    assert login(elsewhere, password="a new long password").status_code == 302


def test_password_reset_on_the_command_line_ends_sessions(app, client, setup):  # noqa: F811
    gen_user(study=setup["study"])
    login(client)
    result = app.test_cli_runner().invoke(main, ["create-user", "consultant@test.example",
                                                 "--password", "reset by the operator"])
    assert result.exit_code == 0, result.output
    assert client.get("/consultant/").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(db.select(User.session_version)) >= 2


def test_nothing_is_cached_by_browsers_or_proxies(app, client, setup):  # noqa: F811
    """Survey pages, consultant pages and downloads all say no-store; static files may cache."""
    gen_user(study=setup["study"])
    study, globex = setup["study"], setup["globex"]
    survey = [f"/s/{setup['ctoken']}", "/survey/", f"/survey/a/{globex.id}/",
              page_url(globex, 1), f"/survey/a/{globex.id}/review", f"/s/{'Z' * 43}"]
    for url in survey:
        response = client.get(url)
        assert response.headers.get("Cache-Control") == "no-store", (url, response.status_code)
    login(client)
    consultant = ["/consultant/", f"/consultant/studies/{study.id}/",
                  f"/consultant/studies/{study.id}/participants/",
                  f"/consultant/studies/{study.id}/export.csv",
                  f"/consultant/studies/{study.id}/participants/{setup['customer'].id}/",
                  "/consultant/report-assets/print.css", "/consultant/password",
                  "/consultant/login", "/consultant/studies/999/"]
    for url in consultant:
        response = client.get(url)
        assert response.status_code in (200, 302, 404), url
        assert response.headers.get("Cache-Control") == "no-store", (url, response.status_code)
        response.close()
    with client.get("/static/app.css") as static:
        assert static.headers.get("Cache-Control") != "no-store"


@pytest.mark.parametrize("case", ["no version", "wrong version", "garbage"])
def test_sessions_without_the_current_version_are_refused(app, client, setup, case):  # noqa: F811
    user = gen_user(study=setup["study"])
    login(client)
    assert client.get("/consultant/").status_code == 200
    value = {"no version": str(user.id), "wrong version": f"{user.id}:99",
             "garbage": "x:y"}[case]
    with client.session_transaction() as session:
        session["_user_id"] = value
    assert client.get("/consultant/").status_code == 302
