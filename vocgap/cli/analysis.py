"""``vocgap analyse``: the analysis as JSON on stdout, and tidy CSV tables on request."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..analysis import analyse
from ..collection.imports import ImportFailed
from ..collection.imports.long_file import read_analysis_input
from ..instruments import InstrumentError, load_instrument
from .common import resolve_study, resolve_wave
from .data import file_progress


@click.command("analyse")
@click.option("--study", help="Study id or short name (reads the database).")
@click.option("--wave", "wave_number", type=int, help="Wave number (default: the current one).")
@click.option("--instrument", "instrument_path", type=click.Path(dir_okay=False),
              help="Instrument file, with --responses: no database needed.")
@click.option("--responses", type=click.Path(exists=True, dir_okay=False),
              help="Long CSV or XLSX (account, side, respondent, item, value) or a vocgap export.")
@click.option("--edition", type=click.Choice(["consultant", "vendor"]), default="consultant",
              show_default=True, help="vendor applies the confidentiality minimum.")
@click.option("--min-group", type=click.IntRange(min=3), default=3, show_default=True,
              help="Confidentiality minimum for --responses (studies use their own).")
@click.option("--csv", "csv_dir", type=click.Path(file_okay=False),
              help="Also write tidy tables (one CSV each) into this folder.")
@click.option("--compact", is_flag=True, help="One-line JSON.")
@with_appcontext
def analyse_cmd(study, wave_number, instrument_path, responses, edition, min_group, csv_dir,
                compact) -> None:
    """Analyse a wave and print the JSON result (schema: docs/analysis-schema.md)."""
    if bool(study) == bool(responses):
        raise click.UsageError("give either --study, or --instrument with --responses")
    if study:
        from ..findings import analyse_wave

        target = resolve_study(study)
        result = analyse_wave(target, resolve_wave(target, wave_number), edition=edition)
    else:
        if not instrument_path:
            raise click.UsageError("--responses needs --instrument")
        try:
            instrument = load_instrument(instrument_path)
            with file_progress(Path(responses), 1, "reading responses") as progress:
                data = read_analysis_input(Path(responses), instrument, responses,
                                           progress=progress)
        except (InstrumentError, ImportFailed) as exc:
            raise click.ClickException(str(exc)) from None
        result = analyse(data, instrument, min_group=min_group, edition=edition,
                         meta={"source": str(responses)})
    click.echo(result.to_json_bytes(indent=not compact) + b"\n", nl=False)
    if csv_dir:
        folder = Path(csv_dir)
        folder.mkdir(parents=True, exist_ok=True)
        from ..collection.fast_csv import write_csv

        tables = result.tables()
        for name, table in tables.items():
            write_csv(table, folder / f"{name}.csv")
        click.echo(f"wrote {len(tables)} tables to {folder}", err=True)
