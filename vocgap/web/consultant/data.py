"""Imports (participants, responses) and exports (CSV, XLSX) for a study."""

from __future__ import annotations

import io

from flask import flash, redirect, render_template, send_file, url_for

from ...collection.export import tidy_responses, to_csv_bytes, to_xlsx_bytes
from ...collection.imports import ImportFailed, import_participants, import_responses
from ...collection.imports.responses import Mapping
from ...models import Study
from . import bp, study_view
from .forms import ResponsesUploadForm, UploadForm


def _flash_report(report) -> None:
    flash(f"{report.summary().capitalize()}.", "info")
    for note in report.notes[:20]:
        flash(note, "info")


@bp.route("/studies/<int:study_id>/import/participants", methods=["GET", "POST"])
@study_view
def import_participants_page(study: Study):
    form = UploadForm()
    failure = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = import_participants(study, upload.read(), upload.filename or "upload.csv",
                                         create_accounts=form.create_accounts.data)
        except ImportFailed as exc:
            failure = exc
        else:
            _flash_report(report)
            return redirect(url_for("consultant.participants", study_id=study.id))
    status = 422 if failure or form.errors else 200
    return render_template("consultant/import_participants.html", study=study, form=form,
                           failure=failure), status


@bp.route("/studies/<int:study_id>/import/responses", methods=["GET", "POST"])
@study_view
def import_responses_page(study: Study):
    form = ResponsesUploadForm()
    failure = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            mapping = Mapping.parse(form.mapping.data.read(), form.mapping.data.filename
                                    or "mapping.yaml") if form.mapping.data else None
            report = import_responses(study, upload.read(), upload.filename or "upload.csv",
                                      layout=form.layout.data, mapping=mapping,
                                      replace=form.replace.data)
        except ImportFailed as exc:
            failure = exc
        else:
            _flash_report(report)
            return redirect(url_for("consultant.study", study_id=study.id))
    status = 422 if failure or form.errors else 200
    return render_template("consultant/import_responses.html", study=study, form=form,
                           failure=failure), status


@bp.get("/studies/<int:study_id>/export.<any(csv, xlsx):fmt>")
@study_view
def export(study: Study, fmt: str):
    wave = study.current_wave
    frame = tidy_responses(study, wave)
    name = f"{study.short_name}-wave{wave.number}-responses.{fmt}"
    if fmt == "csv":
        return send_file(io.BytesIO(to_csv_bytes(frame)), mimetype="text/csv",
                         as_attachment=True, download_name=name)
    return send_file(io.BytesIO(to_xlsx_bytes(frame, wave.instrument)), as_attachment=True,
                     download_name=name, mimetype="application/vnd.openxmlformats-"
                     "officedocument.spreadsheetml.sheet")
