"""A demo study with one person's data planted everywhere it can be, and a whole-database scan."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlalchemy as sa

from vocgap.actions.plans import Finding, create_action
from vocgap.collection.mail import Mailer
from vocgap.demo import build_demo
from vocgap.extensions import db
from vocgap.models import (
    Answer,
    Invitation,
    LinkVisit,
    Participant,
    PowerMapRating,
    Response,
    Study,
    utcnow,
)
from vocgap.privacy.notice import acknowledge_notice

from .conftest import ROOT

PHONE = "+44 20 7946 0958"


@dataclass
class Planted:
    """The study and the person whose name, e-mail and phone were planted."""

    study: Study
    person_id: int
    name: str
    email: str
    account: str


def submitted_customer(study: Study) -> Participant:
    """A customer contact who submitted in the current wave and whom vendor staff rated."""
    wave = study.current_wave
    rated = sa.select(PowerMapRating.contact_id).join(Response).where(
        Response.wave_id == wave.id)
    return db.session.scalars(sa.select(Participant).join(
        Response, Response.participant_id == Participant.id).where(
        Response.wave_id == wave.id, Response.status == "submitted",
        Participant.side == "customer", Participant.id.in_(rated))
        .order_by(Participant.id)).first()


def plant(app, person: Participant | None = None) -> Planted:
    """Build the demo; give one person free text naming them, an e-mail in the outbox, a
    failed e-mail whose error names their address, a link visit and a notice answer; make a
    colleague mention them by name and address; plan an action about them (its drafted title
    names them) whose notes and owner name them, and make their address an account owner's."""
    study, _ = build_demo(str(ROOT / "surveys"))
    person = person or submitted_customer(study)
    wave = study.current_wave
    response = db.session.scalar(sa.select(Response).where(
        Response.wave_id == wave.id, Response.participant_id == person.id))
    _set_text(response, "one_thing", f"I am {person.name}; call me on {PHONE} or write to "
                                     f"{person.email}.")
    colleague = db.session.scalars(sa.select(Response).join(Participant).where(
        Response.wave_id == wave.id, Response.status == "submitted",
        Response.participant_id != person.id, Participant.side == person.side)).first()
    _set_text(colleague, "best_thing", f"Ask {person.name} ({person.email}); they know.")
    db.session.add(Invitation(wave_id=wave.id, participant_id=person.id, kind="invitation",
                              batch="b1", status="failed",
                              error=f"550 mailbox {person.email} unavailable"))
    db.session.add(LinkVisit(wave_id=wave.id, participant_id=person.id,
                             first_opened_at=utcnow(), last_opened_at=utcnow()))
    acknowledge_notice(person, wave)
    if person.side == "customer":
        create_action(study, person.account, Finding("contact", contact_id=person.id),
                      user=None, owner=f"{person.name} <{person.email}>",
                      notes=f"Lunch with {person.name} before the renewal")
    for account in study.accounts[:2]:
        account.owner_email = person.email
    db.session.commit()
    mailer = Mailer(app.config)
    mailer.send(mailer.compose(person.email, "Survey", f"Dear {person.name}", "<p>Hi</p>"))
    mailer.send(mailer.compose("someone.else@example.test", "Survey", "Dear other", "<p>x</p>"))
    account = person.account.name if person.account else person.served_accounts[0].name
    return Planted(study, person.id, person.name, person.email, account)


def _set_text(response: Response, item_id: str, text: str) -> None:
    answer = next((a for a in response.answers if a.item_id == item_id), None)
    if answer is None:
        response.answers.append(Answer(item_id=item_id, value_text=text))
    else:
        answer.value_text = text


def needles(name: str, email: str) -> dict[str, str]:
    """What must never be found: the name, the e-mail, and plain hashes of the e-mail."""
    address = email.lower().encode()
    return {"name": name.lower(), "e-mail": email.lower(),
            "sha256(e-mail)": hashlib.sha256(address).hexdigest(),
            "md5(e-mail)": hashlib.md5(address).hexdigest()}


def find_everywhere(found: dict[str, str]) -> list[str]:
    """Every table, every column (reflected, so other features' tables count): where any
    needle occurs as text, as ``table.column = needle``."""
    metadata = sa.MetaData()
    metadata.reflect(bind=db.engine)
    hits = []
    with db.engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(sa.select(table)).mappings():
                for column, value in row.items():
                    if value is None:
                        continue
                    text = (value.decode("utf-8", "replace") if isinstance(value, bytes)
                            else str(value)).lower()
                    hits.extend(f"{table.name}.{column} = {label}"
                                for label, needle in found.items() if needle in text)
    return sorted(set(hits))
