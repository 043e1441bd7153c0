"""Operations: health endpoint, request ids and logs without tokens, `vocgap check`."""

from __future__ import annotations

import json
import logging

from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import upgrade

from vocgap import create_app
from vocgap.cli import main
from vocgap.web.observability import JsonFormatter, access_log

from .conftest import drop_everything


def test_health_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_health_is_503_when_the_database_is_gone(tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI":
                      f"sqlite:///{tmp_path}/missing/dir/x.db", "SECRET_KEY": "x" * 40})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"


def test_request_ids_are_echoed_or_made(client):
    given = client.get("/healthz", headers={"X-Request-ID": "abc12345-from-lb"})
    assert given.headers["X-Request-ID"] == "abc12345-from-lb"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert len(made.headers["X-Request-ID"]) == 32


def test_access_log_is_json_and_never_shows_a_token(client, caplog):
    token = "T" * 43
    with caplog.at_level(logging.INFO, logger="vocgap.access"):
        client.get(f"/s/{token}")
    record = next(r for r in caplog.records if r.name == "vocgap.access")
    line = json.loads(JsonFormatter().format(record))
    assert line["path"] == "/s/<token>" and line["status"] == 404
    assert token not in caplog.text
    assert access_log.name == "vocgap.access"


def test_check_passes_on_a_migrated_database(app):
    drop_everything()
    upgrade()
    result = app.test_cli_runner().invoke(main, ["check"])
    assert result.exit_code == 0, result.output
    head = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config()
                                       ).get_current_head()
    assert f"ok   migrations: at {head}" in result.output


def test_check_fails_when_migrations_are_missing(app):
    result = app.test_cli_runner().invoke(main, ["check"])  # tables made without Alembic
    assert result.exit_code == 1
    assert "FAIL migrations: database at nothing" in result.output
