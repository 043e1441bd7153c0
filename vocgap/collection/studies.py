"""Study lifecycle: create a study, add accounts and participants, open and close waves."""

from __future__ import annotations

import re
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..instruments import Instrument
from ..instruments.translations import frozen_translations
from ..models import Account, Participant, Study, Vendor, Wave, utcnow
from .tokens import issue_token

SHORT_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def create_study(*, vendor_name: str, name: str, short_name: str, instrument: Instrument,
                 opens_at: datetime, closes_at: datetime, min_group: int = 3) -> Study:
    """A study for a vendor (created if new) with its first wave; not yet committed."""
    if not SHORT_NAME.match(short_name):
        raise ValueError("short name: use lowercase letters, digits and hyphens")
    if min_group < 3:
        raise ValueError("the confidentiality minimum cannot be below 3")
    vendor = db.session.scalar(sa.select(Vendor).where(Vendor.name == vendor_name))
    if vendor is None:
        vendor = Vendor(name=vendor_name)
        db.session.add(vendor)
    study = Study(vendor=vendor, name=name, short_name=short_name, instrument_id=instrument.id,
                  min_group=min_group)
    db.session.add(study)
    open_wave(study, instrument, opens_at, closes_at)
    return study


def open_wave(study: Study, instrument: Instrument, opens_at: datetime,
              closes_at: datetime) -> Wave:
    """Add the next wave, freezing the instrument's text and translations against later edits."""
    if closes_at <= opens_at:
        raise ValueError("the wave must close after it opens")
    number = max((w.number for w in study.waves), default=0) + 1
    wave = Wave(study=study, number=number, instrument_id=instrument.id,
                instrument_version=instrument.version, instrument_source=instrument.source,
                instrument_translations=frozen_translations(instrument),
                opens_at=opens_at, closes_at=closes_at)
    db.session.add(wave)
    return wave


def close_wave(wave: Wave) -> None:
    wave.closed_at = wave.closed_at or utcnow()


def reopen_wave(wave: Wave, closes_at: datetime | None = None) -> None:
    """Undo a close, until a later wave has started; a new closing date may be given."""
    if any(w.number > wave.number for w in wave.study.waves):
        raise ValueError(f"wave {wave.number} cannot be reopened: a later wave has started")
    closes_at = closes_at or wave.closes_at
    if closes_at <= max(utcnow(), wave.opens_at):
        raise ValueError("choose a closing date in the future to reopen the wave")
    wave.closes_at = closes_at
    wave.closed_at = None


def add_participant(study: Study, *, side: str, name: str, email: str = "",
                    account: Account | None = None, served: list[Account] | None = None,
                    role: str | None = None, quartet: str | None = None,
                    function: str | None = None,
                    language: str | None = None) -> tuple[Participant, str]:
    """A participant with a fresh private token; returns the token for the link or e-mail."""
    participant = Participant(study=study, side=side, name=name, email=email, account=account,
                              role=role, quartet=quartet, function=function, language=language)
    if served:
        participant.served_accounts = list(served)
    token = issue_token(participant, current_app.config["SECRET_KEY"])
    db.session.add(participant)
    return participant, token
