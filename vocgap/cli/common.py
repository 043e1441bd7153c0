"""Helpers shared by the CLI commands."""

from __future__ import annotations

import click
import sqlalchemy as sa

from ..extensions import db
from ..models import Study


def resolve_study(ref: str) -> Study:
    """A study by numeric id or short name, or a usage error naming what exists."""
    query = sa.select(Study).where(Study.short_name == ref)
    if ref.isdigit():
        query = sa.select(Study).where(sa.or_(Study.id == int(ref), Study.short_name == ref))
    found = db.session.scalars(query.order_by(Study.id)).all()
    if ref.isdigit() and any(s.id == int(ref) for s in found):
        found = [s for s in found if s.id == int(ref)]
    if not found:
        names = ", ".join(db.session.scalars(sa.select(Study.short_name))) or "none yet"
        raise click.BadParameter(f"no study '{ref}' (studies: {names})", param_hint="--study")
    if len(found) > 1:
        # Short names are unique per consultant, so two consultants may use the same one.
        ids = ", ".join(str(s.id) for s in found)
        raise click.BadParameter(f"several studies are called '{ref}' (ids {ids}): "
                                 f"give the id instead", param_hint="--study")
    return found[0]


def resolve_wave(study: Study, number: int | None):
    """A wave of the study by number; the current wave when no number is given."""
    if number is None:
        return study.current_wave
    for wave in study.waves:
        if wave.number == number:
            return wave
    raise click.BadParameter(f"study '{study.short_name}' has waves "
                             f"{', '.join(str(w.number) for w in study.waves)}",
                             param_hint="--wave")
