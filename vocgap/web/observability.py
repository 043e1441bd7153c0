"""Request ids and one structured (JSON) log line per request."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from flask import Flask, g, request

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
TOKEN_PATH = re.compile(r"^/s/.*")
TOKEN_IN_TEXT = re.compile(r"/s/[^\s\"'?#]+")
access_log = logging.getLogger("vocgap.access")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"ts": round(record.created, 3), "level": record.levelname,
                 "logger": record.name, "message": record.getMessage()}
        entry.update(getattr(record, "fields", {}))
        return json.dumps(entry, ensure_ascii=False)


def safe_path(path: str) -> str:
    """Private survey tokens never reach a log."""
    return "/s/<token>" if TOKEN_PATH.match(path) else path


class TokenMask(logging.Filter):
    """Replace private survey tokens in any log line (the development server logs raw request
    lines such as ``"GET /s/<token> HTTP/1.1" 302``) with ``/s/<token>``."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = TOKEN_IN_TEXT.sub("/s/<token>", message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def mask_tokens(logger: logging.Logger) -> None:
    if not any(isinstance(f, TokenMask) for f in logger.filters):
        logger.addFilter(TokenMask())


def init_app(app: Flask) -> None:
    mask_tokens(logging.getLogger("werkzeug"))  # `flask run`, `vocgap run` and `make demo`
    if app.config.get("LOG_JSON", app.config.get("ENV") == "production") and not (
        access_log.handlers
    ):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        access_log.addHandler(handler)
        access_log.setLevel(logging.INFO)
        access_log.propagate = False

    @app.before_request
    def _start() -> None:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response):
        request_id = getattr(g, "request_id", "")
        response.headers["X-Request-ID"] = request_id
        access_log.info("request", extra={"fields": {
            "request_id": request_id, "method": request.method,
            "path": safe_path(request.path), "status": response.status_code,
            "ms": round(1000 * (time.perf_counter() - getattr(g, "started", time.perf_counter())),
                        1)}})
        return response
