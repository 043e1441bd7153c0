"""Alerts raised during fieldwork, each study's alert rules, and what account owners were sent."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .base import utcnow
from .collection import Response
from .study import Account, Study, User, Wave

RULES = ("detractor", "false_champion", "below_prediction")
STATUSES = ("open", "handled")


class AlertSettings(db.Model):
    """A study's alert rules and who hears about them; a study without a row uses the defaults."""

    __table_args__ = (
        sa.CheckConstraint("detractor_max BETWEEN 0 AND 9", name="detractor_max_range"),
        sa.CheckConstraint("below_points > 0", name="below_points_positive"),
    )

    study_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("study.id", ondelete="CASCADE"), primary_key=True)
    detractor: so.Mapped[bool] = so.mapped_column(default=True)
    detractor_max: so.Mapped[int] = so.mapped_column(default=6)
    false_champion: so.Mapped[bool] = so.mapped_column(default=True)
    below_prediction: so.Mapped[bool] = so.mapped_column(default=True)
    below_points: so.Mapped[float] = so.mapped_column(default=2.0)
    email_consultants: so.Mapped[bool] = so.mapped_column(default=False)
    notify_owners: so.Mapped[bool] = so.mapped_column(default=False)

    study: so.Mapped[Study] = so.relationship(backref=so.backref(
        "alert_settings", uselist=False, cascade="all, delete-orphan", passive_deletes=True))

    def enabled(self, rule: str) -> bool:
        """Is this rule (detractor, false_champion, below_prediction) switched on?"""
        return bool(getattr(self, rule))


class OwnerNotice(db.Model):
    """One de-identified message to an account owner, covering the customers answered so far."""

    __table_args__ = (
        # One notice per group: two submissions completing the same group at once send one.
        sa.UniqueConstraint("wave_id", "account_id", "respondents", name="uq_owner_notice_once"),
        sa.CheckConstraint("status IN ('sent', 'quiet')", name="status_known"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    wave_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("wave.id", ondelete="CASCADE"),
                                               index=True)
    account_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("account.id", ondelete="CASCADE"), index=True)
    # Customer respondents of the account when it was due: the next needs min_group more.
    # "quiet": due, but nothing to say; it still counts, so the next group is as large.
    respondents: so.Mapped[int]
    status: so.Mapped[str] = so.mapped_column(sa.String(8))
    sent_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class Alert(db.Model):
    """A rule that fired for one submitted response (and one subject, such as a dimension)."""

    __table_args__ = (
        sa.UniqueConstraint("rule", "response_id", "subject", name="uq_alert_once"),
        sa.CheckConstraint("status IN ('open', 'handled')", name="status_known"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    study_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("study.id", ondelete="CASCADE"),
                                                index=True)
    wave_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("wave.id", ondelete="CASCADE"),
                                               index=True)
    account_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("account.id", ondelete="CASCADE"), index=True)
    response_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("response.id", ondelete="CASCADE"), index=True)
    rule: so.Mapped[str] = so.mapped_column(sa.String(32))
    subject: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    details: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    status: so.Mapped[str] = so.mapped_column(sa.String(8), default="open")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    handled_at: so.Mapped[datetime | None]
    handled_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))
    emailed_at: so.Mapped[datetime | None]
    owner_notice_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("owner_notice.id", ondelete="SET NULL"), index=True)

    account: so.Mapped[Account] = so.relationship()
    wave: so.Mapped[Wave] = so.relationship()
    handled_by: so.Mapped[User | None] = so.relationship()
    response: so.Mapped[Response] = so.relationship(backref=so.backref(
        "alerts", cascade="all, delete-orphan", passive_deletes=True))
