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
    click.echo(f"{inst.title} ({inst.id} v{inst.version})")
    for dim in summary["dimensions"]:
        click.echo(f"  {dim['name']} [{dim['id']}]: {', '.join(dim['items'])}")
    for item in summary["items"]:
        points = item.get("scale", {}).get("points") or [
            o["value"] for o in item.get("options", [])]
        click.echo(f"  - {item['id']} ({item['type']}): {points}")
