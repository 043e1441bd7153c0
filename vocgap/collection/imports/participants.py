"""Participants from CSV or a workbook: account, name, email, side, role, quartet, function,
accounts, language; every row checked by small rules before anything is written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email

from ...extensions import db
from ...instruments.model import DEFAULT_LANGUAGE
from ...languages import match_language
from ...models import Account, Participant, Study
from ...models.people import CUSTOMER_ROLES, QUARTET, VENDOR_FUNCTIONS
from ..studies import add_participant
from .columns import Columns, cell, norm
from .common import ImportFailed, ImportReport, RowError, column_limit
from .reader import Source, open_table

LIMITS = {"name": column_limit(Participant.name), "email": column_limit(Participant.email),
          "account": column_limit(Account.name), "accounts": column_limit(Account.name)}


@dataclass
class ParticipantPlan:
    """One valid row, ready to be written."""

    line: int
    name: str
    side: str
    email: str = ""
    account: str = ""
    role: str | None = None
    quartet: str | None = None
    function: str | None = None
    language: str | None = None
    served: list[str] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    get: Callable[[str], str]
    errors: list[RowError]
    languages: tuple[str, ...] = ()

    def bad(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.line, column, message))


def _code(value: str, table: dict[str, str]) -> str | None:
    """Accept the code ('business_buyer') or the label ('Business buyer')."""
    key = value.strip().lower().replace(" ", "_").replace("-", "_")
    if key in table:
        return key
    return next((k for k, label in table.items() if norm(label) == norm(value)), None)


def _lengths(row: _Row, plan: ParticipantPlan) -> None:
    for column, limit in LIMITS.items():
        value = row.get(column)
        if limit and column != "accounts" and len(value) > limit:
            row.bad(column, f"is {len(value)} characters long; the limit is {limit}")


def _identity(row: _Row, plan: ParticipantPlan) -> None:
    if not plan.name:
        row.bad("name", "a name is required")
    if plan.side not in ("customer", "vendor"):
        row.bad("side", f"'{row.get('side')}' is not customer or vendor")
    if plan.email:
        try:
            plan.email = validate_email(plan.email, check_deliverability=False).normalized.lower()
        except EmailNotValidError as exc:
            row.bad("email", f"'{plan.email}' is not a valid e-mail address ({exc})")


def _customer(row: _Row, plan: ParticipantPlan) -> None:
    if plan.side != "customer":
        return
    plan.account = row.get("account")
    if not plan.account:
        row.bad("account", "a customer contact needs an account")
    for column, table in (("role", CUSTOMER_ROLES), ("quartet", QUARTET)):
        value = row.get(column)
        code = _code(value, table) if value else None
        if value and code is None:
            row.bad(column, f"'{value}' is not one of: {', '.join(table.values())}")
        setattr(plan, column, code)


def _vendor(row: _Row, plan: ParticipantPlan) -> None:
    if plan.side != "vendor":
        return
    function = row.get("function")
    plan.function = _code(function, VENDOR_FUNCTIONS) if function else None
    if plan.function is None:
        row.bad("function", f"'{function}' is not one of: " + ", ".join(VENDOR_FUNCTIONS.values()))
    plan.served = [s.strip() for s in row.get("accounts").split(";") if s.strip()]
    if not plan.served:
        row.bad("accounts", "a vendor participant needs the accounts they serve, separated by ';'")
    limit = LIMITS["accounts"]
    for name in plan.served:
        if limit and len(name) > limit:
            row.bad("accounts", f"'{name[:40]}…' is {len(name)} characters long; the limit is "
                    f"{limit}")


def _language(row: _Row, plan: ParticipantPlan) -> None:
    """Optional: the language of their survey and e-mails, one the study's instrument offers."""
    value = row.get("language")
    if not value:
        return
    plan.language = match_language(value, row.languages)
    if plan.language is None:
        row.bad("language", f"'{value[:40]}' is not one of the survey's languages: "
                            f"{', '.join(row.languages)}")


RULES = (_lengths, _identity, _customer, _vendor, _language)


def import_participants(study: Study, data: Source, source: str = "participants.csv", *,
                        create_accounts: bool = True, dry_run: bool = False) -> ImportReport:
    """Validate every row, then add all participants in one transaction (or none)."""
    table = open_table(data, source)
    columns = Columns(table.header, source, table.header_line)
    columns.require(["name", "side"])
    positions = {c: columns.find(c) for c in ("account", "name", "email", "side", "role",
                                              "quartet", "function", "accounts", "language")}
    wave = study.current_wave
    languages = wave.instrument.languages if wave is not None else (DEFAULT_LANGUAGE,)
    accounts = {a.name.lower(): a for a in study.accounts}
    errors: list[RowError] = []
    plans: list[ParticipantPlan] = []
    seen: dict[tuple, int] = {}
    for line, cells in table.rows():
        before = len(errors)
        row = _Row(line, lambda c, cells=cells: cell(cells, positions[c]), errors, languages)
        plan = ParticipantPlan(line, row.get("name"), row.get("side").lower(), row.get("email"))
        for rule in RULES:
            rule(row, plan)
        for name in ([plan.account] if plan.account else plan.served):
            if name.lower() not in accounts and not create_accounts:
                row.bad("account" if plan.side == "customer" else "accounts",
                        f"unknown account '{name}'")
        key = (plan.side, plan.email, plan.account.lower())
        if plan.email and key in seen:
            row.bad("email", f"{plan.email} appears twice in this file (lines {seen[key]} and "
                    f"{line})")
        seen.setdefault(key, line)
        if len(errors) == before:
            plans.append(plan)
    if errors:
        raise ImportFailed(source, errors)
    report = ImportReport(notes=[table.detected.describe()], dry_run=dry_run)
    try:
        _write(study, plans, accounts, report)
        db.session.rollback() if dry_run else db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def _write(study: Study, plans: list[ParticipantPlan], accounts: dict[str, Account],
           report: ImportReport) -> None:
    existing = {(p.side, p.email.lower(), p.account_id) for p in db.session.scalars(
        sa.select(Participant).where(Participant.study_id == study.id)) if p.email}
    for plan in plans:
        for name in ([plan.account] if plan.account else plan.served):
            if name.lower() not in accounts:
                accounts[name.lower()] = Account(study=study, name=name)
                db.session.add(accounts[name.lower()])
                report.count("accounts")
    db.session.flush()
    for plan in plans:
        account = accounts[plan.account.lower()] if plan.side == "customer" else None
        if plan.email and (plan.side, plan.email, account.id if account else None) in existing:
            report.notes.append(f"line {plan.line}: {plan.email} is already a participant; "
                                "skipped")
            continue
        add_participant(study, side=plan.side, name=plan.name, email=plan.email, account=account,
                        role=plan.role, quartet=plan.quartet, function=plan.function,
                        served=[accounts[s.lower()] for s in plan.served],
                        language=plan.language)
        report.count("participants")
