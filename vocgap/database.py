"""Is the database there and current? One check for ``vocgap check`` and the web health probe."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

from .extensions import db


def database_ok() -> tuple[bool, str]:
    """True when a trivial query answers; otherwise the error's class name (never its text)."""
    try:
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        return True, "ok"
    except sa.exc.SQLAlchemyError as exc:
        return False, type(exc).__name__


def migrations_current() -> tuple[bool, str]:
    """True when the database is at the newest migration, so the code and the tables agree."""
    config = current_app.extensions["migrate"].migrate.get_config()
    head = ScriptDirectory.from_config(config).get_current_head()
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current == head:
        return True, f"at {head}"
    return False, f"database at {current or 'nothing'}, code at {head}: run vocgap db upgrade"
