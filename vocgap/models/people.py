"""Participants: customer contacts and vendor staff, each with a private survey link."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .base import utcnow
from .study import Account, Study


def N_(text: str) -> str:
    """Mark a word for the interface catalogues (pybabel's N_ keyword) and keep it as it is."""
    return text


# Stored and shown in English to consultants; respondents see them through their catalogue.
CUSTOMER_ROLES = {
    "executive": N_("Executive"),
    "middle_management": N_("Middle management"),
    "operational_user": N_("Operational user"),
    "purchasing": N_("Purchasing"),
}
QUARTET = {
    "business_user": N_("Business user"),
    "business_buyer": N_("Business buyer"),
    "tech_user": N_("Tech user"),
    "tech_buyer": N_("Tech buyer"),
}
VENDOR_FUNCTIONS = {
    "account_manager": N_("Account manager"),
    "sales": N_("Sales"),
    "customer_success": N_("Customer success / service"),
    "professional_services": N_("Professional services"),
    "product": N_("Product"),
    "executive": N_("Executive"),
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
        return self.role_in()

    def role_in(self, translate: Callable[[str], str] = str) -> str:
        """Role and quartet position (or function), each word put through ``translate``."""
        if self.side == "customer":
            parts = [CUSTOMER_ROLES.get(self.role or "", ""), QUARTET.get(self.quartet or "", "")]
            return ", ".join(translate(p) for p in parts if p)
        function = VENDOR_FUNCTIONS.get(self.function or "", "")
        return translate(function) if function else ""
