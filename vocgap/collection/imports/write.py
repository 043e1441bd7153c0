"""The writing pass of a responses import: accounts, people, responses, then answers streamed from
the file in batches, all inside the caller's one transaction."""

from __future__ import annotations

from types import SimpleNamespace

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app

from ...extensions import db
from ...models import Account, Answer, Participant, PowerMapRating, Response, utcnow
from ...models.people import participant_account
from ..tokens import issue_token
from .common import ImportReport
from .plan import Checker, ImportPlan, NewPerson, ResponsePlan, rating_ref
from .reader import Progress

BATCH = 20_000
PEOPLE_BATCH = 2_000


def write(checker: Checker, report: ImportReport, progress: Progress | None = None) -> None:
    plan = checker.plan
    accounts = _accounts(plan, report)
    _people(plan, accounts, report)
    _responses(plan, accounts, report)
    _answers(checker, progress, report)


def _accounts(plan: ImportPlan, report: ImportReport) -> dict[str, Account]:
    out = {}
    for key, account in plan.accounts.items():
        if isinstance(account, dict):
            account = Account(study=plan.study, **account)
            db.session.add(account)
            report.count("accounts")
        out[key] = account
    db.session.flush()
    return out


def _email(name: str) -> str:
    if "@" not in name:
        return ""
    try:
        return validate_email(name, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return ""


def _people(plan: ImportPlan, accounts: dict[str, Account], report: ImportReport) -> None:
    """New respondents and contacts, inserted in batches without an ORM object each."""
    needed = {id(r.person) for r in plan.responses.values() if not r.blank} | {
        id(c) for r in plan.responses.values() if not r.blank for c in r.contacts.values()}
    secret = current_app.config["SECRET_KEY"]
    batch: list[tuple[NewPerson, dict]] = []
    for person in plan.people.values():
        if id(person) not in needed:
            continue
        token = SimpleNamespace()
        issue_token(token, secret)
        batch.append((person, {
            "study_id": plan.study.id, "side": person.side, "name": person.name,
            "email": _email(person.name), "role": person.facts.get("role"),
            "quartet": person.facts.get("quartet"), "function": person.facts.get("function"),
            "account_id": accounts[person.account].id if person.side == "customer" else None,
            "consent_attribution": False, "token_nonce": token.token_nonce,
            "token_hash": token.token_hash, "token_revoked_at": None, "created_at": utcnow()}))
        if len(batch) >= PEOPLE_BATCH:
            _insert_people(batch, accounts, report)
    _insert_people(batch, accounts, report)
    serving = {(r.person.id, r.account) for r in plan.responses.values()
               if not r.blank and isinstance(r.person, Participant)}
    for person_id, account in plan.serve & serving:
        db.session.get(Participant, person_id).served_accounts.append(accounts[account])
    db.session.flush()


def _insert_people(batch: list[tuple[NewPerson, dict]], accounts: dict[str, Account],
                   report: ImportReport) -> None:
    if not batch:
        return
    db.session.execute(sa.insert(Participant.__table__), [row for _, row in batch])
    ids = dict(db.session.execute(sa.select(Participant.token_hash, Participant.id).where(
        Participant.token_hash.in_([row["token_hash"] for _, row in batch]))).all())
    served = []
    for person, row in batch:
        person.id = ids[row["token_hash"]]
        served.extend({"participant_id": person.id, "account_id": accounts[a].id}
                      for a in sorted(person.served))
    if served:
        db.session.execute(sa.insert(participant_account), served)
    report.count("new respondents", len(batch))
    batch.clear()


def _person_id(person: Participant | NewPerson) -> int:
    assert person.id is not None
    return person.id


def _responses(plan: ImportPlan, accounts: dict[str, Account], report: ImportReport) -> None:
    now = utcnow()
    fresh = []
    names = {bit: item for item, bit in plan.item_bits.items()}
    for response in plan.responses.values():
        if response.blank:
            continue
        if response.previous is None:
            fresh.append({"wave_id": plan.wave.id, "participant_id": _person_id(response.person),
                          "account_id": accounts[response.account].id, "status": "submitted",
                          "source": "import", "started_at": now, "updated_at": now,
                          "submitted_at": now, "language": response.language})
            continue
        report.count("responses replaced" if response.previous_submitted else "drafts completed")
        held = [names[bit] for bit in names if response.held & bit]
        if held:
            db.session.execute(sa.delete(Answer).where(Answer.response_id == response.previous,
                                                       Answer.item_id.in_(held)))
        contacts = [_contact_id(c) for c in response.contacts.values()]
        if contacts:
            db.session.execute(sa.delete(PowerMapRating).where(
                PowerMapRating.response_id == response.previous,
                PowerMapRating.contact_id.in_(contacts)))
        db.session.execute(sa.update(Response).where(Response.id == response.previous).values(
            status="submitted", source="import", submitted_at=now, updated_at=now,
            language=response.language))
        response.response_id = response.previous
    for start in range(0, len(fresh), BATCH):
        db.session.execute(sa.insert(Response.__table__), fresh[start:start + BATCH])
    report.count("responses", len(fresh))
    ids = {(p, a): i for i, p, a in db.session.execute(sa.select(
        Response.id, Response.participant_id, Response.account_id).where(
        Response.wave_id == plan.wave.id))}
    for response in plan.responses.values():
        if response.response_id is None and not response.blank:
            response.response_id = ids[(_person_id(response.person),
                                        accounts[response.account].id)]


def _contact_id(contact: int | NewPerson) -> int:
    return contact if isinstance(contact, int) else _person_id(contact)


def _answers(checker: Checker, progress: Progress | None, report: ImportReport) -> None:
    """Read the file again and insert its answers in batches; memory does not grow with it."""
    plan = checker.plan
    buffer: list[dict] = []
    ratings: dict[tuple[int, int], dict[str, int | bool | None]] = {}
    for row in plan.shape.rows(progress):
        response = checker.locate(row)
        if response is None or response.blank:
            continue
        for entry in row.entries:
            item = checker.items[entry.item]
            if response.side not in item.sides:
                continue
            stored = plan.readers[entry.item].read("dk" if entry.dont_know else entry.raw)
            if stored is not None:
                buffer.append({"response_id": response.response_id, "item_id": entry.item,
                               "value_num": stored.value_num, "value_text": stored.value_text,
                               "dont_know": stored.dont_know})
        for rating in row.ratings:
            contact = _contact_id(response.contacts[rating_ref(rating, row)])
            raw = rating.raw.strip()
            values = ratings.setdefault((response.response_id, contact), {
                "support": None, "influence": None,
                "support_dont_know": False, "influence_dont_know": False})
            values[rating.kind] = int(float(raw)) if raw else None
            values[f"{rating.kind}_dont_know"] = rating.dont_know
        if len(buffer) >= BATCH:
            _flush(buffer, report)
    _flush(buffer, report)
    rows = [{"response_id": r, "contact_id": c, **values} for (r, c), values in ratings.items()
            if any(v is not None and v is not False for v in values.values())]
    if rows:
        db.session.execute(sa.insert(PowerMapRating.__table__), rows)
    report.count("power-map ratings", len(rows))


def _flush(buffer: list[dict], report: ImportReport) -> None:
    if buffer:
        db.session.execute(sa.insert(Answer.__table__), buffer)
        report.count("answers", len(buffer))
        buffer.clear()


def replacement_notes(plan: ImportPlan, answers: dict[int, list[str]],
                      ratings: dict[int, list[int]]) -> list[str]:
    """What --replace removes, said before anything is committed."""
    overwritten = removed = contacts = 0
    lines = []
    for response in plan.responses.values():
        if response.previous is None or response.blank:
            continue
        for item in answers.get(response.previous, []):
            bit = plan.item_bits.get(item, 0)
            if response.answered & bit:
                overwritten += 1
            elif response.held & bit:
                removed += 1
                lines.append(response.line)
        held = {_ref(c) for c in response.contacts.values()}
        contacts += sum(1 for c in ratings.get(response.previous, []) if c in held)
    if not (overwritten or removed or contacts):
        return []
    note = (f"replacing: {overwritten} stored answer(s) overwritten, {removed} removed because "
            f"the file leaves them blank, {contacts} power-map rating(s) replaced; answers to "
            "items and contacts the file does not hold are kept")
    if lines:
        note += " (removals on line(s) " + ", ".join(map(str, sorted(set(lines))[:20])) + ")"
    return [note]


def _ref(contact: int | NewPerson) -> int | None:
    return contact if isinstance(contact, int) else contact.id


__all__ = ["ResponsePlan", "replacement_notes", "write"]
