"""The ``vocgap`` command: everything a consultant scripts, on top of Flask's own CLI."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from .. import create_app


@click.group(cls=FlaskGroup, create_app=create_app, load_dotenv=False)
def main() -> None:
    """vocgap: measure how differently a vendor and its customers see each relationship."""


def _register() -> None:
    from . import (
        alerts,
        analysis,
        check,
        data,
        demo,
        instrument,
        people,
        reports,
        revenue,
        users,
        verbatims,
    )

    main.add_command(instrument.instrument)
    main.add_command(data.import_group)
    main.add_command(data.export)
    main.add_command(data.invite)
    main.add_command(analysis.analyse_cmd)
    main.add_command(reports.report)
    main.add_command(check.check)
    main.add_command(demo.demo)
    main.add_command(users.create_user)
    main.add_command(alerts.alerts)
    data.import_group.add_command(revenue.import_accounts_cmd)
    main.add_command(verbatims.verbatims)
    main.add_command(people.people)
    main.add_command(people.anonymise_cmd)
    main.add_command(people.retention)


_register()
