"""Fieldwork: who gets invited or reminded, confirming before sending or closing, reopening,
the welcome and closed pages, the vendor's progress, "don't know this person", Change → review,
and the participant statuses consultants watch."""

from __future__ import annotations

import csv
import email
import io
import re
from datetime import date, timedelta
from email import policy

import pytest
import sqlalchemy as sa

from vocgap.cli import main
from vocgap.collection.analysis_input import analyse_wave
from vocgap.collection.invitations import plan_batch, send_batch
from vocgap.collection.progress import participant_statuses, status_counts
from vocgap.collection.store import get_or_create_response, save_answers, submit_response
from vocgap.extensions import db
from vocgap.models import Invitation, PowerMapRating, Response, utcnow
from vocgap.studies import reopen_wave

from .factories import gen_account, gen_customer, gen_study, gen_user, gen_vendor
from .helpers import csrf_from, open_survey, post_page


@pytest.fixture
def field(app, instrument):
    study = gen_study(instrument)
    study.research_organisation, study.contact_name = "Northwind Research", "Rita Researcher"
    study.contact_email, study.sender_name = "rita@northwind.example", "Rita at Northwind"
    globex = gen_account(study, "Globex")
    initech = gen_account(study, "Initech")
    ann, atoken = gen_customer(study, globex, "Ann Answered")
    bea, btoken = gen_customer(study, globex, "Bea Begun", role="purchasing",
                               quartet="tech_buyer")
    cid, ctoken = gen_customer(study, initech, "Cid Cold", role="operational_user",
                               quartet="tech_user")
    vic, vtoken = gen_vendor(study, [globex, initech], "Vic Vendor")
    gen_user(study=study)
    db.session.commit()
    return {"study": study, "globex": globex, "initech": initech, "ann": ann, "atoken": atoken,
            "bea": bea, "btoken": btoken, "cid": cid, "ctoken": ctoken, "vic": vic,
            "vtoken": vtoken}


def submit(study, person, account, *, draft=False):
    response = get_or_create_response(study.current_wave.id, person.id, account.id)
    if not draft:
        submit_response(response)
    db.session.commit()
    return response


def outbox_messages(tmp_path):
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted((tmp_path / "outbox").glob("*.eml"))]


def recipients(tmp_path):
    return sorted(m["To"] for m in outbox_messages(tmp_path))


# --- Who receives what -----------------------------------------------------------------------

def test_no_invitation_goes_to_someone_who_submitted(app, field, tmp_path):
    """Is a participant who already submitted left out of invitations, by the web and the CLI?"""
    app.config["MAIL_SERVER"] = ""
    submit(field["study"], field["ann"], field["globex"])
    plan = plan_batch(field["study"], "invitation")
    assert field["ann"] not in plan.recipients and plan.left_out["submitted"] == 1
    result = app.test_cli_runner().invoke(main, ["invite", "--study", "acme"])
    assert result.exit_code == 0, result.output
    assert "ann@customer.test" not in recipients(tmp_path)
    assert len(recipients(tmp_path)) == 3


def test_invitations_are_never_sent_twice_in_a_wave(app, field, tmp_path):
    """Does a second invitation batch (another day's batch name) skip everyone invited?"""
    app.config["MAIL_SERVER"] = ""
    assert len(send_batch(field["study"], "invitation").sent) == 4
    again = send_batch(field["study"], "invitation", batch="invitation-another-day")
    assert again.sent == []
    assert plan_batch(field["study"], "invitation").left_out["invited"] == 4


def test_reminders_go_only_to_those_who_have_not_submitted(app, field, tmp_path):
    app.config["MAIL_SERVER"] = ""
    submit(field["study"], field["ann"], field["globex"])
    submit(field["study"], field["vic"], field["globex"])  # one of Vic's two accounts
    submit(field["study"], field["bea"], field["globex"], draft=True)
    result = send_batch(field["study"], "reminder")
    assert sorted(result.sent) == ["bea@customer.test", "cid@customer.test", "vic@vendor.test"]
    cli = app.test_cli_runner().invoke(main, ["invite", "--study", "acme", "--reminder",
                                              "--dry-run"])
    assert "ann@customer.test" not in cli.output and "3 would receive" in cli.output


def test_sender_name_and_signature_come_from_the_study(app, field, tmp_path):
    app.config.update(MAIL_SERVER="", MAIL_FROM="vocgap <surveys@example.test>")
    send_batch(field["study"], "invitation", sides=("customer",))
    message = outbox_messages(tmp_path)[0]
    assert message["From"] == "Rita at Northwind <surveys@example.test>"
    assert message["Reply-To"] == "rita@northwind.example"
    text = message.get_body(("plain",)).get_content()
    assert "Rita Researcher\nNorthwind Research, on behalf of Vendor acme" in text
    assert re.search(r"It takes about \d+ minutes", text)
    assert {m["To"].split("@")[1] for m in outbox_messages(tmp_path)} == {"customer.test"}


