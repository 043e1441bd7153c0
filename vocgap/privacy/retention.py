"""Retention: a study keeps personal data for its period after its last wave closes, then it is
anonymised; this module says which studies are past that date or coming up to it."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from ..extensions import db
from ..models import Study, utcnow
from .anonymise import anonymise_study
from .erase import ErasureResult
from .notice import retention_months

SOON_DAYS = 30
STATE_LABELS = {"running": "fieldwork running", "kept": "kept", "due_soon": "due soon",
                "past": "past its retention period", "anonymised": "anonymised"}


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month,
                          day=min(moment.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class RetentionStatus:
    """Where one study stands against its retention period."""

    study: Study
    months: int
    last_closed: datetime | None
    due_at: datetime | None
    state: str

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


def last_closed(study: Study, now: datetime | None = None) -> datetime | None:
    """When the study's last wave ended; None while it is open or yet to open."""
    wave = study.current_wave
    if wave is None or not wave.has_ended(now):
        return None
    return min(wave.closed_at, wave.closes_at) if wave.closed_at else wave.closes_at


def retention_status(study: Study, now: datetime | None = None,
                     soon_days: int = SOON_DAYS) -> RetentionStatus:
    """The study's retention state now: running, kept, due soon, past, or anonymised."""
    now = now or utcnow()
    months = retention_months(study)
    closed = last_closed(study, now)
    due = add_months(closed, months) if closed else None
    anonymised = study.privacy.anonymised_at if study.privacy is not None else None
    wave = study.current_wave
    if anonymised is not None and (wave is None or anonymised >= wave.opens_at):
        state = "anonymised"  # a wave opened since then brings new personal data: count again
    elif due is None:
        state = "running"
    elif due <= now:
        state = "past"
    elif due <= now + timedelta(days=soon_days):
        state = "due_soon"
    else:
        state = "kept"
    return RetentionStatus(study, months, closed, due, state)


def retention_overview(studies: list[Study] | None = None, now: datetime | None = None,
                       soon_days: int = SOON_DAYS) -> list[RetentionStatus]:
    """Studies past their retention period or due within ``soon_days``, the earliest first."""
    if studies is None:
        studies = list(db.session.scalars(sa.select(Study).order_by(Study.id)))
    found = [retention_status(s, now, soon_days) for s in studies]
    return sorted((f for f in found if f.state in ("past", "due_soon")),
                  key=lambda f: (f.due_at, f.study.id))


def apply_retention(*, actor: str, now: datetime | None = None,
                    reports_dir: str | Path | None = None,
                    outbox_dir: str | Path | None = None
                    ) -> list[tuple[RetentionStatus, ErasureResult]]:
    """Anonymise every study past its retention period (free text kept, cleaned); logged."""
    done = []
    for status in retention_overview(now=now):
        if status.state == "past":
            done.append((status, anonymise_study(
                status.study, actor=actor, kind="retention_anonymise",
                reports_dir=reports_dir, outbox_dir=outbox_dir)))
    return done
