"""Alerts during fieldwork: rules evaluated when a response is submitted, delivered to the
consultant's inbox, by e-mail, and de-identified to account owners (docs/alerts.md)."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import after_this_request, current_app, has_request_context

from ..extensions import db
from ..models import Alert, Response, Study, Wave
from .evaluate import evaluate_account, evaluate_response, evaluate_wave, settings_for
from .notify import deliver

__all__ = ["after_import", "after_submit", "evaluate_account", "evaluate_and_deliver",
           "evaluate_response", "evaluate_wave", "settings_for"]

log = logging.getLogger(__name__)


def evaluate_and_deliver(study: Study, wave: Wave | None = None) -> int:
    """Evaluate every account of the wave, commit, then deliver; returns the new alerts."""
    wave = wave or study.current_wave
    created = evaluate_wave(study, wave)
    db.session.commit()
    accounts = set(db.session.scalars(sa.select(Response.account_id).distinct().where(
        Response.wave_id == wave.id, Response.status == "submitted")))
    deliver(study, wave, created, accounts)
    db.session.commit()
    return len(created)


def after_import(study: Study, report, wave: Wave | None = None):
    """After responses are imported (not a dry run): evaluate the wave and say what was raised."""
    if not report.dry_run:
        created = evaluate_and_deliver(study, wave)
        report.notes.append(f"alerts: {created} new alert{'' if created == 1 else 's'} raised")
    return report


def after_submit(response_id: int) -> None:
    """Called once a response is committed as submitted: evaluate its account now, deliver
    e-mails once the respondent's page has been sent (in a request; elsewhere at once), so a
    slow mail server never keeps a respondent waiting.

    The respondent's answers are already safe; a failure here is logged, never shown to them,
    and caught up by the next submission or ``vocgap alerts evaluate``."""
    try:
        response = db.session.get(Response, response_id)
        if response is None or not response.submitted:
            return
        created = [a.id for a in evaluate_response(response_id)]
        db.session.commit()
    except Exception:  # noqa: BLE001 - the submission stands whatever happens to its alerts
        db.session.rollback()
        log.exception("alerts for response %s could not be evaluated", response_id)
        return
    if has_request_context():
        app = current_app._get_current_object()

        @after_this_request
        def _when_sent(page):
            page.call_on_close(lambda: _deliver_in(app, response_id, created))
            return page

        return
    _deliver(response_id, created)


def _deliver_in(app, response_id: int, created: list[int]) -> None:
    with app.app_context():
        _deliver(response_id, created)


def _deliver(response_id: int, created: list[int]) -> None:
    """Send what the new alerts and the response's account call for; log, never raise."""
    try:
        response = db.session.get(Response, response_id)
        alerts = [db.session.get(Alert, a) for a in created]
        deliver(response.wave.study, response.wave, [a for a in alerts if a is not None],
                {response.account_id})
        db.session.commit()
    except Exception:  # noqa: BLE001 - delivery is retried by the next evaluation
        db.session.rollback()
        log.exception("alerts for response %s could not be delivered", response_id)
