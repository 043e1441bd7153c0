"""``vocgap people erase|export``, ``vocgap anonymise`` and ``vocgap retention``: personal data."""

from __future__ import annotations

import getpass
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from ..models import Participant
from ..privacy.anonymise import anonymise_study
from ..privacy.erase import erase_person
from ..privacy.retention import SOON_DAYS, apply_retention, retention_overview
from ..privacy.subject_export import (
    find_people,
    log_export,
    person_record,
    record_json,
    record_xlsx,
)
from .common import resolve_study


def _actor() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown user"
    return f"command line ({user})"


def _folders() -> dict:
    return {"reports_dir": current_app.config.get("REPORTS_DIR"),
            "outbox_dir": current_app.config.get("MAIL_OUTBOX_DIR")}


@click.group("people")
def people() -> None:
    """A person's data: erase them from a study, or export everything stored about them."""


@people.command("erase")
@click.option("--study", required=True, help="Study id or short name.")
@click.option("--email", default=None, help="The person's e-mail address.")
@click.option("--participant", "participant_id", type=int, default=None,
              help="The participant's number (for someone without an e-mail address).")
@click.option("--full", is_flag=True, help="Also delete their closed answers (by default they "
              "stay in the analysis as an anonymous respondent).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def erase_cmd(study: str, email: str | None, participant_id: int | None, full: bool,
              yes: bool) -> None:
    """Erase a person's name, e-mail, link, e-mails, free text and the ratings about them."""
    target = resolve_study(study)
    if bool(email) == bool(participant_id):
        raise click.UsageError("give either --email or --participant")
    if email:
        found = find_people(email, [target])
    else:
        person = db.session.get(Participant, participant_id)
        found = [person] if person is not None and person.study_id == target.id else []
    if not found:
        what = f"e-mail address {email}" if email else f"participant number {participant_id}"
        raise click.ClickException(f"study '{target.short_name}' has no participant with "
                                   f"{what}")
    what = "delete everything about" if full else "erase (closed answers kept anonymously)"
    if not yes:
        click.confirm(f"{what.capitalize()} {len(found)} participant(s) in study "
                      f"'{target.short_name}'? This cannot be undone", abort=True)
    for person in found:
        result = erase_person(person, actor=_actor(), full=full, **_folders())
        click.echo(f"Erased participant: {result.summary()}.")


@people.command("export")
@click.option("--email", required=True, help="The person's e-mail address.")
@click.option("--format", "fmt", type=click.Choice(["json", "xlsx"]), default="json",
              show_default=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="File to write.")
@with_appcontext
def export_cmd(email: str, fmt: str, out: str) -> None:
    """Everything stored about one person in every study, as JSON or XLSX."""
    found = find_people(email)
    record = person_record(email, found)
    data = record_json(record) if fmt == "json" else record_xlsx(record)
    Path(out).write_bytes(data)
    log_export(found, _actor())
    click.echo(f"Wrote {out}: {len(found)} participation(s) in "
               f"{len({p.study_id for p in found})} study(ies).")


@click.command("anonymise")
@click.option("--study", required=True, help="Study id or short name.")
@click.option("--remove-text", is_flag=True, help="Delete free-text answers instead of keeping "
              "them with names, e-mail addresses and phone numbers removed.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def anonymise_cmd(study: str, remove_text: bool, yes: bool) -> None:
    """Replace every name, e-mail and link of a finished study; the analysis stays the same."""
    target = resolve_study(study)
    if not yes:
        click.confirm(f"Anonymise study '{target.short_name}'? Names, e-mail addresses and "
                      "links are removed for good", abort=True)
    result = anonymise_study(target, actor=_actor(), keep_text=not remove_text, **_folders())
    click.echo(f"Anonymised '{target.short_name}': {result.summary()}.")


@click.command("retention")
@click.option("--within", default=SOON_DAYS, show_default=True, type=click.IntRange(0, 3650),
              help="Also list studies due within this many days.")
@click.option("--apply", "apply_", is_flag=True,
              help="Anonymise the studies past their retention period.")
@with_appcontext
def retention(within: int, apply_: bool) -> None:
    """List studies past their retention period or due soon; --apply anonymises those past it."""
    due = retention_overview(soon_days=within)
    if not due:
        click.echo(f"No study is past its retention period or due within {within} days.")
    for status in due:
        click.echo(f"{status.study.short_name} (id {status.study.id}): {status.label}; last "
                   f"wave closed {status.last_closed:%Y-%m-%d}, {status.months} months, due "
                   f"{status.due_at:%Y-%m-%d}")
    if apply_:
        for status, result in apply_retention(actor=_actor(), **_folders()):
            click.echo(f"Anonymised {status.study.short_name}: {result.summary()}.")
    elif any(s.state == "past" for s in due):
        click.echo("Run with --apply to anonymise the studies past their retention period.")
