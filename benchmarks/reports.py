"""Benchmark: report rendering from stored responses (the demo study in a throw-away database).

Prints, in the same run and alternating so that machine load hits both alike:
- the median time of one account PDF from stored responses (the study's analysis shared by its
  accounts, then charts, templating and our WeasyPrint render), and of a bare WeasyPrint render
  of that same report's HTML (stylesheet linked, fonts and CSS loaded afresh, same PDF/UA
  output); target overhead ≤ 30%;
- batch wall time per PDF with every core against one bare render; target ≤ 1.0×;
- worker memory across the batch.
Run by hand:  .venv/bin/python benchmarks/reports.py [--reports 48]
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


def bare_render(html: str) -> float:
    """WeasyPrint as anyone would call it on the same HTML: no cached fonts or CSS."""
    from weasyprint import HTML

    from vocgap.reporting.fetcher import SCHEME, PackagedFetcher
    from vocgap.reporting.render import PDF_VARIANT

    start = time.perf_counter()
    HTML(string=html, base_url=SCHEME + "/", url_fetcher=PackagedFetcher()).write_pdf(
        pdf_variant=PDF_VARIANT)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=48)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="vocgap-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    from flask_migrate import upgrade

    from vocgap import create_app
    from vocgap.cli.common import resolve_study
    from vocgap.demo import build_demo
    from vocgap.reporting.fetcher import SCHEME
    from vocgap.reporting.render import account_context, html_to_pdf, pdf_html, render_html
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
    analysis = statistics.median(analysis_times)
    per_account_analysis = analysis / len(accounts)
    render_job(Job("account", accounts[0]["account"], meta, accounts[0], ""))  # warm caches
    ours, bare, parts = [], [], {"charts": [], "template": [], "render": []}
    for _ in range(2):
        for account in accounts:
            start = time.perf_counter()
            context = account_context(meta, account)
            charted = time.perf_counter()
            html = pdf_html("report/account.html", context)
            templated = time.perf_counter()
            html_to_pdf(html)
            done = time.perf_counter()
            parts["charts"].append(charted - start)
            parts["template"].append(templated - charted)
            parts["render"].append(done - templated)
            ours.append(per_account_analysis + done - start)
            linked = render_html("report/account.html", context, asset_base=SCHEME + "/")
            bare.append(bare_render(linked))
    median = statistics.median
    print(f"analysis of the study from stored responses: {analysis:.2f} s for "
          f"{len(accounts)} accounts ({per_account_analysis:.3f} s an account)")
    print("one account PDF, parts (median): " + ", ".join(
        f"{name} {median(times):.3f} s" for name, times in parts.items()))
    print(f"one account PDF from stored responses: median {median(ours):.2f} s; bare "
          f"WeasyPrint render of the same HTML: median {median(bare):.2f} s; ratio "
          f"{median(ours) / median(bare):.2f}× (target ≤ 1.30×)")
    print(f"  (a single download with a cold analysis cache adds the whole analysis: "
          f"{median(ours) - per_account_analysis + analysis:.2f} s)")
    many = [Job("account", a["account"], meta, a, "") for a in accounts]
    many = [many[i % len(many)] for i in range(args.reports)]
    workers = os.cpu_count() or 1
    wall, results = batch(many, workers)
    reference = median([bare_render(render_html(
        "report/account.html", account_context(meta, a), asset_base=SCHEME + "/"))
        for a in accounts[:4]])
    print(f"batch of {len(many)} on {workers} cores: {wall:.1f} s, {wall / len(many):.2f} s a "
          f"PDF; bare render of one (same run): {reference:.2f} s; ratio "
          f"{wall / len(many) / reference:.2f}× (target ≤ 1.00×)")
    memory = [m for _, m in results]
    print(f"worker memory (RSS after each render): first {memory[0]:.0f} MB, "
          f"max {max(memory):.0f} MB, last {memory[-1]:.0f} MB")


if __name__ == "__main__":
    main()
