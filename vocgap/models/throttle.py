"""Rate-limit counters kept in the database, so every server process counts the same misses."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db


class RateCounter(db.Model):
    """How often one hashed key (an address or an account) failed within one fixed window."""

    key: so.Mapped[str] = so.mapped_column(sa.String(120), primary_key=True)
    count: so.Mapped[int] = so.mapped_column(default=0)
    expires_at: so.Mapped[datetime] = so.mapped_column(index=True)
