"""The demo study's action plan: three actions agreed after wave 1, judged in wave 2.

Chosen so that the demo shows three different honest verdicts: Altamira Foods' customers rate
the partnership higher in wave 2 beyond the interval (improved), Castellan Insurance's
executive still describes themselves as a blocker (no change), and Iverson & Pike Legal has one
customer respondent a wave (cannot tell yet).
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from ..extensions import db
from ..models import Account, Participant, Study
from .plans import Finding, create_action


def _account(study: Study, name: str) -> Account:
    return db.session.scalar(sa.select(Account).where(Account.study_id == study.id,
                                                      Account.name == name))


def add_demo_actions(study: Study) -> None:
    """Three wave-1 actions of the demo study, with owners, due dates and statuses."""
    first = study.waves[0]
    decided = first.closes_at.date() + timedelta(days=7)
    altamira = _account(study, "Altamira Foods")
    castellan = _account(study, "Castellan Insurance")
    iverson = _account(study, "Iverson & Pike Legal")
    executive = db.session.scalar(
        sa.select(Participant).where(Participant.account_id == castellan.id,
                                     Participant.role == "executive")
        .order_by(Participant.id))
    db.session.flush()
    create_action(study, altamira, Finding("dimension", unit="partnership"), user=None,
                  wave=first, title="Run a joint planning day with Altamira Foods for next "
                  "year instead of quarter-by-quarter deals", owner="Dana Whitfield",
                  due_on=decided + timedelta(days=45), status="done",
                  notes="Agreed in the wave 1 debrief; the customer asked for it in comments.")
    create_action(study, castellan, Finding("contact", contact_id=executive.id), user=None,
                  wave=first, title="Win back the executive sponsor at Castellan Insurance: "
                  "a review of open issues led by our executive", owner="Helen Moore",
                  due_on=decided + timedelta(days=30), status="in_progress",
                  notes="Believed a champion by the account team; describes themselves as a "
                        "blocker.")
    create_action(study, iverson, Finding("dimension", unit="value"), user=None, wave=first,
                  title="Show Iverson & Pike Legal the savings in their own numbers",
                  owner="Priya Nair", due_on=decided + timedelta(days=60), status="planned")
