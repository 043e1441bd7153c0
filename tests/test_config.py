"""Configuration order and the refusal to run production with development settings."""

from __future__ import annotations

import pytest

from vocgap import create_app
from vocgap.config import DEV_SECRET_KEY, UnsafeConfigError, normalise_database_url


def test_development_defaults_use_sqlite_in_the_instance_folder(monkeypatch):
    for name in ("DATABASE_URL", "SECRET_KEY", "VOCGAP_ENV"):
        monkeypatch.delenv(name, raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/vocgap.sqlite3")
    assert app.config["SECRET_KEY"] == DEV_SECRET_KEY


def test_environment_overrides_defaults(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@127.0.0.1:5432/vg")
    monkeypatch.setenv("VOCGAP_PUBLIC_BASE_URL", "https://surveys.example.com")
    monkeypatch.setenv("VOCGAP_MAIL_PORT", "2525")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@127.0.0.1:5432/vg"
    assert app.config["PUBLIC_BASE_URL"] == "https://surveys.example.com"
    assert app.config["MAIL_PORT"] == 2525


def test_production_refuses_the_development_secret(monkeypatch):
    """Does production mode refuse to start with the development secret key?"""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("VOCGAP_ENV", "production")
    monkeypatch.setenv("VOCGAP_PUBLIC_BASE_URL", "https://surveys.example.com")
    with pytest.raises(UnsafeConfigError, match="SECRET_KEY"):
        create_app()


def test_production_refuses_a_short_secret_and_plain_http(monkeypatch):
    monkeypatch.setenv("VOCGAP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "short")
    monkeypatch.setenv("VOCGAP_PUBLIC_BASE_URL", "http://surveys.example.com")
    with pytest.raises(UnsafeConfigError) as info:
        create_app()
    assert "SECRET_KEY" in str(info.value) and "https://" in str(info.value)


def test_production_with_safe_settings_starts(monkeypatch):
    monkeypatch.setenv("VOCGAP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("VOCGAP_PUBLIC_BASE_URL", "https://surveys.example.com")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_test_config_wins(monkeypatch):
    monkeypatch.setenv("VOCGAP_PUBLIC_BASE_URL", "https://env.example")
    app = create_app({"PUBLIC_BASE_URL": "https://test.example"})
    assert app.config["PUBLIC_BASE_URL"] == "https://test.example"


@pytest.mark.parametrize(("url", "expected"), [
    ("postgres://a/b", "postgresql+psycopg://a/b"),
    ("postgresql://a/b", "postgresql+psycopg://a/b"),
    ("postgresql+psycopg://a/b", "postgresql+psycopg://a/b"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_database_url_normalisation(url, expected):
    assert normalise_database_url(url) == expected


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app):
    from vocgap.extensions import db

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite-only pragma")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
