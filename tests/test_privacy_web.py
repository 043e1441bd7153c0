"""Personal data in the workspace and on the survey (issue 19): erase, a person's data, the
privacy settings and notice, anonymising, and the retention overview."""

from __future__ import annotations

import email
import io
import json
from datetime import timedelta
from pathlib import Path

import openpyxl
import sqlalchemy as sa

from vocgap.cli import main
from vocgap.collection.invitations import send_batch
from vocgap.extensions import db
from vocgap.models import (
    Answer,
    NoticeAnswer,
    Participant,
    PowerMapRating,
    PrivacyEvent,
    Response,
    Study,
    StudyMember,
    utcnow,
)
from vocgap.privacy.erase import erase_person
from vocgap.privacy.notice import study_notice

from .factories import gen_account, gen_customer, gen_study, gen_user, gen_vendor
from .helpers import csrf_from, open_survey, post_page
from .privacy_data import find_everywhere, needles, plant


def _member(study: Study, email: str = "consultant@test.example"):
    return gen_user(email=email, study=study)


def test_erase_button_confirms_then_erases(app, auth):
    """Does the participant page lead to a confirmation page, and does only a confirmed POST
    with its CSRF token erase the person (closed answers kept by default)?"""
    planted = plant(app)
    _member(planted.study)
    client = auth()
    base = f"/consultant/studies/{planted.study.id}/participants/{planted.person_id}"
    page = client.get(base + "/").get_data(as_text=True)
    assert f"{base}/erase" in page and "Download their data" in page
    confirm = client.get(base + "/erase")
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "cannot be undone" in html
    refused = client.post(base + "/erase", data={"scope": "anonymous"})
    assert refused.status_code == 400
    assert db.session.get(Participant, planted.person_id).name == planted.name
    done = client.post(base + "/erase", data={"scope": "anonymous",
                                              "csrf_token": csrf_from(html)})
    assert done.status_code == 302
    assert find_everywhere(needles(planted.name, planted.email)) == []
    assert db.session.scalar(sa.select(sa.func.count(Response.id)).where(
        Response.participant_id == planted.person_id)) > 0
    event = db.session.scalar(sa.select(PrivacyEvent))
    assert event.actor.startswith("consultant consultant@test.example")
    after = client.get(base + "/").get_data(as_text=True)
    assert "was erased on" in after and planted.name not in after


def test_full_erasure_from_the_workspace(app, auth):
    """Does choosing full deletion remove the participant and their responses?"""
    planted = plant(app)
    _member(planted.study)
    client = auth()
    url = f"/consultant/studies/{planted.study.id}/participants/{planted.person_id}/erase"
    token = csrf_from(client.get(url).get_data(as_text=True))
    assert client.post(url, data={"scope": "full", "csrf_token": token}).status_code == 302
    assert db.session.get(Participant, planted.person_id) is None
    assert find_everywhere(needles(planted.name, planted.email)) == []


def test_another_consultant_cannot_erase_or_export(app, auth):
    """Are the erase page and the data download 404 for a consultant outside the study?"""
    planted = plant(app)
    gen_user(email="outsider@test.example")
    client = auth("outsider@test.example")
    base = f"/consultant/studies/{planted.study.id}/participants/{planted.person_id}"
    assert client.get(base + "/erase").status_code == 404
    token = csrf_from(client.get("/consultant/password").get_data(as_text=True))
    assert client.post(base + "/data.json", data={"csrf_token": token}).status_code == 404
    assert client.post(base + "/erase", data={"csrf_token": token,
                                              "scope": "full"}).status_code == 404
    assert db.session.get(Participant, planted.person_id).name == planted.name


