"""Actions in the database: drafted from a finding, described, listed and filtered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ..analysis.scoring import units
from ..extensions import db
from ..models import Account, Action, Participant, Study, User, Wave
from ..models.actions import ACTION_STATUSES, FINDING_KINDS

TITLE_LIMIT = 200


class FindingError(ValueError):
    """A finding an action cannot be linked to (unknown dimension, another account's contact)."""


@dataclass(frozen=True)
class Finding:
    """What an action answers: ``kind`` is dimension, item, contact or stage."""

    kind: str
    unit: str | None = None
    contact_id: int | None = None

    @property
    def key(self) -> str:
        """One string per finding, as the forms' choices carry it."""
        if self.kind in ("dimension", "item"):
            return f"{self.kind}:{self.unit}"
        if self.kind == "contact":
            return f"contact:{self.contact_id}"
        return "stage"

    @classmethod
    def parse(cls, key: str) -> Finding:
        kind, _, rest = (key or "").partition(":")
        if kind in ("dimension", "item") and rest:
            return cls(kind, unit=rest)
        if kind == "contact" and rest.isdigit():
            return cls(kind, contact_id=int(rest))
        if kind == "stage" and not rest:
            return cls("stage")
        raise FindingError(f"Unknown finding {key!r}: choose a dimension, a question, a "
                           "contact of this account or the relationship stage.")


def unit_labels(study: Study, wave: Wave | None = None) -> dict[str, tuple[str, str]]:
    """unit id → (kind, label) of every compared dimension and item of the wave's instrument."""
    wave = wave or study.current_wave
    wording = {"vendor": study.vendor.name, "account": "the customer"}
    return {u.id: (u.kind, u.label) for u in units(wave.instrument, wording).values()}


def account_contacts(account: Account) -> list[Participant]:
    """The customer contacts of an account, the people a power-map action can be about."""
    return list(db.session.scalars(sa.select(Participant).where(
        Participant.account_id == account.id, Participant.side == "customer")
        .order_by(Participant.name)))


def finding_choices(study: Study, account: Account) -> list[tuple[str, str]]:
    """(key, words) for every finding an action of this account can be linked to."""
    labels = unit_labels(study)
    choices = [(f"{kind}:{unit}", f"{FINDING_KINDS[kind]}: {_short(label)}")
               for unit, (kind, label) in labels.items() if kind == "dimension"]
    choices += [("stage", FINDING_KINDS["stage"])]
    choices += [(f"contact:{p.id}", f"{FINDING_KINDS['contact']}: {p.name}")
                for p in account_contacts(account)]
    choices += [(f"{kind}:{unit}", f"{FINDING_KINDS[kind]}: {_short(label)}")
                for unit, (kind, label) in labels.items() if kind == "item"]
    return choices


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def check_finding(study: Study, account: Account, finding: Finding) -> Finding:
    """The finding if it belongs to this study's instrument or account; FindingError if not."""
    if finding.kind in ("dimension", "item"):
        kind = unit_labels(study).get(finding.unit or "", (None, None))[0]
        if kind != finding.kind:
            raise FindingError(f"The study's instrument has no {finding.kind} "
                               f"{finding.unit!r} to compare.")
    if finding.kind == "contact":
        person = db.session.get(Participant, finding.contact_id)
        if person is None or person.account_id != account.id or person.side != "customer":
            raise FindingError("That person is not a customer contact of this account.")
    return finding


def draft_title(study: Study, account: Account, finding: Finding) -> str:
    """A first title written from the finding, for the consultant to edit."""
    if finding.kind in ("dimension", "item"):
        label = unit_labels(study).get(finding.unit or "", ("", finding.unit or ""))[1]
        if finding.kind == "dimension":
            return f"Close the gap on {label.lower()} with {account.name}"[:TITLE_LIMIT]
        return _short(f"Act on “{label}”", TITLE_LIMIT)
    if finding.kind == "contact":
        # Never the contact's own answers: a title may reach the vendor edition.
        person = db.session.get(Participant, finding.contact_id)
        name = person.name if person is not None else "this contact"
        return f"Strengthen the relationship with {name}"[:TITLE_LIMIT]
    return f"Agree with {account.name} where the relationship stands"[:TITLE_LIMIT]


def create_action(study: Study, account: Account, finding: Finding, *, user: User | None,
                  title: str | None = None, owner: str = "", due_on: date | None = None,
                  status: str = "planned", notes: str = "", wave: Wave | None = None) -> Action:
    """A new action of the account, from the current wave unless another is given."""
    check_finding(study, account, finding)
    if status not in ACTION_STATUSES:
        raise ValueError(f"unknown status {status!r}")
    action = Action(account=account, wave=wave or study.current_wave, finding=finding.kind,
                    unit=finding.unit, contact_id=finding.contact_id,
                    title=(title or draft_title(study, account, finding))[:TITLE_LIMIT],
                    owner=owner, due_on=due_on, status=status, notes=notes, created_by=user)
    db.session.add(action)
    return action


def finding_of(action: Action) -> Finding:
    return Finding(action.finding, action.unit, action.contact_id)


def describe(action: Action, labels: dict[str, tuple[str, str]], *, name_contacts: bool) -> str:
    """The linked finding in words; a contact is named only where ``name_contacts`` allows."""
    if action.finding in ("dimension", "item"):
        label = labels.get(action.unit or "", (None, action.unit))[1]
        return f"{FINDING_KINDS[action.finding]}: {_short(label or '')}"
    if action.finding == "contact":
        if action.contact is None:
            return "A customer contact no longer in the study"
        if not name_contacts:
            return "A customer contact (named in the consultant edition only)"
        return f"{FINDING_KINDS['contact']}: {action.contact.name}"
    return FINDING_KINDS["stage"]


def study_actions(study: Study, *, account: Account | None = None,
                  status: str | None = None) -> list[Action]:
    """The study's actions (or one account's), optionally of one status; open and overdue
    first, then by due date (none last), account and creation."""
    query = (sa.select(Action).join(Account, Action.account_id == Account.id)
             .where(Account.study_id == study.id))
    if account is not None:
        query = query.where(Action.account_id == account.id)
    if status:
        query = query.where(Action.status == status)
    actions = list(db.session.scalars(query))
    return sorted(actions, key=lambda a: sort_key(a, date.today()))


def sort_key(action: Action, today: date) -> tuple:
    """Overdue first, then other open actions, then done and dropped; soonest due first."""
    group = 0 if action.overdue(today) else 1 if action.is_open else 2
    due = action.due_on or date.max
    return (group, due, action.account.name.lower(), action.created_at, action.id)


def study_action(study: Study, action_id: int) -> Action | None:
    """One action of the study, or None (another study's action is not found either)."""
    action = db.session.get(Action, action_id)
    if action is None or action.account.study_id != study.id:
        return None
    return action


def finding_for_alert(alert) -> Finding:
    """The finding an alert points at: a detractor's recommend score, a false champion (the
    contact who answered), a dimension scored below the team's prediction."""
    if alert.rule == "false_champion":
        return Finding("contact", contact_id=alert.response.participant_id)
    if alert.rule == "below_prediction" and alert.subject:
        return Finding("dimension", unit=alert.subject)
    recommend = alert.wave.instrument.item_by_role("recommend")
    if alert.rule == "detractor" and recommend is not None:
        return Finding("item", unit=recommend.id)
    return Finding("stage")
