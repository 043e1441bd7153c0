"""Accounts from CSV or a workbook, upserted by name: segment, annual revenue, renewal date and
owner e-mail; every row checked before anything is written, and all rows written or none.

The revenue cells are read by the same two functions here for the participants file's optional
``annual_revenue`` and ``renewal_date`` columns, so both files accept exactly the same values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from email_validator import EmailNotValidError, validate_email

from ...extensions import db
from ...models import Account, Study
from .columns import Columns, cell
from .common import ImportFailed, ImportReport, RowError, column_limit
from .reader import Source, open_table

REVENUE_MAX = Decimal(10) ** 12
DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ]00:00(?::00(?:\.0+)?)?)?$")
GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
PLAIN = re.compile(r"^\d+(\.\d+)?$")
LIMITS = {"account": column_limit(Account.name), "segment": column_limit(Account.segment),
          "owner_email": column_limit(Account.owner_email)}


def parse_revenue(text: str) -> Decimal:
    """An annual revenue: digits with an optional decimal point and comma thousands
    (1250000, 1250000.50, 1,250,000); no currency sign, no negative amounts."""
    value = text.replace(" ", "").replace("\u00a0", "")
    if not (PLAIN.match(value) or GROUPED.match(value)):
        raise ValueError(f"'{text}' is not an amount: write digits only, such as 1250000 or "
                         "1,250,000.00, without a currency sign")
    try:
        amount = Decimal(value.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the patterns above admit only numbers
        raise ValueError(f"'{text}' is not an amount") from None
    if amount >= REVENUE_MAX:
        raise ValueError(f"'{text}' is larger than the {REVENUE_MAX:,.0f} the database holds")
    return amount.quantize(Decimal("0.01"))


def parse_renewal(text: str) -> date:
    """A renewal date as YYYY-MM-DD (a workbook's date cells arrive in that form)."""
    match = DATE.match(text.strip())
    if match:
        try:
            return date.fromisoformat(match.group(1))
        except ValueError:
            pass  # 2027-02-30 has the form but is no date
    raise ValueError(f"'{text}' is not a date: write it as YYYY-MM-DD, such as 2027-03-31")


@dataclass
class AccountPlan:
    """One valid row: the account's name and the facts the row gives (None: leave as is)."""

    line: int
    name: str
    segment: str | None = None
    revenue: Decimal | None = None
    renewal: date | None = None
    owner_email: str | None = None


def _row(line: int, get, errors: list[RowError]) -> AccountPlan:
    plan = AccountPlan(line, get("account"))
    bad = lambda column, message: errors.append(RowError(line, column, message))  # noqa: E731
    if not plan.name:
        bad("account", "an account name is required")
    for column, limit in LIMITS.items():
        if limit and len(get(column)) > limit:
            bad(column, f"is {len(get(column))} characters long; the limit is {limit}")
    plan.segment = get("segment") or None
    for column, parse, attribute in (("annual_revenue", parse_revenue, "revenue"),
                                     ("renewal_date", parse_renewal, "renewal")):
        if get(column):
            try:
                setattr(plan, attribute, parse(get(column)))
            except ValueError as exc:
                bad(column, str(exc))
    if get("owner_email"):
        try:
            plan.owner_email = validate_email(get("owner_email"),
                                              check_deliverability=False).normalized.lower()
        except EmailNotValidError as exc:
            bad("owner_email", f"'{get('owner_email')}' is not a valid e-mail address ({exc})")
    return plan


def import_accounts(study: Study, data: Source, source: str = "accounts.csv", *,
                    dry_run: bool = False) -> ImportReport:
    """Add or update accounts by name (case-insensitive); an empty cell leaves a value as it
    was. Validates every row, then writes all of them in one transaction, or none."""
    table = open_table(data, source)
    columns = Columns(table.header, source, table.header_line)
    columns.require(["account"])
    positions = {c: columns.find(c) for c in
                 ("account", "segment", "annual_revenue", "renewal_date", "owner_email")}
    if not any(positions[c] is not None for c in positions if c != "account"):
        raise ImportFailed(source, [RowError(table.header_line, "", (
            "no column to import besides 'account': give segment, annual_revenue, "
            f"renewal_date or owner_email (found: {columns.found()})"))])
    errors: list[RowError] = []
    plans: dict[str, AccountPlan] = {}
    for line, cells in table.rows():
        plan = _row(line, lambda c, cells=cells: cell(cells, positions[c]), errors)
        key = plan.name.casefold()
        if plan.name and key in plans:
            errors.append(RowError(line, "account", f"'{plan.name}' appears twice in this file "
                                   f"(lines {plans[key].line} and {line})"))
        plans.setdefault(key, plan)
    if errors:
        raise ImportFailed(source, errors)
    report = ImportReport(notes=[table.detected.describe()], dry_run=dry_run)
    try:
        existing = {a.name.casefold(): a for a in study.accounts}
        for key, plan in plans.items():
            account = existing.get(key)
            if account is None:
                account = Account(study=study, name=plan.name)
                db.session.add(account)
                report.count("new accounts")
            else:
                report.count("accounts updated")
            apply_facts(account, plan)
        db.session.flush()
        db.session.rollback() if dry_run else db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def apply_facts(account: Account, plan: AccountPlan) -> None:
    """Set what the row gives; leave the rest of the account as it was."""
    for attribute, source in (("segment", "segment"), ("annual_value", "revenue"),
                              ("renewal_date", "renewal"), ("owner_email", "owner_email")):
        value = getattr(plan, source, None)
        if value is not None:
            setattr(account, attribute, value)


def participant_row_facts(row, plan) -> None:
    """The participants file's optional ``annual_revenue`` and ``renewal_date``: facts about a
    customer row's account (a vendor row serves several accounts, so it cannot carry them)."""
    for column, parse, attribute in (("annual_revenue", parse_revenue, "revenue"),
                                     ("renewal_date", parse_renewal, "renewal")):
        text = row.get(column)
        if not text:
            continue
        if plan.side != "customer":
            row.bad(column, "only a customer contact's row can give its account's "
                    f"{column.replace('_', ' ')}; leave it empty for vendor staff")
            continue
        try:
            setattr(plan, attribute, parse(text))
        except ValueError as exc:
            row.bad(column, str(exc))


def conflicting_facts(plans) -> list[RowError]:
    """Rows about the same account that give it different revenues or renewal dates."""
    seen: dict[tuple[str, str], tuple[object, int]] = {}
    errors = []
    for plan in plans:
        for attribute, column in (("revenue", "annual_revenue"), ("renewal", "renewal_date")):
            value = getattr(plan, attribute)
            if value is None or plan.side != "customer":
                continue
            key = (plan.account.casefold(), attribute)
            first = seen.setdefault(key, (value, plan.line))
            if first[0] != value:
                errors.append(RowError(plan.line, column, (
                    f"{plan.account} is given {value} here but {first[0]} on line {first[1]}; "
                    "give each account one value")))
    return errors
