"""Report batches on a distributed queue: RQ on Redis, used when ``VOCGAP_QUEUE_URL`` is set.

RQ because the job is one function call with a JSON-sized payload: no routing, no beat, no result
backend are needed, and its worker already forks a fresh process for every job (memory cannot
creep) and exits after ``--max-jobs`` renders so a supervisor can recycle it. Jobs are idempotent:
each writes one deterministic file atomically, so a redelivered job rewrites the same file.

Waiting does not poll: the worker (``worker.ReportWorker``), once a job's end is stored,
publishes the job's id on its batch's channel, and a waiting client sleeps on that channel
(``wait``), reading the batch's status only when woken, or after ``QUIET_SECONDS`` of silence in
case a worker died mid-job or is not a ``ReportWorker``.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from redis import Redis
from rq import Queue, Retry
from rq.job import Job as QueueJob

from .batch import Job, run_job

if TYPE_CHECKING:
    from flask import Flask

QUEUE_NAME = "vocgap-reports"
RETRIES = 2
KEEP_SECONDS = 7 * 24 * 3600
EXTENSION = "vocgap_report_queue"
QUIET_SECONDS = 5.0


@dataclass
class BatchStatus:
    total: int
    finished: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    pending: int = 0

    @property
    def done(self) -> bool:
        return self.pending == 0


def connect(url: str) -> Redis:
    return Redis.from_url(url, socket_connect_timeout=5)


def channel(batch: str) -> str:
    return f"vocgap:batch:{batch}:events"


def announce(job: QueueJob, connection: Redis) -> None:
    """Wake whoever waits on the job's batch; called by the worker once the job's new status is
    stored (a failed attempt too: it may have been the last)."""
    batch = job.meta.get("batch")
    if batch:
        connection.publish(channel(batch), job.id)


def job_id(batch: str, job: Job) -> str:
    return f"{batch}-{hashlib.sha1(job.path.encode()).hexdigest()[:16]}"


def enqueue(jobs: list[Job], url: str, batch: str | None = None, owner: str = "") -> str:
    """Queue one RQ job per report; returns the batch id (reusing it re-queues nothing twice).

    ``owner`` (e.g. the study id) is stored with the batch so the web app can check access."""
    batch = batch or uuid.uuid4().hex[:12]
    redis = connect(url)
    queue = Queue(QUEUE_NAME, connection=redis)
    ids = []
    for job in jobs:
        identifier = job_id(batch, job)
        ids.append(identifier)
        if QueueJob.exists(identifier, connection=redis):
            continue
        queue.enqueue_call(run_job, args=(job,), job_id=identifier, timeout=300,
                           result_ttl=KEEP_SECONDS, failure_ttl=KEEP_SECONDS,
                           retry=Retry(max=RETRIES), meta={"name": job.name, "batch": batch},
                           description=f"vocgap report {job.name}")
    redis.delete(f"vocgap:batch:{batch}")
    redis.rpush(f"vocgap:batch:{batch}", *ids)
    redis.expire(f"vocgap:batch:{batch}", KEEP_SECONDS)
    redis.set(f"vocgap:batch:{batch}:owner", owner, ex=KEEP_SECONDS)
    return batch


def owner(batch: str, url: str) -> str | None:
    value = connect(url).get(f"vocgap:batch:{batch}:owner")
    return value.decode() if value is not None else None


def status(batch: str, url: str) -> BatchStatus:
    redis = connect(url)
    ids = [i.decode() for i in redis.lrange(f"vocgap:batch:{batch}", 0, -1)]
    result = BatchStatus(total=len(ids))
    for queued in QueueJob.fetch_many(ids, connection=redis):
        if queued is None:
            result.failed.append(("?", "job expired or was removed"))
            continue
        state = queued.get_status(refresh=False)
        name = queued.meta.get("name", queued.id)
        if state == "finished":
            result.finished.append(queued.return_value())
        elif state == "failed":
            latest = queued.latest_result()
            last = (getattr(latest, "exc_string", "") or "").strip().splitlines()
            result.failed.append((name, last[-1] if last else "failed"))
        else:
            result.pending += 1
    result.finished.sort()
    return result


def wait(batch: str, url: str, timeout: float = 3600,
         progress: Callable[[BatchStatus], None] | None = None) -> BatchStatus:
    """Block until every job has finished or failed (after its retries), reading the batch's
    status only when a job announces its end (or after a quiet spell)."""
    deadline = time.monotonic() + timeout
    redis = connect(url)
    events = redis.pubsub(ignore_subscribe_messages=True)
    events.subscribe(channel(batch))  # before the first status: no announcement slips between
    try:
        while True:
            current = status(batch, url)
            if progress:
                progress(current)
            left = deadline - time.monotonic()
            if current.done or left <= 0:
                return current
            if events.get_message(timeout=min(QUIET_SECONDS, left)) is not None:
                while events.get_message(timeout=0) is not None:
                    pass  # several jobs ended at once: one status read covers them all
    finally:
        events.close()


@dataclass(frozen=True)
class ReportQueue:
    """The queue one app hands its report batches to, bound to the ``QUEUE_URL`` read at start."""

    url: str

    def enqueue(self, jobs: list[Job], batch: str | None = None, owner: str = "") -> str:
        return enqueue(jobs, self.url, batch=batch, owner=owner)

    def owner(self, batch: str) -> str | None:
        return owner(batch, self.url)

    def status(self, batch: str) -> BatchStatus:
        return status(batch, self.url)

    def wait(self, batch: str, timeout: float = 3600,
             progress: Callable[[BatchStatus], None] | None = None) -> BatchStatus:
        return wait(batch, self.url, timeout=timeout, progress=progress)


def init_app(app: Flask) -> None:
    """Read ``QUEUE_URL`` once: with it the app renders on the queue, without it in-process."""
    url = app.config.get("QUEUE_URL") or ""
    app.extensions[EXTENSION] = ReportQueue(url) if url else None


def report_queue(app: Flask) -> ReportQueue | None:
    """The app's queue, or None when it has none (reports then render here)."""
    return app.extensions.get(EXTENSION)