# --- Confirmation before sending and closing ------------------------------------------------

def test_sending_needs_the_confirmed_count(auth, app, field, client, tmp_path):
    """Does "Send invitations" first show counts and a preview, and send only once confirmed?"""
    app.config["MAIL_SERVER"] = ""
    submit(field["study"], field["ann"], field["globex"])
    submit(field["study"], field["bea"], field["globex"], draft=True)
    auth(client=client)
    url = f"/consultant/studies/{field['study'].id}/send/invitation"
    page = client.get(url).get_data(as_text=True)
    assert "3 people will receive an invitation" in page
    assert "1 already submitted" in page
    assert "Subject:" in page and "(their own private link)" in page and "/s/" not in page
    assert recipients(tmp_path) == []
    csrf = csrf_from(page)
    blind = client.post(url, data={"csrf_token": csrf, "sides": "both"})
    assert blind.status_code == 409 and recipients(tmp_path) == []
    stale = client.post(url, data={"csrf_token": csrf, "sides": "both", "expected": 4})
    assert stale.status_code == 409 and recipients(tmp_path) == []
    sent = client.post(url, data={"csrf_token": csrf, "sides": "both", "expected": 3})
    assert sent.status_code == 302
    assert recipients(tmp_path) == ["bea@customer.test", "cid@customer.test",
                                    "vic@vendor.test"]


