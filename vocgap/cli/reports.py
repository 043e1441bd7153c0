"""``vocgap report``: PDFs for one account, all accounts and the portfolio."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..reporting.batch import plan_jobs, run_batch
from ..reporting.queue import QUEUE_NAME, ReportQueue, report_queue
from ..reporting.study_reports import study_report_data
from .common import resolve_study, resolve_wave


@click.command("report")
@click.option("--study", required=True, help="Study id or short name.")
@click.option("--wave", "wave_number", type=int, help="Wave number (default: the current one).")
@click.option("--account", "accounts", multiple=True, help="Only this account (repeatable).")
@click.option("--edition", type=click.Choice(["consultant", "vendor"]), default="consultant",
              show_default=True)
@click.option("--out", type=click.Path(file_okay=False), help="Folder (default: reports/).")
@click.option("--workers", type=click.IntRange(min=1), help="Processes (default: all cores).")
@click.option("--no-portfolio", is_flag=True, help="Skip the portfolio report.")
@click.option("--local", is_flag=True, help="Render here even when VOCGAP_QUEUE_URL is set.")
@with_appcontext
def report(study, wave_number, accounts, edition, out, workers, no_portfolio, local) -> None:
    """Write per-account PDFs and the portfolio PDF, one per worker process."""
    target = resolve_study(study)
    wave = resolve_wave(target, wave_number)
    data, meta = study_report_data(target, wave, edition)
    known = {a["account"] for a in data["accounts"]}
    unknown = [a for a in accounts if a not in known]
    if unknown:
        raise click.BadParameter(f"no account {', '.join(map(repr, unknown))} in "
                                 f"'{target.short_name}'", param_hint="--account")
    folder = Path(out or current_app.config["REPORTS_DIR"]).resolve()
    jobs = plan_jobs(data, meta, folder, accounts=accounts or None,
                     portfolio=not (no_portfolio or accounts))
    queue = report_queue(current_app)
    if queue is not None and not local:
        _through_queue(jobs, queue, folder)
        return
    with click.progressbar(length=len(jobs), label=f"Rendering {len(jobs)} reports",
                           file=sys.stderr) as bar:
        def tick(job, error):
            bar.update(1)
            if error:
                click.echo(f"\n  {job.name}: FAILED ({error})", err=True)

        result = run_batch(jobs, workers, tick)
    for path in result.written:
        click.echo(path)
    click.echo(f"{len(result.written)} written, {len(result.failed)} failed, in {folder}",
               err=True)
    if result.failed:
        raise SystemExit(1)


def _through_queue(jobs, queue: ReportQueue, folder: Path) -> None:
    """Hand the jobs to the RQ workers and follow the batch until it is done."""
    batch = queue.enqueue(jobs)
    click.echo(f"batch {batch}: {len(jobs)} reports queued on {QUEUE_NAME}", err=True)
    with click.progressbar(length=len(jobs), label="Rendering on the queue",
                           file=sys.stderr) as bar:
        seen = 0

        def tick(state):
            nonlocal seen
            done = len(state.finished) + len(state.failed)
            bar.update(done - seen)
            seen = done

        result = queue.wait(batch, progress=tick)
    for path in result.finished:
        click.echo(path)
    for name, error in result.failed:
        click.echo(f"  {name}: FAILED ({error})", err=True)
    click.echo(f"{len(result.finished)} written, {len(result.failed)} failed, "
               f"{result.pending} unfinished, in {folder}", err=True)
    if result.failed or result.pending:
        raise SystemExit(1)
