"""Responses collected elsewhere: long CSV, or wide CSV as survey tools export it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
import yaml

from ...extensions import db
from ...instruments import Instrument
from ...models import Answer, Participant, Response, Study, Wave, utcnow
from ..studies import add_participant
from ..values import InvalidValue, coerce_value
from .common import ImportFailed, ImportReport, RowError, cell, decode, read_rows, require_columns

KEY_COLUMNS = ("account", "side", "respondent")


@dataclass
class Mapping:
    """How a survey tool's columns map to vocgap: column renames and constant fields."""

    columns: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: bytes | str, source: str) -> Mapping:
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise ImportFailed(source, [RowError(mark.line + 1 if mark else 1, "",
                                                 f"invalid YAML: {exc}")]) from None
        if not isinstance(data, dict) or not isinstance(data.get("columns", {}), dict):
            raise ImportFailed(source, [RowError(1, "columns", "needs 'columns:' mapping the "
                                                 "tool's column names to item ids")])
        constants = {k: str(data[k]) for k in KEY_COLUMNS if k in data}
        return cls({str(k): str(v) for k, v in (data.get("columns") or {}).items()}, constants)

    @classmethod
    def load(cls, path: str | Path) -> Mapping:
        try:
            return cls.parse(Path(path).read_bytes(), str(path))
        except OSError as exc:
            raise ImportFailed(str(path), [RowError(1, "", f"cannot read: {exc}")]) from None


@dataclass
class _Record:
    line: int
    account: str
    side: str
    respondent: str
    answers: dict[str, tuple[int, str, str]] = field(default_factory=dict)  # item -> line, col, raw


def import_responses(study: Study, data: bytes | str, source: str = "responses.csv", *,
                     layout: str = "auto", mapping: Mapping | None = None,
                     wave: Wave | None = None, replace: bool = False) -> ImportReport:
    """Validate every value against the wave's instrument, then store all responses or none."""
    wave = wave or study.current_wave
    instrument = wave.instrument
    header, rows = read_rows(decode(data, source), source)
    mapping = mapping or Mapping()
    header = [mapping.columns.get(h, h) for h in header]
    lowered = [h.lower() for h in header]
    if layout == "auto":
        layout = "long" if {"item", "value"} <= set(lowered) else "wide"
    if layout == "long":
        records, notes = _long_records(header, rows, source, mapping)
    elif layout == "wide":
        records, notes = _wide_records(header, rows, source, mapping, instrument)
    else:
        raise ValueError(f"layout must be auto, long or wide, not {layout!r}")
    plans, errors = _validate(study, wave, instrument, records, replace)
    if errors:
        raise ImportFailed(source, errors)
    report = ImportReport(notes=notes)
    try:
        _write(study, wave, plans, report)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def _long_records(header, rows, source, mapping):
    index = require_columns([h.lower() for h in header],
                            [c for c in (*KEY_COLUMNS, "item", "value")
                             if c not in mapping.constants], source)
    records: dict[tuple, _Record] = {}
    duplicates: list[RowError] = []
    for line, cells in rows:
        key_values = [mapping.constants.get(c) or cell(cells, index, c) for c in KEY_COLUMNS]
        key = tuple(v.lower() for v in key_values)
        record = records.setdefault(key, _Record(line, *key_values))
        item = cell(cells, index, "item")
        if item in record.answers:
            duplicates.append(RowError(line, "item", f"'{item}' is answered twice by "
                                       f"{key_values[2]} for {key_values[0]}"))
            continue
        record.answers[item] = (line, "value", cells[index["value"]] if index["value"] < len(
            cells) else "")
    if duplicates:
        raise ImportFailed(source, duplicates)
    return list(records.values()), []


