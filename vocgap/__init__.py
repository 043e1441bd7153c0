"""vocgap: measure how differently a vendor and its customers see each relationship."""

from __future__ import annotations

from flask import Flask

__version__ = "0.1.0"


def create_app(test_config: dict | None = None) -> Flask:
    """Build the Flask app: configuration, extensions, blueprints and CLI. No queries run here."""
    from . import config, languages
    from .extensions import csrf, db, login_manager, migrate
    from .paths import MIGRATIONS_DIR, TEMPLATES_DIR

    app = Flask(__name__, instance_relative_config=True, template_folder=str(TEMPLATES_DIR))
    config.load(app, test_config)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)
    login_manager.init_app(app)
    languages.init_app(app)

    from . import models  # noqa: F401  (register tables for migrations)
    from .reporting import queue
    from .web import init_app as init_web

    queue.init_app(app)
    init_web(app)
    return app
