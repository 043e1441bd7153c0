"""Erasing a person (issue 19): nothing of them left in the database, exports, analysis or PDFs."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import openpyxl
import sqlalchemy as sa

from vocgap.cli import main
from vocgap.collection.export import tidy_responses, to_csv_bytes, to_xlsx_bytes
from vocgap.collection.fingerprint import analysis_fingerprint
from vocgap.demo import build_demo
from vocgap.extensions import db
from vocgap.findings import analyse_wave
from vocgap.models import Answer, Participant, PowerMapRating, PrivacyEvent, Response, Study

from .factories import gen_user
from .privacy_data import PHONE, find_everywhere, needles, plant


def _erase(runner, planted, *extra):
    result = runner.invoke(main, ["people", "erase", "--study", "demo", "--email",
                                  planted.email.upper(), "--yes", *extra])
    assert result.exit_code == 0, result.output
    return result


def _closed_answers(person_id: int) -> list[tuple]:
    return sorted(db.session.execute(sa.select(
        Response.wave_id, Response.account_id, Answer.item_id, Answer.value_num)
        .join(Answer).where(Response.participant_id == person_id,
                            Answer.item_id.not_in(["one_thing", "best_thing"]))).all())


def test_erased_person_appears_nowhere_in_the_database(app, runner):
    """After `vocgap people erase`, does any table or column still hold their name, their
    e-mail address or a hash of it, while their closed answers stay, anonymously?"""
    planted = plant(app)
    found = needles(planted.name, planted.email)
    before = find_everywhere(found)
    assert any(h.startswith("participant.name") for h in before)  # the scan sees them
    assert any(h.startswith("answer.value_text") for h in before)
    assert any(h.startswith("invitation.error") for h in before)
    closed = _closed_answers(planted.person_id)
    assert closed

    result = _erase(runner, planted)

    assert "Erased participant" in result.output
    assert find_everywhere(found) == []
    assert _closed_answers(planted.person_id) == closed
    person = db.session.get(Participant, planted.person_id)
    assert person.erased_at is not None and person.email == ""
    assert db.session.scalar(sa.select(sa.func.count(PowerMapRating.id)).where(
        PowerMapRating.contact_id == planted.person_id)) == 0
    assert PHONE not in json.dumps([a.value_text for a in db.session.scalars(sa.select(Answer))])


def test_the_erasure_log_says_who_when_and_what_but_not_whom(app, runner):
    """Is the erasure logged (who, when, what kind, which study) without the erased data?"""
    planted = plant(app)
    typed = db.session.scalar(sa.select(sa.func.count(Answer.id)).join(Response).where(
        Response.participant_id == planted.person_id,
        Answer.item_id.in_(["one_thing", "best_thing"])))
    _erase(runner, planted)
    event = db.session.scalar(sa.select(PrivacyEvent))
    assert event.kind == "erase" and event.study_id == planted.study.id
    assert event.actor.startswith("command line")
    assert event.counts["free_text_answers_removed"] == typed >= 1
    assert event.counts["power_map_ratings_about_them_removed"] > 0
    assert event.counts["mentions_removed"] == 1
    assert event.counts["sent_e_mails_deleted"] == 1
    row = json.dumps([event.actor, event.study_label, event.counts]).lower()
    assert not any(n in row for n in needles(planted.name, planted.email).values())


def test_erasure_deletes_their_sent_e_mails_and_the_studys_reports(app, runner):
    """Are the outbox messages to them and the study's generated PDFs deleted (and nothing
    else: other recipients' mail and another study's reports stay)?"""
    planted = plant(app)
    reports = Path(app.config["REPORTS_DIR"])
    reports.mkdir(parents=True)
    (reports / "demo-w2-altamira-foods-consultant.pdf").write_bytes(b"%PDF")
    (reports / "batches" / "demo-0123456789ab").mkdir(parents=True)
    (reports / "batches" / "demo-0123456789ab" / "all.zip").write_bytes(b"PK")
    (reports / "other-w1-portfolio-consultant.pdf").write_bytes(b"%PDF")
    namesake = reports / "batches" / "demo-aaaaaaaaaaaa"  # another consultant's "demo"
    namesake.mkdir()
    (namesake / "status.json").write_text(json.dumps({"owner": "999", "total": 1}))
    outbox = Path(app.config["MAIL_OUTBOX_DIR"])
    assert len(list(outbox.glob("*.eml"))) == 2
    _erase(runner, planted)
    assert sorted(str(p.relative_to(reports)) for p in reports.rglob("*") if p.is_file()) == [
        "batches/demo-aaaaaaaaaaaa/status.json", "other-w1-portfolio-consultant.pdf"]
    left = [p.read_text() for p in outbox.glob("*.eml")]
    assert len(left) == 1 and "someone.else@example.test" in left[0]


def test_full_deletion_removes_their_answers_from_the_analysis(app, runner):
    """With --full, are their responses gone too, so the analysis counts one person fewer?"""
    planted = plant(app)
    study = planted.study

    def customers_heard() -> int:
        data = analyse_wave(study).to_json()
        account = next(a for a in data["accounts"] if a["account"] == planted.account)
        return account["respondents"]["customer"]

    before = customers_heard()
    _erase(runner, planted, "--full")
    assert db.session.get(Participant, planted.person_id) is None
    assert db.session.scalar(sa.select(sa.func.count(Response.id)).where(
        Response.participant_id == planted.person_id)) == 0
    assert customers_heard() == before - 1
    assert find_everywhere(needles(planted.name, planted.email)) == []
    assert db.session.scalar(sa.select(PrivacyEvent.kind)) == "erase_full"


def test_erasing_a_vendor_invalidates_the_cached_analysis(app, runner, auth):
    """Does the analysis page (cached by fingerprint) stop showing an erased vendor's name at
    once, and does the JSON analysis no longer contain it?"""
    study, _ = build_demo(app.config["SURVEYS_DIR"])
    vendor = db.session.scalars(sa.select(Participant).where(
        Participant.side == "vendor").order_by(Participant.id)).first()
    gen_user(study=study)
    client = auth()
    name, email = vendor.name, vendor.email
    key = analysis_fingerprint(study, study.current_wave)
    page = client.get(f"/consultant/studies/{study.id}/analysis/").get_data(as_text=True)
    assert name in page
    assert name in json.dumps(analyse_wave(study).to_json())
    result = runner.invoke(main, ["people", "erase", "--study", "demo", "--email", email,
                                  "--yes"])
    assert result.exit_code == 0, result.output
    study = db.session.get(Study, study.id)
    assert analysis_fingerprint(study, study.current_wave) != key
    page = client.get(f"/consultant/studies/{study.id}/analysis/").get_data(as_text=True)
    assert name not in page
    assert name not in json.dumps(analyse_wave(study).to_json())


def test_erasing_only_free_text_still_changes_the_fingerprint(app):
    """A rating about someone lives in another person's response: does removing it still
    change the analysis fingerprint (the responses' update time is bumped)?"""
    from vocgap.privacy.erase import touch_responses

    planted = plant(app)
    study = planted.study
    key = analysis_fingerprint(study, study.current_wave)
    response_id = db.session.scalar(sa.select(PowerMapRating.response_id).where(
        PowerMapRating.contact_id == planted.person_id))
    touch_responses([response_id])
    db.session.commit()
    assert analysis_fingerprint(study, study.current_wave) != key


def test_exports_after_erasure_do_not_name_them(app, runner):
    """Do the CSV and XLSX exports, even with identities, lose their name and e-mail?"""
    planted = plant(app)
    study = planted.study
    frame = tidy_responses(study, identify=True)
    assert planted.name in to_csv_bytes(frame).decode("utf-8-sig")
    _erase(runner, planted)
    study = db.session.get(Study, study.id)
    frame = tidy_responses(study, identify=True)
    csv = to_csv_bytes(frame).decode("utf-8-sig").lower()
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame, study.current_wave.instrument)))
    cells = " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row).lower()
    for text in (csv, cells):
        assert planted.name.lower() not in text and planted.email.lower() not in text
        assert PHONE not in text