def _wide_records(header, rows, source, mapping, instrument: Instrument):
    lowered = [h.lower() for h in header]
    index = require_columns(lowered, [c for c in KEY_COLUMNS if c not in mapping.constants],
                            source)
    # The big survey suites put question text and import ids in rows 2 and 3.
    if len(rows) >= 2 and any('"importid"' in c.lower() for c in rows[1][1]):
        rows = rows[2:]
    item_ids = {i.id for i in instrument.items}
    item_columns = [(i, h) for i, h in enumerate(header) if h in item_ids]
    ignored = [h for h in header if h not in item_ids and h.lower() not in KEY_COLUMNS]
    notes = [f"ignored columns that are not items: {', '.join(ignored)}"] if ignored else []
    if not item_columns:
        raise ImportFailed(source, [RowError(1, "", "no column matches an item id of "
                                             f"'{instrument.id}'; use a mapping file")])
    records = []
    for line, cells in rows:
        key_values = [mapping.constants.get(c) or cell(cells, index, c) for c in KEY_COLUMNS]
        record = _Record(line, *key_values)
        for position, item_id in item_columns:
            raw = cells[position] if position < len(cells) else ""
            record.answers[item_id] = (line, item_id, raw)
        records.append(record)
    return records, notes


def _validate(study, wave, instrument, records, replace):
    accounts = {a.name.lower(): a for a in study.accounts}
    people = db.session.scalars(sa.select(Participant).where(
        Participant.study_id == study.id)).all()
    existing = {(r.participant_id, r.account_id): r for r in db.session.scalars(
        sa.select(Response).where(Response.wave_id == wave.id))}
    errors: list[RowError] = []
    plans = []
    seen: set[tuple] = set()
    for record in records:
        account = accounts.get(record.account.lower())
        side = record.side.lower()
        line = record.line
        if account is None:
            errors.append(RowError(line, "account", f"unknown account '{record.account}'"))
        if side not in ("customer", "vendor"):
            errors.append(RowError(line, "side", f"'{record.side}' is not customer or vendor"))
        if not record.respondent:
            errors.append(RowError(line, "respondent", "a respondent e-mail or name is needed"))
        if account is None or side not in ("customer", "vendor") or not record.respondent:
            continue
        key = (account.id, side, record.respondent.lower())
        if key in seen:
            errors.append(RowError(line, "respondent", f"{record.respondent} appears twice for "
                                   f"{account.name}"))
            continue
        seen.add(key)
        person = _find(people, side, account, record.respondent)
        previous = existing.get((person.id, account.id)) if person else None
        if previous is not None and previous.submitted and not replace:
            errors.append(RowError(line, "respondent", f"{record.respondent} already has a "
                                   f"submitted response for {account.name} in wave "
                                   f"{wave.number} (import with replace to overwrite it)"))
            continue
        answers = {}
        for item_id, (item_line, column, raw) in record.answers.items():
            try:
                item = instrument.item(item_id)
            except KeyError:
                errors.append(RowError(item_line, column, f"unknown item '{item_id}'"))
                continue
            if side not in item.sides:
                if raw.strip():
                    errors.append(RowError(item_line, column,
                                           f"item '{item_id}' is not asked of the {side} side"))
                continue
            try:
                stored = coerce_value(item, raw, labels=True)
            except InvalidValue as exc:
                errors.append(RowError(item_line, column, f"item '{item_id}': value {exc}"))
                continue
            if stored is not None:
                answers[item_id] = stored
        plans.append((record, account, side, person, previous, answers))
    return plans, errors


def _find(people, side, account, respondent):
    wanted = respondent.strip().lower()
    for person in people:
        if person.side != side or account not in person.accounts:
            continue
        if wanted in (person.email.lower(), person.name.lower()):
            return person
    return None


def _write(study, wave, plans, report: ImportReport) -> None:
    now = utcnow()
    for record, account, side, person, previous, answers in plans:
        if person is None:
            email = record.respondent if "@" in record.respondent else ""
            person, _ = add_participant(
                study, side=side, name=record.respondent, email=email,
                account=account if side == "customer" else None,
                served=[account] if side == "vendor" else None)
            report.count("new respondents")
        if previous is not None:
            db.session.delete(previous)
            db.session.flush()
            report.count("responses replaced")
        response = Response(wave=wave, participant=person, account=account, status="submitted",
                            source="import", submitted_at=now)
        response.answers = [Answer(item_id=i, value_num=v.value_num, value_text=v.value_text,
                                   dont_know=v.dont_know) for i, v in answers.items()]
        db.session.add(response)
        report.count("responses")
        report.count("answers", len(answers))
