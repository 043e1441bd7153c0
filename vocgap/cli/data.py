"""``vocgap import`` and ``vocgap export``: data in and out, and ``vocgap invite``."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..alerts import after_import
from ..collection.export import tidy_responses, to_csv_bytes, to_xlsx_bytes
from ..collection.imports import ImportFailed, Mapping, import_participants, import_responses
from ..collection.invitations import REASONS, SIDES, plan_batch, send_batch
from ..collection.progress import STATUS_LABELS
from .common import resolve_study, resolve_wave


@click.group("import")
def import_group() -> None:
    """Import participants, responses or accounts from CSV or XLSX (all rows or none)."""


@import_group.command("participants")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--study", required=True, help="Study id or short name.")
@click.option("--no-create-accounts", is_flag=True, help="Reject rows naming unknown accounts.")
@click.option("--dry-run", is_flag=True, help="Check and show what would be imported; write "
              "nothing.")
@with_appcontext
def import_participants_cmd(path: str, study: str, no_create_accounts: bool,
                            dry_run: bool) -> None:
    """Add participants from CSV or XLSX with columns account, name, email, side, role,
    quartet, function, accounts."""
    target = resolve_study(study)
    try:
        report = import_participants(target, Path(path), path, dry_run=dry_run,
                                     create_accounts=not no_create_accounts)
    except ImportFailed as exc:
        raise click.ClickException(str(exc)) from None
    _echo_report(report)


def _echo_report(report) -> None:
    click.echo(report.summary())
    for note in report.notes:
        click.echo(f"  {note}")


@contextmanager
def file_progress(path: Path, passes: int, label: str):
    """A progress bar on the terminal (stderr) over the bytes read in every pass."""
    with click.progressbar(length=max(1, path.stat().st_size * passes), label=label,
                           file=sys.stderr, show_eta=True) as bar:
        yield bar.update


@import_group.command("responses")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--study", required=True, help="Study id or short name.")
@click.option("--wave", "wave_number", type=int, help="Wave number (default: the current one).")
@click.option("--layout", type=click.Choice(["auto", "long", "wide"]), default="auto",
              show_default=True)
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False),
              help="YAML file naming the tool's columns and recodes (docs/imports.md).")
@click.option("--replace", is_flag=True, help="Overwrite what the file holds for responses "
              "already submitted (everything else is kept); the removals are listed first.")
@click.option("--create-accounts", is_flag=True, help="Create accounts the study does not have.")
@click.option("--dry-run", is_flag=True, help="Check and show the plan; write nothing.")
@with_appcontext
def import_responses_cmd(path, study, wave_number, layout, mapping, replace, create_accounts,
                         dry_run) -> None:
    """Import responses collected elsewhere: long (account, side, respondent, item, value),
    wide as survey tools export it, or vocgap's own export; CSV in any common encoding or XLSX."""
    target = resolve_study(study)
    file = Path(path)

    def show_plan(report) -> None:
        click.echo("plan:" if dry_run else "writing:", err=True)
        for note in report.notes:
            click.echo(f"  {note}", err=True)

    try:
        loaded = Mapping.load(mapping) if mapping else None
        with file_progress(file, 2, "checking, then writing") as progress:
            report = import_responses(target, file, path, layout=layout, mapping=loaded,
                                      wave=resolve_wave(target, wave_number), replace=replace,
                                      dry_run=dry_run, create_accounts=create_accounts,
                                      progress=progress, before_commit=show_plan)
    except ImportFailed as exc:
        raise click.ClickException(str(exc)) from None
    after_import(target, report, resolve_wave(target, wave_number))
    click.echo(report.summary())
    if not dry_run:
        click.echo(report.notes[-1])


@click.command("export")
@click.option("--study", required=True, help="Study id or short name.")
@click.option("--wave", "wave_number", type=int, help="Wave number (default: the current one).")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="File to write (default: stdout "
              "for CSV, reports/<study>-wave<N>.xlsx for XLSX).")
@click.option("--identify", is_flag=True, help="Include respondent names (consultant use only).")
@click.option("--include-drafts", is_flag=True, help="Include unsubmitted drafts.")
@click.option("--what", type=click.Choice(["responses", "actions"]), default="responses",
              show_default=True, help="CSV of responses, or of the study's action plan (XLSX "
              "holds both).")
@with_appcontext
def export(study, wave_number, fmt, out, identify, include_drafts, what) -> None:
    """Export responses in tidy long format (or the actions), spreadsheet formulas
    neutralised."""
    from flask import current_app

    from ..actions.export import actions_frame, actions_sheets

    target = resolve_study(study)
    wave = resolve_wave(target, wave_number)
    if what == "actions" and fmt == "csv":
        frame = actions_frame(target, identify=identify)
    else:
        frame = tidy_responses(target, wave, identify=identify, include_drafts=include_drafts)
    data = to_csv_bytes(frame) if fmt == "csv" else to_xlsx_bytes(
        frame, wave.instrument, actions_sheets(target, identify=identify))
    if out is None and fmt == "csv":
        click.echo(data.decode("utf-8-sig"), nl=False)
        return
    path = Path(out or Path(current_app.config["REPORTS_DIR"]) /
                f"{target.short_name}-wave{wave.number}"
                f"{'-actions' if what == 'actions' and fmt == 'csv' else ''}.{fmt}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    click.echo(f"wrote {len(frame)} rows to {path}")


@click.command("invite")
@click.option("--study", required=True, help="Study id or short name.")
@click.option("--reminder", is_flag=True, help="Remind those who have not submitted.")
@click.option("--side", type=click.Choice(["both", "customer", "vendor"]), default="both",
              show_default=True, help="Which participants to write to.")
@click.option("--dry-run", is_flag=True, help="Only say who would receive what; send nothing.")
@click.option("--batch", help="Batch name to resume (default: one per kind and day).")
@with_appcontext
def invite(study: str, reminder: bool, side: str, dry_run: bool, batch: str | None) -> None:
    """E-mail private links (SMTP, or instance/outbox when no server is configured).

    Invitations never go to anyone already invited in this wave or who has submitted;
    reminders only to those who have not submitted for every account they answer for.
    """
    target = resolve_study(study)
    kind = "reminder" if reminder else "invitation"
    sides = SIDES if side == "both" else (side,)
    plan = plan_batch(target, kind, sides)
    click.echo(f"{plan.count} would receive {'a reminder' if reminder else 'an invitation'}: "
               + "; ".join(f"{label} {plan.side_total(s)} ({_by_status(plan, s)})"
                           for s, label in (("customer", "customer contacts"),
                                            ("vendor", "vendor staff"))))
    if plan.left_out:
        click.echo("Left out: " + "; ".join(f"{n} {REASONS[r]}"
                                            for r, n in plan.left_out.most_common()))
    if dry_run:
        for person in plan.recipients:
            click.echo(f"  {person.side}\t{person.email}\t{person.name}")
        return
    try:
        result = send_batch(target, kind, batch, sides=sides)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(result.summary())
    if result.failed:
        raise SystemExit(1)


def _by_status(plan, side: str) -> str:
    counts = plan.by_side_status[side]
    return ", ".join(f"{n} {STATUS_LABELS[s].lower()}" for s, n in counts.items()) or "none"
