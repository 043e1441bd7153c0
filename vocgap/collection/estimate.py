"""How long a survey takes, computed from the questions a participant will actually see."""

from __future__ import annotations

import math

import sqlalchemy as sa

from ..extensions import db
from ..instruments import Instrument
from ..models import Account, Participant

# Seconds a considered answer takes, by item type (closed items ~6–10 s in the survey-length
# literature; descriptive choices and open text much longer), plus a few seconds per page.
SECONDS = {"agreement": 8, "importance": 7, "likelihood": 8, "single_choice": 10,
           "multiple_choice": 15, "stage": 25, "open_text": 60}
PAGE_SECONDS = 5


def survey_seconds(instrument: Instrument, side: str, contacts: int = 0) -> int:
    """Seconds for one side's questions; vendor power-map items repeat once per contact."""
    total = 0
    for section in instrument.sections:
        items = section.items_for(side)
        asked = 0
        for item in items:
            repeats = contacts if side == "vendor" and item.is_power_map else 1
            total += SECONDS.get(item.type, 10) * repeats
            asked += repeats
        total += PAGE_SECONDS if asked else 0
    return total


def minutes_for(instrument: Instrument, person: Participant, account: Account) -> int:
    """Whole minutes, rounded up, for this participant's survey about this account."""
    contacts = 0
    if person.side == "vendor":
        contacts = db.session.scalar(sa.select(sa.func.count(Participant.id)).where(
            Participant.account_id == account.id, Participant.side == "customer",
            Participant.token_revoked_at.is_(None))) or 0
    return max(1, math.ceil(survey_seconds(instrument, person.side, contacts) / 60))
