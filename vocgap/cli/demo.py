"""``vocgap demo``: build the demo study in the configured database."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from ..demo import DEMO_EMAIL, DEMO_PASSWORD, build_demo, pending_links


@click.command("demo")
@with_appcontext
def demo() -> None:
    """Create or migrate the database, then build the demo study once (safe to re-run)."""
    if current_app.config["ENV"] == "production":
        raise click.ClickException("the demo is for local use; it will not run in production")
    upgrade()
    study, created = build_demo(current_app.config["SURVEYS_DIR"])
    state = "built" if created else "already present"
    click.echo(f"Demo study '{study.short_name}' {state}: {study.vendor.name}, "
               f"{len(study.accounts)} accounts, wave {study.current_wave.number} open.")
    click.echo(f"Consultant login: {DEMO_EMAIL} / {DEMO_PASSWORD}")
    click.echo("Private links of respondents who have not answered yet:")
    for person, label, link in pending_links(study):
        click.echo(f"  [{person.side}] {person.name} ({label}): {link}")
