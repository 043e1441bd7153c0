"""Security headers on every response, and client addresses as the trusted proxies report them."""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)


def init_security(app: Flask) -> None:
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        # Behind N proxies, the client address is the one the outermost proxy saw. The scheme
        # is not taken over: links use VOCGAP_PUBLIC_BASE_URL, and an https request would make
        # Flask-WTF demand a Referer, which Referrer-Policy: no-referrer never sends.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=0, x_host=0)

    @app.after_request
    def _headers(response: Response) -> Response:
        if request.endpoint != "static":
            # Survey answers, consultant pages and downloads never stay in a browser's or a
            # proxy's cache, where the next person at a shared computer could find them.
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # Survey links carry the token in the path: never leak it to another origin.
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("ENV") == "production":
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response