def test_a_persons_data_covers_every_study_the_consultant_may_see(app, auth, instrument):
    """Does the JSON download hold their identity, answers with the question wording, and what
    vendor staff said about them, from each of the consultant's studies and no other's?"""
    mine = gen_study(instrument, "mine")
    also = gen_study(instrument, "also")
    theirs = gen_study(instrument, "theirs")
    people = {}
    for study in (mine, also, theirs):
        account = gen_account(study, "Globex")
        people[study.short_name], _ = gen_customer(study, account, name="Casey Customer")
        vendor, _ = gen_vendor(study, [account], name="Vic Vendor")
        response = Response(wave=study.current_wave, participant=people[study.short_name],
                            account=account, status="submitted", submitted_at=utcnow())
        response.answers.append(Answer(item_id="one_thing", value_text="Answer the phone."))
        response.answers.append(Answer(item_id="superior_experience", value_num=4.0))
        rated = Response(wave=study.current_wave, participant=vendor, account=account,
                         status="submitted", submitted_at=utcnow())
        rated.power_map.append(PowerMapRating(contact=people[study.short_name], support=2,
                                              influence=5))
        db.session.add_all([response, rated])
    db.session.commit()
    db.session.add(StudyMember(study=also, user=_member(mine)))
    gen_user(email="other@test.example", study=theirs)
    client = auth()
    url = f"/consultant/studies/{mine.id}/participants/{people['mine'].id}/data.json"
    token = csrf_from(client.get(url.rsplit("/", 1)[0] + "/").get_data(as_text=True))
    got = client.post(url, data={"csrf_token": token})
    assert got.status_code == 200 and "attachment" in got.headers["Content-Disposition"]
    record = json.loads(got.data)
    assert [s["study"] for s in record["studies"]] == ["Study mine", "Study also"]
    first = record["studies"][0]
    assert first["as_participant"]["name"] == "Casey Customer"
    questions = {a["question"]: a["answer"] for a in first["responses"][0]["answers"]}
    assert questions["What is the one thing Vendor mine should do differently?"] == (
        "Answer the phone.")
    assert first["power_map_ratings_about_them"] == [{
        "wave": 1, "account": "Globex", "rated_by": "Vendor staff (Account manager)",
        "support": "Somewhat against", "influence": "Decisively: it is largely my call",
        "submitted": True}]
    assert "Vic Vendor" not in got.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(PrivacyEvent.id)).where(
        PrivacyEvent.kind == "subject_export")) == 2
    xlsx = client.post(url.replace(".json", ".xlsx"), data={"csrf_token": token})
    book = openpyxl.load_workbook(io.BytesIO(xlsx.data))
    assert {"about", "person", "answers", "rated_by_vendor"} <= set(book.sheetnames)
    cells = [c.value for row in book["answers"].iter_rows() for c in row]
    assert "Answer the phone." in cells


