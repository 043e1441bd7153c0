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
    study = db.session.scalar(query)
    if study is None:
        names = ", ".join(db.session.scalars(sa.select(Study.short_name))) or "none yet"
        raise click.BadParameter(f"no study '{ref}' (studies: {names})", param_hint="--study")
    return study


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
