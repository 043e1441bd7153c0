"""Studies and waves: create, watch progress, invite after confirming, close, reopen."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ...collection.invitations import REASONS, SIDES, plan_batch, preview, send_batch
from ...collection.progress import (
    STATUS_HELP,
    STATUS_LABELS,
    STATUSES,
    participant_statuses,
    status_counts,
    study_progress,
    totals,
)
from ...collection.studies import close_wave, create_study, open_wave, reopen_wave
from ...extensions import db
from ...instruments import available_instruments, find_instrument
from ...models import Invitation, Study, StudyMember
from . import bp, study_view
from .forms import ActionForm, ReopenForm, SendForm, StudyForm, StudySettingsForm, WaveForm

SENDER_FIELDS = ("sender_name", "research_organisation", "contact_name", "contact_email")


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
            _set_sender(study, form)
            db.session.add(StudyMember(study=study, user=current_user, role="owner"))
            db.session.commit()
            flash(f"Study '{study.name}' created. Add accounts and participants next.", "info")
            _warn_translations(instrument)
            return redirect(url_for("consultant.study", study_id=study.id))
    return render_template("consultant/study_form.html", form=form), 422 if form.errors else 200


def _set_sender(study: Study, form) -> None:
    for name in SENDER_FIELDS:
        setattr(study, name, (form[name].data or "").strip())


@bp.get("/studies/<int:study_id>/")
@study_view
def study(study: Study):
    rows = study_progress(study)
    wave = study.current_wave
    statuses = participant_statuses(study, wave)
    last_sent = db.session.scalar(sa.select(sa.func.max(Invitation.sent_at)).where(
        Invitation.wave_id == wave.id))
    return render_template("consultant/study.html", study=study, wave=wave, rows=rows,
                           totals=totals(rows), counts=status_counts(statuses),
                           revoked=sum(s.revoked for s in statuses), statuses=STATUSES,
                           status_labels=STATUS_LABELS, status_help=STATUS_HELP,
                           action=ActionForm(), last_sent=last_sent,
                           can_reopen=_can_reopen(study))


@bp.route("/studies/<int:study_id>/settings", methods=["GET", "POST"])
@study_view
def study_settings(study: Study):
    form = StudySettingsForm(obj=study)
    if form.validate_on_submit():
        _set_sender(study, form)
        study.report_language = form.report_language.data
        db.session.commit()
        flash("Saved: the next e-mails and the survey's welcome page use these details.", "info")
        return redirect(url_for("consultant.study", study_id=study.id))
    return render_template("consultant/study_settings.html", study=study, form=form), (
        422 if form.errors else 200)


def _warn_translations(instrument) -> None:
    """Say so when the wave froze incomplete translations: their gaps show the source text."""
    problems = instrument.translation_problems
    if problems:
        flash(f"The wave offers {', '.join(instrument.languages)}, but the instrument's "
              f"translations have {len(problems)} problem(s) (first: {problems[0]}); missing "
              "texts appear in the source language. Run `vocgap instrument check`.", "warning")


def _sides(choice: str | None) -> tuple[str, ...]:
    return SIDES if choice not in SIDES else (choice,)


@bp.route("/studies/<int:study_id>/send/<any(invitation, reminder):kind>",
          methods=["GET", "POST"])
@study_view
def send(study: Study, kind: str):
    """Show who would receive what; send only after the consultant confirms that count."""
    wave = study.current_wave
    form = SendForm(sides=request.args.get("sides", "both"))
    if not wave.is_open():
        flash(f"Wave {wave.number} is not open, so nothing can be sent.", "error")
        return redirect(url_for("consultant.study", study_id=study.id))
    sides = _sides(form.sides.data)
    plan = plan_batch(study, kind, sides)
    status = 200
    if form.is_submitted():
        if not form.validate():
            flash("Nothing was sent: the form had expired. Please check and confirm again.",
                  "error")
            status = 400
        elif form.expected.data != plan.count:
            flash(f"Nothing was sent: the number of recipients changed from "
                  f"{form.expected.data} to {plan.count} while you were looking. "
                  "Please check and confirm again.", "error")
            status = 409
        elif plan.count:
            result = send_batch(study, kind, sides=sides)
            outbox = " (written to the local outbox)" if not current_app.config[
                "MAIL_SERVER"] else ""
            flash(f"{kind.capitalize()}s: {result.summary()}{outbox}.",
                  "error" if result.failed else "info")
            return redirect(url_for("consultant.study", study_id=study.id))
    form.expected.data = plan.count
    return render_template("consultant/send_confirm.html", study=study, wave=wave, kind=kind,
                           plan=plan, form=form, previews=preview(study, plan), reasons=REASONS,
                           failed=status != 200,
                           status_labels=STATUS_LABELS, statuses=STATUSES[:-1]), status


@bp.route("/studies/<int:study_id>/close-wave", methods=["GET", "POST"])
@study_view
def close_current_wave(study: Study):
    """Close only after confirming; the page says what closing does and that it can be undone."""
    wave = study.current_wave
    form = ActionForm()
    if form.validate_on_submit():
        if wave.closed_at is None:
            close_wave(wave)
            db.session.commit()
        flash(f"Wave {wave.number} is closed: links now say the survey has closed and thank "
              "those who answered. You can reopen it until a next wave starts.", "info")
        return redirect(url_for("consultant.study", study_id=study.id))
    if form.is_submitted():
        flash("Nothing was closed: the form had expired. Please confirm again.", "error")
    rows = study_progress(study)
    return render_template("consultant/close_confirm.html", study=study, wave=wave, form=form,
                           totals=totals(rows),
                           counts=status_counts(participant_statuses(study, wave)))


def _can_reopen(study: Study) -> bool:
    wave = study.current_wave
    return wave is not None and wave.has_ended()


@bp.route("/studies/<int:study_id>/reopen-wave", methods=["GET", "POST"])
@study_view
def reopen_current_wave(study: Study):
    """Undo a close (the current wave only: a wave followed by another stays closed)."""
    wave = study.current_wave
    if not _can_reopen(study):
        abort(404, description=f"Wave {wave.number} is open, so there is nothing to reopen.")
    form = ReopenForm()
    if not form.is_submitted():
        form.closes.data = max(wave.closes_at.date() - timedelta(days=1),
                               date.today() + timedelta(days=7))
    if form.validate_on_submit():
        try:
            reopen_wave(wave, _start(form.closes.data) + timedelta(days=1))
        except ValueError as exc:
            form.closes.errors.append(str(exc)[0].upper() + str(exc)[1:] + ".")
        else:
            db.session.commit()
            flash(f"Wave {wave.number} is open again until "
                  f"{form.closes.data:%d %B %Y}; links open the survey again.", "info")
            return redirect(url_for("consultant.study", study_id=study.id))
    return render_template("consultant/reopen_confirm.html", study=study, wave=wave,
                           form=form), 422 if form.errors else 200


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
        _warn_translations(instrument)
        return redirect(url_for("consultant.study", study_id=study.id))
    return render_template("consultant/wave_form.html", study=study, form=form), (
        422 if form.errors else 200)
