"""``vocgap verbatims code``: propose and suggest codes, export them to CSV and import them back."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..collection.imports.common import ImportFailed
from ..extensions import db
from ..themes.coding import propose_frame, suggest
from ..themes.exchange import export_csv, import_csv
from ..themes.store import study_themes
from .common import resolve_study


@click.group("verbatims")
def verbatims() -> None:
    """Verbatim themes: the coding frame and the codes of free-text answers."""


@verbatims.command("code")
@click.option("--study", "study_ref", required=True, help="Study id or short name.")
@click.option("--suggest", "run_suggest", is_flag=True,
              help="Suggest codes again (proposing the frame first if the study has none); "
                   "confirmed and manual codes are kept.")
@click.option("--export", "export_to", type=click.Path(dir_okay=False, path_type=Path),
              help="Write every verbatim with its themes to this CSV file.")
@click.option("--import", "import_from", type=click.Path(exists=True, dir_okay=False,
                                                         path_type=Path),
              help="Read a coded CSV/XLSX back: rows marked reviewed become your codes.")
@with_appcontext
def code(study_ref: str, run_suggest: bool, export_to: Path | None,
         import_from: Path | None) -> None:
    """Suggest, import and export verbatim codes, in that order, for one study."""
    study = resolve_study(study_ref)
    if not (run_suggest or export_to or import_from):
        raise click.UsageError("say what to do: --suggest, --import FILE and/or --export FILE")
    if import_from is not None:
        if not study_themes(study):
            raise click.ClickException("the study has no themes yet: run --suggest first")
        try:
            count = import_csv(study, import_from.read_bytes(), str(import_from), None)
        except ImportFailed as failure:
            db.session.rollback()
            raise click.ClickException(str(failure)) from None
        db.session.commit()
        click.echo(f"Imported the codes of {count} reviewed verbatims from {import_from}.")
    if run_suggest:
        if not study_themes(study):
            proposed = propose_frame(study)
            click.echo(f"Proposed {len(proposed)} themes: "
                       + "; ".join(t.name for t in proposed))
        counts = suggest(study)
        db.session.commit()
        click.echo(f"Suggested {counts['suggested']} codes for {counts['verbatims']} verbatims; "
                   f"kept {counts['kept']} decided codes.")
    if export_to is not None:
        export_to.write_bytes(export_csv(study))
        click.echo(f"Wrote the codes to {export_to}.")