def test_people_export_command_writes_json_and_xlsx(app, runner, tmp_path):
    """Does `vocgap people export` write everything about one address in both formats?"""
    planted = plant(app)
    out = tmp_path / "person.json"
    result = runner.invoke(main, ["people", "export", "--email", planted.email.upper(),
                                  "--out", str(out)])
    assert result.exit_code == 0, result.output
    record = json.loads(out.read_text())
    (entry,) = record["studies"]
    assert entry["as_participant"]["email"] == planted.email
    assert entry["power_map_ratings_about_them"] and entry["e_mails"] and entry["link_visits"]
    assert entry["privacy_notice_acknowledged"]
    assert len(entry["responses"]) == 2  # both waves
    xlsx = tmp_path / "person.xlsx"
    result = runner.invoke(main, ["people", "export", "--email", planted.email, "--format",
                                  "xlsx", "--out", str(xlsx)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(xlsx)
    assert book["person"]["A2"].value == planted.study.name


def test_privacy_settings_change_the_notice_respondents_see(app, auth, instrument, tmp_path):
    """Do the retention period and a custom text reach the welcome page and the invitation,
    and is the respondent's answer to the notice recorded when they first save?"""
    study = gen_study(instrument)
    account = gen_account(study)
    person, token = gen_customer(study, account)
    _member(study)
    client = auth()
    url = f"/consultant/studies/{study.id}/privacy"
    page = client.get(url).get_data(as_text=True)
    bad = client.post(url, data={"csrf_token": csrf_from(page), "retention_months": "0"})
    assert bad.status_code == 422
    saved = client.post(url, data={"csrf_token": csrf_from(page), "retention_months": "6",
                                   "rights": "Write to dpo@research.example."})
    assert saved.status_code == 302
    assert study_notice(study).rights == "Write to dpo@research.example."
    assert "for 6 months" in study_notice(study).retention

    send_batch(study, "invitation")
    (message,) = Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml")
    parsed = email.message_from_bytes(message.read_bytes())
    bodies = [part.get_payload(decode=True).decode() for part in parsed.walk()
              if part.get_content_type() in ("text/plain", "text/html")]
    assert len(bodies) == 2
    for body in bodies:
        assert "Your personal data" in body
        assert "dpo@research.example" in body and "6 months" in body

    respondent = app.test_client()
    start = open_survey(respondent, token)
    welcome = respondent.get(start).get_data(as_text=True)
    assert "Your personal data" in welcome and "dpo@research.example" in welcome
    assert db.session.get(NoticeAnswer, (person.id, study.current_wave.id)) is None
    post_page(respondent, f"/survey/a/{account.id}/p/1", {}, action="later")
    assert db.session.get(NoticeAnswer, (person.id, study.current_wave.id)) is None  # no answer
    answered = post_page(respondent, f"/survey/a/{account.id}/p/1",
                         {"superior_experience": "4"}, action="later")
    assert answered.status_code == 302
    record = db.session.get(NoticeAnswer, (person.id, study.current_wave.id))
    assert record is not None and record.notice_digest == study_notice(study).digest


def test_anonymise_from_the_workspace(app, auth):
    """Does the privacy page lead to a confirmed anonymisation, then say it was done?"""
    planted = plant(app)
    _member(planted.study)
    client = auth()
    url = f"/consultant/studies/{planted.study.id}/anonymise"
    html = client.get(url).get_data(as_text=True)
    assert "cannot be undone" in html
    assert client.post(url, data={}).status_code == 400
    done = client.post(url, data={"csrf_token": csrf_from(html), "keep_text": "y"})
    assert done.status_code == 302
    page = client.get(f"/consultant/studies/{planted.study.id}/privacy").get_data(as_text=True)
    assert "was anonymised on" in page and "anonymise" in page
    assert find_everywhere(needles(planted.name, planted.email)) == []


def test_studies_overview_shows_what_is_due(app, auth, instrument):
    """Does the studies overview list a study past its retention period, and not others?"""
    old = gen_study(instrument, "old", open_now=False)
    wave = old.current_wave
    wave.opens_at, wave.closes_at = utcnow() - timedelta(days=900), utcnow() - timedelta(
        days=800)
    fresh = gen_study(instrument, "fresh", open_now=False)
    db.session.commit()
    db.session.add(StudyMember(study=fresh, user=_member(old)))
    db.session.commit()
    page = auth().get("/consultant/").get_data(as_text=True)
    assert "Personal data due for anonymisation" in page
    section = page.split("Personal data due for anonymisation")[1].split("</section>")[0]
    assert "Study old" in section and "past its retention period" in section
    assert "Study fresh" not in section


def test_an_erased_respondent_cannot_go_on_answering(app, instrument):
    """Does an erasure end a respondent's open survey session, so that nothing more they type
    is stored against the erased record?"""
    study = gen_study(instrument)
    account = gen_account(study)
    person, token = gen_customer(study, account)
    respondent = app.test_client()
    start = open_survey(respondent, token)
    assert respondent.get(start).status_code == 200
    erase_person(person, actor="test")
    page = respondent.get(f"/survey/a/{account.id}/p/1")
    assert page.status_code == 404
    assert respondent.get(f"/s/{token}").status_code == 404
