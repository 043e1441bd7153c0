"""The web app: respondent surveys, the consultant back office, and shared HTTP policy."""

from __future__ import annotations

from flask import Flask

from .security import init_security


def init_app(app: Flask) -> None:
    from ..instruments import STAGES
    from ..reporting.formatting import FILTERS
    from . import auth, consultant, errors, observability, public, respondent, respondent_session

    init_security(app)
    app.session_interface = respondent_session.SurveySessionInterface()
    observability.init_app(app)
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals["STAGES"] = STAGES
    errors.init_app(app)
    app.register_blueprint(public.bp)
    app.register_blueprint(respondent.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(consultant.bp)
