"""Response progress per account and side, and which customer voices are still missing."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from ..extensions import db
from ..models import Account, Invitation, Participant, Response, Study, Wave
from ..models.people import CUSTOMER_ROLES, QUARTET


def submitted_pairs(wave: Wave) -> set[tuple[int, int]]:
    """(participant id, account id) of every submitted response in the wave."""
    rows = db.session.execute(sa.select(Response.participant_id, Response.account_id).where(
        Response.wave_id == wave.id, Response.status == "submitted"))
    return {(pid, aid) for pid, aid in rows}


@dataclass
class SideProgress:
    participants: int = 0
    invited: int = 0
    started: int = 0
    submitted: int = 0

    @property
    def rate(self) -> float:
        return self.submitted / self.participants if self.participants else 0.0


@dataclass
class AccountProgress:
    account: Account
    customer: SideProgress = field(default_factory=SideProgress)
    vendor: SideProgress = field(default_factory=SideProgress)
    roles_missing: list[str] = field(default_factory=list)
    quartet_missing: list[str] = field(default_factory=list)
    pending: list[Participant] = field(default_factory=list)

    @property
    def no_buyer_voice(self) -> bool:
        """A gap measured without anyone who buys is weak evidence (the seeds' buying team)."""
        return "Business buyer" in self.quartet_missing and "Tech buyer" in self.quartet_missing


def study_progress(study: Study, wave: Wave | None = None) -> list[AccountProgress]:
    """One row per account for the wave (the current one by default)."""
    wave = wave or study.current_wave
    people = db.session.scalars(sa.select(Participant).where(
        Participant.study_id == study.id, Participant.token_revoked_at.is_(None))).all()
    responses = db.session.execute(sa.select(Response.participant_id, Response.account_id,
                                             Response.status)
                                   .where(Response.wave_id == wave.id)).all()
    status = {(pid, aid): st for pid, aid, st in responses}
    invited = set(db.session.scalars(sa.select(Invitation.participant_id).where(
        Invitation.wave_id == wave.id, Invitation.status == "sent")))
    rows = {a.id: AccountProgress(a) for a in study.accounts}
    for person in people:
        for account in person.accounts:
            row = rows.get(account.id)
            if row is None:
                continue
            side = row.customer if person.side == "customer" else row.vendor
            side.participants += 1
            side.invited += person.id in invited
            state = status.get((person.id, account.id))
            side.started += state is not None
            side.submitted += state == "submitted"
            if state != "submitted":
                row.pending.append(person)
    for row in rows.values():
        answered = [p for p in people if p.side == "customer" and p.account_id == row.account.id
                    and status.get((p.id, row.account.id)) == "submitted"]
        roles = {p.role for p in answered}
        quartet = {p.quartet for p in answered}
        row.roles_missing = [label for key, label in CUSTOMER_ROLES.items() if key not in roles]
        row.quartet_missing = [label for key, label in QUARTET.items() if key not in quartet]
    return list(rows.values())


def totals(rows: list[AccountProgress]) -> dict[str, SideProgress]:
    out = {"customer": SideProgress(), "vendor": SideProgress()}
    for row in rows:
        for side in ("customer", "vendor"):
            total, part = out[side], getattr(row, side)
            total.participants += part.participants
            total.invited += part.invited
            total.started += part.started
            total.submitted += part.submitted
    return out
