"""The checking pass of a responses import: every row through small rules, into a typed plan of
what would be written (answers themselves are read again while writing, so memory stays bounded)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import sqlalchemy as sa

from ...extensions import db
from ...instruments.model import DEFAULT_LANGUAGE, LANGUAGE_CODE
from ...models import Account, Answer, Participant, PowerMapRating, Response, Study, Wave
from ...models.people import CUSTOMER_ROLES, QUARTET, VENDOR_FUNCTIONS
from ..values import InvalidValue
from .answers import AnswerReader
from .columns import norm
from .common import RowError, column_limit
from .headers import looks_like_header
from .mapping import Mapping
from .participants import _code
from .reader import Progress
from .records import Entry, Rating, Row, Shape

NAME_LIMIT = column_limit(Participant.name) or 200
ACCOUNT_LIMIT = column_limit(Account.name) or 200
SEGMENT_LIMIT = column_limit(Account.segment) or 100


@dataclass(slots=True)
class NewPerson:
    """A respondent or power-map contact the study does not know yet."""

    side: str
    name: str
    account: str = ""
    served: set[str] = field(default_factory=set)
    facts: dict[str, str | None] = field(default_factory=dict)
    id: int | None = None


@dataclass(slots=True)
class ResponsePlan:
    """One response the file holds: who, for which account, and which items and contacts."""

    line: int
    account: str
    side: str
    person: Participant | NewPerson
    previous: int | None = None
    previous_submitted: bool = False
    held: int = 0
    answered: int = 0
    answers: int = 0
    contacts: dict[str, int | NewPerson] = field(default_factory=dict)
    ratings: int = 0
    response_id: int | None = None
    language: str = DEFAULT_LANGUAGE  # what the respondent answered in (vocgap's export says)

    @property
    def blank(self) -> bool:
        return self.answers == 0 and self.ratings == 0


@dataclass
class ImportPlan:
    """Everything the writing pass needs, found without writing anything."""

    study: Study
    wave: Wave
    shape: Shape
    responses: dict[tuple, ResponsePlan] = field(default_factory=dict)
    accounts: dict[str, Account | dict] = field(default_factory=dict)
    people: dict[tuple, NewPerson] = field(default_factory=dict)
    serve: set[tuple[int, str]] = field(default_factory=set)
    readers: dict[str, AnswerReader] = field(default_factory=dict)
    item_bits: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)


class Checker:
    """Applies the row rules and builds the plan."""

    def __init__(self, study: Study, wave: Wave, shape: Shape, mapping: Mapping, *,
                 replace: bool, create_accounts: bool):
        self.replace, self.create_accounts = replace, create_accounts
        instrument = wave.instrument
        self.items = {i.id: i for i in instrument.items}
        self.plan = ImportPlan(study, wave, shape, item_bits={
            i: 1 << n for n, i in enumerate(self.items)})
        self.plan.readers = {i: AnswerReader(item, mapping.recode_for(
            shape.rules.get(i), i)) for i, item in self.items.items()}
        self.plan.accounts = {a.name.lower(): a for a in study.accounts}
        people = db.session.scalars(sa.select(Participant).where(
            Participant.study_id == study.id)).all()
        self.by_id = {p.id: p for p in people}
        self.by_name: dict[tuple, Participant] = {}
        for p in people:
            scope = p.account_id if p.side == "customer" else None
            for key in (p.name, p.email):
                if key:
                    self.by_name.setdefault((p.side, scope, norm(key)), p)
        self._identities: dict[tuple, Participant | NewPerson | None] = {}
        self.existing = {(r.participant_id, r.account_id): (r.id, r.status) for r in db.session
                         .execute(sa.select(Response.id, Response.participant_id,
                                            Response.account_id, Response.status)
                                  .where(Response.wave_id == wave.id))}

    def bad(self, line: int, column: str, message: str) -> None:
        self.plan.errors.append(RowError(line, column, message))

    def check(self, progress: Progress | None = None) -> ImportPlan:
        first = True
        for row in self.plan.shape.rows(progress):
            self.row(row, first)
            first = False
        return self.plan

    def row(self, row: Row, first: bool) -> None:
        before = len(self.plan.errors)
        self.rules(row)
        if first and len(self.plan.errors) > before and looks_like_header(
                row.cells, self.plan.shape.table.header):
            self.bad(row.line, "", "this row looks like a second header row (question text); "
                     "delete it, or export from the survey tool without it")

    def rules(self, row: Row) -> None:
        before = len(self.plan.errors)
        side = row.side.strip().lower()
        if side not in ("customer", "vendor"):
            self.bad(row.line, "side", f"'{row.side}' is not customer or vendor")
        account = self.account(row)
        if len(self.plan.errors) > before:
            return
        plan = self.response(row, account, side)
        if plan is None:
            return
        for entry in row.entries:
            self.entry(plan, entry)
        for rating in row.ratings:
            self.rating(plan, rating, row)

    def account(self, row: Row) -> str:
        name = row.account.strip()
        key = name.lower()
        if not name:
            self.bad(row.line, "account", "must not be empty")
        elif len(name) > ACCOUNT_LIMIT:
            self.bad(row.line, "account", f"is {len(name)} characters long; the limit is "
                     f"{ACCOUNT_LIMIT}")
        elif key not in self.plan.accounts:
            if not self.create_accounts:
                close = difflib.get_close_matches(key, list(self.plan.accounts), 1)
                hint = f"; did you mean '{self.plan.accounts[close[0]].name}'?" if close else (
                    "; add it first, or import with --create-accounts")
                self.bad(row.line, "account", f"unknown account '{name}'{hint}")
            else:
                segment = row.facts.get("segment", "")
                if len(segment) > SEGMENT_LIMIT:
                    self.bad(row.line, "segment", f"is {len(segment)} characters long; the "
                             f"limit is {SEGMENT_LIMIT}")
                self.plan.accounts[key] = {"name": name, "segment": segment, "key_account":
                                           row.facts.get("key_account", "").lower() == "true"}
        return key

    def locate(self, row: Row) -> ResponsePlan | None:
        """The plan a checked row belongs to (used again while writing)."""
        account, side = row.account.strip().lower(), row.side.strip().lower()
        identity = self.identity(row, account, side)
        return self.plan.responses.get(_key(account, side, identity)) if identity else None

    def response(self, row: Row, account: str, side: str) -> ResponsePlan | None:
        identity = self.identity(row, account, side)
        if identity is None:
            return None
        key = _key(account, side, identity)
        plan = self.plan.responses.get(key)
        if plan is not None:
            if self.plan.shape.layout == "wide":
                self.bad(row.line, "respondent", f"{row.respondent} appears twice for "
                         f"{row.account} (first on line {plan.line})")
                return None
            return plan
        plan = ResponsePlan(row.line, account, side, identity)
        language = row.facts.get("language", "").strip()
        if language and not LANGUAGE_CODE.match(language):
            self.bad(row.line, "language", f"'{language[:40]}' is not a language code (like en, "
                     "de, pt-BR)")
        plan.language = language or DEFAULT_LANGUAGE
        target = self.plan.accounts[account]
        if isinstance(identity, Participant) and isinstance(target, Account):
            previous = self.existing.get((identity.id, target.id))
            if previous is not None:
                plan.previous, plan.previous_submitted = previous[0], previous[1] == "submitted"
                if plan.previous_submitted and not self.replace:
                    self.bad(row.line, "respondent", f"{identity.name} already has a submitted "
                             f"response for {target.name} in wave {self.plan.wave.number} "
                             "(import with replace to overwrite what this file holds)")
                    return None
        self.plan.responses[key] = plan
        return plan

    def identity(self, row: Row, account: str, side: str) -> Participant | NewPerson | None:
        """The study's participant this row is about, or the one the import will create
        (looked up once per respondent: a long file names each one on many rows)."""
        key = (account, side, row.respondent, row.respondent_id, row.same_study)
        if key not in self._identities:
            self._identities[key] = self._identity(row, account, side)
        return self._identities[key]

    def _identity(self, row: Row, account: str, side: str) -> Participant | NewPerson | None:
        target = self.plan.accounts[account]
        account_id = target.id if isinstance(target, Account) else None
        if row.same_study and row.respondent_id:
            person = self.by_id.get(int(row.respondent_id)) if row.respondent_id.isdigit() \
                else None
            if person is None or person.side != side or (
                    account_id is not None and account_id not in {a.id for a in person.accounts}):
                self.bad(row.line, "respondent_id", f"{row.respondent_id} is not a {side} "
                         f"participant for {row.account} in this study")
                return None
            return person
        name = row.respondent.strip() or (f"Respondent {row.respondent_id}"
                                          if row.respondent_id else "")
        if not name:
            self.bad(row.line, "respondent", "a respondent e-mail or name is needed")
            return None
        if len(name) > NAME_LIMIT:
            self.bad(row.line, "respondent", f"is {len(name)} characters long; the limit is "
                     f"{NAME_LIMIT}")
            return None
        return self.person(side, name, account, account_id, row.facts)

    def person(self, side: str, name: str, account: str, account_id: int | None,
               facts: dict[str, str]) -> Participant | NewPerson:
        scope = account_id if side == "customer" else None
        found = self.by_name.get((side, scope, norm(name))) if (
            side == "vendor" or account_id is not None) else None
        if isinstance(found, Participant):
            if side == "vendor" and account_id not in {a.id for a in found.accounts}:
                self.plan.serve.add((found.id, account))
            return found
        key = (side, account if side == "customer" else "", norm(name))
        person = self.plan.people.get(key)
        if person is None:
            person = self.plan.people[key] = NewPerson(side, name, account if side == "customer"
                                                       else "", facts=_facts(side, facts))
        if side == "vendor":
            person.served.add(account)
        return person

    def entry(self, plan: ResponsePlan, entry: Entry) -> None:
        item = self.items.get(entry.item)
        if item is None:
            close = difflib.get_close_matches(entry.item, list(self.items), 1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            self.bad(entry.line, entry.column, f"unknown item '{entry.item}'{hint}")
            return
        bit = self.plan.item_bits[item.id]
        if plan.held & bit and self.plan.shape.layout != "wide":
            self.bad(entry.line, "item", f"'{item.id}' is answered twice by this respondent "
                     f"for this account (first on line {plan.line} or after)")
            return
        if plan.side not in item.sides:
            if entry.raw.strip():
                self.bad(entry.line, entry.column, f"item '{item.id}' is not asked of the "
                         f"{plan.side} side; leave the cell empty for {plan.side} rows")
            return
        plan.held |= bit
        try:
            stored = self.plan.readers[item.id].read("dk" if entry.dont_know else entry.raw)
        except InvalidValue as exc:
            hint = ("; if the survey tool numbers its answers differently, recode them with "
                    "values: in a mapping file") if "outside the scale" in str(exc) else ""
            self.bad(entry.line, entry.column, f"item '{item.id}': value {exc}{hint}")
            return
        if stored is not None:
            plan.answered |= bit
            plan.answers += 1

    def rating(self, plan: ResponsePlan, rating: Rating, row: Row) -> None:
        if plan.side != "vendor":
            self.bad(rating.line, "side", "power-map ratings come from the vendor side")
            return
        raw = rating.raw.strip()
        if rating.dont_know and raw:
            self.bad(rating.line, "value", f"power-map rating '{raw}' is marked don't know; "
                     "leave the value empty or set dont_know to false")
            return
        try:
            score = int(float(raw)) if raw else None
        except ValueError:
            score = -1
        if score is not None and not 1 <= score <= 5:
            self.bad(rating.line, "value", f"power-map rating '{raw}' is not a whole number "
                     "from 1 to 5")
            return
        contact = self.contact(plan, rating, row)
        if contact is None:
            return
        plan.contacts[rating_ref(rating, row)] = contact
        if score is not None or rating.dont_know:
            plan.ratings += 1

    def contact(self, plan: ResponsePlan, rating: Rating, row: Row) -> int | NewPerson | None:
        target = self.plan.accounts[plan.account]
        account_id = target.id if isinstance(target, Account) else None
        if row.same_study and rating.contact_id.isdigit():
            person = self.by_id.get(int(rating.contact_id))
            if person is None or person.side != "customer" or person.account_id != account_id:
                self.bad(rating.line, "about_contact_id", f"{rating.contact_id} is not a "
                         f"customer contact at {row.account} in this study")
                return None
            return person.id
        name = rating.contact_name or (f"Respondent {rating.contact_id}"
                                       if rating.contact_id else "")
        if not name:
            self.bad(rating.line, "about_contact_id", "a power-map rating needs the contact "
                     "it is about")
            return None
        found = self.person("customer", name, plan.account, account_id, {})
        return found.id if isinstance(found, Participant) else found


def rating_ref(rating: Rating, row: Row) -> str:
    """How one rating names its contact, the same in the checking and the writing pass."""
    if row.same_study and rating.contact_id.isdigit():
        return rating.contact_id
    return (rating.contact_name or f"Respondent {rating.contact_id}").lower()


def _key(account: str, side: str, identity: Participant | NewPerson) -> tuple:
    who = ("id", identity.id) if isinstance(identity, Participant) else identity.name.lower()
    return account, side, who


def _facts(side: str, facts: dict[str, str]) -> dict[str, str | None]:
    if side == "customer":
        return {"role": _code(facts.get("role", ""), CUSTOMER_ROLES),
                "quartet": _code(facts.get("quartet", ""), QUARTET)}
    return {"function": _code(facts.get("function", ""), VENDOR_FUNCTIONS)}


def existing_held(plan: ImportPlan) -> tuple[dict[int, list[str]], dict[int, list[int]]]:
    """Answers and power-map contacts already stored for the responses the file touches."""
    ids = [p.previous for p in plan.responses.values() if p.previous is not None and not p.blank]
    answers: dict[int, list[str]] = {}
    ratings: dict[int, list[int]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for rid, item in db.session.execute(sa.select(Answer.response_id, Answer.item_id)
                                            .where(Answer.response_id.in_(chunk))):
            answers.setdefault(rid, []).append(item)
        for rid, contact in db.session.execute(
                sa.select(PowerMapRating.response_id, PowerMapRating.contact_id)
                .where(PowerMapRating.response_id.in_(chunk))):
            ratings.setdefault(rid, []).append(contact)
    return answers, ratings
