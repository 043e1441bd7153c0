"""Benchmark: a report batch through RQ workers on Redis, with 1 and then 2 workers.

Needs redis-server on PATH. Starts Redis on a loopback port, builds the demo in a throw-away
database, queues ``--reports`` account PDFs and times the batch with each worker count.
    .venv/bin/python benchmarks/report_queue.py [--reports 26]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=26)
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
    try:
        for workers in (1, 2):
            out = folder / f"w{workers}"
            jobs = [Job("account", a["account"], meta, a, str(out / f"{i:04d}.pdf"))
                    for i, a in enumerate(accounts[i % len(accounts)]
                                          for i in range(args.reports))]
            procs = [subprocess.Popen([str(ROOT / ".venv" / "bin" / "rq"), "worker", "--url", url,
                                       "-q", "--max-jobs", "50", "--worker-class",
                                       "vocgap.reporting.worker.ReportWorker",
                                       queue.QUEUE_NAME], cwd=ROOT)
                     for _ in range(workers)]
            time.sleep(2)  # let the workers import WeasyPrint before the clock starts
            start = time.perf_counter()
            result = queue.wait(queue.enqueue(jobs, url), url, timeout=1800)
            elapsed = time.perf_counter() - start
            for proc in procs:
                proc.terminate()
                proc.wait(timeout=30)
            print(f"{workers} queue worker(s): {len(result.finished)} PDFs in {elapsed:.1f} s "
                  f"({len(result.finished) / elapsed:.2f}/s), {len(result.failed)} failed")
    finally:
        redis.terminate()


if __name__ == "__main__":
    main()
