"""Participants: customer contacts and vendor staff, each with a private survey link."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .base import utcnow
from .study import Account, Study

CUSTOMER_ROLES = {
    "executive": "Executive",
    "middle_management": "Middle management",
    "operational_user": "Operational user",
    "purchasing": "Purchasing",
}
QUARTET = {
    "business_user": "Business user",
    "business_buyer": "Business buyer",
    "tech_user": "Tech user",
    "tech_buyer": "Tech buyer",
}
VENDOR_FUNCTIONS = {
    "account_manager": "Account manager",
    "sales": "Sales",
    "customer_success": "Customer success / service",
    "professional_services": "Professional services",
    "product": "Product",
    "executive": "Executive",
}

participant_account = sa.Table(
    "participant_account",
    db.metadata,
    sa.Column("participant_id", sa.ForeignKey("participant.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("account_id", sa.ForeignKey("account.id", ondelete="CASCADE"), primary_key=True),
)


class Participant(db.Model):
    """A respondent; the private link's token is kept only as a hash."""

    __table_args__ = (
        sa.CheckConstraint("side IN ('customer', 'vendor')", name="side_known"),
        sa.CheckConstraint("side = 'vendor' OR account_id IS NOT NULL", name="customer_account"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    study_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("study.id"), index=True)
    side: so.Mapped[str] = so.mapped_column(sa.String(10))
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    email: so.Mapped[str] = so.mapped_column(sa.String(254), default="")
    account_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("account.id"), index=True)
    role: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    quartet: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    function: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    consent_attribution: so.Mapped[bool] = so.mapped_column(default=False)
    # The language of their pages and e-mails; unset lets the browser choose among the wave's.
    language: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    token_nonce: so.Mapped[str] = so.mapped_column(sa.String(64))
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True, index=True)
    token_revoked_at: so.Mapped[datetime | None]
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    # Set when the person was erased: the row stays only as an anonymous respondent.
    erased_at: so.Mapped[datetime | None]

    study: so.Mapped[Study] = so.relationship()
    account: so.Mapped[Account | None] = so.relationship(foreign_keys=[account_id])
    served_accounts: so.Mapped[list[Account]] = so.relationship(
        secondary=participant_account, order_by="Account.name"
    )

    @property
    def accounts(self) -> list[Account]:
        """The accounts this participant answers for: their own, or those they serve."""
        if self.side == "customer":
            return [self.account] if self.account is not None else []
        return list(self.served_accounts)

    @property
    def role_label(self) -> str:
        if self.side == "customer":
            parts = [CUSTOMER_ROLES.get(self.role or "", ""), QUARTET.get(self.quartet or "", "")]
            return ", ".join(p for p in parts if p)
        return VENDOR_FUNCTIONS.get(self.function or "", "")
