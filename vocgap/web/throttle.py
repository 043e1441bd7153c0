"""Rate limits on failures only (wrong survey links, failed sign-ins), counted where every
server process sees the same numbers.

Counters live in the Redis that the report queue uses when one is configured
(``VOCGAP_QUEUE_URL``, or ``VOCGAP_RATE_LIMIT_URL`` to name another), otherwise in the
application's own database (the ``rate_counter`` table): both are shared by all gunicorn workers
and all machines behind the proxy, unlike per-process memory, which would multiply every limit by
the number of workers. Only failures are counted and only failures are refused, so a valid link or
a correct password never meets a limit that somebody else's mistakes filled. Keys are hashed: no
address or e-mail address is stored in clear.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, request
from redis.exceptions import RedisError

from ..extensions import db
from ..models import RateCounter, utcnow


@dataclass(frozen=True)
class Window:
    """At most ``limit`` failures per ``seconds`` (fixed windows aligned to the clock)."""

    limit: int
    seconds: int


log = logging.getLogger(__name__)

LINK_MISSES = (Window(10, 60), Window(60, 3600))            # per client address
LOGIN_FAILURES_ADDRESS = (Window(10, 60), Window(50, 3600))  # per client address
LOGIN_FAILURES_ACCOUNT = (Window(10, 60), Window(30, 3600))  # per e-mail address tried


def _now() -> float:
    """The clock the windows are cut from (one place, so tests can hold it still)."""
    return time.time()


def client_address() -> str:
    """The client's address as the trusted proxies report it (see ``VOCGAP_TRUSTED_PROXIES``)."""
    return request.remote_addr or "unknown"


def _keys(scope: str, subject: str, windows: tuple[Window, ...], now: float
          ) -> list[tuple[str, Window, float]]:
    digest = hashlib.sha256(f"{scope}\0{subject}".encode()).hexdigest()[:40]
    out = []
    for window in windows:
        index = math.floor(now / window.seconds)
        out.append((f"{scope}:{window.seconds}:{index}:{digest}", window,
                    (index + 1) * window.seconds))
    return out


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _redis():
    url = current_app.config.get("RATE_LIMIT_URL") or current_app.config.get("QUEUE_URL")
    if not url:
        return None
    from redis import Redis

    clients = current_app.extensions.setdefault("vocgap_rate_limit_redis", {})
    if url not in clients:
        clients[url] = Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
    return clients[url]


def retry_after(scope: str, subject: str, windows: tuple[Window, ...]) -> int | None:
    """Seconds until ``subject`` may fail again, or None if it has failures to spare."""
    if not _enabled():
        return None
    now = _now()
    keys = _keys(scope, subject, windows, now)
    redis = _redis()
    if redis is not None:
        try:
            counts = [int(v or 0) for v in redis.mget([k for k, _, _ in keys])]
        except RedisError as exc:  # limits are a second line of defence: never lock users out
            log.warning("rate-limit counters unavailable (%s): not limiting", exc)
            return None
    else:
        stored = dict(db.session.execute(sa.select(RateCounter.key, RateCounter.count).where(
            RateCounter.key.in_([k for k, _, _ in keys]))).all())
        counts = [stored.get(k, 0) for k, _, _ in keys]
    waits = [math.ceil(end - now) for (_, window, end), count in zip(keys, counts, strict=True)
             if count >= window.limit]
    return max(waits) if waits else None


def record_failure(scope: str, subject: str, windows: tuple[Window, ...]) -> None:
    """Count one failure of ``subject`` in each of its windows."""
    if not _enabled():
        return
    now = _now()
    keys = _keys(scope, subject, windows, now)
    redis = _redis()
    if redis is not None:
        try:
            with redis.pipeline(transaction=True) as pipe:
                for key, window, _ in keys:
                    pipe.incr(key)
                    pipe.expire(key, window.seconds + 5)
                pipe.execute()
        except RedisError as exc:
            log.warning("rate-limit counters unavailable (%s): failure not counted", exc)
        return
    _record_in_database(keys)


def _record_in_database(keys: list[tuple[str, object, float]]) -> None:
    """Atomic upserts on a connection of its own: the count survives the request's rollback."""
    table = RateCounter.__table__
    moment = utcnow()
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        for key, _, end in keys:
            expires = moment + timedelta(seconds=end - _now())
            statement = insert(table).values(key=key, count=1, expires_at=expires)
            connection.execute(statement.on_conflict_do_update(
                index_elements=[table.c.key], set_={"count": table.c.count + 1}))
        connection.execute(sa.delete(table).where(table.c.expires_at < moment))
