"""A fingerprint of everything a wave's analysis reads, so a cached analysis is never stale.

The analysis shows account names, segments and CRM stages, participants' names, roles and
consent, the study's vendor, names and confidentiality minimum, and the submitted answers of this
wave and the previous one. Hashing those rows (a few thousand at most; the answers through their
responses' ids and update times, which every answer write bumps) costs a fraction of the
analysis, and gives every server process the same key for the same data: a rename or an edit
anywhere changes the key, in every worker at once.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from ..extensions import db
from ..models import Account, CodingFrame, Participant, Response, Study, Wave


def analysis_fingerprint(study: Study, wave: Wave) -> str:
    """SHA-256 over the study's settings, accounts, participants and the responses analysed."""
    digest = hashlib.sha256()

    def feed(rows) -> None:
        for row in rows:
            digest.update(repr(tuple(row)).encode())
            digest.update(b"\n")

    waves = [w for w in study.waves if w.number <= wave.number][-2:]
    feed([(study.id, study.name, study.short_name, study.min_group, study.vendor.name)])
    feed(db.session.execute(sa.select(CodingFrame.vendor_quotes).where(  # issue 18's option
        CodingFrame.study_id == study.id)))
    feed((w.id, w.number, hashlib.sha256(w.instrument_source.encode()).hexdigest())
         for w in waves)
    feed(db.session.execute(sa.select(
        Account.id, Account.name, Account.segment, Account.key_account, Account.crm_stage,
        Account.annual_value).where(Account.study_id == study.id).order_by(Account.id)))
    feed(db.session.execute(sa.select(
        Participant.id, Participant.side, Participant.name, Participant.role,
        Participant.quartet, Participant.function, Participant.consent_attribution,
        Participant.account_id).where(Participant.study_id == study.id)
        .order_by(Participant.id)))
    feed(db.session.execute(sa.select(
        Response.wave_id, Response.status, sa.func.count(Response.id), sa.func.sum(Response.id),
        sa.func.max(Response.updated_at), sa.func.max(Response.submitted_at))
        .where(Response.wave_id.in_([w.id for w in waves]))
        .group_by(Response.wave_id, Response.status)
        .order_by(Response.wave_id, Response.status)))
    return digest.hexdigest()
