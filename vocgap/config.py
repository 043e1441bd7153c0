"""Configuration: defaults, then the instance file, then environment variables, then tests."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from .paths import PROJECT_ROOT

DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me"


class UnsafeConfigError(RuntimeError):
    """Raised when production mode is asked for with development-only settings."""


def defaults(app: Flask) -> dict:
    instance = Path(app.instance_path)
    return {
        "ENV": "development",
        "SECRET_KEY": DEV_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'vocgap.sqlite3'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
        "SURVEYS_DIR": str(PROJECT_ROOT / "surveys"),
        "REPORTS_DIR": str(PROJECT_ROOT / "reports"),
        "MAIL_SERVER": "",
        "MAIL_PORT": 25,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_USERNAME": "",
        "MAIL_PASSWORD": "",
        "MAIL_FROM": "vocgap <surveys@localhost>",
        "MAIL_OUTBOX_DIR": str(instance / "outbox"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": 3600 * 8,
        "PERMANENT_SESSION_LIFETIME": 3600 * 24 * 45,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "QUEUE_URL": "",
        "RATELIMIT_ENABLED": True,
        "RATE_LIMIT_URL": "",  # Redis for the counters; default: QUEUE_URL, else the database
        "TRUSTED_PROXIES": 0,  # how many proxies in front of vocgap set X-Forwarded-For/-Proto
    }


def normalise_database_url(url: str) -> str:
    """Point bare PostgreSQL URLs at the psycopg 3 driver that vocgap installs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load(app: Flask, test_config: dict | None) -> None:
    """Fill ``app.config`` in order: defaults, instance ``config.py``, environment, test config."""
    app.config.from_mapping(defaults(app))
    app.config.from_pyfile("config.py", silent=True)
    env = os.environ
    if env.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = env["DATABASE_URL"]
    if env.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = env["SECRET_KEY"]
    app.config.from_prefixed_env("VOCGAP")
    if test_config:
        app.config.from_mapping(test_config)
    uri = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    check_proxies(app.config)
    if uri.startswith("postgresql"):
        # One pool per worker process, sized for its threads (gunicorn.conf.py).
        threads = int(os.environ.get("VOCGAP_THREADS", "8"))
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "pool_size": threads, "max_overflow": threads, "pool_recycle": 1800,
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    if uri.startswith("sqlite"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        # WAL lets readers proceed during a write; the timeout makes writers queue, not fail.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
            "connect_args": {"timeout": 30, "check_same_thread": False},
        }
    if app.config["ENV"] == "production":
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
        check_production(app.config)


def check_production(config) -> None:
    """Refuse to run in production with a development secret or an insecure public URL."""
    problems = []
    secret = str(config.get("SECRET_KEY") or "")
    if secret == DEV_SECRET_KEY or len(secret) < 32:
        problems.append("SECRET_KEY must be set to a random value of at least 32 characters "
                        "(python -c 'import secrets; print(secrets.token_urlsafe(48))')")
    if not str(config.get("PUBLIC_BASE_URL", "")).startswith("https://"):
        problems.append("VOCGAP_PUBLIC_BASE_URL must be the https:// address respondents use")
    if problems:
        raise UnsafeConfigError("refusing to start in production mode: " + "; ".join(problems))


def check_proxies(config) -> None:
    """``VOCGAP_TRUSTED_PROXIES`` must be a count: trusting a header nobody sets lets clients
    choose their own address, and so dodge every per-address limit."""
    value = config.get("TRUSTED_PROXIES", 0)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"VOCGAP_TRUSTED_PROXIES must be the number of proxies in front of "
                         f"vocgap (0, 1, 2 …), not {value!r}")
    config["TRUSTED_PROXIES"] = value
