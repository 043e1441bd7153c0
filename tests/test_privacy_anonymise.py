"""Anonymising a study and the retention period (issue 19): identifiers go, results stay."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import sqlalchemy as sa

from vocgap.cli import main
from vocgap.collection.studies import open_wave
from vocgap.extensions import db
from vocgap.findings import analyse_wave
from vocgap.models import Answer, Invitation, Participant, PrivacyEvent, Study, utcnow
from vocgap.privacy.notice import study_privacy
from vocgap.privacy.redact import name_patterns, redact
from vocgap.privacy.retention import add_months, retention_status

from .factories import gen_account, gen_customer, gen_study
from .privacy_data import PHONE, find_everywhere, needles, plant


def _identifiers(study: Study) -> dict[str, tuple[str, str]]:
    return {p.id: (p.name, p.email) for p in db.session.scalars(
        sa.select(Participant).where(Participant.study_id == study.id))}


def test_analysis_is_reproduced_from_an_anonymised_study(app, runner):
    """Is the analysis JSON after anonymising identical to the one before, except that each
    name is replaced by its pseudonym and the planted identifiers are gone from the text?"""
    planted = plant(app)
    study = planted.study
    before = analyse_wave(study).to_json()
    people = _identifiers(study)
    result = runner.invoke(main, ["anonymise", "--study", "demo", "--yes"])
    assert result.exit_code == 0, result.output
    study = db.session.get(Study, study.id)
    after = analyse_wave(study).to_json()
    renamed = _identifiers(study)
    text = json.dumps(before, sort_keys=True)
    for person_id, (name, _email) in people.items():
        text = text.replace(f'"{name}"', json.dumps(renamed[person_id][0]))
    expected = json.loads(text)
    # the planted free text is kept, cleaned of the name, the e-mail and the phone number
    cleaned = {json.dumps(v, sort_keys=True) for a in after["accounts"] for v in a["verbatims"]}
    assert any("[name]" in v and "[e-mail]" in v and "[phone]" in v for v in cleaned)
    for account in expected["accounts"] + after["accounts"]:
        account["verbatims"] = [v for v in account["verbatims"]
                                if planted.email not in v["text"] and "[e-mail]" not in v["text"]]
    assert after == expected
    found = find_everywhere(needles(planted.name, planted.email))
    assert found == []
    for name, email in list(people.values())[:20]:
        assert find_everywhere({"name": name.lower(), "e-mail": email.lower()}) == []


def test_anonymising_can_drop_free_text_and_is_logged(app, runner):
    """With --remove-text, are the open-text answers gone, links dead, e-mails' record gone,
    and the anonymisation logged?"""
    planted = plant(app)
    result = runner.invoke(main, ["anonymise", "--study", "demo", "--remove-text", "--yes"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(sa.func.count(Answer.id)).where(
        Answer.item_id.in_(["one_thing", "best_thing"]))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == 0
    assert all(p.token_revoked_at is not None and p.email == "" for p in db.session.scalars(
        sa.select(Participant)))
    event = db.session.scalar(sa.select(PrivacyEvent))
    assert event.kind == "anonymise" and event.counts["free_text_answers_removed"] > 0
    assert db.session.get(Study, planted.study.id).privacy.anonymised_at is not None


def test_redaction_removes_names_addresses_and_phone_numbers_only():
    """Are names (whole and by part), known and unknown e-mails and phone numbers removed,
    while years, ranges and ordinary words stay?"""
    patterns = name_patterns(["Alex Andersen", "Li"])
    text = ("Alex Andersen (alex@altamira.example, +44 20 7946 0958) told Andersen and alex "
            "about 2024-2025 and a 12% rise; mail ops@other.example or 0171 555 01234. "
            "The alexandrine style stays.")
    out = redact(text, patterns, ["ALEX@ALTAMIRA.EXAMPLE"])
    assert out == ("[name] ([e-mail], [phone]) told [name] and alex about 2024-2025 and a 12% "
                   "rise; mail [e-mail] or [phone]. The alexandrine style stays.")
    assert PHONE not in redact(f"ring {PHONE}", [], [])


def test_retention_dates_and_states(app, instrument):
    """Is a study due its retention period's months after the last wave closed, listed as
    due soon before that, and running while a wave is open?"""
    assert add_months(datetime(2025, 1, 31), 1) == datetime(2025, 2, 28)
    assert add_months(datetime(2024, 11, 30), 15) == datetime(2026, 2, 28)
    running = gen_study(instrument, "running")
    assert retention_status(running).state == "running"
    finished = gen_study(instrument, "finished", open_now=False)
    closed = finished.current_wave.closes_at
    assert retention_status(finished).state == "kept"
    due = add_months(closed, 24)
    assert retention_status(finished, now=due - timedelta(days=40)).state == "kept"
    assert retention_status(finished, now=due - timedelta(days=10)).state == "due_soon"
    assert retention_status(finished, now=due).state == "past"
    finished.current_wave.closed_at = closed - timedelta(days=5)  # closed early by hand
    assert retention_status(finished).due_at == add_months(closed - timedelta(days=5), 24)
    study_privacy(finished).anonymised_at = utcnow()
    assert retention_status(finished, now=due).state == "anonymised"
    open_wave(finished, instrument, utcnow() + timedelta(days=1), utcnow() + timedelta(days=9))
    assert retention_status(finished).state == "running"  # new fieldwork, new personal data


def test_retention_command_lists_and_applies(app, runner, instrument):
    """Does `vocgap retention` list the study past its period and the one due soon, and does
    --apply anonymise only the one past it (logged as retention)?"""

    old = gen_study(instrument, "old", open_now=False)
    soon = gen_study(instrument, "soon", open_now=False)
    later = gen_study(instrument, "later", open_now=False)
    for study, months_ago in ((old, 13), (soon, 12), (later, 2)):
        wave = study.current_wave
        wave.opens_at = add_months(utcnow(), -months_ago) - timedelta(days=30)
        wave.closes_at = add_months(utcnow(), -months_ago) + timedelta(days=5)
        study_privacy(study).retention_months = 12
        gen_customer(study, gen_account(study), name=f"Casey {study.short_name.title()}")
    db.session.commit()
    listed = runner.invoke(main, ["retention"])
    assert listed.exit_code == 0, listed.output
    assert "old (id" in listed.output and "past its retention period" in listed.output
    assert "soon (id" in listed.output and "due soon" in listed.output
    assert "later" not in listed.output and "--apply" in listed.output
    applied = runner.invoke(main, ["retention", "--apply"])
    assert applied.exit_code == 0, applied.output
    assert "Anonymised old" in applied.output and "Anonymised soon" not in applied.output
    names = set(db.session.scalars(sa.select(Participant.name)))
    assert names == {"Customer contact 1", "Casey Soon", "Casey Later"}
    event = db.session.scalar(sa.select(PrivacyEvent))
    assert event.kind == "retention_anonymise" and event.study_id == old.id
