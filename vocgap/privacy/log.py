"""The privacy log: one row per erasure, anonymisation or subject export, never the data itself."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import PrivacyEvent, Study, utcnow


def log_event(kind: str, actor: str, study: Study | None, counts: dict[str, int]) -> PrivacyEvent:
    """Add a log row (committed with the change it records): who, when, what kind, which study."""
    event = PrivacyEvent(kind=kind, actor=actor[:300], at=utcnow(),
                         study_id=study.id if study is not None else None,
                         study_label=(f"{study.short_name} ({study.name})"[:300]
                                      if study is not None else ""),
                         counts={k: int(v) for k, v in counts.items()})
    db.session.add(event)
    return event


def study_events(study: Study) -> list[PrivacyEvent]:
    """The study's privacy log, newest first."""
    return list(db.session.scalars(sa.select(PrivacyEvent).where(
        PrivacyEvent.study_id == study.id).order_by(PrivacyEvent.at.desc(),
                                                    PrivacyEvent.id.desc())))
