"""Action plans: what the vendor agreed to do about a finding, tracked into later waves."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .base import utcnow
from .people import Participant
from .study import Account, User, Wave

ACTION_STATUSES = {"planned": "Planned", "in_progress": "In progress", "done": "Done",
                   "dropped": "Dropped"}
# What an action is about: a dimension or item (``unit`` holds its id), a power-map contact or
# the relationship stage.
FINDING_KINDS = {"dimension": "Dimension", "item": "Question", "contact": "Power-map contact",
                 "stage": "Relationship stage"}


class Action(db.Model):
    """One agreed action for an account, linked to the finding it answers."""

    __table_args__ = (
        sa.CheckConstraint("status IN ('planned', 'in_progress', 'done', 'dropped')",
                           name="status_known"),
        sa.CheckConstraint("finding IN ('dimension', 'item', 'contact', 'stage')",
                           name="finding_known"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    account_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("account.id", ondelete="CASCADE"), index=True)
    wave_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("wave.id", ondelete="CASCADE"),
                                               index=True)
    finding: so.Mapped[str] = so.mapped_column(sa.String(12))
    unit: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    # Erasing a person (issue 19) keeps the action and forgets whom it was about.
    contact_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("participant.id", ondelete="SET NULL"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    owner: so.Mapped[str] = so.mapped_column(sa.String(254), default="", server_default="")
    due_on: so.Mapped[date | None]
    status: so.Mapped[str] = so.mapped_column(sa.String(12), default="planned",
                                              server_default="planned")
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    created_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    account: so.Mapped[Account] = so.relationship()
    wave: so.Mapped[Wave] = so.relationship()
    contact: so.Mapped[Participant | None] = so.relationship(passive_deletes=True)
    created_by: so.Mapped[User | None] = so.relationship(passive_deletes=True)

    @property
    def status_label(self) -> str:
        return ACTION_STATUSES.get(self.status, self.status)

    @property
    def is_open(self) -> bool:
        return self.status in ("planned", "in_progress")

    def overdue(self, today: date) -> bool:
        """Open and past its due date."""
        return self.is_open and self.due_on is not None and self.due_on < today
