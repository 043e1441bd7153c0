"""Personal data in the workspace: erase a person, download their data, retention, anonymise."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ...extensions import db
from ...models import Participant, PowerMapRating, Study, StudyMember
from ...models import Response as ResponseRow
from ...privacy.anonymise import anonymise_study
from ...privacy.erase import erase_person
from ...privacy.log import study_events
from ...privacy.notice import retention_months, study_notice, study_privacy
from ...privacy.retention import retention_overview, retention_status
from ...privacy.subject_export import (
    find_people,
    log_export,
    person_record,
    record_json,
    record_xlsx,
)
from . import bp, study_view
from .forms import ActionForm
from .people import _participant


class EraseForm(FlaskForm):
    scope = RadioField("What happens to their closed answers?", choices=[
        SelectChoice("anonymous", "Keep them in the analysis as an anonymous respondent"),
        SelectChoice("full", "Delete them too (the results change)")],
        default="anonymous", validators=[DataRequired()])


class AnonymiseForm(FlaskForm):
    keep_text = BooleanField("Keep free-text answers, with the names, e-mail addresses and "
                             "phone numbers the study knows about (and any others) removed",
                             default=True)


class PrivacySettingsForm(FlaskForm):
    retention_months = IntegerField(
        "Retention period (months after the last wave closes)",
        validators=[DataRequired(), NumberRange(min=1, max=240)])
    controller = StringField("Who holds the data (leave empty for the default)",
                             validators=[Optional(), Length(max=300)])
    purpose = TextAreaField("Why it is collected (leave empty for the default)",
                            validators=[Optional(), Length(max=2000)],
                            render_kw={"class": "textarea", "rows": 3})
    rights = TextAreaField("How to ask for a copy or for erasure (leave empty for the default)",
                           validators=[Optional(), Length(max=2000)],
                           render_kw={"class": "textarea", "rows": 3})


def _actor() -> str:
    return f"consultant {current_user.email} (user {current_user.id})"


def _folders() -> dict:
    return {"reports_dir": current_app.config.get("REPORTS_DIR"),
            "outbox_dir": current_app.config.get("MAIL_OUTBOX_DIR")}


def _member_studies() -> list[Study]:
    return list(db.session.scalars(sa.select(Study).join(StudyMember).where(
        StudyMember.user_id == current_user.id).order_by(Study.id)))


@bp.app_template_global()
def retention_due(studies: list[Study]) -> list:
    """For the studies overview: the listed studies past their retention period or due soon."""
    return retention_overview(list(studies))


@bp.route("/studies/<int:study_id>/participants/<int:participant_id>/erase",
          methods=["GET", "POST"])
@study_view
def erase(study: Study, participant_id: int):
    """Say what erasure removes and keeps; erase only after the consultant confirms."""
    person = _participant(study, participant_id)
    if person.erased_at is not None:
        flash("This person has already been erased.", "info")
        return redirect(url_for("consultant.participant", study_id=study.id,
                                participant_id=person.id))
    form = EraseForm()
    if form.validate_on_submit():
        result = erase_person(person, actor=_actor(), full=form.scope.data == "full",
                              **_folders())
        flash(f"The person was erased: {result.summary()}. Reports of this study were "
              "deleted; prepare them again to see the results without them.", "info")
        return redirect(url_for("consultant.participants", study_id=study.id))
    counts = {
        "responses": db.session.scalar(sa.select(sa.func.count(ResponseRow.id)).where(
            ResponseRow.participant_id == person.id)),
        "ratings": db.session.scalar(sa.select(sa.func.count(PowerMapRating.id)).where(
            PowerMapRating.contact_id == person.id)),
    }
    return render_template("consultant/erase_confirm.html", study=study, person=person,
                           form=form, counts=counts), 400 if form.is_submitted() else 200


@bp.post("/studies/<int:study_id>/participants/<int:participant_id>/data.<any(json, xlsx):fmt>")
@study_view
def person_data(study: Study, participant_id: int, fmt: str):
    """Everything stored about this person across the consultant's studies, as a download."""
    person = _participant(study, participant_id)
    if not ActionForm().validate_on_submit():
        abort(400, description="The form had expired. Go back, reload the page and try again.")
    people = find_people(person.email, _member_studies()) if person.email else [person]
    record = person_record(person.email or f"participant {person.id}", people)
    log_export(people, _actor())
    body = record_json(record) if fmt == "json" else record_xlsx(record)
    mimetype = "application/json" if fmt == "json" else (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"personal-data-participant-{person.id}.{fmt}"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/studies/<int:study_id>/privacy", methods=["GET", "POST"])
@study_view
def privacy(study: Study):
    """Retention period, the notice respondents see, where the study stands, and its log."""
    settings = study.privacy
    form = PrivacySettingsForm(obj=settings)
    if not form.is_submitted() and settings is None:
        form.retention_months.data = retention_months(study)
    if form.validate_on_submit():
        settings = study_privacy(study)
        settings.retention_months = form.retention_months.data
        for name in ("controller", "purpose", "rights"):
            setattr(settings, name, (form[name].data or "").strip())
        db.session.commit()
        flash("Saved: the welcome page and the next e-mails show this notice.", "info")
        return redirect(url_for("consultant.privacy", study_id=study.id))
    return render_template("consultant/privacy.html", study=study, form=form,
                           notice=study_notice(study), status=retention_status(study),
                           events=study_events(study), action=ActionForm()), (
        422 if form.errors else 200)


@bp.route("/studies/<int:study_id>/anonymise", methods=["GET", "POST"])
@study_view
def anonymise(study: Study):
    """Anonymise the whole study after the consultant confirms; it cannot be undone."""
    form = AnonymiseForm()
    if form.validate_on_submit():
        result = anonymise_study(study, actor=_actor(), keep_text=form.keep_text.data,
                                 **_folders())
        flash(f"The study is anonymised: {result.summary()}.", "info")
        return redirect(url_for("consultant.privacy", study_id=study.id))
    people = db.session.scalar(sa.select(sa.func.count(Participant.id)).where(
        Participant.study_id == study.id))
    return render_template("consultant/anonymise_confirm.html", study=study, form=form,
                           people=people, status=retention_status(study)), (
        400 if form.is_submitted() else 200)


@bp.app_template_global()
def privacy_notice(study: Study):
    """For the welcome page and the e-mails (registered app-wide): the study's notice."""
    return study_notice(study)
