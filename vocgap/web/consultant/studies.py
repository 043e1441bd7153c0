"""Studies and waves: create, read progress, invite, close a wave, open the next."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ...collection.invitations import send_batch
from ...collection.progress import study_progress, totals
from ...extensions import db
from ...instruments import available_instruments, find_instrument
from ...models import Invitation, Study, StudyMember
from ...studies import close_wave, create_study, open_wave
from . import bp, study_view
from .forms import ActionForm, StudyForm, WaveForm


def _instrument_choices() -> list[tuple[str, str]]:
    return [(i.id, f"{i.title} ({i.id} v{i.version}, {len(i.items)} questions)")
            for i in available_instruments(current_app.config["SURVEYS_DIR"])]


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min)


@bp.get("/")
@login_required
def studies():
    rows = db.session.scalars(sa.select(Study).join(StudyMember).where(
        StudyMember.user_id == current_user.id).order_by(Study.created_at.desc())).all()
    return render_template("consultant/studies.html", studies=rows)


@bp.route("/studies/new", methods=["GET", "POST"])
@login_required
def new_study():
    form = StudyForm()
    form.instrument.choices = _instrument_choices()
    if not form.is_submitted():
        form.opens.data = date.today()
        form.closes.data = date.today() + timedelta(days=28)
    if form.validate_on_submit():
        if db.session.scalar(sa.select(Study.id).join(StudyMember).where(
                StudyMember.user_id == current_user.id,
                Study.short_name == form.short_name.data)) is not None:
            # Only the consultant's own studies count: others' names are none of their business.
            form.short_name.errors.append("One of your studies already has this short name.")
        else:
            instrument = find_instrument(current_app.config["SURVEYS_DIR"], form.instrument.data)
            study = create_study(
                vendor_name=form.vendor.data.strip(), name=form.name.data.strip(),
                short_name=form.short_name.data, instrument=instrument,
                opens_at=_start(form.opens.data),
                closes_at=_start(form.closes.data) + timedelta(days=1),
                min_group=form.min_group.data)
            db.session.add(StudyMember(study=study, user=current_user, role="owner"))
            db.session.commit()
            flash(f"Study '{study.name}' created. Add accounts and participants next.", "info")
            return redirect(url_for("consultant.study", study_id=study.id))
    return render_template("consultant/study_form.html", form=form), 422 if form.errors else 200


@bp.get("/studies/<int:study_id>/")
@study_view
def study(study: Study):
    rows = study_progress(study)
    wave = study.current_wave
    last_sent = db.session.scalar(sa.select(sa.func.max(Invitation.sent_at)).where(
        Invitation.wave_id == wave.id))
    return render_template("consultant/study.html", study=study, wave=wave, rows=rows,
                           totals=totals(rows), action=ActionForm(), last_sent=last_sent)


@bp.post("/studies/<int:study_id>/send/<kind>")
@study_view
def send(study: Study, kind: str):
    if kind not in ("invitation", "reminder") or not ActionForm().validate_on_submit():
        flash("Nothing was sent: the form had expired. Please try again.", "error")
        return redirect(url_for("consultant.study", study_id=study.id))
    try:
        result = send_batch(study, kind)
    except ValueError as exc:
        flash(str(exc), "error")
    else:
        outbox = " (written to the local outbox)" if not current_app.config["MAIL_SERVER"] else ""
        flash(f"{kind.capitalize()}s: {result.summary()}{outbox}.",
              "error" if result.failed else "info")
    return redirect(url_for("consultant.study", study_id=study.id))


@bp.post("/studies/<int:study_id>/close-wave")
@study_view
def close_current_wave(study: Study):
    if ActionForm().validate_on_submit():
        close_wave(study.current_wave)
        db.session.commit()
        flash(f"Wave {study.current_wave.number} is closed; links no longer open the survey.",
              "info")
    return redirect(url_for("consultant.study", study_id=study.id))


@bp.route("/studies/<int:study_id>/waves/new", methods=["GET", "POST"])
@study_view
def new_wave(study: Study):
    form = WaveForm()
    form.instrument.choices = _instrument_choices()
    if not form.is_submitted():
        form.instrument.data = study.current_wave.instrument_id
        form.opens.data = date.today()
        form.closes.data = date.today() + timedelta(days=28)
    if form.validate_on_submit():
        previous = study.current_wave
        close_wave(previous)
        instrument = find_instrument(current_app.config["SURVEYS_DIR"], form.instrument.data)
        wave = open_wave(study, instrument, _start(form.opens.data),
                         _start(form.closes.data) + timedelta(days=1))
        db.session.commit()
        flash(f"Wave {wave.number} is open with the same accounts and participants; their "
              f"links now open the new wave. Wave {previous.number} is closed.", "info")
        return redirect(url_for("consultant.study", study_id=study.id))
    return render_template("consultant/wave_form.html", study=study, form=form), (
        422 if form.errors else 200)
