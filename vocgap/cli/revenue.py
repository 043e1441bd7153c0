"""``vocgap import accounts``: accounts' revenue, renewal dates and owners from a file."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..collection.imports import ImportFailed, import_accounts
from .common import resolve_study


@click.command("accounts")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--study", required=True, help="Study id or short name.")
@click.option("--dry-run", is_flag=True, help="Check and show what would be imported; write "
              "nothing.")
@with_appcontext
def import_accounts_cmd(path: str, study: str, dry_run: bool) -> None:
    """Add or update accounts by name from CSV or XLSX with columns account and any of
    annual_revenue, renewal_date (YYYY-MM-DD), owner_email, segment (all rows or none)."""
    target = resolve_study(study)
    try:
        report = import_accounts(target, Path(path), path, dry_run=dry_run)
    except ImportFailed as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(report.summary())
    for note in report.notes:
        click.echo(f"  {note}")
