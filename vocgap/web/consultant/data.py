"""Imports (participants, responses) and exports (CSV, XLSX) for a study."""

from __future__ import annotations

import io

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from ...actions.export import actions_sheets
from ...alerts import after_import
from ...collection.export import tidy_responses, to_csv_bytes, to_xlsx_bytes
from ...collection.imports import ImportFailed, Mapping, import_participants, import_responses
from ...models import Study
from . import bp, study_view
from .forms import UPLOAD_HELP, ResponsesUploadForm, UploadForm

IMPORT_PAGES = {"consultant.import_participants_page": "participants",
                "consultant.import_responses_page": "responses",
                "consultant.import_accounts_page": "accounts"}


def upload_limit() -> str:
    """The upload size limit in words, as the page states it."""
    size = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    if not size:
        return "no fixed size"
    return f"{size / 2**20:g} MB" if size >= 2**20 else f"{size / 2**10:g} KB"


def _hint(what: str) -> str:
    return (f"{UPLOAD_HELP} Up to {upload_limit()} through this page; larger files go through "
            f"the command line: vocgap import {what} FILE --study ….")


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error):
    """An upload over the limit returns to its page with the limit named, nothing read."""
    what = IMPORT_PAGES.get(request.endpoint or "")
    if what is None:
        return error
    flash(f"That file is larger than the {upload_limit()} upload limit, so nothing was "
          f"imported. Use the command line for it: vocgap import {what} FILE --study ….",
          "error")
    return redirect(request.path, code=303)


def _import_page(study: Study, form, template: str, run, done: str, what: str):
    """Shared upload flow: check the form, import all or nothing, list every bad row."""
    failure = report = None
    if form.validate_on_submit():
        try:
            report = run(form.file.data)
        except ImportFailed as exc:
            failure = exc
        else:
            if not report.dry_run:
                flash(f"{report.summary().capitalize()}.", "info")
                for note in report.notes[:20]:
                    flash(note, "info")
                return redirect(url_for(done, study_id=study.id))
    status = 422 if failure or form.errors else 200
    return render_template(template, study=study, form=form, failure=failure, report=report,
                           upload_hint=_hint(what), upload_limit=upload_limit()), status


def _name(upload, default: str) -> str:
    return upload.filename or default


@bp.route("/studies/<int:study_id>/import/participants", methods=["GET", "POST"])
@study_view
def import_participants_page(study: Study):
    form = UploadForm()
    return _import_page(study, form, "consultant/import_participants.html", lambda upload: (
        import_participants(study, upload.read(), _name(upload, "upload.csv"),
                            create_accounts=form.create_accounts.data,
                            dry_run=form.dry_run.data)),
        "consultant.participants", "participants")


@bp.route("/studies/<int:study_id>/import/responses", methods=["GET", "POST"])
@study_view
def import_responses_page(study: Study):
    form = ResponsesUploadForm()

    def run(upload):
        mapping = Mapping.parse(form.mapping.data.read(), _name(
            form.mapping.data, "mapping.yaml")) if form.mapping.data else None
        return after_import(study, import_responses(
            study, upload.read(), _name(upload, "upload.csv"), layout=form.layout.data,
            mapping=mapping, replace=form.replace.data, dry_run=form.dry_run.data,
            create_accounts=form.create_accounts.data))

    return _import_page(study, form, "consultant/import_responses.html", run, "consultant.study",
                        "responses")


@bp.get("/studies/<int:study_id>/export.<any(csv, xlsx):fmt>")
@study_view
def export(study: Study, fmt: str):
    wave = study.current_wave
    frame = tidy_responses(study, wave)
    name = f"{study.short_name}-wave{wave.number}-responses.{fmt}"
    if fmt == "csv":
        return send_file(io.BytesIO(to_csv_bytes(frame)), mimetype="text/csv",
                         as_attachment=True, download_name=name)
    return send_file(io.BytesIO(to_xlsx_bytes(frame, wave.instrument, actions_sheets(study))),
                     as_attachment=True,
                     download_name=name, mimetype="application/vnd.openxmlformats-"
                     "officedocument.spreadsheetml.sheet")
