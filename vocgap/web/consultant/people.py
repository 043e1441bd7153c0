"""Accounts and participants: add, edit, and manage each participant's private link."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import sqlalchemy as sa
from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from wtforms.fields.choices import SelectChoice

from ...collection.export import to_csv_bytes
from ...collection.progress import (
    STATUS_HELP,
    STATUS_LABELS,
    STATUSES,
    filter_statuses,
    participant_statuses,
    status_counts,
    statuses_table,
)
from ...collection.studies import add_participant
from ...collection.tokens import current_token, issue_token, survey_link
from ...extensions import db
from ...languages import native_name as language_name
from ...models import Account, Invitation, Participant, Study, utcnow
from ...models import Response as ResponseRow
from . import bp, study_view
from .forms import AccountForm, ActionForm, ParticipantForm


def study_account(study: Study, account_id: int) -> Account:
    account = db.session.get(Account, account_id)
    if account is None or account.study_id != study.id:
        abort(404, description=f"This study has no account with the number {account_id}.")
    return account


def _participant(study: Study, participant_id: int) -> Participant:
    person = db.session.get(Participant, participant_id)
    if person is None or person.study_id != study.id:
        abort(404, description=f"This study has no participant with the number "
                               f"{participant_id}.")
    return person


@bp.route("/studies/<int:study_id>/accounts/new", methods=["GET", "POST"])
@bp.route("/studies/<int:study_id>/accounts/<int:account_id>/edit", methods=["GET", "POST"])
@study_view
def account_form(study: Study, account_id: int | None = None):
    account = study_account(study, account_id) if account_id else None
    form = AccountForm(obj=account)
    if account is not None and not form.is_submitted():
        form.crm_stage.data = "" if account.crm_stage is None else str(account.crm_stage)
    if form.validate_on_submit():
        clash = db.session.scalar(sa.select(Account).where(
            Account.study_id == study.id, sa.func.lower(Account.name) == form.name.data.lower()))
        if clash is not None and clash is not account:
            form.name.errors.append("This study already has an account of that name.")
        else:
            account = account or Account(study=study)
            account.name = form.name.data.strip()
            account.segment = (form.segment.data or "").strip()
            account.annual_value = Decimal(form.annual_value.data) if (
                form.annual_value.data is not None) else None
            account.crm_stage = int(form.crm_stage.data) if form.crm_stage.data else None
            account.key_account = form.key_account.data
            account.renewal_date = form.renewal_date.data
            account.owner_email = (form.owner_email.data or "").strip().lower()
            db.session.add(account)
            db.session.commit()
            flash(f"Saved account {account.name}.", "info")
            return redirect(url_for("consultant.study", study_id=study.id))
    return render_template("consultant/account_form.html", study=study, form=form,
                           account=account), 422 if form.errors else 200


def _filters() -> dict:
    """The list's search and filters from the query string; unknown values are ignored."""
    args = request.args
    account = args.get("account", "")
    return {"query": args.get("q", "")[:200],
            "side": args.get("side", "") if args.get("side") in ("customer", "vendor") else "",
            "status": args.get("status", "") if args.get("status") in (*STATUSES, "revoked")
            else "",
            "account_id": int(account) if account.isdigit() else None}


@bp.get("/studies/<int:study_id>/participants/")
@study_view
def participants(study: Study):
    """Everyone with their status and last activity, searchable and filterable."""
    everyone = participant_statuses(study)
    filters = _filters()
    shown = filter_statuses(everyone, **filters)
    return render_template("consultant/participants.html", study=study, rows=shown,
                           total=len(everyone), filters=filters, statuses=STATUSES,
                           status_labels=STATUS_LABELS, status_help=STATUS_HELP,
                           counts=status_counts(everyone), wave=study.current_wave)