def test_a_rerendered_pdf_does_not_name_them(app, runner, tmp_path):
    """Does the account PDF, rendered again after the erasure, lose the name they typed?"""
    planted = plant(app)
    out = Path(app.config["REPORTS_DIR"])

    def render() -> str:
        result = runner.invoke(main, ["report", "--study", "demo", "--account", planted.account,
                                      "--workers", "1", "--local", "--no-portfolio"])
        assert result.exit_code == 0, result.output
        (pdf,) = out.glob("*.pdf")
        return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout

    assert planted.name in " ".join(render().split())
    _erase(runner, planted)
    assert list(out.glob("*.pdf")) == []  # deleted by the erasure
    text = " ".join(render().split())
    assert planted.name not in text and planted.email not in text and PHONE not in text


def test_erase_names_what_it_could_not_find(app, runner):
    """Does an unknown e-mail or a missing choice give a clear error and change nothing?"""
    plant(app)
    result = runner.invoke(main, ["people", "erase", "--study", "demo", "--email",
                                  "nobody@nowhere.test", "--yes"])
    assert result.exit_code != 0 and "no participant with e-mail address" in result.output
    result = runner.invoke(main, ["people", "erase", "--study", "demo", "--yes"])
    assert result.exit_code != 0 and "--email or --participant" in result.output
    assert db.session.scalar(sa.select(sa.func.count(PrivacyEvent.id))) == 0


