"""``vocgap instrument check|show``: validate and describe survey files."""

from __future__ import annotations

import json

import click

from ..instruments import InstrumentError, load_instrument


@click.group()
def instrument() -> None:
    """Check and describe instrument files (surveys/*.yaml)."""


@instrument.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
def check(paths: tuple[str, ...]) -> None:
    """Validate instrument files; exit non-zero and list every problem if any is invalid."""
    failed = False
    for path in paths:
        try:
            inst = load_instrument(path)
        except InstrumentError as exc:
            failed = True
            click.echo(str(exc), err=True)
            continue
        if inst.translation_problems:
            failed = True
            click.echo("\n".join(inst.translation_problems), err=True)
            continue
        click.echo(f"{path}: ok ({inst.id} v{inst.version}, {len(inst.items)} items, "
                   f"{len(inst.dimensions)} dimensions, languages: "
                   f"{', '.join(inst.languages)})")
    if failed:
        raise SystemExit(1)


@instrument.command("show")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def show(path: str, as_json: bool) -> None:
    """Describe an instrument: dimensions and every item with its scale."""
    try:
        inst = load_instrument(path)
    except InstrumentError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None
    summary = inst.describe()
    if as_json:
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    click.echo(f"{inst.title} ({inst.id} v{inst.version}; languages: "
               f"{', '.join(inst.languages)})")
    for dim in summary["dimensions"]:
        click.echo(f"  {dim['name']} [{dim['id']}]: {', '.join(dim['items'])}")
    for item in summary["items"]:
        points = item.get("scale", {}).get("points") or [
            o["value"] for o in item.get("options", [])]
        click.echo(f"  - {item['id']} ({item['type']}): {points}")


@instrument.command("export-translations")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
              help="The spreadsheet to write: FILE.xlsx or FILE.csv (UTF-8).")
def export_translations(path: str, out: str) -> None:
    """Write every text of an instrument, one row per text and one column per language."""
    from ..instruments.translation_sheet import write_sheet

    inst = _load(path)
    if not out.lower().endswith((".xlsx", ".csv")):
        raise click.BadParameter("write .xlsx or .csv", param_hint="--out")
    count = write_sheet(inst, out)
    click.echo(f"{out}: {count} texts in {', '.join(inst.declared_languages)}")


@instrument.command("import-translations")
@click.argument("path", type=click.Path(dir_okay=False))
@click.argument("sheet", type=click.Path(dir_okay=False, exists=True))
def import_translations(path: str, sheet: str) -> None:
    """Check a translated spreadsheet and write the instrument's companion files from it.

    Nothing is written if any cell is wrong: every unknown key and every placeholder that does
    not match the source is listed by row and column."""
    from ..instruments.translation_sheet import SheetError, import_sheet

    inst = _load(path)
    try:
        written = import_sheet(inst, sheet)
    except SheetError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None
    except ValueError as exc:
        click.echo(f"{sheet}: {exc}", err=True)
        raise SystemExit(1) from None
    for language, file in written.items():
        click.echo(f"{file}: written ({language})")
    problems = load_instrument(path).translation_problems
    if problems:
        click.echo("Still to do before a wave opens:\n" + "\n".join(problems), err=True)


def _load(path: str):
    try:
        return load_instrument(path)
    except InstrumentError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None
