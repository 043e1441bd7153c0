"""The privacy notice respondents see: who holds their data, why, for how long, how to ask."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import (
    Answer,
    NoticeAnswer,
    Participant,
    Response,
    Study,
    StudyPrivacy,
    Wave,
    utcnow,
)
from ..models.privacy import DEFAULT_RETENTION_MONTHS


def study_privacy(study: Study) -> StudyPrivacy:
    """The study's privacy settings, created with the defaults the first time they are needed."""
    if study.privacy is None:
        study.privacy = StudyPrivacy(retention_months=DEFAULT_RETENTION_MONTHS, controller="",
                                     purpose="", rights="")
    return study.privacy


def retention_months(study: Study) -> int:
    """Months personal data is kept after the last wave closes (the default when unset)."""
    return study.privacy.retention_months if study.privacy is not None else (
        DEFAULT_RETENTION_MONTHS)


@dataclass(frozen=True)
class Notice:
    """The four things a respondent is told; each is the study's own text or a default."""

    controller: str
    purpose: str
    retention: str
    rights: str

    @property
    def digest(self) -> str:
        """Identifies this wording, so a recorded acknowledgement says which text was shown."""
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()


def study_notice(study: Study) -> Notice:
    """The notice for a study: texts set in its privacy settings, defaults from its details."""
    settings = study.privacy
    vendor = study.vendor.name
    org = study.research_organisation or "The research team"
    months = retention_months(study)
    if study.contact_email:
        whom = f"{study.contact_name or org} at {study.contact_email}"
    elif study.contact_name:
        whom = study.contact_name
    else:
        whom = "the sender of your invitation (reply to the e-mail)"
    return Notice(
        controller=(settings and settings.controller) or (
            f"{org} holds your name, e-mail address and answers for this research, on behalf "
            f"of {vendor}."),
        purpose=(settings and settings.purpose) or (
            f"They are used only to compare how {vendor}'s customers see their relationship "
            f"with {vendor} with how {vendor}'s own staff believe they do, and to report the "
            "results as described here."),
        retention=(
            f"Your name and e-mail address are kept for {months} months after the last round "
            "of this survey closes; after that they are removed and only anonymous answers "
            "remain."),
        rights=(settings and settings.rights) or (
            f"You can ask for a copy of everything stored about you, or for it to be erased, "
            f"by writing to {whom}."),
    )


def _has_answered(person: Participant, wave: Wave) -> bool:
    """A page saved with nothing on it is not yet an answer to the notice."""
    return db.session.scalar(sa.select(sa.exists().where(
        Answer.response_id == Response.id, Response.participant_id == person.id,
        Response.wave_id == wave.id)))


def acknowledge_notice(person: Participant, wave: Wave) -> None:
    """Record, once per wave, that the respondent answered after being shown the notice.

    An insert that does nothing when the row exists: two autosaves at once never fail a save.
    """
    if db.session.get(NoticeAnswer, (person.id, wave.id)) is not None or not _has_answered(
            person, wave):
        return
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(NoticeAnswer.__table__).values(
        participant_id=person.id, wave_id=wave.id, acknowledged_at=utcnow(),
        notice_digest=study_notice(person.study).digest).on_conflict_do_nothing(
        index_elements=["participant_id", "wave_id"]))
