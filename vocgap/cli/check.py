"""``vocgap check``: is this installation ready to serve? Exit 1 listing what is not."""

from __future__ import annotations

import smtplib
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..database import database_ok, migrations_current
from ..instruments import InstrumentError, load_instrument


def _mail() -> tuple[bool, str]:
    cfg = current_app.config
    if not cfg["MAIL_SERVER"]:
        outbox = Path(cfg["MAIL_OUTBOX_DIR"])
        outbox.mkdir(parents=True, exist_ok=True)
        return outbox.is_dir(), f"no SMTP server configured: messages go to {outbox}"
    try:
        with smtplib.SMTP(cfg["MAIL_SERVER"], int(cfg["MAIL_PORT"]), timeout=10) as smtp:
            smtp.noop()
        return True, f"{cfg['MAIL_SERVER']}:{cfg['MAIL_PORT']} answers"
    except OSError as exc:
        return False, f"{cfg['MAIL_SERVER']}:{cfg['MAIL_PORT']}: {exc}"


def _surveys() -> tuple[bool, str]:
    folder = Path(current_app.config["SURVEYS_DIR"])
    files = sorted(folder.glob("*.y*ml"))
    bad = []
    for path in files:
        try:
            problems = load_instrument(path).translation_problems
        except InstrumentError as exc:
            bad.append(str(exc).splitlines()[0])
            continue
        if problems:
            bad.append(f"{problems[0]} (and {len(problems) - 1} more translation problems)"
                       if len(problems) > 1 else problems[0])
    if not files:
        return False, f"no instrument files in {folder}"
    return not bad, f"{len(files)} instrument(s) valid" if not bad else "; ".join(bad)


@click.command("check")
@with_appcontext
def check() -> None:
    """Check the database, migrations, mail and instruments."""
    failed = False
    database, detail = database_ok()
    results = [("database", database, detail)]
    results.append(("migrations", *(migrations_current() if database else (False, "skipped"))))
    results.append(("mail", *_mail()))
    results.append(("instruments", *_surveys()))
    for name, ok, detail in results:
        click.echo(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
        failed |= not ok
    if failed:
        raise SystemExit(1)
