"""Participants from CSV: account, name, email, side, role, quartet, function, accounts."""

from __future__ import annotations

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email

from ...extensions import db
from ...models import Account, Participant, Study
from ...models.people import CUSTOMER_ROLES, QUARTET, VENDOR_FUNCTIONS
from ..studies import add_participant
from .common import ImportFailed, ImportReport, RowError, cell, decode, read_rows, require_columns

COLUMNS = ["account", "name", "email", "side", "role", "quartet", "function", "accounts"]


def _code(value: str, table: dict[str, str]) -> str | None:
    """Accept the code ('business_buyer') or the label ('Business buyer')."""
    key = value.strip().lower().replace(" ", "_").replace("-", "_")
    if key in table:
        return key
    return next((k for k, label in table.items() if label.lower() == value.strip().lower()), None)


def import_participants(study: Study, data: bytes | str, source: str = "participants.csv", *,
                        create_accounts: bool = True) -> ImportReport:
    """Validate every row, then add all participants in one transaction (or none)."""
    header, rows = read_rows(decode(data, source), source)
    index = require_columns(header, ["name", "side"], source)
    accounts = {a.name.lower(): a for a in study.accounts}
    existing = {(p.side, p.email.lower(), p.account_id) for p in db.session.scalars(
        sa.select(Participant).where(Participant.study_id == study.id)) if p.email}
    errors: list[RowError] = []
    plans = []
    seen: set[tuple] = set()
    new_accounts: dict[str, str] = {}
    for line, cells in rows:
        row_errors = len(errors)

        def bad(column: str, message: str, line=line) -> None:
            errors.append(RowError(line, column, message))

        name, side = cell(cells, index, "name"), cell(cells, index, "side").lower()
        email = cell(cells, index, "email")
        if not name:
            bad("name", "a name is required")
        if len(name) > 200:
            bad("name", "is longer than 200 characters")
        if side not in ("customer", "vendor"):
            bad("side", f"'{side}' is not customer or vendor")
        if email:
            try:
                email = validate_email(email, check_deliverability=False).normalized
            except EmailNotValidError as exc:
                bad("email", f"'{email}' is not a valid e-mail address ({exc})")
        plan = {"name": name, "side": side, "email": email.lower() if email else ""}
        if side == "customer":
            account_name = cell(cells, index, "account")
            role, quartet = cell(cells, index, "role"), cell(cells, index, "quartet")
            plan["role"], plan["quartet"] = _code(role, CUSTOMER_ROLES), _code(quartet, QUARTET)
            if not account_name:
                bad("account", "a customer contact needs an account")
            elif account_name.lower() not in accounts and not create_accounts:
                bad("account", f"unknown account '{account_name}'")
            else:
                new_accounts.setdefault(account_name.lower(), account_name)
            if role and plan["role"] is None:
                bad("role", f"'{role}' is not one of: {', '.join(CUSTOMER_ROLES.values())}")
            if quartet and plan["quartet"] is None:
                bad("quartet", f"'{quartet}' is not one of: {', '.join(QUARTET.values())}")
            plan["account"] = account_name
        elif side == "vendor":
            function = cell(cells, index, "function")
            plan["function"] = _code(function, VENDOR_FUNCTIONS)
            if not function or plan["function"] is None:
                bad("function", f"'{function}' is not one of: "
                    + ", ".join(VENDOR_FUNCTIONS.values()))
            served = [s.strip() for s in cell(cells, index, "accounts").split(";") if s.strip()]
            if not served:
                bad("accounts", "a vendor participant needs the accounts they serve, "
                    "separated by ';'")
            for account_name in served:
                if account_name.lower() not in accounts and not create_accounts:
                    bad("accounts", f"unknown account '{account_name}'")
                new_accounts.setdefault(account_name.lower(), account_name)
            plan["served"] = served
        key = (side, plan["email"], plan.get("account", "").lower())
        if plan["email"] and key in seen:
            bad("email", f"{plan['email']} appears twice in this file")
        seen.add(key)
        if len(errors) == row_errors:
            plans.append(plan | {"line": line})
    if errors:
        raise ImportFailed(source, errors)

    report = ImportReport()
    try:
        for lower, original in new_accounts.items():
            if lower not in accounts:
                accounts[lower] = Account(study=study, name=original)
                db.session.add(accounts[lower])
                report.count("accounts")
        db.session.flush()
        for plan in plans:
            account = accounts[plan["account"].lower()] if plan["side"] == "customer" else None
            if plan["email"] and (plan["side"], plan["email"],
                                  account.id if account else None) in existing:
                report.notes.append(f"line {plan['line']}: {plan['email']} is already a "
                                    "participant; skipped")
                continue
            add_participant(
                study, side=plan["side"], name=plan["name"], email=plan["email"],
                account=account, role=plan.get("role"), quartet=plan.get("quartet"),
                function=plan.get("function"),
                served=[accounts[s.lower()] for s in plan.get("served", [])])
            report.count("participants")
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report
