"""The privacy notice respondents see: who holds their data, why, for how long, how to ask."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
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
    """The notice for a study, in the current locale: texts set in its privacy settings, or
    defaults written from its organisation, vendor, contact and retention period."""
    settings = study.privacy
    vendor = study.vendor.name
    org = study.research_organisation or _("The research team")
    if study.contact_email:
        whom = _("%(name)s at %(address)s", address=study.contact_email,
                 name=study.contact_name or study.research_organisation or _(
                     "the research team"))
    elif study.contact_name:
        whom = study.contact_name
    else:
        whom = _("the sender of your invitation (reply to the e-mail)")
    return Notice(
        controller=(settings and settings.controller) or _(
            "%(org)s holds your name, e-mail address and answers for this research, on behalf "
            "of %(vendor)s.", org=org, vendor=vendor),
        purpose=(settings and settings.purpose) or _(
            "They are used only to compare how %(vendor)s's customers see their relationship "
            "with %(vendor)s with how %(vendor)s's own staff believe they do, and to report the "
            "results as described here.", vendor=vendor),
        retention=_(
            "Your name and e-mail address are kept for %(months)s months after the last round "
            "of this survey closes; after that they are removed and only anonymous answers "
            "remain.", months=retention_months(study)),
        rights=(settings and settings.rights) or _(
            "You can ask for a copy of everything stored about you, or for it to be erased, by "
            "writing to %(whom)s.", whom=whom),
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
