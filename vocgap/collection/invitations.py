"""Invitation and reminder batches: who is due and why, resumable sending, links from config."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from ..extensions import db
from ..instruments.model import SIDES
from ..models import Invitation, Participant, Study, utcnow
from .estimate import minutes_for
from .mail import Mailer
from .progress import STATUSES, participant_statuses
from .tokens import current_token, survey_link

KINDS = ("invitation", "reminder")
PREVIEW_LINK = "(their own private link)"
# Why someone is left out of a batch, in the words the confirmation page uses.
REASONS = {
    "submitted": "already submitted",
    "invited": "already invited in this wave",
    "no_email": "no e-mail address",
    "revoked": "link revoked",
    "side": "not in the chosen group",
}


@dataclass
class BatchResult:
    """What a batch did: addresses sent to, skipped as already done, and failures with why."""

    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        text = f"{len(self.sent)} sent, {len(self.skipped)} already done or not due"
        if self.failed:
            text += f", {len(self.failed)} failed: " + "; ".join(
                f"{who} ({why})" for who, why in self.failed[:5])
        return text


@dataclass
class BatchPlan:
    """Who a batch would reach, counted by side and status, and who is left out and why."""

    kind: str
    recipients: list[Participant]
    by_side_status: dict[str, Counter]
    left_out: Counter

    @property
    def count(self) -> int:
        return len(self.recipients)

    def side_total(self, side: str) -> int:
        return sum(self.by_side_status[side].values())


def batch_name(study: Study, kind: str) -> str:
    """Same-day repeats of a batch resume it instead of sending twice."""
    wave = study.current_wave
    return f"{kind}-w{wave.id}-{utcnow():%Y%m%d}"


def plan_batch(study: Study, kind: str, sides: tuple[str, ...] = SIDES) -> BatchPlan:
    """Who is due: invitations never go to anyone invited or submitted, reminders never to
    anyone who submitted."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    recipients: list[Participant] = []
    by_side_status = {side: Counter() for side in SIDES}
    left_out: Counter = Counter()
    for row in participant_statuses(study):
        person = row.person
        if row.revoked:
            reason = "revoked"
        elif row.status == "submitted":
            reason = "submitted"
        elif not person.email:
            reason = "no_email"
        elif kind == "invitation" and row.invited_at is not None:
            reason = "invited"
        elif person.side not in sides:
            reason = "side"
        else:
            recipients.append(person)
            by_side_status[person.side][row.status] += 1
            continue
        left_out[reason] += 1
    for side in SIDES:
        by_side_status[side] = Counter({s: by_side_status[side][s] for s in STATUSES
                                        if by_side_status[side][s]})
    return BatchPlan(kind, recipients, by_side_status, left_out)


def send_batch(study: Study, kind: str, batch: str | None = None,
               mailer: Mailer | None = None, sides: tuple[str, ...] = SIDES) -> BatchResult:
    """Send invitations or reminders; each message is committed as it goes, so a crash resumes."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    wave = study.current_wave
    if wave is None or not wave.is_open():
        raise ValueError("the current wave is not open, so there is nothing to invite to")
    batch = batch or batch_name(study, kind)
    done = set(db.session.scalars(sa.select(Invitation.participant_id).where(
        Invitation.batch == batch, Invitation.status == "sent")))
    result = BatchResult()
    config = current_app.config
    due = plan_batch(study, kind, sides).recipients
    with (mailer or Mailer(config)) as outgoing:
        for person in due:
            if person.id in done:
                result.skipped.append(person.email)
                continue
            token = current_token(person, config["SECRET_KEY"])
            if token is None:
                result.failed.append((person.email, "link must be reissued"))
                continue
            link = survey_link(config["PUBLIC_BASE_URL"], token)
            message = outgoing.compose(person.email, *render_message(study, person, kind, link),
                                       sender_name=study.sender_name,
                                       reply_to=study.contact_email)
            try:
                outgoing.send(message)
                status, error = "sent", ""
                result.sent.append(person.email)
            except (OSError, ValueError) as exc:
                status, error = "failed", f"{type(exc).__name__}: {exc}"[:500]
                result.failed.append((person.email, error))
            _record(wave.id, person.id, kind, batch, status, error)
            db.session.commit()
    return result


def _record(wave_id, person_id, kind, batch, status, error) -> None:
    existing = db.session.scalar(sa.select(Invitation).where(
        Invitation.batch == batch, Invitation.participant_id == person_id))
    if existing is None:
        db.session.add(Invitation(wave_id=wave_id, participant_id=person_id, kind=kind,
                                  batch=batch, status=status, error=error))
    else:
        existing.status, existing.error, existing.sent_at = status, error, utcnow()


def subject_for(study: Study, side: str, kind: str) -> str:
    """The subject line in the current locale, worded for the side; reminders say so first."""
    vendor = study.vendor.name
    if side == "customer":
        if kind == "reminder":
            return _("Reminder: %(vendor)s would value your view: a short survey", vendor=vendor)
        return _("%(vendor)s would value your view: a short survey", vendor=vendor)
    if kind == "reminder":
        return _("Reminder: How do your customers see us? Mirror survey for %(vendor)s",
                 vendor=vendor)
    return _("How do your customers see us? Mirror survey for %(vendor)s", vendor=vendor)


def message_language(person: Participant, wave) -> str:
    """The participant's language when the wave offers it, else the instrument's source."""
    offered = wave.instrument.languages
    return person.language if person.language in offered else offered[0]


def render_message(study: Study, person: Participant, kind: str,
                   link: str) -> tuple[str, str, str]:
    """Subject, plain text and HTML of one participant's message, in their language."""
    wave = study.current_wave
    language = message_language(person, wave)
    minutes = [minutes_for(wave.instrument, person, a) for a in person.accounts] or [0]
    context = {"person": person, "study": study, "vendor": study.vendor.name, "link": link,
               "wave": wave, "kind": kind, "accounts": person.accounts,
               "minutes": max(minutes), "per_account": len(minutes) > 1, "lang": language}
    with force_locale(language):
        return (subject_for(study, person.side, kind),
                render_template("email/invitation.txt", **context),
                render_template("email/invitation.html", **context))


def preview(study: Study, plan: BatchPlan) -> list[tuple[str, str, str]]:
    """One sample message per side in the batch (side, subject, text), without a real link."""
    out = []
    for side in SIDES:
        person = next((p for p in plan.recipients if p.side == side), None)
        if person is not None:
            subject, text, _ = render_message(study, person, plan.kind, PREVIEW_LINK)
            out.append((side, subject, text))
    return out
