"""What respondents give us: one response per participant, account and wave, and its answers."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .base import utcnow
from .people import Participant
from .study import Account, Wave


class Response(db.Model):
    """A participant's answers about one account in one wave: a draft until submitted."""

    __table_args__ = (
        sa.UniqueConstraint("wave_id", "participant_id", "account_id", name="uq_response_once"),
        sa.CheckConstraint("status IN ('draft', 'submitted')", name="status_known"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    wave_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("wave.id"), index=True)
    participant_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    account_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("account.id"), index=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default="draft")
    source: so.Mapped[str] = so.mapped_column(sa.String(20), default="web")
    # The language the respondent answered in: its verbatims are in this language.
    language: so.Mapped[str] = so.mapped_column(sa.String(16), default="en", server_default="en")
    started_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: so.Mapped[datetime | None]

    wave: so.Mapped[Wave] = so.relationship()
    participant: so.Mapped[Participant] = so.relationship()
    account: so.Mapped[Account] = so.relationship()
    answers: so.Mapped[list[Answer]] = so.relationship(
        back_populates="response", cascade="all, delete-orphan"
    )
    power_map: so.Mapped[list[PowerMapRating]] = so.relationship(
        back_populates="response", cascade="all, delete-orphan"
    )

    @property
    def submitted(self) -> bool:
        return self.status == "submitted"


class Answer(db.Model):
    """One item's answer: a number, a text or choice code, or "don't know"."""

    __table_args__ = (sa.UniqueConstraint("response_id", "item_id", name="uq_answer_item"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    response_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("response.id", ondelete="CASCADE"), index=True
    )
    item_id: so.Mapped[str] = so.mapped_column(sa.String(64))
    value_num: so.Mapped[float | None]
    value_text: so.Mapped[str | None] = so.mapped_column(sa.Text)
    dont_know: so.Mapped[bool] = so.mapped_column(default=False)

    response: so.Mapped[Response] = so.relationship(back_populates="answers")


class PowerMapRating(db.Model):
    """A vendor participant's view of one customer contact: support and capacity to drive change."""

    __table_args__ = (
        sa.UniqueConstraint("response_id", "contact_id", name="uq_power_map_contact"),
        sa.CheckConstraint("support IS NULL OR support BETWEEN 1 AND 5", name="support_range"),
        sa.CheckConstraint("influence IS NULL OR influence BETWEEN 1 AND 5",
                           name="influence_range"),
        sa.CheckConstraint("NOT (support_dont_know AND support IS NOT NULL)",
                           name="support_known_or_not"),
        sa.CheckConstraint("NOT (influence_dont_know AND influence IS NOT NULL)",
                           name="influence_known_or_not"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    response_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("response.id", ondelete="CASCADE"), index=True
    )
    contact_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    support: so.Mapped[int | None]
    influence: so.Mapped[int | None]
    # "I don't know this person": an answer in its own right, never a stance the analysis counts.
    support_dont_know: so.Mapped[bool] = so.mapped_column(default=False,
                                                          server_default=sa.false())
    influence_dont_know: so.Mapped[bool] = so.mapped_column(default=False,
                                                            server_default=sa.false())

    response: so.Mapped[Response] = so.relationship(back_populates="power_map")
    contact: so.Mapped[Participant] = so.relationship()


class Invitation(db.Model):
    """One e-mail to one participant: the record that makes sending resumable."""

    __table_args__ = (
        sa.UniqueConstraint("batch", "participant_id", name="uq_invitation_batch_participant"),
        sa.CheckConstraint("kind IN ('invitation', 'reminder')", name="kind_known"),
        sa.CheckConstraint("status IN ('sent', 'failed')", name="status_known"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    wave_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("wave.id"), index=True)
    participant_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(12))
    batch: so.Mapped[str] = so.mapped_column(sa.String(80))
    status: so.Mapped[str] = so.mapped_column(sa.String(8))
    error: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    sent_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    participant: so.Mapped[Participant] = so.relationship()


class LinkVisit(db.Model):
    """When a participant first and last opened their link in a wave: "opened" and last activity."""

    __table_args__ = (
        sa.UniqueConstraint("wave_id", "participant_id", name="uq_link_visit_once"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    wave_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("wave.id"), index=True)
    participant_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    first_opened_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    last_opened_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
