"""Fixtures: an app with its own empty database per test, a client, a CLI runner and ``auth``.

Set VOCGAP_TEST_DATABASE_URL to a PostgreSQL URL to run the suite against PostgreSQL; each test
then starts from freshly created tables in that database, and tests marked ``postgres`` run too.
Set VOCGAP_TEST_DIALECT (``.ci/run`` does) to make the run fail unless it really used that
database; set VOCGAP_REQUIRE_ALL=1 (or CI=true) to turn a missing browser or queue into a failure.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from vocgap import create_app
from vocgap.extensions import db

from . import environment
from .helpers import csrf_from

ROOT = Path(__file__).resolve().parent.parent
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"
PASSWORD = "correct horse battery"


def database_url(tmp_path: Path) -> str:
    return environment.database_url(f"sqlite:///{tmp_path / 'test.sqlite3'}")


def pytest_report_header(config) -> str:
    required = "required" if environment.require_all() else "optional (skipped when missing)"
    return (f"vocgap: database dialect {environment.expected_dialect()}; browser, queue and "
            f"database servers {required}")


def pytest_collection_modifyitems(config, items) -> None:
    """Tests marked ``postgres`` need the suite to run on PostgreSQL; elsewhere they skip."""
    if environment.on_postgres():
        return
    skip = pytest.mark.skip(reason="needs the suite on PostgreSQL (VOCGAP_TEST_DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


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


class Auth:
    """Signs a consultant in through the real login form (CSRF token included)."""

    def __init__(self, app):
        self.app = app

    def attempt(self, client, email: str = "consultant@test.example",
                password: str = PASSWORD, next_url: str | None = None):
        """POST the login form once; returns the response, whatever it is."""
        url = "/consultant/login" + (f"?next={next_url}" if next_url else "")
        page = client.get(url).get_data(as_text=True)
        return client.post(url, data={"csrf_token": csrf_from(page), "email": email,
                                      "password": password})

    def __call__(self, email: str = "consultant@test.example", password: str = PASSWORD, *,
                 client: FlaskClient | None = None) -> FlaskClient:
        """A client signed in as ``email``; fails the test if the sign-in is refused."""
        client = client or self.app.test_client()
        response = self.attempt(client, email, password)
        assert response.status_code == 302, f"login as {email} refused: {response.status_code}"
        return client


@pytest.fixture
def auth(app) -> Auth:
    """``auth()`` → a client signed in as the default consultant; ``auth(email, password)``."""
    return Auth(app)
