"""Pages anyone may see: the landing page and the health check."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..database import database_ok

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    return render_template("index.html")


@bp.get("/healthz")
def health():
    """For load balancers: 200 when the database answers, 503 otherwise."""
    ok, detail = database_ok()
    return {"status": "ok" if ok else "unavailable", "database": detail}, 200 if ok else 503
