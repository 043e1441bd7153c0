"""The alerts inbox and each study's alert rules: list, filter, mark handled, configure."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...alerts import evaluate_and_deliver, settings_for
from ...alerts.notify import RULE_LABELS, describe, dimension_names
from ...alerts.rules import RULES
from ...extensions import db
from ...models import Alert, AlertSettings, Study, utcnow
from ...models.alerts import STATUSES
from . import bp, study_view
from .alert_forms import AlertSettingsForm
from .forms import ActionForm


def open_alert_count(study: Study) -> int:
    """Open alerts of the study's current wave: the count beside "Alerts" in the study menu."""
    wave = study.current_wave
    if wave is None:
        return 0
    return db.session.scalar(sa.select(sa.func.count(Alert.id)).where(
        Alert.study_id == study.id, Alert.wave_id == wave.id, Alert.status == "open")) or 0


@bp.app_context_processor
def _alert_badge() -> dict:
    return {"open_alerts": open_alert_count}


def _filters(study: Study) -> dict:
    """Filters from the query string; unknown values are ignored (default: open alerts)."""
    args = request.args
    account, wave = args.get("account", ""), args.get("wave", "")
    ids = {a.id for a in study.accounts}
    waves = {w.number: w for w in study.waves}
    return {"account_id": int(account) if account.isdigit() and int(account) in ids else None,
            "wave": waves.get(int(wave)) if wave.isdigit() else None,
            "rule": args.get("rule") if args.get("rule") in RULES else "",
            "status": args.get("status", "open") if args.get("status", "open") in (
                *STATUSES, "all") else "open"}


@bp.get("/studies/<int:study_id>/alerts/")
@study_view
def alerts(study: Study):
    """The inbox: a wave's alerts, newest first, filtered as asked (open ones by default)."""
    filters = _filters(study)
    wave = filters["wave"] or study.current_wave
    query = sa.select(Alert).where(Alert.study_id == study.id, Alert.wave_id == wave.id)
    if filters["account_id"]:
        query = query.where(Alert.account_id == filters["account_id"])
    if filters["rule"]:
        query = query.where(Alert.rule == filters["rule"])
    if filters["status"] != "all":
        query = query.where(Alert.status == filters["status"])
    rows = db.session.scalars(query.order_by(Alert.created_at.desc(), Alert.id.desc())).all()
    names = dimension_names(wave)
    return render_template("consultant/alerts.html", study=study, wave=wave, alerts=rows,
                           filters=filters, rule_labels=RULE_LABELS, statuses=STATUSES,
                           text={a.id: describe(a, study.vendor.name, names) for a in rows},
                           settings=settings_for(study), action=ActionForm())


@bp.post("/studies/<int:study_id>/alerts/<int:alert_id>/<any(handle, reopen):op>")
@study_view
def alert_status(study: Study, alert_id: int, op: str):
    """Mark an alert handled, or open again; another study's alert is a 404."""
    alert = db.session.get(Alert, alert_id)
    if alert is None or alert.study_id != study.id:
        abort(404, description=f"This study has no alert with the number {alert_id}.")
    if not ActionForm().validate_on_submit():
        flash("The form had expired; nothing was changed. Please try again.", "error")
    elif op == "handle":
        alert.status, alert.handled_at, alert.handled_by_id = "handled", utcnow(), current_user.id
        db.session.commit()
        flash(f"Alert at {alert.account.name} marked as handled.", "info")
    else:
        alert.status, alert.handled_at, alert.handled_by_id = "open", None, None
        db.session.commit()
        flash(f"Alert at {alert.account.name} is open again.", "info")
    return redirect(request.form.get("next") if _safe_next(study) else url_for(
        "consultant.alerts", study_id=study.id))


def _safe_next(study: Study) -> bool:
    """Back to the filtered inbox only: a ``next`` elsewhere would be an open redirect."""
    target = request.form.get("next", "")
    return target.startswith(url_for("consultant.alerts", study_id=study.id)) and (
        "//" not in target and "\\" not in target)


@bp.post("/studies/<int:study_id>/alerts/evaluate")
@study_view
def alerts_evaluate(study: Study):
    """Check every submitted response of the wave again (after an import or a rule change)."""
    if not ActionForm().validate_on_submit():
        flash("The form had expired; nothing was checked. Please try again.", "error")
    else:
        number = request.form.get("wave", "")
        wave = next((w for w in study.waves if str(w.number) == number), study.current_wave)
        created = evaluate_and_deliver(study, wave)
        flash(f"Checked every submitted response of wave {wave.number}: {created} new alert"
              f"{'' if created == 1 else 's'}.", "info")
        return redirect(url_for("consultant.alerts", study_id=study.id, wave=wave.number))
    return redirect(url_for("consultant.alerts", study_id=study.id))


@bp.route("/studies/<int:study_id>/alerts/settings", methods=["GET", "POST"])
@study_view
def alert_settings(study: Study):
    """The study's alert rules, who hears about alerts, and the revenue currency."""
    settings = settings_for(study)
    form = AlertSettingsForm(obj=settings)
    if not form.is_submitted():
        form.currency.data = study.currency
    if form.validate_on_submit():
        if db.session.get(AlertSettings, study.id) is None:
            db.session.add(settings)
        form.populate_obj(settings)
        study.currency = form.currency.data.upper()
        db.session.commit()
        flash("Saved: the rules apply to every response submitted from now on; use “Check all "
              "responses again” to apply them to earlier ones.", "info")
        return redirect(url_for("consultant.alerts", study_id=study.id))
    return render_template("consultant/alert_settings.html", study=study, form=form), (
        422 if form.errors else 200)
