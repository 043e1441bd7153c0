"""Personal data: retention and notice settings per study, notice answers, the privacy log."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .base import utcnow
from .study import Study

DEFAULT_RETENTION_MONTHS = 24
EVENT_KINDS = ("erase", "erase_full", "anonymise", "retention_anonymise", "subject_export")


class StudyPrivacy(db.Model):
    """How long a study keeps personal data, what its notice says, and when it was anonymised."""

    __table_args__ = (
        sa.CheckConstraint("retention_months BETWEEN 1 AND 240", name="retention_range"),
    )

    study_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("study.id", ondelete="CASCADE"), primary_key=True)
    retention_months: so.Mapped[int] = so.mapped_column(default=DEFAULT_RETENTION_MONTHS)
    # Empty texts mean "use the defaults written from the study's own settings".
    controller: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    purpose: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    rights: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    anonymised_at: so.Mapped[datetime | None]

    study: so.Mapped[Study] = so.relationship(backref=so.backref(
        "privacy", uselist=False, cascade="all, delete-orphan", passive_deletes=True))


class NoticeAnswer(db.Model):
    """A respondent's acknowledgement of the privacy notice: when, in which wave, which text."""

    participant_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True)
    wave_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("wave.id", ondelete="CASCADE"), primary_key=True)
    acknowledged_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    # A digest of the notice text shown, so the wording they saw can be established later.
    notice_digest: so.Mapped[str] = so.mapped_column(sa.String(64))


class PrivacyEvent(db.Model):
    """One erasure, anonymisation or subject export: who, when, what kind, which study, counts.

    Never the erased data: no name, no e-mail address and no hash of either.
    """

    __table_args__ = (
        sa.CheckConstraint(
            "kind IN ('erase', 'erase_full', 'anonymise', 'retention_anonymise', "
            "'subject_export')", name="kind_known"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    actor: so.Mapped[str] = so.mapped_column(sa.String(300))
    kind: so.Mapped[str] = so.mapped_column(sa.String(24))
    study_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("study.id", ondelete="SET NULL"), index=True)
    study_label: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    counts: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
