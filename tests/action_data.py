"""A small study measured in two waves, built answer by answer, for the action-plan tests.

Globex's four customers rate trust 2, 2, 3, 3 in wave 1 and 4, 4, 5, 5 in wave 2 (vendor staff
4, 4, 5, 5 then 4, 5, 5, 4); they place the relationship at stages 0, 0, 0, 1 then 2, 2, 3, 2;
the executive, Erin Exec, calls themselves strongly against (a blocker) in wave 1 and strongly
for (a champion) in wave 2, while vendor staff rate them a champion both times. Wave 1 has
closed; wave 2 is open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from vocgap.collection.studies import open_wave
from vocgap.collection.values import coerce_value
from vocgap.extensions import db
from vocgap.models import (
    Account,
    Answer,
    Participant,
    PowerMapRating,
    Response,
    Study,
    Wave,
    utcnow,
)

from .factories import gen_account, gen_customer, gen_study, gen_user, gen_vendor

TRUST = {1: ([2, 2, 3, 3], [4, 4, 5, 5]), 2: ([4, 4, 5, 5], [4, 5, 5, 4])}
STAGES = {1: [0, 0, 0, 1], 2: [2, 2, 3, 2]}
EXEC_SUPPORT = {1: "strongly_against", 2: "strongly_for"}


@dataclass
class TwoWaves:
    study: Study
    account: Account
    first: Wave
    second: Wave
    executive: Participant
    customers: list[Participant]
    staff: list[Participant]


def _answer(response: Response, instrument, item_id: str, raw) -> None:
    stored = coerce_value(instrument.item(item_id), raw)
    response.answers.append(Answer(item_id=item_id, value_num=stored.value_num,
                                   value_text=stored.value_text, dont_know=stored.dont_know))


def _trust(response: Response, instrument, value: int) -> None:
    for item in instrument.dimension_items("trust"):
        _answer(response, instrument, item.id, 6 - value if item.reverse else value)


def answer_wave(wave: Wave, instrument, account, customers, staff, number: int) -> None:
    """Every customer and member of staff submits Globex's answers for wave ``number``."""
    stages = instrument.item_by_role("stage")
    for k, person in enumerate(customers):
        response = Response(wave=wave, participant=person, account=account,
                            status="submitted", submitted_at=wave.opens_at)
        _trust(response, instrument, TRUST[number][0][k])
        _answer(response, instrument, stages.id, stages.options[STAGES[number][k]].value)
        support = EXEC_SUPPORT[number] if k == 0 else "neutral"
        _answer(response, instrument, "stance_support", support)
        _answer(response, instrument, "stance_influence", "decisive" if k == 0 else "some")
        db.session.add(response)
    for k, person in enumerate(staff):
        response = Response(wave=wave, participant=person, account=account,
                            status="submitted", submitted_at=wave.opens_at)
        _trust(response, instrument, TRUST[number][1][k])
        _answer(response, instrument, stages.id, stages.options[3].value)
        for contact in customers:
            response.power_map.append(PowerMapRating(contact=contact, support=5, influence=5))
        db.session.add(response)


def two_waves(instrument, *, member: str = "consultant@test.example",
              short_name: str = "acme") -> TwoWaves:
    """The study above, with ``member`` a consultant of it."""
    study = gen_study(instrument, short_name, open_now=False)
    gen_user(member, study=study)
    account = gen_account(study, "Globex")
    customers = [gen_customer(study, account, name, role=role)[0] for name, role in (
        ("Erin Exec", "executive"), ("Mia Middle", "middle_management"),
        ("Otto Operator", "operational_user"), ("Pat Purchaser", "purchasing"))]
    staff = [gen_vendor(study, [account], name)[0]
             for name in ("Vic Vendor", "Wanda Warm", "Xavi Keen", "Yara Sure")]
    first = study.waves[0]
    first.closed_at = first.closes_at
    now = utcnow()
    second = open_wave(study, instrument, now - timedelta(days=1), now + timedelta(days=10))
    db.session.flush()
    answer_wave(first, instrument, account, customers, staff, 1)
    answer_wave(second, instrument, account, customers, staff, 2)
    db.session.commit()
    return TwoWaves(study, account, first, second, customers[0], customers, staff)
