"""Action plans in the workspace: drafted in one click from a finding, edited, listed per
account and across the portfolio (overdue first), deleted after confirmation."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ...actions.export import actions_frame
from ...actions.plans import (
    Finding,
    FindingError,
    check_finding,
    create_action,
    draft_title,
    finding_choices,
    finding_for_alert,
    finding_of,
    study_action,
    study_actions,
)
from ...actions.tracking import action_rows
from ...collection.export import to_csv_bytes
from ...extensions import db
from ...models import Account, Action, Alert, Study
from ...models.actions import ACTION_STATUSES
from . import bp, study_view
from .forms import ActionForm
from .people import study_account


def _one_line(form, field) -> None:
    if field.data and any(ord(c) < 32 for c in field.data):
        raise ValidationError("Use a single line without control characters.")


class ActionEditForm(FlaskForm):
    """An action's details; the finding is one of the account's (checked again on save)."""

    title = StringField("What we agreed to do", validators=[DataRequired(), Length(max=200),
                                                            _one_line])
    finding = SelectField("Linked finding", validators=[DataRequired()])
    owner = StringField("Owner (name or e-mail)", validators=[Optional(), Length(max=254),
                                                              _one_line])
    due_on = DateField("Due", validators=[Optional()])
    status = SelectField("Status", choices=[SelectChoice(k, v) for k, v in
                                            ACTION_STATUSES.items()], default="planned")
    notes = TextAreaField("Notes (consultant workspace only; never in a vendor report)",
                          validators=[Optional(), Length(max=5000)])


class DraftForm(FlaskForm):
    """The one-click "Add action" button: CSRF token and the finding."""

    finding = StringField(validators=[DataRequired(), Length(max=80)])


def _edit_form(study: Study, account: Account, action: Action | None = None) -> ActionEditForm:
    form = ActionEditForm(obj=action)
    form.finding.choices = [SelectChoice(k, v) for k, v in finding_choices(study, account)]
    if action is not None and not form.is_submitted():
        form.finding.data = finding_of(action).key
    return form


def _save(form: ActionEditForm, action: Action) -> None:
    action.title = form.title.data.strip()
    action.owner = (form.owner.data or "").strip()
    action.due_on = form.due_on.data
    action.status = form.status.data
    action.notes = form.notes.data or ""


def _finding_or_error(study: Study, account: Account, form: ActionEditForm) -> Finding | None:
    try:
        return check_finding(study, account, Finding.parse(form.finding.data))
    except FindingError as exc:
        form.finding.errors = [*form.finding.errors, str(exc)]
        return None


def _status_filter() -> str:
    status = request.args.get("status", "")
    return status if status in ACTION_STATUSES else ""


def _rows(study: Study, account: Account | None) -> list[dict]:
    return action_rows(study, study_actions(study, account=account, status=_status_filter()))


@bp.get("/studies/<int:study_id>/actions/")
@study_view
def actions(study: Study):
    """Every account's actions, overdue first, with whether each worked."""
    return render_template("consultant/actions.html", study=study, account=None,
                           rows=_rows(study, None), status=_status_filter(),
                           statuses=ACTION_STATUSES, wave=study.current_wave)


@bp.get("/studies/<int:study_id>/accounts/<int:account_id>/actions/")
@study_view
def account_actions(study: Study, account_id: int):
    account = study_account(study, account_id)
    return render_template("consultant/actions.html", study=study, account=account,
                           rows=_rows(study, account), status=_status_filter(),
                           statuses=ACTION_STATUSES, wave=study.current_wave)


@bp.post("/studies/<int:study_id>/accounts/<int:account_id>/actions/draft")
@study_view
def draft_action(study: Study, account_id: int):
    """One click on a finding: a draft action titled from it, opened for editing."""
    account = study_account(study, account_id)
    form = DraftForm()
    if not form.validate_on_submit():
        flash("The form had expired; no action was created. Please try again.", "error")
        return redirect(url_for("consultant.account_analysis", study_id=study.id,
                                account_id=account.id))
    try:
        finding = Finding.parse(form.finding.data)
        action = create_action(study, account, finding, user=current_user)
    except FindingError as exc:
        abort(422, description=str(exc))
    db.session.commit()
    flash("Draft action created from the finding: give it an owner and a due date.", "info")
    return redirect(url_for("consultant.edit_action", study_id=study.id, action_id=action.id))