def test_confirmation_counts_by_side_and_status(auth, app, field, client):
    submit(field["study"], field["bea"], field["globex"], draft=True)
    auth(client=client)
    page = client.get(f"/consultant/studies/{field['study'].id}/send/reminder?sides=customer")
    html = page.get_data(as_text=True)
    rows = dict(re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', html))
    number = re.compile(r'<td class="num"[^>]*>(?:<strong>)?(\d+)')
    cells = lambda row: [int(n) for n in number.findall(row)]  # noqa: E731
    # columns: not invited, invited, opened, started, total (the submitted never receive one)
    assert cells(rows["Customer contacts"]) == [2, 0, 0, 1, 3]
    assert cells(rows["Vendor staff"]) == [0, 0, 0, 0, 0]
    assert "1 not in the chosen group" in html


def test_closing_a_wave_needs_confirmation(auth, app, field, client):
    auth(client=client)
    study_id = field["study"].id
    overview = client.get(f"/consultant/studies/{study_id}/").get_data(as_text=True)
    assert f'href="/consultant/studies/{study_id}/close-wave"' in overview
    confirm = client.get(f"/consultant/studies/{study_id}/close-wave").get_data(as_text=True)
    assert "Close wave 1?" in confirm and "You can reopen" in confirm
    db.session.expire_all()
    assert field["study"].current_wave.is_open()
    bad = client.post(f"/consultant/studies/{study_id}/close-wave", data={})
    db.session.expire_all()
    assert bad.status_code == 400 and field["study"].current_wave.is_open()
    client.post(f"/consultant/studies/{study_id}/close-wave",
                data={"csrf_token": csrf_from(confirm)})
    db.session.expire_all()
    assert not field["study"].current_wave.is_open()


def test_a_closed_wave_can_be_reopened_until_the_next_starts(auth, app, field, client, instrument):
    auth(client=client)
    study, study_id = field["study"], field["study"].id
    study.current_wave.closed_at = utcnow()
    db.session.commit()
    url = f"/consultant/studies/{study_id}/reopen-wave"
    page = client.get(url).get_data(as_text=True)
    closes = date.today() + timedelta(days=14)
    done = client.post(url, data={"csrf_token": csrf_from(page), "closes": closes.isoformat()})
    assert done.status_code == 302
    db.session.expire_all()
    wave = study.current_wave
    assert wave.is_open() and wave.closed_at is None and wave.closes_at.date() == (
        closes + timedelta(days=1))
    past = client.post(url, data={"csrf_token": csrf_from(page),
                                  "closes": (date.today() - timedelta(days=3)).isoformat()})
    assert past.status_code == 404  # open again: nothing to reopen
    from vocgap.studies import close_wave, open_wave

    close_wave(wave)
    open_wave(study, instrument, utcnow(), utcnow() + timedelta(days=9))
    db.session.commit()
    with pytest.raises(ValueError, match="a later wave has started"):
        reopen_wave(study.waves[0], utcnow() + timedelta(days=3))


# --- What respondents see -------------------------------------------------------------------

def test_after_close_the_link_says_so_and_thanks_those_who_submitted(client, field):
    submit(field["study"], field["ann"], field["globex"])
    field["study"].current_wave.closed_at = utcnow()
    db.session.commit()
    thanked = client.get(f"/s/{field['atoken']}").get_data(as_text=True)
    assert "This survey has closed" in thanked and "Thank you, Ann Answered" in thanked
    assert "not active" not in thanked
    late = client.get(f"/s/{field['ctoken']}").get_data(as_text=True)
    assert "This survey has closed" in late and "Thank you" not in late


def test_welcome_page_says_who_runs_it_how_long_and_who_sees_what(client, field):
    open_survey(client, field["ctoken"])
    html = client.get("/survey/").get_data(as_text=True)
    assert "Northwind Research" in html and "Vendor acme" in html
    assert re.search(r"About <strong>\d+ minutes</strong>", html)
    assert "never sees your individual answers" in html
    assert "groups of at least 3 people" in html
    assert "rita@northwind.example" in html and "Start the survey" in html


def test_vendor_sees_progress_across_accounts_and_how_many_are_left(client, field):
    open_survey(client, field["vtoken"])
    listing = client.get("/survey/").get_data(as_text=True)
    assert "0 of 2 accounts submitted" in listing and "2 accounts left" in listing
    globex = field["globex"]
    page = client.get(f"/survey/a/{globex.id}/p/1").get_data(as_text=True)
    assert "Account 1 of 2" in page and "Save and go to my accounts" in page
    back = post_page(client, f"/survey/a/{globex.id}/p/1", {"superior_experience": "4"},
                     action="accounts")
    assert back.status_code == 302 and back.headers["Location"].endswith("/survey/")
    assert "In progress" in client.get("/survey/").get_data(as_text=True)
    submit(field["study"], field["vic"], globex)
    thanks = client.get(f"/survey/a/{globex.id}/thanks").get_data(as_text=True)
    assert "1 account left" in thanks and "Continue with Initech" in thanks


def _power_map_page(client, account):
    for number in range(1, 20):
        html = client.get(f"/survey/a/{account.id}/p/{number}").get_data(as_text=True)
        if "contact-card" in html:
            return number, html
    raise AssertionError("no power-map page")


def test_dont_know_this_person_is_stored_as_such_and_not_analysed(client, field):
    """Can a vendor say they don't know a contact, and does that stay out of the power map?"""
    study, globex, ann, bea = field["study"], field["globex"], field["ann"], field["bea"]
    open_survey(client, field["vtoken"])
    number, html = _power_map_page(client, globex)
    assert html.count("I don&#39;t know this person") == 4  # two questions × two contacts
    answers = {f"pm_{ann.id}_support": "dk", f"pm_{ann.id}_influence": "dk",
               f"pm_{bea.id}_support": "strongly_for", f"pm_{bea.id}_influence": "decisive"}
    saved = post_page(client, f"/survey/a/{globex.id}/p/{number}", answers)
    assert saved.status_code == 302
    rating = db.session.scalar(sa.select(PowerMapRating).where(
        PowerMapRating.contact_id == ann.id))
    assert (rating.support, rating.influence) == (None, None)
    assert rating.support_dont_know and rating.influence_dont_know
    again = client.get(f"/survey/a/{globex.id}/p/{number}").get_data(as_text=True)
    assert re.search(rf'name="pm_{ann.id}_support" type="radio" value="dk" checked', again) or (
        re.search(rf'checked[^>]*name="pm_{ann.id}_support"[^>]*value="dk"', again))
    review = client.get(f"/survey/a/{globex.id}/review").get_data(as_text=True)
    assert "I don&#39;t know this person" in review
    # A second vendor who knows Ann rates her a champion; the first one's "don't know" must
    # neither count as a rater nor pull her scores.
    other, _ = gen_vendor(study, [globex], "Val Other")
    response = get_or_create_response(study.current_wave.id, other.id, globex.id)
    save_answers(response, {}, {ann.id: {"support": 5, "influence": 5}})
    submit_response(response)
    db.session.execute(sa.update(Response).values(status="submitted", submitted_at=utcnow()))
    db.session.commit()
    result = analyse_wave(study).to_json()
    account = next(a for a in result["accounts"] if a["account"] == "Globex")
    row = next(p for p in account["power_map"] if p["contact"] == ann.id)
    assert row["vendor_raters"] == 1 and row["vendor_view"] == "champion"
    assert row["vendor_support"] == 5


def test_change_on_the_review_page_comes_back_to_it(client, field):
    globex = field["globex"]
    open_survey(client, field["atoken"])
    review = client.get(f"/survey/a/{globex.id}/review").get_data(as_text=True)
    change = re.search(r'href="([^"]+/p/2\?return=review)"', review)
    assert change, "the Change link asks to come back"
    page = client.get(change.group(1)).get_data(as_text=True)
    assert 'name="return_to" value="review"' in page
    assert "Save and return to your answers" in page
    done = client.post(f"/survey/a/{globex.id}/p/2", data={
        "csrf_token": csrf_from(page), "action": "next", "return_to": "review",
        "trust_right_thing": "2", "trust_promises": "3", "trust_guarded": "4"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/review")
    plain = post_page(client, f"/survey/a/{globex.id}/p/2", {"trust_right_thing": "2",
                                                               "trust_promises": "3",
                                                               "trust_guarded": "4"})
    assert plain.headers["Location"].endswith("/p/3")


# --- What consultants see -------------------------------------------------------------------

def test_each_participant_has_one_status_and_the_counts_add_up(auth, app, field, client):
    """Not invited, invited, opened, started, submitted: each person in exactly one."""
    app.config["MAIL_SERVER"] = ""
    study = field["study"]
    send_batch(study, "invitation", sides=("customer",))
    submit(study, field["ann"], field["globex"])
    submit(study, field["vic"], field["globex"])  # started: one of two accounts
    client.get(f"/s/{field['btoken']}")  # opened, nothing saved
    statuses = {s.person.name: s for s in participant_statuses(study)}
    assert {n: s.status for n, s in statuses.items()} == {
        "Ann Answered": "submitted", "Bea Begun": "opened", "Cid Cold": "invited",
        "Vic Vendor": "started"}
    assert statuses["Vic Vendor"].label == "Started (1 of 2 submitted)"
    assert statuses["Bea Begun"].last_activity_what == "opened the link"
    counts = status_counts(list(statuses.values()))
    assert sum(counts["customer"].values()) == 3 and sum(counts["vendor"].values()) == 1
    auth(client=client)
    overview = client.get(f"/consultant/studies/{study.id}/").get_data(as_text=True)
    assert "1 <span class=\"muted\">of 3 people submitted" in overview
    assert "Account answers: <strong>1 of 2</strong>" in overview
    listing = client.get(f"/consultant/studies/{study.id}/participants/?status=opened")
    html = listing.get_data(as_text=True)
    assert "Bea Begun" in html and "Ann Answered" not in html
    assert "<strong>1</strong> of 4 participants shown" in html
    person = client.get(f"/consultant/studies/{study.id}/participants/{field['vic'].id}/")
    assert "Started (1 of 2 submitted)" in person.get_data(as_text=True)


def test_participants_search_filter_and_csv(auth, app, field, client):
    field["cid"].name = "=HYPERLINK(\"http://evil.example\")"
    db.session.commit()
    auth(client=client)
    base = f"/consultant/studies/{field['study'].id}/participants"
    found = client.get(f"{base}/?q=initech&side=customer").get_data(as_text=True)
    assert "HYPERLINK" in found and "Ann Answered" not in found and "Vic Vendor" not in found
    by_account = client.get(f"{base}/?account={field['globex'].id}").get_data(as_text=True)
    assert "Ann Answered" in by_account and "Vic Vendor" in by_account
    assert "HYPERLINK" not in by_account
    exported = client.get(f"{base}.csv?side=customer")
    assert exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 3 and {r["status"] for r in rows} == {"not invited"}
    assert next(r for r in rows if "HYPERLINK" in r["name"])["name"].startswith("'=")


def test_participants_csv_needs_membership(auth, app, field, client, instrument):
    other = gen_study(instrument, "other")
    auth(client=client)
    assert client.get(f"/consultant/studies/{other.id}/participants.csv").status_code == 404
    client.post("/consultant/logout", data={})
    anonymous = client.application.test_client()
    assert anonymous.get(
        f"/consultant/studies/{field['study'].id}/participants.csv").status_code == 302


def test_invitation_records_keep_their_wave(app, field):
    app.config["MAIL_SERVER"] = ""
    send_batch(field["study"], "invitation")
    waves = set(db.session.scalars(sa.select(Invitation.wave_id)))
    assert waves == {field["study"].current_wave.id}


def test_sender_settings_refuse_header_injection(auth, app, field, client):
    """Can a sender name smuggle a second e-mail header? It is refused with a named error."""
    auth(client=client)
    url = f"/consultant/studies/{field['study'].id}/settings"
    page = client.get(url).get_data(as_text=True)
    sent = client.post(url, data={"csrf_token": csrf_from(page),
                                  "sender_name": "Rita\r\nBcc: all@evil.example",
                                  "contact_email": "not an address"})
    html = sent.get_data(as_text=True)
    assert sent.status_code == 422 and "<title>Error: " in html
    assert "single line" in html and "Invalid email address" in html
    db.session.expire_all()
    assert field["study"].sender_name == "Rita at Northwind"
