"""Benchmark: a report batch through RQ workers on Redis, 1 worker against 2; target ≥ 1.8×.

Needs redis-server on PATH. Starts Redis on a loopback port, builds the demo in a throw-away
database and queues ``--reports`` account PDFs, first to one warm worker, then to two, ``--rounds``
times (alternating, so that machine load hits both alike). Before each round it renders a few of
the same reports in this process, warm, one after another: the bare render that a worker can at
best match per core. Prints each run, the 2-vs-1 speed-up and the queue's overhead per PDF.

    .venv/bin/python benchmarks/report_queue.py [--reports 26] [--rounds 2] [--port 6395]

Where the time went (cProfile of the worker and the client, 26 demo account PDFs, before this
change: 1.52× on 2 shared cores): nearly all of it in the work horses' renders (WeasyPrint layout
and PDF writing, then matplotlib); each horse was forked from a parent that had only imported
the libraries, so every render paid for opening and shaping the fonts, matplotlib's font cache
and the first chart again (0.1–0.5 s a report, contending with the other worker for the same two
cores); the client re-read every job's status twice a second (a Redis round trip per job per
read, a CPU the renders need on a 2-core machine) and noticed the last report up to 0.5 s late.
Now the parent renders a warm-up document before it takes jobs (vocgap/reporting/worker.py), and
the client sleeps on the batch's Redis channel until a job announces its end
(vocgap/reporting/queue.py).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def start_workers(count: int, url: str, queue_name: str) -> list[subprocess.Popen]:
    """Start ``count`` report workers and return once each has warmed up and registered."""
    from redis import Redis
    from rq import Worker

    procs = [subprocess.Popen([str(ROOT / ".venv" / "bin" / "rq"), "worker", "--url", url, "-q",
                               "--max-jobs", "50", "--worker-class",
                               "vocgap.reporting.worker.ReportWorker", queue_name], cwd=ROOT)
             for _ in range(count)]
    redis = Redis.from_url(url)
    deadline = time.monotonic() + 120
    while Worker.count(connection=redis) < count:
        if time.monotonic() > deadline:
            raise SystemExit("report workers did not start within 120 s")
        time.sleep(0.2)
    return procs


def stop_workers(procs: list[subprocess.Popen], url: str) -> None:
    from redis import Redis
    from rq import Worker

    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait(timeout=60)
    redis = Redis.from_url(url)
    while Worker.count(connection=redis):  # a terminated worker unregisters as it exits
        time.sleep(0.1)


def bare_seconds(jobs: list, count: int) -> float:
    """Seconds per PDF rendering ``count`` of the jobs here, warm, one after another."""
    from vocgap.reporting.batch import render_job

    render_job(jobs[0])
    start = time.perf_counter()
    for job in jobs[:count]:
        render_job(job)
    return (time.perf_counter() - start) / count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=26)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--reference", type=int, default=4, help="bare renders per round")
    parser.add_argument("--port", type=int, default=6395)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="vocgap-queue-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    url = f"redis://127.0.0.1:{args.port}"
    redis = subprocess.Popen(["redis-server", "--port", str(args.port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    from flask_migrate import upgrade

    from vocgap import create_app
    from vocgap.cli.common import resolve_study
    from vocgap.demo import build_demo
    from vocgap.reporting import queue
    from vocgap.reporting.batch import Job
    from vocgap.reporting.study_reports import study_report_data

    app = create_app()
    with app.app_context():
        upgrade()
        build_demo(app.config["SURVEYS_DIR"])
        data, meta = study_report_data(resolve_study("demo"), workers=1)
    accounts = data["accounts"]
    runs: dict[int, list[float]] = {1: [], 2: []}
    bare: list[float] = []
    try:
        for round_number in range(args.rounds):
            for workers in (1, 2):
                out = folder / f"r{round_number}w{workers}"
                jobs = [Job("account", a["account"], meta, a, str(out / f"{i:04d}.pdf"))
                        for i, a in enumerate(accounts[i % len(accounts)]
                                              for i in range(args.reports))]
                if workers == 1:
                    bare.append(bare_seconds(jobs, args.reference))
                    print(f"bare warm render here: {bare[-1]:.2f} s per PDF")
                procs = start_workers(workers, url, queue.QUEUE_NAME)
                start = time.perf_counter()
                result = queue.wait(queue.enqueue(jobs, url), url, timeout=1800)
                elapsed = time.perf_counter() - start
                stop_workers(procs, url)
                if result.failed:
                    raise SystemExit(f"{len(result.failed)} reports failed: {result.failed[:3]}")
                runs[workers].append(elapsed)
                print(f"{workers} queue worker(s): {len(result.finished)} PDFs in {elapsed:.1f} s "
                      f"({len(result.finished) / elapsed:.2f}/s, {elapsed / args.reports:.2f} s "
                      f"per PDF; load average {os.getloadavg()[0]:.1f})")
    finally:
        redis.terminate()
        redis.wait(timeout=30)
    one, two = statistics.median(runs[1]), statistics.median(runs[2])
    reference = statistics.median(bare)
    print(f"medians over {args.rounds} round(s), {args.reports} PDFs each:")
    print(f"  bare render {reference:.2f} s/PDF; 1 worker {one / args.reports:.2f} s/PDF "
          f"({one / args.reports / reference:.2f}× bare); 2 workers "
          f"{two / args.reports:.2f} s/PDF")
    print(f"  2 workers vs 1: {one / two:.2f}× (target ≥ 1.8×)")


if __name__ == "__main__":
    main()