@bp.route("/studies/<int:study_id>/accounts/<int:account_id>/actions/new",
          methods=["GET", "POST"])
@study_view
def new_action(study: Study, account_id: int):
    """The full form, pre-filled from ``?finding=`` (links from alerts land here)."""
    account = study_account(study, account_id)
    form = _edit_form(study, account)
    alert = _alert(study, account, request.args.get("alert", ""))
    if not form.is_submitted():
        try:
            finding = finding_for_alert(alert) if alert is not None else Finding.parse(
                request.args.get("finding", "stage"))
            check_finding(study, account, finding)
        except FindingError:
            finding = Finding("stage")
        form.finding.data = finding.key
        form.title.data = draft_title(study, account, finding)
    if form.validate_on_submit():
        finding = _finding_or_error(study, account, form)
        if finding is not None:
            action = create_action(study, account, finding, user=current_user)
            _save(form, action)
            db.session.commit()
            flash(f"Saved the action for {account.name}.", "info")
            return redirect(url_for("consultant.account_actions", study_id=study.id,
                                    account_id=account.id))
    return render_template("consultant/action_form.html", study=study, account=account,
                           form=form, action=None), 422 if form.errors else 200


def _alert(study: Study, account: Account, alert_id: str) -> Alert | None:
    """The alert an action is created from (``?alert=``), if it is this account's."""
    alert = db.session.get(Alert, int(alert_id)) if alert_id.isdigit() else None
    if alert is None or alert.study_id != study.id or alert.account_id != account.id:
        return None
    return alert


def _action(study: Study, action_id: int) -> Action:
    action = study_action(study, action_id)
    if action is None:
        abort(404, description=f"This study has no action with the number {action_id}.")
    return action


@bp.route("/studies/<int:study_id>/actions/<int:action_id>/edit", methods=["GET", "POST"])
@study_view
def edit_action(study: Study, action_id: int):
    action = _action(study, action_id)
    form = _edit_form(study, action.account, action)
    if form.validate_on_submit():
        finding = _finding_or_error(study, action.account, form)
        if finding is not None:
            action.finding, action.unit = finding.kind, finding.unit
            action.contact_id = finding.contact_id
            _save(form, action)
            db.session.commit()
            flash(f"Saved the action for {action.account.name}.", "info")
            return redirect(url_for("consultant.account_actions", study_id=study.id,
                                    account_id=action.account_id))
    return render_template("consultant/action_form.html", study=study, account=action.account,
                           form=form, action=action), 422 if form.errors else 200


@bp.route("/studies/<int:study_id>/actions/<int:action_id>/delete", methods=["GET", "POST"])
@study_view
def delete_action(study: Study, action_id: int):
    """Asks first; a POST with a valid token deletes the action (and only it)."""
    action = _action(study, action_id)
    form = ActionForm()
    if form.validate_on_submit():
        account_id = action.account_id
        db.session.delete(action)
        db.session.commit()
        flash("The action was deleted.", "info")
        return redirect(url_for("consultant.account_actions", study_id=study.id,
                                account_id=account_id))
    return render_template("consultant/action_delete.html", study=study, action=action,
                           form=form)


def account_page_actions(study: Study, account_id: int, edition: str, data: dict) -> list[dict]:
    """The account's actions for its analysis page, judged against the current wave's data."""
    account = study_account(study, account_id)
    return action_rows(study, study_actions(study, account=account), edition, now_data=data)


@bp.get("/studies/<int:study_id>/actions.csv")
@study_view
def actions_csv(study: Study):
    """The action plan with verdicts as CSV (also a sheet of the XLSX export)."""
    name = f"{study.short_name}-actions.csv"
    return Response(to_csv_bytes(actions_frame(study)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
