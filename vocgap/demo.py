"""A realistic demo study: a vendor, twelve accounts, both sides' answers over two waves.

The numbers are synthetic but shaped like the phenomenon vocgap measures: vendor staff rate
most dimensions higher than customers do (the Bain 80%-vs-8% effect), see relationships a stage
further along, misread one blocker as a champion, and underrate one real strength.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import sqlalchemy as sa

from .collection.studies import add_participant, create_study, open_wave
from .collection.values import coerce_value
from .extensions import db
from .instruments import Instrument, find_instrument
from .languages.demo import add_demo_languages
from .models import (
    Account,
    Answer,
    Participant,
    PowerMapRating,
    Response,
    Study,
    StudyMember,
    User,
    Wave,
    utcnow,
)

DEMO_SHORT_NAME = "demo"
DEMO_EMAIL = "consultant@example.com"
DEMO_PASSWORD = "vocgap-demo-2026"
VENDOR = "Northwind Analytics"


@dataclass(frozen=True)
class DemoAccount:
    name: str
    segment: str
    value: int
    crm_stage: int
    key: bool
    true_stage: int
    level: float  # the customers' real view, on the 1–5 scale
    contacts: int
    answered: int  # customer contacts who submit in the current wave


ACCOUNTS = [
    DemoAccount("Altamira Foods", "Enterprise", 1_250_000, 3, True, 2, 3.6, 6, 5),
    DemoAccount("Brightwater Utilities", "Public sector", 640_000, 2, True, 1, 3.0, 5, 4),
    DemoAccount("Castellan Insurance", "Enterprise", 980_000, 3, True, 1, 2.8, 6, 5),
    DemoAccount("Dunmore Steel", "Mid-market", 310_000, 2, False, 1, 3.3, 4, 3),
    DemoAccount("Elmstead Health Trust", "Public sector", 450_000, 2, False, 2, 3.9, 5, 4),
    DemoAccount("Fjordline Shipping", "Mid-market", 220_000, 1, False, 1, 3.1, 4, 3),
    DemoAccount("Greywell Pharma", "Enterprise", 1_600_000, 3, True, 3, 4.1, 6, 5),
    DemoAccount("Halvorsen Retail Group", "Enterprise", 870_000, 2, True, 1, 2.6, 5, 4),
    DemoAccount("Iverson & Pike Legal", "Mid-market", 150_000, 1, False, 1, 3.4, 3, 1),
    DemoAccount("Juniper Municipal Council", "Public sector", 95_000, 1, False, 0, 3.0, 3, 2),
    DemoAccount("Kestrel Aerospace Components", "Enterprise", 1_100_000, 3, True, 1, 2.9, 5, 4),
    DemoAccount("Åkerlund Bygg AB", "Mid-market", 260_000, 2, False, 2, 3.5, 4, 3),
]
VENDOR_STAFF = [
    ("Dana Whitfield", "account_manager"), ("Marco Ruiz", "account_manager"),
    ("Priya Nair", "account_manager"), ("Tom Becker", "sales"), ("Lena Schultz", "sales"),
    ("Sam Okafor", "customer_success"), ("Ines Duarte", "customer_success"),
    ("Karl Jensen", "professional_services"), ("Yuki Tanaka", "product"),
    ("Helen Moore", "executive"),
]
ROLES = [("executive", "business_buyer"), ("middle_management", "business_user"),
         ("operational_user", "tech_user"), ("purchasing", "business_buyer"),
         ("middle_management", "tech_buyer"), ("operational_user", "business_user")]
FIRST = ["Alex", "Bea", "Chen", "Dmitri", "Eva", "Farid", "Greta", "Hugo", "Ida", "Jonas",
         "Kira", "Luis", "Mona", "Nils", "Olga", "Pavel", "Rosa", "Sven", "Tara", "Umar"]
LAST = ["Andersen", "Brandt", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Horvat",
        "Ivanova", "Janssen", "Kowalski", "Lindqvist", "Moreau", "Novak", "Ortiz", "Petrov"]
# Vendor optimism per dimension (vendor view minus customer view), before noise.
OPTIMISM = {"trust": 0.7, "alignment": 0.9, "value": 1.1, "resolution": -0.6, "contacts": 0.8,
            "breadth": 1.0, "expectations": 0.9, "partnership": 1.2}
CUSTOMER_VERBATIMS = [
    "Tell us earlier when a delivery date is going to slip.",
    "Show us the savings in our numbers, not in a generic case study.",
    "Fewer status calls, more people who can actually decide things.",
    "Involve our operations team, not only purchasing.",
    "Support is quick and friendly; the account team less so.",
    "We would value a joint plan for next year instead of quarter-by-quarter deals.",
]
VENDOR_VERBATIMS = [
    "They would probably ask for more proactive ideas.",
    "Faster answers on escalations, I think.",
    "Honestly they seem very happy; maybe more training.",
    "They would like us to understand their procurement rules better.",
]


def build_demo(surveys_dir: str) -> tuple[Study, bool]:
    """Create the demo study unless it exists; returns (study, created)."""
    existing = db.session.scalar(sa.select(Study).where(Study.short_name == DEMO_SHORT_NAME))
    if existing is not None:
        _ensure_consultant(existing)
        db.session.commit()
        return existing, False
    instrument = find_instrument(surveys_dir, "b2b-relationship")
    rng = np.random.default_rng(2026)
    now = utcnow().replace(microsecond=0)
    study = create_study(vendor_name=VENDOR, name="Customer relationship review 2026",
                         short_name=DEMO_SHORT_NAME, instrument=instrument,
                         opens_at=now - timedelta(days=130), closes_at=now - timedelta(days=95))
    accounts = [Account(study=study, name=a.name, segment=a.segment, annual_value=a.value,
                        crm_stage=a.crm_stage, key_account=a.key) for a in ACCOUNTS]
    db.session.add_all(accounts)
    contacts = _add_customers(study, accounts, rng)
    staff = _add_vendor_staff(study, accounts)
    add_demo_languages(contacts, staff)
    first = study.waves[0]
    second = open_wave(study, instrument, now - timedelta(days=14), now + timedelta(days=21))
    db.session.flush()
    for wave, drift in ((first, 0.25), (second, 0.0)):
        _answer_wave(wave, instrument, accounts, contacts, staff, rng, drift, wave is first)
    first.closed_at = first.closes_at  # closed on its planned date
    _ensure_consultant(study)
    db.session.commit()
    return study, True


def _ensure_consultant(study: Study) -> None:
    user = db.session.scalar(sa.select(User).where(User.email == DEMO_EMAIL))
    if user is None:
        user = User(email=DEMO_EMAIL, name="Demo Consultant")
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
    if not any(m.user is user for m in study.members):
        db.session.add(StudyMember(study=study, user=user, role="owner"))


def _add_customers(study, accounts, rng) -> dict[int, list[Participant]]:
    out: dict[int, list[Participant]] = {}
    names = iter(f"{FIRST[i % len(FIRST)]} {LAST[(i * 7 + i // len(FIRST)) % len(LAST)]}"
                 for i in range(1000))
    for index, (spec, account) in enumerate(zip(ACCOUNTS, accounts, strict=True)):
        people = []
        for k in range(spec.contacts):
            role, quartet = ROLES[(k + index) % len(ROLES)] if k else ROLES[0]
            name = next(names)
            domain = "".join(ch for ch in spec.name.lower() if ch.isascii() and ch.isalnum())[:16]
            person, _ = add_participant(study, side="customer", name=name, account=account,
                                        email=f"{name.split()[0].lower()}@{domain}.example",
                                        role=role, quartet=quartet)
            person.consent_attribution = bool(rng.random() < 0.3)
            people.append(person)
        out[index] = people
    return out


# Which accounts each member of staff answers for: account managers own four each, sales and
# customer success split the book, specialists and the executive sponsor cover key accounts.
SERVES = [range(0, 4), range(4, 8), range(8, 12), range(0, 12, 2), range(1, 12, 2),
          range(0, 6), range(6, 12), "key", "key", "key"]


def _add_vendor_staff(study, accounts) -> list[Participant]:
    staff = []
    key = [a for a in accounts if a.key_account]
    for (name, function), serves in zip(VENDOR_STAFF, SERVES, strict=True):
        served = key if serves == "key" else [accounts[i] for i in serves]
        person, _ = add_participant(study, side="vendor", name=name, function=function,
                                    served=served,
                                    email=name.split()[0].lower() + "@northwind.example")
        staff.append(person)
    return staff


def _answer_wave(wave: Wave, instrument: Instrument, accounts, contacts, staff, rng,
                 drift: float, complete: bool) -> None:
    for index, (spec, account) in enumerate(zip(ACCOUNTS, accounts, strict=True)):
        people = contacts[index]
        answering = people if complete else people[: spec.answered]
        if spec.answered <= 1:  # the thin accounts stay thin in every wave
            answering = people[:1]
        for person in answering:
            _respond(wave, instrument, person, account, spec, rng, "customer", drift, people)
        serving = [s for s in staff if account in s.served_accounts]
        if not complete:  # product and the executive sponsor have not answered yet
            serving = [s for s in serving if s.function not in ("product", "executive")]
        if spec.answered <= 2:
            serving = serving[:1]
        for person in serving:
            _respond(wave, instrument, person, account, spec, rng, "vendor", drift, people)
        if not complete and len(people) > spec.answered + 1:
            # One contact started and left: a draft with a couple of answers.
            draft = Response(wave=wave, participant=people[-1], account=account)
            draft.answers.append(Answer(item_id="superior_experience", value_num=3.0))
            db.session.add(draft)


def _respond(wave, instrument, person, account, spec, rng, side, drift, contacts) -> None:
    response = Response(wave=wave, participant=person, account=account, status="submitted",
                        submitted_at=wave.opens_at + timedelta(days=int(rng.integers(1, 12))))
    customer = side == "customer"
    mood = rng.normal(0, 0.55)  # one person's general warmth runs through all their answers
    raw: dict[str, object] = {}
    blocker_account = spec.name == "Castellan Insurance"
    for item in instrument.items:
        if side not in item.sides or item.is_power_map and not customer:
            continue
        raw[item.id] = _synthetic(item, spec, rng, customer, drift, person, blocker_account, mood)
    for item_id, value in raw.items():
        stored = coerce_value(instrument.item(item_id), value)
        if stored is not None:
            response.answers.append(Answer(item_id=item_id, value_num=stored.value_num,
                                           value_text=stored.value_text,
                                           dont_know=stored.dont_know))
    if not customer:
        for k, contact in enumerate(contacts):
            believed_champion = blocker_account and k == 0
            support = 5 if believed_champion else int(np.clip(round(rng.normal(3.8, 0.8)), 1, 5))
            influence = 5 if k == 0 else int(np.clip(round(rng.normal(3.0, 1.0)), 1, 5))
            response.power_map.append(PowerMapRating(contact=contact, support=support,
                                                     influence=influence))
    db.session.add(response)


def _synthetic(item, spec, rng, customer, drift, person, blocker_account, mood):
    noise = mood + rng.normal(0, 0.5)
    if item.role == "superior_experience":
        level = spec.level - 0.4 + noise if customer else 4.3 + drift + rng.normal(0, 0.5)
        return int(np.clip(round(level), 1, 5))
    if item.role == "recommend":
        level = (spec.level - 1) * 2.2 + rng.normal(0, 1.3) if customer else 8.5 + rng.normal(0, 1)
        return int(np.clip(round(level - (drift * 2 if customer else 0)), 0, 10))
    if item.role == "stage":
        shift = 0 if customer else (1 if rng.random() < 0.75 else 0)
        stage = spec.true_stage + shift + (0 if customer or rng.random() < 0.8 else -1)
        return item.options[int(np.clip(stage, 0, 3))].value
    if item.role in ("stance_support", "stance_influence"):
        first_contact = person.role == "executive"
        if item.role == "stance_support":
            level = 1.6 if blocker_account and first_contact else rng.normal(3.6, 0.9)
        else:
            level = 4.6 if first_contact else rng.normal(2.8, 1.0)
        return item.options[int(np.clip(round(level), 1, 5)) - 1].value
    if item.type == "single_choice":
        weights = np.linspace(len(item.options), 1, len(item.options))
        return item.options[int(rng.choice(len(item.options), p=weights / weights.sum()))].value
    if item.type == "open_text":
        if rng.random() < 0.35:
            return None
        pool = CUSTOMER_VERBATIMS if customer else VENDOR_VERBATIMS
        return pool[int(rng.integers(len(pool)))]
    if item.type == "importance":
        return int(np.clip(round(rng.normal(4.0 if item.rates in ("value", "resolution",
                                                                  "trust") else 3.3, 0.8)), 1, 5))
    level = spec.level - drift
    if not customer:
        level += OPTIMISM.get(item.dimension or "", 0.8) + drift * 2
    value = int(np.clip(round(level + noise), 1, 5))
    if item.reverse:
        value = 6 - value
    if rng.random() < 0.03 and item.scale is not None and item.scale.dont_know:
        return item.scale.dont_know
    return value


def pending_links(study: Study, limit: int = 5) -> list[tuple[Participant, str, str]]:
    """Participants of the current wave who have not submitted, with their private links."""
    from flask import current_app

    from .collection.progress import submitted_pairs
    from .collection.tokens import current_token, survey_link

    wave = study.current_wave
    submitted = submitted_pairs(wave)
    people = db.session.scalars(
        sa.select(Participant).where(Participant.study_id == study.id)
        .order_by(Participant.side, Participant.id)).all()
    out = []
    for person in people:
        if all((person.id, a.id) in submitted for a in person.accounts):
            continue
        token = current_token(person, current_app.config["SECRET_KEY"])
        if token is None:
            continue
        link = survey_link(current_app.config["PUBLIC_BASE_URL"], token)
        label = person.account.name if person.account else ", ".join(
            a.name for a in person.served_accounts)
        out.append((person, label, link))
    customers = [o for o in out if o[0].side == "customer"][: max(1, limit - 2)]
    vendors = [o for o in out if o[0].side == "vendor"][:2]
    return customers + vendors
