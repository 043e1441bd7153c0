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


def _import_page(study: Study, form, template: str, run, done: str):
    """Shared upload flow: check the form, import all or nothing, list every bad row."""
    failure = None
    if form.validate_on_submit():
        try:
            report = run(form.file.data)
        except ImportFailed as exc:
            failure = exc
        else:
            flash(f"{report.summary().capitalize()}.", "info")
            for note in report.notes[:20]:
                flash(note, "info")
            return redirect(url_for(done, study_id=study.id))
    status = 422 if failure or form.errors else 200
    return render_template(template, study=study, form=form, failure=failure), status


def _name(upload, default: str) -> str:
    return upload.filename or default


@bp.route("/studies/<int:study_id>/import/participants", methods=["GET", "POST"])
@study_view
def import_participants_page(study: Study):
    form = UploadForm()
    return _import_page(study, form, "consultant/import_participants.html", lambda upload: (
        import_participants(study, upload.read(), _name(upload, "upload.csv"),
                            create_accounts=form.create_accounts.data)),
        "consultant.participants")


@bp.route("/studies/<int:study_id>/import/responses", methods=["GET", "POST"])
@study_view
def import_responses_page(study: Study):
    form = ResponsesUploadForm()

    def run(upload):
        mapping = Mapping.parse(form.mapping.data.read(), _name(
            form.mapping.data, "mapping.yaml")) if form.mapping.data else None
        return import_responses(study, upload.read(), _name(upload, "upload.csv"),
                                layout=form.layout.data, mapping=mapping,
                                replace=form.replace.data)

    return _import_page(study, form, "consultant/import_responses.html", run, "consultant.study")


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