def test_mentions_are_scrubbed_by_whole_name_and_address_only():
    """In colleagues' text, are the erased person's whole name (any case) and address removed,
    while a first name alone and a one-word name's ordinary word stay?"""
    from vocgap.privacy.erase import _scrub, _whole_name

    patterns = [_whole_name("Alex  Andersen"), _whole_name("May")]
    assert _scrub("May said we may ask ALEX ANDERSEN, Alex, or Alex@Altamira.example.",
                  patterns, ["alex@altamira.example"]) == (
        "[name] said we may ask [name], Alex, or [e-mail].")


def test_erasure_follows_cascades_into_tables_other_features_add(app, runner):
    """A feature's own table hanging off answers (a verbatim theme quoting the text) and off
    participants (an action about a contact): does erasure clear them through the database's
    cascades, so the whole-database scan stays clean without this module knowing them?"""
    planted = plant(app)
    extra = sa.MetaData()
    themes = sa.Table("theme_code_probe", extra, sa.Column("id", sa.Integer, primary_key=True),
                      sa.Column("answer_id", sa.ForeignKey("answer.id", ondelete="CASCADE")),
                      sa.Column("quote", sa.Text))
    actions = sa.Table("action_probe", extra, sa.Column("id", sa.Integer, primary_key=True),
                       sa.Column("contact_id", sa.ForeignKey("participant.id",
                                                             ondelete="CASCADE")),
                       sa.Column("note", sa.Text))
    sa.Table("answer", extra, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("participant", extra, sa.Column("id", sa.Integer, primary_key=True))
    extra.create_all(db.engine, tables=[themes, actions])
    typed = db.session.scalars(sa.select(Answer).join(Response).where(
        Response.participant_id == planted.person_id, Answer.item_id == "one_thing")).all()
    with db.engine.begin() as conn:
        conn.execute(themes.insert(), [{"answer_id": a.id, "quote": a.value_text}
                                       for a in typed])
        conn.execute(actions.insert(), [{"contact_id": planted.person_id,
                                         "note": f"Call {planted.name} weekly"}])
    found = needles(planted.name, planted.email)
    assert any(h.startswith("theme_code_probe.quote") for h in find_everywhere(found))
    _erase(runner, planted, "--full")
    assert find_everywhere(found) == []
    with db.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(themes)).scalar() == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(actions)).scalar() == 0
