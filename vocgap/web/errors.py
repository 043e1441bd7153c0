"""Plain error pages that say what went wrong and what to do (JSON for JSON callers); never a
stack trace."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

# What a person can do about each error, in place of Werkzeug's generic wording.
ADVICE = {
    400: ("The request could not be used", "Something in what was sent was missing or not "
          "valid, so nothing was changed. Go back, reload the page and try again."),
    403: ("Not allowed", "Your account may not open this page."),
    404: ("Page not found", "There is no page at this address, or it belongs to a study you "
          "are not a member of. Check the address, or start again from your studies."),
    405: ("That action is not possible here", "This address does not accept that kind of "
          "request. Use the buttons on the page instead."),
    413: ("The file is too large", "The upload is larger than the server accepts. Split the "
          "file, or remove columns you do not need, and upload it again."),
    429: ("Too many attempts", "Please wait a minute before trying again."),
    500: ("Something went wrong on our side", "Nothing you did caused this. Please try again "
          "in a moment; if it happens again, tell the research team."),
}


def describe(exc: HTTPException) -> tuple[str, str]:
    """A heading and a sentence for the error page; a specific description wins."""
    title, advice = ADVICE.get(exc.code or 500, (exc.name, exc.description or ""))
    if isinstance(exc, CSRFError):
        return ("The form had expired", "For your security, forms expire after a while, so "
                "nothing was saved. Go back, reload the page and send it again.")
    if exc.description and exc.description != type(exc).description:
        advice = exc.description
    return title, advice


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
        title, advice = describe(exc)
        if wants_json():
            return {"error": title, "message": advice, "status": code}, code, headers
        consultant = request.path.startswith("/consultant")
        return render_template("error.html", error=exc, title=title, advice=advice,
                               consultant=consultant), code, headers
