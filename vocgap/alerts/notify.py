"""Deliver alerts: an e-mail to the study's consultants, and de-identified notices to owners.

Delivery never undoes anything stored: a failed e-mail is logged and recorded, the alert stays
in the inbox, and the next evaluation (or ``vocgap alerts evaluate``) tries the owner again.
"""

from __future__ import annotations

import logging
import smtplib

import sqlalchemy as sa
from flask import current_app, render_template
from sqlalchemy.exc import IntegrityError

from ..collection.mail import Mailer
from ..extensions import db
from ..models import Account, Alert, OwnerNotice, Participant, Response, Study, User, Wave, utcnow
from ..models.study import StudyMember
from .evaluate import account_frames, settings_for
from .owner import notice_due, owner_digest
from .rules import SUPPORTER_VIEWS, believed_stances, self_stances

log = logging.getLogger(__name__)
MAIL_ERRORS = (smtplib.SMTPException, OSError)


RULE_LABELS = {"detractor": "Detractor (would not recommend)",
               "false_champion": "False champion (power map misread)",
               "below_prediction": "Below the team's prediction"}
# The power map's stances in the product's words ("influencer" is a supporter of less sway).
STANCE_WORDS = {"champion": "champion", "influencer": "supporter", "blocker": "blocker",
                "detractor": "detractor"}


def describe(alert: Alert, vendor: str, dimension_names: dict[str, str]) -> str:
    """What lies behind an alert, naming no one (the inbox shows the respondent)."""
    details = alert.details or {}
    if alert.rule == "detractor":
        return f"likelihood to recommend {vendor}: {details.get('score')} of 10"
    if alert.rule == "false_champion":
        own, theirs = (STANCE_WORDS.get(details.get(k), details.get(k))
                       for k in ("self_view", "vendor_view"))
        return (f"describes themselves as a {own}; the team's power map counts them as a "
                f"{theirs}")
    name = dimension_names.get(alert.subject, alert.subject)
    return (f"{name}: scored {details.get('score')} against {details.get('prediction')} "
            "predicted by the team")


def one_line(text: str) -> str:
    """A subject line: an account name with a line break must not break the message header."""
    return " ".join(text.split())


def dimension_names(wave: Wave) -> dict[str, str]:
    """Dimension names of the wave's frozen instrument, in its order."""
    return {d.id: d.name for d in wave.instrument.dimensions}


def inbox_link(study: Study) -> str:
    """The inbox's address, built from the configured public URL (never a request's host)."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return f"{base}/consultant/studies/{study.id}/alerts/"


def email_consultants(study: Study, wave: Wave, alerts: list[Alert]) -> bool:
    """One message to every consultant of the study listing the new alerts; True if sent."""
    pending = [a for a in alerts if a.emailed_at is None]
    addresses = db.session.scalars(sa.select(User.email).join(StudyMember).where(
        StudyMember.study_id == study.id).order_by(User.email)).all()
    if not pending or not addresses:
        return False
    names = dimension_names(wave)
    context = {"study": study, "wave": wave, "link": inbox_link(study),
               "lines": [(a.account.name, f"{RULE_LABELS[a.rule]}: "
                          f"{describe(a, study.vendor.name, names)}") for a in pending]}
    subject = one_line(f"{len(pending)} new alert{'s' if len(pending) > 1 else ''}: {study.name}")
    try:
        with Mailer(current_app.config) as mailer:
            for address in addresses:
                mailer.send(mailer.compose(address, subject,
                                           render_template("email/alert_consultant.txt",
                                                           **context),
                                           render_template("email/alert_consultant.html",
                                                           **context)))
    except MAIL_ERRORS as exc:
        log.warning("alert e-mail to consultants of study %s failed: %s", study.id, exc)
        return False
    for alert in pending:
        alert.emailed_at = utcnow()
    return True


def customer_respondents(wave: Wave, account_id: int) -> int:
    """Customer contacts of the account who have submitted in the wave."""
    return db.session.scalar(sa.select(sa.func.count(Response.id)).join(
        Participant, Participant.id == Response.participant_id).where(
        Response.wave_id == wave.id, Response.account_id == account_id,
        Response.status == "submitted", Participant.side == "customer")) or 0


def described_supporters(wave: Wave, account_id: int) -> int:
    """Customers who answered and described their stance, whom the vendor counts as supporters."""
    answers, ratings, contacts = account_frames(wave, account_id)
    believed = believed_stances(ratings.astype({"support": float, "influence": float}))
    own = self_stances(answers.astype({"value": float}), wave.instrument) if len(answers) else {}
    return sum(1 for response, view in own.items() if view != "unknown" and believed.get(
        contacts.get(response, -1), {}).get("view") in SUPPORTER_VIEWS)


def notify_owner(study: Study, wave: Wave, account: Account) -> OwnerNotice | None:
    """Send (or record as quiet) the owner notice that is due for the account, if any."""
    if not account.owner_email:
        return None
    covered = db.session.scalar(sa.select(sa.func.max(OwnerNotice.respondents)).where(
        OwnerNotice.wave_id == wave.id, OwnerNotice.account_id == account.id)) or 0
    respondents = customer_respondents(wave, account.id)
    if not notice_due(respondents, covered, study.min_group):
        return None  # the common case on a submission: nothing more to read
    pending = db.session.execute(sa.select(Alert.id, Alert.rule, Alert.subject).where(
        Alert.wave_id == wave.id, Alert.account_id == account.id,
        Alert.owner_notice_id.is_(None)).order_by(Alert.id)).all()
    digest = owner_digest([tuple(p) for p in pending],
                          respondents=respondents, covered=covered,
                          min_group=study.min_group,
                          supporters=described_supporters(wave, account.id),
                          dimension_names=dimension_names(wave))
    if digest is None:
        return None
    notice = OwnerNotice(wave_id=wave.id, account_id=account.id,
                         respondents=digest.respondents, status="quiet")
    try:
        with db.session.begin_nested():  # claim the group: a parallel submission gets nothing
            db.session.add(notice)
    except IntegrityError:
        return None
    if digest.has_signals:
        settings = settings_for(study)
        context = {"study": study, "account": account, "vendor": study.vendor.name,
                   "digest": digest, "min_group": study.min_group,
                   "detractor_max": settings.detractor_max,
                   "points": f"{float(settings.below_points):g}"}
        try:
            with Mailer(current_app.config) as mailer:
                mailer.send(mailer.compose(
                    account.owner_email,
                    one_line(f"Signals from the customer survey: {account.name}"),
                    render_template("email/owner_notice.txt", **context),
                    render_template("email/owner_notice.html", **context),
                    sender_name=study.sender_name, reply_to=study.contact_email))
        except MAIL_ERRORS as exc:
            # Release the group so that the next evaluation tries again; alerts stay pending.
            log.warning("owner notice for account %s failed: %s", account.id, exc)
            db.session.delete(notice)
            db.session.flush()
            return None
        notice.status = "sent"
        db.session.execute(sa.update(Alert).where(Alert.id.in_(digest.disclosed))
                           .values(owner_notice_id=notice.id))
    db.session.flush()
    return notice


def deliver(study: Study, wave: Wave, alerts: list[Alert], account_ids: set[int]) -> None:
    """E-mail the consultants about new alerts and send owner notices now due, as configured."""
    settings = settings_for(study)
    if settings.email_consultants and alerts:
        email_consultants(study, wave, alerts)
    if settings.notify_owners:
        for account_id in sorted(account_ids | {a.account_id for a in alerts}):
            notify_owner(study, wave, db.session.get(Account, account_id))
