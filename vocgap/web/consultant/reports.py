"""Report downloads and the same reports as web pages, behind login and study membership."""

from __future__ import annotations

import io
import re
import tempfile
import uuid
import zipfile
from pathlib import Path

from flask import abort, current_app, redirect, render_template, send_file, url_for
from flask_login import login_required

from ...models import Study
from ...reporting.batch import Job, plan_jobs, render_isolated, run_batch
from ...reporting.fetcher import ASSETS
from ...reporting.queue import ReportQueue, report_queue
from ...reporting.render import account_context, portfolio_context, render_html, slug
from ...reporting.study_reports import report_meta
from . import bp, study_view
from .analysis import account_result, requested_edition, study_analysis
from .forms import ActionForm

BATCH_ID = re.compile(r"^[0-9a-f]{12}$")


@bp.get("/studies/<int:study_id>/reports/")
@study_view
def reports(study: Study):
    edition = requested_edition()
    return render_template("consultant/reports.html", study=study, edition=edition,
                           accounts=study.accounts, data=study_analysis(study, edition),
                           queue=report_queue(current_app) is not None, action=ActionForm())


@bp.get("/studies/<int:study_id>/reports/accounts/<int:account_id>.<any(pdf, html):fmt>")
@study_view
def account_report(study: Study, account_id: int, fmt: str):
    edition = requested_edition()
    data = study_analysis(study, edition)
    account = account_result(study, data, account_id)
    meta = report_meta(study, study.current_wave, edition)
    if fmt == "html":
        context = account_context(meta, account)
        return render_html("report/account.html", context,
                           asset_base=url_for("consultant.report_asset", filename=""))
    pdf = render_isolated(Job("account", account["account"], meta, account, ""))
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=f"{study.short_name}-{slug(account['account'])}-{edition}.pdf")


@bp.get("/studies/<int:study_id>/reports/portfolio.<any(pdf, html):fmt>")
@study_view
def portfolio_report(study: Study, fmt: str):
    edition = requested_edition()
    data = study_analysis(study, edition)
    meta = report_meta(study, study.current_wave, edition)
    if fmt == "html":
        return render_html("report/portfolio.html", portfolio_context(meta, data),
                           asset_base=url_for("consultant.report_asset", filename=""))
    pdf = render_isolated(Job("portfolio", "portfolio", meta, data, ""))
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=f"{study.short_name}-portfolio-{edition}.pdf")


@bp.get("/studies/<int:study_id>/reports/all.zip")
@study_view
def all_reports(study: Study):
    edition = requested_edition()
    data = study_analysis(study, edition)
    meta = report_meta(study, study.current_wave, edition)
    with tempfile.TemporaryDirectory() as folder:
        result = run_batch(plan_jobs(data, meta, folder))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in result.written:
                archive.write(path, Path(path).name)
            if result.failed:
                archive.writestr("FAILED.txt", "\n".join(f"{name}: {why}"
                                                         for name, why in result.failed))
    buffer.seek(0)
    return send_file(buffer, mimetype="application/zip", as_attachment=True,
                     download_name=f"{study.short_name}-w{meta['wave']}-{edition}-reports.zip")


def _batch_folder(study: Study, batch: str) -> Path:
    return Path(current_app.config["REPORTS_DIR"]) / "batches" / f"{study.short_name}-{batch}"


@bp.post("/studies/<int:study_id>/reports/batches")
@study_view
def queue_batch(study: Study):
    """Hand every report of the study to the queue workers (needs VOCGAP_QUEUE_URL)."""
    queue = report_queue(current_app)
    if queue is None or not ActionForm().validate_on_submit():
        abort(400)
    edition = requested_edition()
    data = study_analysis(study, edition)
    meta = report_meta(study, study.current_wave, edition)
    batch = uuid.uuid4().hex[:12]
    jobs = plan_jobs(data, meta, _batch_folder(study, batch))
    queue.enqueue(jobs, batch=batch, owner=str(study.id))
    return redirect(url_for("consultant.batch", study_id=study.id, batch=batch))


def _own_batch(study: Study, batch: str) -> ReportQueue:
    """The app's queue, when the batch exists and belongs to this study; 404 otherwise."""
    queue = report_queue(current_app)
    if queue is None or not BATCH_ID.match(batch) or queue.owner(batch) != str(study.id):
        abort(404)
    return queue


@bp.get("/studies/<int:study_id>/reports/batches/<batch>")
@study_view
def batch(study: Study, batch: str):
    state = _own_batch(study, batch).status(batch)
    files = [Path(p).name for p in state.finished]
    return render_template("consultant/batch.html", study=study, batch=batch, state=state,
                           files=files)


@bp.get("/studies/<int:study_id>/reports/batches/<batch>/<name>")
@study_view
def batch_file(study: Study, batch: str, name: str):
    _own_batch(study, batch)
    folder = _batch_folder(study, batch).resolve()
    path = (folder / name).resolve()
    if path.parent != folder or path.suffix != ".pdf" or not path.is_file():
        abort(404)
    return send_file(path, mimetype="application/pdf", as_attachment=True)


@bp.get("/report-assets/<path:filename>")
@login_required
def report_asset(filename: str):
    path = (ASSETS / filename).resolve()
    if ASSETS not in path.parents or not path.is_file() or path.suffix not in (".css", ".ttf"):
        abort(404)
    return send_file(path)
