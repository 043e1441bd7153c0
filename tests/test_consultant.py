"""The back office: sign-in, access control, studies, accounts, participants, links, waves."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from vocgap.extensions import db
from vocgap.models import Account, Participant, Response, Study, Wave

from .conftest import PASSWORD
from .factories import gen_account, gen_customer, gen_study, gen_user, gen_vendor
from .helpers import csrf_from, open_survey


def action(client, url_of_page, post_url, **extra):
    csrf = csrf_from(client.get(url_of_page).get_data(as_text=True))
    return client.post(post_url, data={"csrf_token": csrf, **extra})


@pytest.fixture
def mine(app, instrument):
    study = gen_study(instrument, "mine")
    gen_user(study=study)
    return study


@pytest.fixture
def theirs(app, instrument):
    study = gen_study(instrument, "theirs")
    gen_user("other@test.example", study=study)
    account = gen_account(study, "Their Account")
    person, _ = gen_customer(study, account, "Their Contact")
    return study, account, person


def test_pages_need_login(client, mine):
    response = client.get(f"/consultant/studies/{mine.id}/")
    assert response.status_code == 302
    assert "/consultant/login?next=" in response.headers["Location"]
    assert client.get(f"/consultant/studies/{mine.id}/export.csv").status_code == 302


def test_wrong_password_is_refused_without_saying_which_part(auth, client, mine):
    response = auth.attempt(client, password="wrong password")
    assert response.status_code == 422
    assert "That e-mail and password do not match an account." in response.get_data(
        as_text=True)
    assert auth.attempt(client, email="nobody@test.example").status_code == 422


def test_login_is_rate_limited(auth, client, mine):
    """Failed sign-ins are limited per account and per address (10 a minute each)."""
    codes = [auth.attempt(client, password=f"wrong {i}").status_code for i in range(11)]
    assert codes[:10] == [422] * 10 and codes[10] == 429
    # The address is spent too: another account from it is refused as well.
    assert auth.attempt(client, email="nobody@test.example").status_code == 429


def test_session_cookie_flags(auth, client, mine):
    response = auth.attempt(client)
    assert response.status_code == 302
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_login_does_not_redirect_off_site(client, mine):
    page = client.get("/consultant/login?next=//evil.test/x")
    response = client.post("/consultant/login?next=//evil.test/x", data={
        "csrf_token": csrf_from(page.get_data(as_text=True)),
        "email": "consultant@test.example", "password": PASSWORD})
    assert response.headers["Location"] == "/consultant/"


@pytest.mark.parametrize("path", [
    "/consultant/studies/{sid}/",
    "/consultant/studies/{sid}/participants/",
    "/consultant/studies/{sid}/participants/{pid}/",
    "/consultant/studies/{sid}/accounts/{aid}/edit",
    "/consultant/studies/{sid}/export.csv",
    "/consultant/studies/{sid}/export.xlsx",
    "/consultant/studies/{sid}/import/participants",
    "/consultant/studies/{sid}/waves/new",
])
def test_another_consultants_study_is_not_found(auth, client, mine, theirs, path):
    """Can a consultant reach another study's pages or downloads by guessing its id?"""
    study, account, person = theirs
    auth(client=client)
    url = path.format(sid=study.id, pid=person.id, aid=account.id)
    assert client.get(url).status_code == 404


def test_another_studys_participant_through_my_study_id(auth, client, mine, theirs):
    _, account, person = theirs
    auth(client=client)
    assert client.get(f"/consultant/studies/{mine.id}/participants/{person.id}/"
                      ).status_code == 404
    assert client.get(f"/consultant/studies/{mine.id}/accounts/{account.id}/edit"
                      ).status_code == 404
    response = action(client, f"/consultant/studies/{mine.id}/",
                      f"/consultant/studies/{mine.id}/participants/{person.id}/revoke")
    assert response.status_code == 404
    db.session.refresh(person)
    assert person.token_revoked_at is None


def test_studies_list_shows_only_mine(auth, client, mine, theirs):
    auth(client=client)
    html = client.get("/consultant/").get_data(as_text=True)
    assert "Study mine" in html and "Study theirs" not in html


