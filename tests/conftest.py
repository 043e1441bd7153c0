"""Fixtures: an app with its own empty database per test, a client and a CLI runner.

Set VOCGAP_TEST_DATABASE_URL to a PostgreSQL URL to run the suite against PostgreSQL; each test
then starts from freshly created tables in that database.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from vocgap import create_app
from vocgap.extensions import db

ROOT = Path(__file__).resolve().parent.parent
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


def database_url(tmp_path: Path) -> str:
    return os.environ.get("VOCGAP_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.sqlite3'}"


def drop_everything() -> None:
    """An empty database: every table gone, Alembic's included."""
    db.session.remove()
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    db.drop_all()


def reset_schema() -> None:
    """Start from the current schema with no rows."""
    drop_everything()
    db.create_all()


class FreshContextClient(FlaskClient):
    """Give every request its own app context (and so its own ``g`` and session), as in
    production, even though the test body itself runs inside the fixture's context."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(autouse=True)
def steady_rate_limit_clock(monkeypatch):
    """Rate-limit windows are cut from the clock: hold it one second into the current hour, so
    a test's burst never straddles a minute boundary and finds its counters reset."""
    import math
    import time

    held = math.floor(time.time() / 3600) * 3600 + 1
    monkeypatch.setattr("vocgap.web.throttle._now", lambda: held)


@pytest.fixture
def app_config(tmp_path):
    return {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url(tmp_path),
        "PUBLIC_BASE_URL": "https://surveys.example.test",
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        "REPORTS_DIR": str(tmp_path / "reports"),
        "SURVEYS_DIR": str(ROOT / "surveys"),
        "RATELIMIT_ENABLED": True,
    }


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    app.test_client_class = FreshContextClient
    with app.app_context():
        reset_schema()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def instrument():
    from vocgap.instruments import load_instrument

    return load_instrument(ROOT / "surveys" / "b2b-relationship.yaml")
