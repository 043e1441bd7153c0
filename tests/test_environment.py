"""The suite is honest about where it ran: the database it was given, and nothing skipped in CI."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from vocgap.collection.store import get_or_create_response
from vocgap.extensions import db

from . import environment
from .factories import gen_account, gen_customer, gen_study


def test_the_run_uses_the_database_it_was_given(app):
    """Did the PostgreSQL run really talk to PostgreSQL (and the SQLite run to SQLite)?"""
    assert db.engine.dialect.name == environment.expected_dialect()
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith(environment.expected_dialect())


@pytest.mark.postgres
def test_postgres_run_reaches_a_real_server(app, instrument):
    """On PostgreSQL the server answers version() and the upsert path is PostgreSQL's own."""
    assert "PostgreSQL" in db.session.scalar(sa.text("select version()"))
    study = gen_study(instrument)
    person, _ = gen_customer(study, gen_account(study))
    first = get_or_create_response(study.current_wave.id, person.id, person.account_id)
    again = get_or_create_response(study.current_wave.id, person.id, person.account_id)
    assert first.id == again.id


@pytest.mark.parametrize(("variables", "required"), [
    ({}, False), ({"CI": "true"}, True), ({"VOCGAP_REQUIRE_ALL": "1"}, True),
    ({"CI": "", "VOCGAP_REQUIRE_ALL": "0"}, False),
])
def test_missing_dependencies_fail_where_everything_is_required(monkeypatch, variables,
                                                                 required):
    """Does CI (CI=true or VOCGAP_REQUIRE_ALL=1) turn a missing browser or queue into a failure?"""
    for name in ("CI", "VOCGAP_REQUIRE_ALL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    expected = pytest.fail.Exception if required else pytest.skip.Exception
    with pytest.raises(expected, match="redis-server"):
        environment.missing("VOCGAP_TEST_QUEUE_URL", "start redis-server")


@pytest.mark.parametrize(("url", "dialect"), [
    ("", "sqlite"), ("postgresql://postgres@127.0.0.1:55432/x", "postgresql"),
    ("postgresql+psycopg://u@h/x", "postgresql"), ("postgres://u@h/x", "postgresql"),
])
def test_expected_dialect_follows_the_url_unless_declared(monkeypatch, url, dialect):
    monkeypatch.delenv("VOCGAP_TEST_DIALECT", raising=False)
    monkeypatch.setenv("VOCGAP_TEST_DATABASE_URL", url)
    assert environment.expected_dialect() == dialect
    monkeypatch.setenv("VOCGAP_TEST_DIALECT", "postgresql")
    assert environment.expected_dialect() == "postgresql"
