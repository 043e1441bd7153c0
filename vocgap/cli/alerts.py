"""``vocgap alerts``: check a wave's submitted responses against the study's alert rules."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from ..alerts import evaluate_and_deliver
from ..extensions import db
from ..models import Alert
from .common import resolve_study, resolve_wave


@click.group("alerts")
def alerts() -> None:
    """Alerts during fieldwork (docs/alerts.md)."""


@alerts.command("evaluate")
@click.option("--study", required=True, help="Study id or short name.")
@click.option("--wave", "wave_number", type=int, help="Wave number (default: the current one).")
@with_appcontext
def evaluate_cmd(study: str, wave_number: int | None) -> None:
    """Evaluate every submitted response (alerts already raised are never repeated), then
    send the e-mails and owner notices the study's settings ask for."""
    target = resolve_study(study)
    wave = resolve_wave(target, wave_number)
    created = evaluate_and_deliver(target, wave)
    counts = dict(db.session.execute(sa.select(Alert.status, sa.func.count(Alert.id)).where(
        Alert.wave_id == wave.id).group_by(Alert.status)).all())
    click.echo(f"{created} new alert{'' if created == 1 else 's'}; wave {wave.number} has "
               f"{counts.get('open', 0)} open and {counts.get('handled', 0)} handled")
