"""Invitation and reminder batches: resumable, recorded per participant, links from config only."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app, render_template

from ..extensions import db
from ..models import Invitation, Participant, Study, utcnow
from .mail import Mailer
from .progress import submitted_pairs
from .tokens import current_token, survey_link


@dataclass
class BatchResult:
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        text = f"{len(self.sent)} sent, {len(self.skipped)} already done or not due"
        if self.failed:
            text += f", {len(self.failed)} failed: " + "; ".join(
                f"{who} ({why})" for who, why in self.failed[:5])
        return text


def batch_name(study: Study, kind: str) -> str:
    """Same-day repeats of a batch resume it instead of sending twice."""
    wave = study.current_wave
    return f"{kind}-w{wave.id}-{utcnow():%Y%m%d}"


def _due(study: Study, kind: str) -> list[Participant]:
    wave = study.current_wave
    people = db.session.scalars(sa.select(Participant).where(
        Participant.study_id == study.id, Participant.token_revoked_at.is_(None),
        Participant.email != "").order_by(Participant.side, Participant.id)).all()
    if kind == "invitation":
        invited = set(db.session.scalars(sa.select(Invitation.participant_id).where(
            Invitation.wave_id == wave.id, Invitation.kind == "invitation",
            Invitation.status == "sent")))
        return [p for p in people if p.id not in invited]
    submitted = submitted_pairs(wave)
    return [p for p in people if any((p.id, a.id) not in submitted for a in p.accounts)]


def send_batch(study: Study, kind: str, batch: str | None = None,
               mailer: Mailer | None = None) -> BatchResult:
    """Send invitations or reminders; each message is committed as it goes, so a crash resumes."""
    if kind not in ("invitation", "reminder"):
        raise ValueError(f"unknown kind {kind!r}")
    wave = study.current_wave
    if wave is None or not wave.is_open():
        raise ValueError("the current wave is not open, so there is nothing to invite to")
    batch = batch or batch_name(study, kind)
    done = set(db.session.scalars(sa.select(Invitation.participant_id).where(
        Invitation.batch == batch, Invitation.status == "sent")))
    result = BatchResult()
    config = current_app.config
    with (mailer or Mailer(config)) as outgoing:
        for person in _due(study, kind):
            if person.id in done:
                result.skipped.append(person.email)
                continue
            token = current_token(person, config["SECRET_KEY"])
            if token is None:
                result.failed.append((person.email, "link must be reissued"))
                continue
            message = outgoing.compose(person.email, *_render(study, person, kind, token))
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


def _render(study: Study, person: Participant, kind: str, token: str) -> tuple[str, str, str]:
    wave = study.current_wave
    link = survey_link(current_app.config["PUBLIC_BASE_URL"], token)
    context = {"person": person, "study": study, "vendor": study.vendor.name, "link": link,
               "wave": wave, "kind": kind, "accounts": person.accounts}
    if person.side == "customer":
        subject = f"{study.vendor.name} would value your view: a short survey"
    else:
        subject = f"How do your customers see us? Mirror survey for {study.vendor.name}"
    if kind == "reminder":
        subject = "Reminder: " + subject
    return (subject, render_template("email/invitation.txt", **context),
            render_template("email/invitation.html", **context))