def test_create_study_account_and_participants_through_the_web(auth, client, app, mine):
    auth(client=client)
    form = client.get("/consultant/studies/new").get_data(as_text=True)
    response = client.post("/consultant/studies/new", data={
        "csrf_token": csrf_from(form), "vendor": "Initrode", "name": "Initrode 2026",
        "short_name": "initrode", "instrument": "pulse", "opens": "2026-01-01",
        "closes": "2099-01-01", "min_group": "5"})
    assert response.status_code == 302, response.get_data(as_text=True)
    study = db.session.scalar(sa.select(Study).where(Study.short_name == "initrode"))
    assert study.min_group == 5 and study.current_wave.instrument_id == "pulse"
    base = f"/consultant/studies/{study.id}"
    page = client.get(f"{base}/accounts/new").get_data(as_text=True)
    assert client.post(f"{base}/accounts/new", data={
        "csrf_token": csrf_from(page), "name": "Hooli", "segment": "Enterprise",
        "annual_value": "125000.50", "crm_stage": "2", "key_account": "y"}).status_code == 302
    account = db.session.scalar(sa.select(Account).where(Account.name == "Hooli"))
    assert (account.crm_stage, account.key_account, float(account.annual_value)) == (
        2, True, 125000.5)
    page = client.get(f"{base}/participants/new").get_data(as_text=True)
    bad = client.post(f"{base}/participants/new", data={
        "csrf_token": csrf_from(page), "side": "vendor", "name": "Val"})
    assert bad.status_code == 422
    assert "Choose the vendor participant" in bad.get_data(as_text=True)
    ok = client.post(f"{base}/participants/new", data={
        "csrf_token": csrf_from(page), "side": "customer", "name": "Cleo", "email":
        "cleo@hooli.example", "account": str(account.id), "role": "executive",
        "quartet": "tech_buyer"})
    assert ok.status_code == 302
    person = db.session.scalar(sa.select(Participant).where(Participant.name == "Cleo"))
    detail = client.get(ok.headers["Location"]).get_data(as_text=True)
    link = re.search(r'value="(https://surveys\.example\.test/s/[^"]+)"', detail).group(1)
    assert open_survey(app.test_client(), link.rsplit("/", 1)[1]) == "/survey/"
    assert person.role == "executive"


def test_reissue_and_revoke_links(auth, client, app, mine):
    account = gen_account(mine, "Globex")
    person, token = gen_customer(mine, account)
    auth(client=client)
    page = f"/consultant/studies/{mine.id}/participants/{person.id}/"
    assert token in client.get(page).get_data(as_text=True)
    assert action(client, page, page + "reissue").status_code == 302
    assert app.test_client().get(f"/s/{token}").status_code == 404
    db.session.refresh(person)
    new = re.search(r"/s/([A-Za-z0-9_-]{43})", client.get(page).get_data(as_text=True)).group(1)
    assert new != token and app.test_client().get(f"/s/{new}").status_code == 302
    action(client, page, page + "revoke")
    assert app.test_client().get(f"/s/{new}").status_code == 404
    assert "This link was revoked" in client.get(page).get_data(as_text=True)


def test_progress_shows_missing_roles_and_counts(auth, client, mine):
    account = gen_account(mine, "Globex")
    buyer, _ = gen_customer(mine, account, "Bea Buyer", "purchasing", "business_buyer")
    user, _ = gen_customer(mine, account, "Uma User", "operational_user", "tech_user")
    vendor, _ = gen_vendor(mine, [account])
    db.session.add(Response(wave=mine.current_wave, participant=user, account=account,
                            status="submitted"))
    db.session.add(Response(wave=mine.current_wave, participant=buyer, account=account))
    db.session.commit()
    auth(client=client)
    html = client.get(f"/consultant/studies/{mine.id}/").get_data(as_text=True)
    assert "<strong>1</strong> of 2</span>" in html  # customers submitted, of those listed
    assert "1 started · 0 invited · 0 not invited" in html  # everyone counted once
    assert "No buyer has answered." in html
    assert "Executive, Middle management, Purchasing" in html


def test_wave_rollover_keeps_people_and_moves_links_to_the_new_wave(auth, client, app, mine):
    account = gen_account(mine, "Globex")
    person, token = gen_customer(mine, account)
    db.session.add(Response(wave=mine.current_wave, participant=person, account=account,
                            status="submitted"))
    db.session.commit()
    auth(client=client)
    url = f"/consultant/studies/{mine.id}/waves/new"
    page = client.get(url).get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_from(page), "instrument":
                                      "b2b-relationship", "opens": "2026-01-01",
                                      "closes": "2099-12-31"})
    assert response.status_code == 302
    db.session.expire_all()
    waves = db.session.scalars(sa.select(Wave).where(Wave.study_id == mine.id)
                               .order_by(Wave.number)).all()
    assert [w.number for w in waves] == [1, 2]
    assert not waves[0].is_open() and waves[1].is_open()
    respondent = app.test_client()
    open_survey(respondent, token)
    landing = respondent.get("/survey/", follow_redirects=True)
    assert "Start the survey" in landing.get_data(as_text=True)  # a fresh start in wave 2


def test_wave_dates_must_be_in_order(auth, client, mine):
    auth(client=client)
    url = f"/consultant/studies/{mine.id}/waves/new"
    page = client.get(url).get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_from(page), "instrument": "pulse",
                                      "opens": "2026-05-01", "closes": "2026-04-01"})
    assert response.status_code == 422
    assert "The wave must close after it opens." in response.get_data(as_text=True)
    assert len(db.session.scalars(sa.select(Wave)).all()) == 1


def test_forms_without_csrf_change_nothing(auth, client, mine):
    auth(client=client)
    response = client.post(f"/consultant/studies/{mine.id}/close-wave")
    assert response.status_code in (302, 400)
    db.session.expire_all()
    assert mine.current_wave.closed_at is None


def test_logout_needs_post(auth, client, mine):
    auth(client=client)
    assert client.get("/consultant/logout").status_code == 405
    page = client.get("/consultant/").get_data(as_text=True)
    assert client.post("/consultant/logout", data={"csrf_token": csrf_from(page)}
                       ).status_code == 302
    assert client.get("/consultant/").status_code == 302
