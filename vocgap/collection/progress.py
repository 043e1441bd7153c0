"""Response progress per account, side and participant, and which customer voices are missing."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import Account, Invitation, LinkVisit, Participant, Response, Study, Wave, utcnow
from ..models.people import CUSTOMER_ROLES, QUARTET

# A participant's furthest step in the wave, in order; every person has exactly one.
STATUSES = ("not_invited", "invited", "opened", "started", "submitted")
STATUS_LABELS = {"not_invited": "Not invited", "invited": "Invited", "opened": "Opened",
                 "started": "Started", "submitted": "Submitted"}
STATUS_HELP = {
    "not_invited": "no invitation sent in this wave",
    "invited": "invitation sent, link not opened yet",
    "opened": "opened the link, no answer saved yet",
    "started": "answers saved, not submitted for every account",
    "submitted": "submitted for every account they answer for",
}


# Submitting also stamps the response as updated; only later saves count as changes.
RESUBMIT_GRACE = timedelta(seconds=2)


def submitted_pairs(wave: Wave) -> set[tuple[int, int]]:
    """(participant id, account id) of every submitted response in the wave."""
    rows = db.session.execute(sa.select(Response.participant_id, Response.account_id).where(
        Response.wave_id == wave.id, Response.status == "submitted"))
    return {(pid, aid) for pid, aid in rows}


def record_visit(wave: Wave, person: Participant) -> None:
    """Note that the participant opened their link in this wave (first and latest time); an
    upsert, so two tabs opening the link at once record one visit."""
    now = utcnow()
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(LinkVisit.__table__).values(
        wave_id=wave.id, participant_id=person.id, first_opened_at=now, last_opened_at=now,
    ).on_conflict_do_update(index_elements=["wave_id", "participant_id"],
                            set_={"last_opened_at": now}))


@dataclass
class ParticipantStatus:
    """Where one participant stands in the wave, and when they last did anything."""

    person: Participant
    status: str
    accounts_total: int
    accounts_submitted: int
    accounts_started: int
    invited_at: datetime | None
    last_activity: datetime | None
    last_activity_what: str = ""

    @property
    def label(self) -> str:
        if self.status == "submitted" or self.accounts_total <= 1 or not self.accounts_submitted:
            return STATUS_LABELS[self.status]
        return f"Started ({self.accounts_submitted} of {self.accounts_total} submitted)"

    @property
    def revoked(self) -> bool:
        return self.person.token_revoked_at is not None


def participant_statuses(study: Study, wave: Wave | None = None) -> list[ParticipantStatus]:
    """Every participant of the study with their status and last activity in the wave."""
    wave = wave or study.current_wave
    people = db.session.scalars(sa.select(Participant).where(
        Participant.study_id == study.id).order_by(Participant.side, Participant.name,
                                                   Participant.id)).all()
    responses = db.session.execute(sa.select(
        Response.participant_id, Response.account_id, Response.status, Response.updated_at,
        Response.submitted_at).where(Response.wave_id == wave.id)).all()
    by_person: dict[int, list] = {}
    for row in responses:
        by_person.setdefault(row.participant_id, []).append(row)
    invited = dict(db.session.execute(sa.select(
        Invitation.participant_id, sa.func.min(Invitation.sent_at)).where(
        Invitation.wave_id == wave.id, Invitation.status == "sent").group_by(
        Invitation.participant_id)).all())
    visits = {v.participant_id: v for v in db.session.scalars(sa.select(LinkVisit).where(
        LinkVisit.wave_id == wave.id))}
    out = []
    for person in people:
        accounts = {a.id for a in person.accounts}
        rows = [r for r in by_person.get(person.id, []) if r.account_id in accounts]
        done = sum(r.status == "submitted" for r in rows)
        visit = visits.get(person.id)
        if accounts and done == len(accounts):
            status = "submitted"
        elif rows:
            status = "started"
        elif visit is not None:
            status = "opened"
        elif person.id in invited:
            status = "invited"
        else:
            status = "not_invited"
        events = [(r.submitted_at, "submitted") for r in rows if r.submitted_at]
        events += [(r.updated_at, "changed answers after submitting" if r.submitted_at else
                    "saved answers") for r in rows
                   if not r.submitted_at or r.updated_at > r.submitted_at + RESUBMIT_GRACE]
        if visit is not None:
            events.append((visit.last_opened_at, "opened the link"))
        latest = max(events, key=lambda e: e[0], default=(None, ""))
        out.append(ParticipantStatus(person, status, len(accounts), done, len(rows),
                                     invited.get(person.id), latest[0], latest[1]))
    return out


def status_counts(statuses: list[ParticipantStatus]) -> dict[str, Counter]:
    """People per side and status (revoked links left out), so the numbers add up to the total."""
    counts = {"customer": Counter(), "vendor": Counter()}
    for s in statuses:
        if not s.revoked:
            counts[s.person.side][s.status] += 1
    return counts


@dataclass
class SideProgress:
    """People of one side of one account, each counted once at their furthest step for that
    account, so submitted + started + invited + not invited = participants."""

    participants: int = 0
    invited: int = 0
    started: int = 0
    submitted: int = 0

    @property
    def not_invited(self) -> int:
        return self.participants - self.invited - self.started - self.submitted

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
            state = status.get((person.id, account.id))
            side.submitted += state == "submitted"
            side.started += state == "draft"
            side.invited += state is None and person.id in invited
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
    """Account-level sums: for vendor staff these count staff × account answers, not people."""
    out = {"customer": SideProgress(), "vendor": SideProgress()}
    for row in rows:
        for side in ("customer", "vendor"):
            total, part = out[side], getattr(row, side)
            total.participants += part.participants
            total.invited += part.invited
            total.started += part.started
            total.submitted += part.submitted
    return out


def filter_statuses(statuses: list[ParticipantStatus], *, query: str = "", side: str = "",
                    status: str = "", account_id: int | None = None) -> list[ParticipantStatus]:
    """The participants list narrowed by a name, e-mail or account search and by filters."""
    needle = query.strip().casefold()
    out = []
    for s in statuses:
        person = s.person
        if side and person.side != side:
            continue
        if status == "revoked":
            if not s.revoked:
                continue
        elif status and (s.status != status or s.revoked):
            continue
        if account_id is not None and account_id not in {a.id for a in person.accounts}:
            continue
        if needle and not any(needle in text.casefold() for text in (
                person.name, person.email, *(a.name for a in person.accounts))):
            continue
        out.append(s)
    return out


def statuses_table(statuses: list[ParticipantStatus]) -> list[dict[str, object]]:
    """One row per participant, for the CSV download of the participants list."""
    return [{
        "name": s.person.name, "email": s.person.email,
        "side": "customer contact" if s.person.side == "customer" else "vendor staff",
        "role_or_function": s.person.role_label,
        "accounts": "; ".join(a.name for a in s.person.accounts),
        "status": "link revoked" if s.revoked else STATUS_LABELS[s.status].lower(),
        "accounts_submitted": s.accounts_submitted, "accounts_total": s.accounts_total,
        "invited_at_utc": f"{s.invited_at:%Y-%m-%d %H:%M}" if s.invited_at else "",
        "last_activity_utc": f"{s.last_activity:%Y-%m-%d %H:%M}" if s.last_activity else "",
        "last_activity": s.last_activity_what,
    } for s in statuses]
