"""The coding frame of a study's verbatims: themes, and which theme each free-text answer has."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .base import utcnow
from .collection import Answer
from .study import Study, User

CODE_SOURCES = ("suggested", "manual")


class CodingFrame(db.Model):
    """Per-study settings of the coding frame: when it was proposed, and the vendor-quote option."""

    study_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("study.id", ondelete="CASCADE"), primary_key=True)
    # "Themed counts only, no quotes" in the vendor edition when False.
    vendor_quotes: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    proposed_at: so.Mapped[datetime | None]
    suggested_at: so.Mapped[datetime | None]

    study: so.Mapped[Study] = so.relationship()


class Theme(db.Model):
    """One theme of a study's coding frame: language-independent, defined by the consultant."""

    __table_args__ = (sa.UniqueConstraint("study_id", "name", name="uq_theme_study_name"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    study_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("study.id", ondelete="CASCADE"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    definition: so.Mapped[str] = so.mapped_column(sa.String(1000), default="")
    # One example phrase a line, in any language the study's answers use.
    examples: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # Words that signal the theme, comma-separated; matched after stemming in every language.
    keywords: so.Mapped[str] = so.mapped_column(sa.String(1000), default="")
    position: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    codes: so.Mapped[list[VerbatimCode]] = so.relationship(
        back_populates="theme", cascade="all, delete-orphan", passive_deletes=True)

    @property
    def example_list(self) -> list[str]:
        return [line.strip() for line in (self.examples or "").splitlines() if line.strip()]

    @property
    def keyword_list(self) -> list[str]:
        return [word.strip() for word in (self.keywords or "").split(",") if word.strip()]


class VerbatimCode(db.Model):
    """Whether one theme applies to one free-text answer: suggested with a confidence, or decided.

    A confirmed code (a manual one, or a suggestion the consultant accepted) is never changed by a
    re-run of the suggestions; ``applies`` False records "not this theme", so a rejected
    suggestion is not suggested again.
    """

    __table_args__ = (
        sa.UniqueConstraint("answer_id", "theme_id", name="uq_verbatim_code_answer_theme"),
        sa.CheckConstraint("source IN ('suggested', 'manual')", name="source_known"),
        sa.CheckConstraint("confidence IS NULL OR (confidence >= 0 AND confidence <= 1)",
                           name="confidence_range"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    answer_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("answer.id", ondelete="CASCADE"), index=True)
    theme_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("theme.id", ondelete="CASCADE"), index=True)
    source: so.Mapped[str] = so.mapped_column(sa.String(10), default="suggested")
    confidence: so.Mapped[float | None]
    applies: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    confirmed: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    coded_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    coded_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    answer: so.Mapped[Answer] = so.relationship()
    theme: so.Mapped[Theme] = so.relationship(back_populates="codes")
    coded_by: so.Mapped[User | None] = so.relationship()
