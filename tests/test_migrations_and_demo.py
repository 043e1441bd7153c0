"""Migrations build the whole schema from nothing; the demo builds once and only once."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from vocgap.cli import main
from vocgap.demo import DEMO_EMAIL
from vocgap.extensions import db
from vocgap.models import Account, Answer, Participant, Response, Study, User

from .conftest import drop_everything


def _empty_database() -> None:
    drop_everything()
    assert sa.inspect(db.engine).get_table_names() == []


def test_migrations_upgrade_an_empty_database_to_the_models(app):
    """Do the migrations, run on an empty database, produce exactly the models' schema?"""
    _empty_database()
    upgrade()
    tables = set(sa.inspect(db.engine).get_table_names())
    assert {t.name for t in db.metadata.sorted_tables} | {"alembic_version"} == tables
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


def test_demo_is_idempotent(app):
    """Does running `vocgap demo` twice leave one demo study with the same rows?"""
    _empty_database()
    runner = app.test_cli_runner()
    first = runner.invoke(main, ["demo"])
    assert first.exit_code == 0, first.output
    assert "Demo study 'demo' built" in first.output
    assert DEMO_EMAIL in first.output
    assert "https://surveys.example.test/s/" in first.output

    def counts():
        return [db.session.scalar(sa.select(sa.func.count()).select_from(m))
                for m in (Study, Account, Participant, Response, Answer, User)]

    before = counts()
    second = runner.invoke(main, ["demo"])
    assert second.exit_code == 0, second.output
    assert "already present" in second.output
    assert counts() == before
    study = db.session.scalar(sa.select(Study))
    assert len(study.accounts) == 12 and len(study.waves) == 2
    assert not study.waves[0].is_open() and study.waves[1].is_open()


def test_demo_links_open_for_people_who_have_not_answered(app):
    _empty_database()
    result = app.test_cli_runner().invoke(main, ["demo"])
    links = [line.rsplit(" ", 1)[1] for line in result.output.splitlines() if "/s/" in line]
    assert len(links) >= 3
    from vocgap.collection.tokens import hash_token

    for link in links:
        token = link.rsplit("/", 1)[1]
        person = db.session.scalar(sa.select(Participant).where(
            Participant.token_hash == hash_token(token)))
        assert person is not None


def test_demo_refuses_production(app):
    app.config["ENV"] = "production"
    result = app.test_cli_runner().invoke(main, ["demo"])
    assert result.exit_code != 0
    assert "will not run in production" in result.output


def test_create_user_hashes_the_password(app):
    _empty_database()
    upgrade()
    result = app.test_cli_runner().invoke(
        main, ["create-user", "Ann@Example.com", "--password", "a long password"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "ann@example.com"))
    assert user.password_hash.startswith("scrypt:")
    assert "a long password" not in user.password_hash
    assert user.check_password("a long password")
    short = app.test_cli_runner().invoke(main, ["create-user", "b@x.com", "--password", "short"])
    assert short.exit_code != 0 and "at least 10 characters" in short.output
