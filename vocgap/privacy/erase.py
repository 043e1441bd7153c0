"""Erase one person: identity, link, e-mails, free text and the power-map ratings about them.

Their closed answers stay as an anonymous respondent (so the study's results do not shift)
unless the consultant asks for full deletion. Everything is removed with SQL deletes that rely
on the database's ON DELETE CASCADE, so tables that other features add to a response, an answer
or a participant follow without this module knowing them.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    Answer,
    Invitation,
    LinkVisit,
    NoticeAnswer,
    Participant,
    PowerMapRating,
    Response,
    Study,
    participant_account,
    utcnow,
)
from .files import remove_outbox_messages, remove_study_reports
from .log import log_event
from .records import clean_records
from .redact import EMAIL_MARK, NAME_MARK


@dataclass
class ErasureResult:
    """What an erasure removed, in counts only (the log keeps the same numbers)."""

    kind: str
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        done = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in self.counts.items() if v)
        return done or "nothing else was stored"


def open_text_items(study: Study) -> dict[int, set[str]]:
    """Per wave, the ids of the items whose answers are typed text."""
    return {w.id: {i.id for i in w.instrument.items if i.type == "open_text"}
            for w in study.waves}


def touch_responses(ids) -> None:
    """Bump the responses' update time: the analysis fingerprint then changes, so no cached
    analysis built before the change is served again."""
    ids = list(set(ids))
    if ids:
        db.session.execute(sa.update(Response).where(Response.id.in_(ids))
                           .values(updated_at=utcnow()).execution_options(
                               synchronize_session=False))


def scrub_mentions(study: Study, names: list[str], emails: list[str]) -> int:
    """Remove the person's name and e-mail from every other answer's text in the study."""
    patterns = [_whole_name(n) for n in names if n and n.strip()]
    rows = db.session.execute(
        sa.select(Answer.id, Answer.value_text, Answer.response_id)
        .join(Response, Response.id == Answer.response_id)
        .join(Participant, Participant.id == Response.participant_id)
        .where(Participant.study_id == study.id, Answer.value_text.is_not(None))).all()
    changed = 0
    for answer_id, text, response_id in rows:
        clean = _scrub(text, patterns, emails)
        if clean != text:
            db.session.execute(sa.update(Answer).where(Answer.id == answer_id)
                               .values(value_text=clean).execution_options(
                                   synchronize_session=False))
            touch_responses([response_id])
            changed += 1
    return changed


def _whole_name(name: str) -> re.Pattern:
    """A whole name in any case; a one-word name only as written ("May" is not "may")."""
    name = " ".join(name.split())
    flags = re.IGNORECASE if " " in name else 0
    return re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", flags)


def _scrub(text: str, patterns, emails: list[str]) -> str:
    """Only the whole name and the e-mail: a first name alone may be someone else's."""
    for address in (e for e in emails if e):
        text = re.sub(re.escape(address), EMAIL_MARK, text, flags=re.IGNORECASE)
    for pattern in patterns:
        text = pattern.sub(NAME_MARK, text)
    return text


def erase_person(person: Participant, *, actor: str, full: bool = False,
                 reports_dir: str | Path | None = None,
                 outbox_dir: str | Path | None = None) -> ErasureResult:
    """Erase the person and commit, then delete the study's reports and their sent e-mails."""
    study, email, name = person.study, person.email, person.name
    person_id = person.id
    responses = list(db.session.scalars(sa.select(Response).where(
        Response.participant_id == person_id)))
    counts: dict[str, int] = {"responses_kept": 0, "responses_deleted": 0}
    texts = open_text_items(study)
    text_answers = [a.id for r in responses for a in r.answers
                    if a.item_id in texts.get(r.wave_id, set())]
    rated_in = list(db.session.scalars(sa.select(PowerMapRating.response_id).where(
        PowerMapRating.contact_id == person_id)))
    counts["free_text_answers_removed"] = len(text_answers)
    counts["power_map_ratings_about_them_removed"] = len(rated_in)
    db.session.flush()
    _delete(sa.delete(Answer).where(Answer.id.in_(text_answers)))
    _delete(sa.delete(PowerMapRating).where(PowerMapRating.contact_id == person_id))
    touch_responses(rated_in)
    counts["e_mails_removed"] = _delete(sa.delete(Invitation).where(
        Invitation.participant_id == person_id))
    counts["link_visits_removed"] = _delete(sa.delete(LinkVisit).where(
        LinkVisit.participant_id == person_id))
    _delete(sa.delete(NoticeAnswer).where(NoticeAnswer.participant_id == person_id))
    if full:
        counts["responses_deleted"] = _delete(sa.delete(Response).where(
            Response.participant_id == person_id))
        _delete(sa.delete(participant_account).where(
            participant_account.c.participant_id == person_id))
        _delete(sa.delete(Participant).where(Participant.id == person_id))
    else:
        counts["responses_kept"] = len(responses)
        touch_responses(r.id for r in responses)
        person.name = f"Erased respondent {person_id}"
        person.email = ""
        person.consent_attribution = False
        person.token_nonce = secrets.token_hex(16)
        person.token_hash = secrets.token_hex(32)  # no token derives to this: the link is dead
        person.token_revoked_at = person.erased_at = utcnow()
    counts["mentions_removed"] = scrub_mentions(study, [name], [email])
    patterns = [_whole_name(name)] if name and name.strip() else []
    counts["actions_and_owners_cleaned"] = clean_records(
        study, lambda text: _scrub(text, patterns, [email]), [email])
    kind = "erase_full" if full else "erase"
    event = log_event(kind, actor, study, counts)
    db.session.commit()
    db.session.expire_all()
    counts["report_files_deleted"] = remove_study_reports(reports_dir, study)
    counts["sent_e_mails_deleted"] = remove_outbox_messages(outbox_dir, {email})
    event.counts = dict(counts)
    db.session.commit()
    return ErasureResult(kind, counts)


def _delete(statement) -> int:
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount
