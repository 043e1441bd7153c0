"""Run a study's alert rules over an account's submitted responses and store what fired, once.

Evaluation always covers the whole account in the wave, so a signal that needs the vendor's side
(a false champion, a score below the team's prediction) appears whichever side submits last.
An alert is unique per (rule, response, subject): evaluating again never duplicates one.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import (
    Alert,
    AlertSettings,
    Answer,
    Participant,
    PowerMapRating,
    Response,
    Study,
    Wave,
    utcnow,
)
from .rules import RuleSettings, evaluate

DEFAULTS = {"detractor": True, "detractor_max": 6, "false_champion": True,
            "below_prediction": True, "below_points": 2.0, "email_consultants": False,
            "notify_owners": False}


def settings_for(study: Study) -> AlertSettings:
    """The study's alert settings, or the documented defaults (not yet stored) if never saved."""
    found = db.session.get(AlertSettings, study.id)
    return found if found is not None else AlertSettings(study_id=study.id, **DEFAULTS)


def rule_settings(settings: AlertSettings) -> RuleSettings:
    """The stored settings as the pure rules take them."""
    return RuleSettings(detractor=settings.detractor, detractor_max=settings.detractor_max,
                        false_champion=settings.false_champion,
                        below_prediction=settings.below_prediction,
                        below_points=float(settings.below_points))


def account_frames(wave: Wave, account_id: int) -> tuple[pd.DataFrame, pd.DataFrame,
                                                         dict[int, int]]:
    """The account's submitted answers, the vendor's power map and each customer response's
    participant, as the rules take them."""
    responses = db.session.execute(
        sa.select(Response.id, Response.participant_id, Participant.side)
        .join(Participant, Participant.id == Response.participant_id)
        .where(Response.wave_id == wave.id, Response.account_id == account_id,
               Response.status == "submitted")).all()
    ids = [r.id for r in responses]
    answers = pd.DataFrame(db.session.execute(
        sa.select(Answer.response_id, Answer.item_id, Answer.value_num)
        .where(Answer.response_id.in_(ids))).all(), columns=["response", "item", "value"])
    sides = {r.id: r.side for r in responses}
    answers["side"] = answers["response"].map(sides)
    vendor = [r.id for r in responses if r.side == "vendor"]
    ratings = pd.DataFrame(db.session.execute(
        sa.select(PowerMapRating.response_id, PowerMapRating.contact_id, PowerMapRating.support,
                  PowerMapRating.influence).where(PowerMapRating.response_id.in_(vendor))).all(),
        columns=["response", "contact", "support", "influence"])
    contacts = {r.id: r.participant_id for r in responses if r.side == "customer"}
    return answers, ratings, contacts


def _insert(table):
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def evaluate_account(study: Study, wave: Wave, account_id: int) -> list[Alert]:
    """Store the alerts the account's answers raise now; returns only the new ones."""
    answers, ratings, contacts = account_frames(wave, account_id)
    if answers.empty:
        return []
    signals = evaluate(answers, ratings, contacts, wave.instrument,
                       rule_settings(settings_for(study)))
    created = []
    for signal in signals:
        new_id = db.session.execute(
            _insert(Alert.__table__).values(
                study_id=study.id, wave_id=wave.id, account_id=account_id,
                response_id=signal.response, rule=signal.rule, subject=signal.subject,
                details=signal.details, status="open", created_at=utcnow())
            .on_conflict_do_nothing(index_elements=["rule", "response_id", "subject"])
            .returning(Alert.__table__.c.id)).scalar_one_or_none()
        if new_id is not None:
            created.append(new_id)
    if not created:
        return []
    return list(db.session.scalars(sa.select(Alert).where(Alert.id.in_(created))
                                   .order_by(Alert.id)))


def evaluate_response(response_id: int) -> list[Alert]:
    """After a response is submitted (either side): evaluate its account in its wave."""
    response = db.session.get(Response, response_id)
    if response is None or not response.submitted:
        return []
    return evaluate_account(response.wave.study, response.wave, response.account_id)


def evaluate_wave(study: Study, wave: Wave | None = None) -> list[Alert]:
    """Every account with submitted responses in the wave (after an import, or to catch up)."""
    wave = wave or study.current_wave
    accounts = db.session.scalars(sa.select(Response.account_id).distinct().where(
        Response.wave_id == wave.id, Response.status == "submitted")).all()
    created: list[Alert] = []
    for account_id in sorted(accounts):
        created += evaluate_account(study, wave, account_id)
    return created
