"""Plain error pages, JSON for JSON callers; never a stack trace, never a hint of what exists."""

from __future__ import annotations

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException


def wants_json() -> bool:
    """Script requests (``fetch``/``sendBeacon`` say ``Sec-Fetch-Dest: empty``), autosave
    (``action=autosave``) and clients asking for JSON; a page never gets JSON by accident."""
    if request.headers.get("Sec-Fetch-Dest") == "empty":
        return True
    if request.accept_mimetypes.best_match(["text/html", "application/json"]) == (
        "application/json"
    ):
        return True
    if request.method != "POST":
        return False
    try:
        return request.form.get("action") == "autosave"
    except HTTPException:  # e.g. a body over the size limit cannot be parsed
        return False


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        code = exc.code or 500
        # Keep headers such as Retry-After; the body is ours.
        headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
        if wants_json():
            return {"error": exc.name, "message": exc.description, "status": code}, code, headers
        return render_template("error.html", error=exc), code, headers
