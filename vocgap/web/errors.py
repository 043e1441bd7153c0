"""Plain error pages; never a stack trace, never a hint about what exists."""

from __future__ import annotations

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        return render_template("error.html", error=exc), exc.code or 500
