"""Report downloads and the same reports as web pages, behind login and study membership."""

from __future__ import annotations

import io
import re
import uuid
from pathlib import Path

from flask import abort, current_app, redirect, render_template, send_file, url_for
from flask_login import login_required

from ...models import Study
from ...reporting import local_batch
from ...reporting.batch import Job, plan_jobs, render_isolated
from ...reporting.fetcher import ASSETS
from ...reporting.queue import report_queue
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
    data = study_analysis(study, edition)
    results = {a["account"]: a for a in data["accounts"]}
    rows = [(account, results[account.name]) for account in study.accounts
            if account.name in results]
    return render_template("consultant/reports.html", study=study, edition=edition,
                           rows=rows, data=data,
                           queue=report_queue(current_app) is not None, action=ActionForm())


@bp.get("/studies/<int:study_id>/reports/accounts/<int:account_id>.<any(pdf, html):fmt>")
@study_view
def account_report(study: Study, account_id: int, fmt: str):
    edition = requested_edition()
    data = study_analysis(study, edition)
    account = account_result(study, data, account_id)
    meta = report_meta(study, study.current_wave, edition, data)
    if fmt == "html":
        context = account_context(meta, account, fmt="svg")
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
    meta = report_meta(study, study.current_wave, edition, data)
    if fmt == "html":
        return render_html("report/portfolio.html", portfolio_context(meta, data, fmt="svg"),
                           asset_base=url_for("consultant.report_asset", filename=""))
    pdf = render_isolated(Job("portfolio", "portfolio", meta, data, ""))
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=f"{study.short_name}-portfolio-{edition}.pdf")


def _batch_folder(study: Study, batch: str) -> Path:
    return Path(current_app.config["REPORTS_DIR"]) / "batches" / f"{study.short_name}-{batch}"


@bp.post("/studies/<int:study_id>/reports/batches")
@study_view
def queue_batch(study: Study):
    """Start every report of the study as one batch: on the report queue when
    VOCGAP_QUEUE_URL is set, otherwise on a process pool beside the web app."""
    if not ActionForm().validate_on_submit():
        abort(400)
    edition = requested_edition()
    data = study_analysis(study, edition)
    meta = report_meta(study, study.current_wave, edition, data)
    batch = uuid.uuid4().hex[:12]
    folder = _batch_folder(study, batch)
    jobs = plan_jobs(data, meta, folder)
    queue = report_queue(current_app)
    if queue is not None:
        queue.enqueue(jobs, batch=batch, owner=str(study.id))
    else:
        local_batch.start(jobs, folder, owner=str(study.id))
    return redirect(url_for("consultant.batch", study_id=study.id, batch=batch))


def _batch_state(study: Study, batch: str):
    """The batch's progress, read from its folder or the queue; 404 unless it is this study's."""
    if not BATCH_ID.match(batch):
        abort(404)
    folder = _batch_folder(study, batch)
    if local_batch.is_local(folder):
        state = local_batch.status(folder)
        if state.owner != str(study.id):
            abort(404)
        return state
    queue = report_queue(current_app)
    if queue is None or queue.owner(batch) != str(study.id):
        abort(404)
    return queue.status(batch)


@bp.get("/studies/<int:study_id>/reports/batches/<batch>")
@study_view
def batch(study: Study, batch: str):
    state = _batch_state(study, batch)
    files = [Path(p).name for p in state.finished]
    return render_template("consultant/batch.html", study=study, batch=batch, state=state,
                           files=files, archive=getattr(state, "archive", None))


@bp.get("/studies/<int:study_id>/reports/batches/<batch>/<name>")
@study_view
def batch_file(study: Study, batch: str, name: str):
    """A finished PDF or the batch's ZIP; only files the batch already wrote."""
    _batch_state(study, batch)
    folder = _batch_folder(study, batch).resolve()
    path = (folder / name).resolve()
    if path.parent != folder or path.suffix not in (".pdf", ".zip") or not path.is_file():
        abort(404)
    kind = "application/zip" if path.suffix == ".zip" else "application/pdf"
    download = f"{study.short_name}-{batch}-reports.zip" if path.suffix == ".zip" else None
    return send_file(path, mimetype=kind, as_attachment=True, download_name=download)


@bp.get("/report-assets/<path:filename>")
@login_required
def report_asset(filename: str):
    path = (ASSETS / filename).resolve()
    if ASSETS not in path.parents or not path.is_file() or path.suffix not in (".css", ".ttf"):
        abort(404)
    return send_file(path)
