"""Anonymise a finished study: pseudonyms for everyone, no e-mails or links, text cleaned or cut.

What the analysis reads (accounts, roles, functions, consent to attribution, every closed answer
and power-map rating) stays as it was, so the analysis and the reports are reproduced from what
remains with only the identifiers changed.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import sqlalchemy as sa

from ..extensions import db
from ..models import Answer, Invitation, LinkVisit, Participant, Response, Study, utcnow
from .erase import ErasureResult, open_text_items, touch_responses
from .files import remove_outbox_messages, remove_study_reports
from .log import log_event
from .notice import study_privacy
from .records import clean_records
from .redact import name_patterns, redact

PSEUDONYMS = {"customer": "Customer contact", "vendor": "Vendor staff"}


def anonymise_study(study: Study, *, actor: str, keep_text: bool = True,
                    kind: str = "anonymise", reports_dir: str | Path | None = None,
                    outbox_dir: str | Path | None = None) -> ErasureResult:
    """Replace every identifying field of the study and commit; free text kept only cleaned."""
    people = list(db.session.scalars(sa.select(Participant).where(
        Participant.study_id == study.id).order_by(Participant.side, Participant.id)))
    names = [p.name for p in people if p.erased_at is None]
    emails = sorted({p.email for p in people if p.email})
    counts = {"participants_anonymised": len(people)}
    counts["free_text_answers_cleaned"], counts["free_text_answers_removed"] = _free_text(
        study, names, emails, keep_text)
    patterns = name_patterns(names)
    counts["actions_and_owners_cleaned"] = clean_records(
        study, lambda text: redact(text, patterns, emails), every_owner=True)
    numbers: dict[str, int] = {}
    for person in people:
        numbers[person.side] = numbers.get(person.side, 0) + 1
        person.name = f"{PSEUDONYMS.get(person.side, 'Participant')} {numbers[person.side]}"
        person.email = ""
        person.token_nonce = secrets.token_hex(16)
        person.token_hash = secrets.token_hex(32)
        person.token_revoked_at = person.token_revoked_at or utcnow()
    ids = [p.id for p in people]
    counts["e_mails_removed"] = db.session.execute(sa.delete(Invitation).where(
        Invitation.participant_id.in_(ids)).execution_options(
        synchronize_session=False)).rowcount
    counts["link_visits_removed"] = db.session.execute(sa.delete(LinkVisit).where(
        LinkVisit.participant_id.in_(ids)).execution_options(
        synchronize_session=False)).rowcount
    touch_responses(db.session.scalars(sa.select(Response.id).where(
        Response.participant_id.in_(ids))))
    study_privacy(study).anonymised_at = utcnow()
    event = log_event(kind, actor, study, counts)
    db.session.commit()
    counts["report_files_deleted"] = remove_study_reports(reports_dir, study)
    counts["sent_e_mails_deleted"] = remove_outbox_messages(outbox_dir, set(emails))
    event.counts = dict(counts)
    db.session.commit()
    return ErasureResult(kind, counts)


def _free_text(study: Study, names: list[str], emails: list[str],
               keep_text: bool) -> tuple[int, int]:
    """Clean (or delete) every open-text answer; returns (cleaned, removed)."""
    texts = open_text_items(study)
    rows = db.session.execute(
        sa.select(Answer.id, Answer.item_id, Answer.value_text, Response.wave_id)
        .join(Response, Response.id == Answer.response_id)
        .join(Participant, Participant.id == Response.participant_id)
        .where(Participant.study_id == study.id, Answer.value_text.is_not(None))).all()
    patterns = name_patterns(names)
    cleaned = removed = 0
    for answer_id, item_id, text, wave_id in rows:
        if item_id not in texts.get(wave_id, set()):
            continue
        if not keep_text:
            db.session.execute(sa.delete(Answer).where(Answer.id == answer_id)
                               .execution_options(synchronize_session=False))
            removed += 1
            continue
        clean = redact(text, patterns, emails)
        if clean != text:
            db.session.execute(sa.update(Answer).where(Answer.id == answer_id)
                               .values(value_text=clean).execution_options(
                                   synchronize_session=False))
            cleaned += 1
    return cleaned, removed
