"""Many PDFs at once: one per worker process, workers recycled, failures reported not fatal."""

from __future__ import annotations

import os
import resource
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from .processes import render_pool
from .render import account_pdf, portfolio_pdf, slug

MEMORY_LIMIT_BYTES = 1536 * 1024 * 1024
RENDERS_PER_WORKER = 50


@dataclass(frozen=True)
class Job:
    """One report to write: ``kind`` is 'account' or 'portfolio'."""

    kind: str
    name: str
    meta: dict
    payload: dict
    path: str


@dataclass
class BatchResult:
    written: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def _limit_memory() -> None:
    """Cap each worker's address space so one runaway document cannot take the machine."""
    try:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    except (ValueError, OSError):
        pass


def render_job(job: Job) -> bytes:
    return account_pdf(job.meta, job.payload) if job.kind == "account" else portfolio_pdf(
        job.meta, job.payload)


def run_job(job: Job) -> str:
    """Render one report and write it atomically (a half-written PDF never appears)."""
    pdf = render_job(job)
    target = Path(job.path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".pdf.part")
    temporary.write_bytes(pdf)
    os.replace(temporary, target)
    return str(target)


def plan_jobs(data: dict, meta: dict, out_dir: str | Path, *, accounts: Iterable[str] | None
              = None, portfolio: bool = True) -> list[Job]:
    """Jobs for the chosen accounts (all by default) and the portfolio report."""
    out = Path(out_dir)
    prefix = f"{meta['short_name']}-w{meta['wave']}"
    wanted = set(accounts) if accounts is not None else None
    jobs = [Job("account", a["account"], meta, a,
                str(out / f"{prefix}-{slug(a['account'])}-{meta['edition']}.pdf"))
            for a in data["accounts"] if wanted is None or a["account"] in wanted]
    if portfolio:
        jobs.append(Job("portfolio", "portfolio", meta, data,
                        str(out / f"{prefix}-portfolio-{meta['edition']}.pdf")))
    return jobs


def run_batch(jobs: list[Job], workers: int | None = None,
              progress: Callable[[Job, str | None], None] | None = None) -> BatchResult:
    """Render across processes; each failure is recorded with its reason and the rest go on.

    Workers are recycled after ``RENDERS_PER_WORKER`` renders by starting a fresh pool for each
    round (``max_tasks_per_child`` can hang the pool on CPython 3.11 when a worker retires).
    """
    workers = max(1, workers or (os.cpu_count() or 1))
    result = BatchResult()
    per_round = workers * RENDERS_PER_WORKER
    for start in range(0, len(jobs), per_round):
        with render_pool(workers, _limit_memory) as pool:
            futures = {pool.submit(run_job, job): job for job in jobs[start:start + per_round]}
            for future in as_completed(futures):
                job = futures[future]
                try:
                    result.written.append(future.result())
                    error = None
                except Exception as exc:  # noqa: BLE001 - one report's failure is reported
                    error = f"{type(exc).__name__}: {exc}"
                    result.failed.append((job.name, error))
                if progress:
                    progress(job, error)
    result.written.sort()
    return result


class IsolatedRenderer:
    """A long-lived worker process for the web app's single downloads, replaced after
    ``RENDERS_PER_WORKER`` renders, so they get the same time and memory bounds as batches
    (SIGALRM only works in a process's main thread)."""

    def __init__(self):
        self.pool: ProcessPoolExecutor | None = None
        self.renders = 0
        self.lock = threading.Lock()

    def __call__(self, job: Job, timeout: float = 120) -> bytes:
        pool = self._pool()
        try:
            return pool.submit(render_job, job).result(timeout=timeout)
        except BrokenProcessPool:
            # The render process died (memory bound, or killed): one retry in a fresh process.
            return self._pool(broken=pool).submit(render_job, job).result(timeout=timeout)

    def _pool(self, broken: ProcessPoolExecutor | None = None) -> ProcessPoolExecutor:
        """The current pool, replaced when worn out or broken (threads share one renderer)."""
        with self.lock:
            if self.pool is None or self.pool is broken or self.renders >= RENDERS_PER_WORKER:
                if self.pool is not None:
                    self.pool.shutdown(wait=False)
                self.pool = render_pool(1, _limit_memory)
                self.renders = 0
            self.renders += 1
            return self.pool


render_isolated = IsolatedRenderer()