@bp.get("/studies/<int:study_id>/participants.csv")
@study_view
def participants_csv(study: Study):
    """The (filtered) list as CSV, with spreadsheet formulas neutralised."""
    shown = filter_statuses(participant_statuses(study), **_filters())
    frame = pd.DataFrame(statuses_table(shown), columns=[
        "name", "email", "side", "role_or_function", "accounts", "status", "accounts_submitted",
        "accounts_total", "invited_at_utc", "last_activity_utc", "last_activity"])
    name = f"{study.short_name}-wave{study.current_wave.number}-participants.csv"
    return Response(to_csv_bytes(frame), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/studies/<int:study_id>/participants/new", methods=["GET", "POST"])
@bp.route("/studies/<int:study_id>/participants/<int:participant_id>/edit",
          methods=["GET", "POST"])
@study_view
def participant_form(study: Study, participant_id: int | None = None):
    person = _participant(study, participant_id) if participant_id else None
    form = ParticipantForm(obj=person)
    form.account.choices = [SelectChoice("", "Choose an account")] + [
        SelectChoice(str(a.id), a.name) for a in study.accounts]
    form.served.choices = [SelectChoice(str(a.id), a.name) for a in study.accounts]
    form.language.choices = language_choices(study, person)
    if person is not None and not form.is_submitted():
        form.account.data = str(person.account_id or "")
        form.served.data = [str(a.id) for a in person.served_accounts]
        form.role.data, form.quartet.data = person.role or "", person.quartet or ""
        form.function.data = person.function or ""
        form.language.data = person.language or ""
    if form.validate_on_submit():
        accounts = {str(a.id): a for a in study.accounts}
        customer = form.side.data == "customer"
        fields = {
            "side": form.side.data, "name": form.name.data.strip(),
            "email": (form.email.data or "").strip().lower(),
            "account": accounts.get(form.account.data) if customer else None,
            "role": (form.role.data or None) if customer else None,
            "quartet": (form.quartet.data or None) if customer else None,
            "function": None if customer else form.function.data,
            "language": form.language.data or None,
        }
        served = [] if customer else [accounts[i] for i in form.served.data if i in accounts]
        if person is None:
            person, _ = add_participant(study, served=served, **fields)
        else:
            for key, value in fields.items():
                setattr(person, key, value)
            person.served_accounts = served
        person.consent_attribution = form.consent_attribution.data
        db.session.commit()
        flash(f"Saved {person.name}.", "info")
        return redirect(url_for("consultant.participant", study_id=study.id,
                                participant_id=person.id))
    return render_template("consultant/participant_form.html", study=study, form=form,
                           person=person), 422 if form.errors else 200


def language_choices(study: Study, person=None) -> list[SelectChoice]:
    """The languages the study's survey offers (and the participant's own, if no longer)."""
    wave = study.current_wave
    offered = list(wave.instrument.languages) if wave is not None else []
    if person is not None and person.language and person.language not in offered:
        offered.append(person.language)
    return [SelectChoice("", "From their browser"),
            *(SelectChoice(code, f"{language_name(code)} ({code})") for code in offered)]


@bp.get("/studies/<int:study_id>/participants/<int:participant_id>/")
@study_view
def participant(study: Study, participant_id: int):
    person = _participant(study, participant_id)
    token = current_token(person, current_app.config["SECRET_KEY"])
    link = survey_link(current_app.config["PUBLIC_BASE_URL"], token) if token else None
    messages = db.session.scalars(sa.select(Invitation).where(
        Invitation.participant_id == person.id).order_by(Invitation.sent_at.desc())).all()
    wave = study.current_wave
    status = next(s for s in participant_statuses(study, wave) if s.person.id == person.id)
    responses = {r.account_id: r for r in db.session.scalars(sa.select(ResponseRow).where(
        ResponseRow.wave_id == wave.id, ResponseRow.participant_id == person.id))}
    return render_template("consultant/participant.html", study=study, person=person,
                           link=link, messages=messages, responses=responses, status=status,
                           wave=wave, status_help=STATUS_HELP, action=ActionForm())


@bp.post("/studies/<int:study_id>/participants/<int:participant_id>/<any(reissue, revoke):op>")
@study_view
def participant_link(study: Study, participant_id: int, op: str):
    person = _participant(study, participant_id)
    if not ActionForm().validate_on_submit():
        flash("The form had expired; nothing was changed. Please try again.", "error")
    elif person.erased_at is not None:
        flash("This person was erased: their link stays revoked.", "error")
    elif op == "revoke":
        person.token_revoked_at = utcnow()
        db.session.commit()
        flash(f"{person.name}'s link no longer works. Answers already given are kept.", "info")
    else:
        issue_token(person, current_app.config["SECRET_KEY"])
        db.session.commit()
        flash(f"{person.name} has a new link; the old one no longer works.", "info")
    return redirect(url_for("consultant.participant", study_id=study.id,
                            participant_id=person.id))
