"""Benchmark: report rendering from stored responses (the demo study in a throw-away database).

Prints the median seconds per account PDF (analysis of the study, then render), batch
throughput with 1 and 2 worker processes, and worker memory across 100 reports.
Run by hand:  .venv/bin/python benchmarks/reports.py [--reports 100]
Targets (DESIGN.md §7): median ≤ 1.0 s; 2 workers ≥ 1.8× one; ≤ 600 MB a worker, flat.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vocgap.reporting.batch import RENDERS_PER_WORKER, Job, render_job  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def render_and_measure(job: Job) -> tuple[float, float]:
    start = time.perf_counter()
    render_job(job)
    return time.perf_counter() - start, rss_mb()


def batch(jobs: list[Job], workers: int) -> tuple[float, list[tuple[float, float]]]:
    """Like vocgap.reporting.batch.run_batch (a fresh pool every 50 renders a worker), but
    returning each render's time and the worker's memory afterwards."""
    start = time.perf_counter()
    results = []
    per_round = workers * RENDERS_PER_WORKER
    for first in range(0, len(jobs), per_round):
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results += list(pool.map(render_and_measure, jobs[first:first + per_round]))
    return time.perf_counter() - start, results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=100)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="vocgap-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    from flask_migrate import upgrade

    from vocgap import create_app
    from vocgap.cli.common import resolve_study
    from vocgap.demo import build_demo
    from vocgap.reporting.study_reports import study_report_data

    app = create_app()
    with app.app_context():
        upgrade()
        build_demo(app.config["SURVEYS_DIR"])
        study = resolve_study("demo")
        analysis_times = []
        for _ in range(3):
            start = time.perf_counter()
            data, meta = study_report_data(study, workers=1)
            analysis_times.append(time.perf_counter() - start)
    accounts = data["accounts"]
    jobs = [Job("account", a["account"], meta, a, "") for a in accounts]
    render_job(jobs[0])  # warm fonts and templates, as a running worker would be
    single = []
    for job in jobs:
        start = time.perf_counter()
        render_job(job)
        single.append(time.perf_counter() - start)
    analysis = statistics.median(analysis_times)
    render = statistics.median(single)
    print(f"analysis of the study from stored responses: {analysis:.2f} s "
          f"({len(accounts)} accounts)")
    print(f"render one account PDF: median {render:.2f} s, max {max(single):.2f} s")
    print(f"per-account PDF from stored responses (analysis + render): {analysis + render:.2f} s")
    many = [jobs[i % len(jobs)] for i in range(args.reports)]
    one_time, _ = batch(many, 1)
    two_time, results = batch(many, 2)
    print(f"batch of {len(many)}: 1 worker {one_time:.1f} s ({len(many) / one_time:.2f}/s), "
          f"2 workers {two_time:.1f} s ({len(many) / two_time:.2f}/s), "
          f"speed-up {one_time / two_time:.2f}×")
    memory = [m for _, m in results]
    print(f"worker memory (RSS after each render): first {memory[0]:.0f} MB, "
          f"max {max(memory):.0f} MB, last {memory[-1]:.0f} MB")


if __name__ == "__main__":
    main()
