"""Consultants, vendors, studies, waves and the accounts a study examines."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .base import utcnow


class User(UserMixin, db.Model):
    """A consultant who logs in to the back office."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True, index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    # Part of every session's user id: raising it ends all of the user's sessions everywhere.
    session_version: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    memberships: so.Mapped[list[StudyMember]] = so.relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    def set_password(self, password: str) -> None:
        """A new password also signs the user out of every existing session."""
        self.password_hash = generate_password_hash(password, method="scrypt")
        self.end_sessions()

    def end_sessions(self) -> None:
        """Invalidate every session cookie issued to this user so far (checked per request)."""
        self.session_version = (self.session_version or 0) + 1

    def get_id(self) -> str:
        """What the session stores: the id and the session version, so old cookies stop working."""
        return f"{self.id}:{self.session_version or 0}"

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class Vendor(db.Model):
    """The company whose customer relationships are examined."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    studies: so.Mapped[list[Study]] = so.relationship(back_populates="vendor")


class Study(db.Model):
    """One vendor's perception-gap programme, measured in one or more waves."""

    __table_args__ = (sa.CheckConstraint("min_group >= 3", name="min_group_floor"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    vendor_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("vendor.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    # Unique among each consultant's studies (web/consultant/studies.py), not globally.
    short_name: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    instrument_id: so.Mapped[str] = so.mapped_column(sa.String(64))
    min_group: so.Mapped[int] = so.mapped_column(default=3)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    # Who respondents hear from: the sender's display name and the e-mail signature.
    sender_name: so.Mapped[str] = so.mapped_column(
        sa.String(200), default="", server_default="")
    research_organisation: so.Mapped[str] = so.mapped_column(
        sa.String(200), default="", server_default="")
    contact_name: so.Mapped[str] = so.mapped_column(
        sa.String(200), default="", server_default="")
    contact_email: so.Mapped[str] = so.mapped_column(
        sa.String(254), default="", server_default="")
    # Reports are written in this language whatever languages respondents answered in.
    report_language: so.Mapped[str] = so.mapped_column(
        sa.String(16), default="en", server_default="en")

    vendor: so.Mapped[Vendor] = so.relationship(back_populates="studies")
    waves: so.Mapped[list[Wave]] = so.relationship(
        back_populates="study", order_by="Wave.number", cascade="all, delete-orphan"
    )
    accounts: so.Mapped[list[Account]] = so.relationship(
        back_populates="study", order_by="Account.name", cascade="all, delete-orphan"
    )
    members: so.Mapped[list[StudyMember]] = so.relationship(
        back_populates="study", cascade="all, delete-orphan"
    )

    @property
    def current_wave(self) -> Wave | None:
        return self.waves[-1] if self.waves else None


class StudyMember(db.Model):
    """A consultant's membership of a study: the unit of access control."""

    study_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("study.id"), primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"), primary_key=True)
    role: so.Mapped[str] = so.mapped_column(sa.String(20), default="consultant")

    study: so.Mapped[Study] = so.relationship(back_populates="members")
    user: so.Mapped[User] = so.relationship(back_populates="memberships")


class Wave(db.Model):
    """One round of fieldwork, with the instrument frozen as it was when the wave opened."""

    __table_args__ = (
        sa.UniqueConstraint("study_id", "number", name="uq_wave_study_number"),
        sa.CheckConstraint("closes_at > opens_at", name="dates_in_order"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    study_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("study.id"), index=True)
    number: so.Mapped[int] = so.mapped_column(default=1)
    instrument_id: so.Mapped[str] = so.mapped_column(sa.String(64))
    instrument_version: so.Mapped[str] = so.mapped_column(sa.String(32))
    instrument_source: so.Mapped[str] = so.mapped_column(sa.Text)
    # The companion translation files as they were when the wave opened: JSON {language: text}.
    instrument_translations: so.Mapped[str] = so.mapped_column(
        sa.Text, default="{}", server_default="{}")
    opens_at: so.Mapped[datetime]
    closes_at: so.Mapped[datetime]
    closed_at: so.Mapped[datetime | None]

    study: so.Mapped[Study] = so.relationship(back_populates="waves")

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.closed_at is None and self.opens_at <= now < self.closes_at

    def has_ended(self, now: datetime | None = None) -> bool:
        """Closed by hand or past its closing date: links then say the survey has closed."""
        return self.closed_at is not None or (now or utcnow()) >= self.closes_at

    @property
    def instrument(self):
        from ..instruments.registry import instrument_from_source

        return instrument_from_source(self.instrument_source, self.instrument_translations)


class Account(db.Model):
    """One of the vendor's customers, as the vendor's CRM knows it."""

    __table_args__ = (
        sa.UniqueConstraint("study_id", "name", name="uq_account_study_name"),
        sa.CheckConstraint("crm_stage IS NULL OR crm_stage BETWEEN 0 AND 3",
                           name="crm_stage_range"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    study_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("study.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    segment: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    annual_value: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(14, 2))
    crm_stage: so.Mapped[int | None]
    key_account: so.Mapped[bool] = so.mapped_column(default=False)

    study: so.Mapped[Study] = so.relationship(back_populates="accounts")
