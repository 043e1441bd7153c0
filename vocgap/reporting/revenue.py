"""Revenue at stake for the portfolio page and report: account facts from the study, the sums
from ``analysis.revenue``, and the sentences and money the templates print."""

from __future__ import annotations

from datetime import date

from ..analysis.codes import BLIND_SPOT, HIDDEN_STRENGTH, SHARED_STRENGTH, SHARED_WEAKNESS
from ..analysis.revenue import NOT_COMPARED, revenue_at_stake

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹"}
QUADRANT_LABELS = {BLIND_SPOT: "Blind spot", HIDDEN_STRENGTH: "Hidden strength",
                   SHARED_STRENGTH: "Shared strength", SHARED_WEAKNESS: "Shared weakness",
                   NOT_COMPARED: "Not compared"}
CLASS_LABELS = {"over_estimation": "Team over-estimates", "agreement": "In agreement",
                "under_estimation": "Team under-estimates", NOT_COMPARED: "Not compared"}


def money(value: float | None, currency: str = "EUR") -> str:
    """Compact money for sentences and tables: €4.1M, €640k, €950 (ISO code when no symbol)."""
    if value is None:
        return "—"
    symbol = SYMBOLS.get(currency.upper())
    prefix = symbol if symbol else f"{currency.upper()} "
    amount = abs(float(value))
    for limit, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if amount >= limit:
            scaled = amount / limit
            text = f"{scaled:.1f}".rstrip("0").rstrip(".") if scaled < 100 else f"{scaled:.0f}"
            return f"{'-' if value < 0 else ''}{prefix}{text}{suffix}"
    return f"{'-' if value < 0 else ''}{prefix}{amount:.0f}"


def account_facts(study) -> dict:
    """What the report needs from the database: the currency and each account's revenue and
    renewal date (JSON-ready, so report jobs can carry it to worker processes)."""
    return {"currency": study.currency or "EUR", "accounts": {
        a.name: {"revenue": float(a.annual_value) if a.annual_value is not None else None,
                 "renewal_date": a.renewal_date.isoformat() if a.renewal_date else None}
        for a in study.accounts}}


def revenue_section(meta: dict, data: dict, today: date | None = None) -> dict | None:
    """The revenue section's context, or None when no account has a revenue or renewal date."""
    facts = meta.get("revenue")
    if not facts or not any(f["revenue"] is not None or f["renewal_date"]
                            for f in facts["accounts"].values()):
        return None
    parsed = {name: {"revenue": f["revenue"], "renewal_date": date.fromisoformat(
        f["renewal_date"]) if f["renewal_date"] else None} for name, f in facts[
        "accounts"].items()}
    result = revenue_at_stake(data.get("accounts", []), parsed,
                              vendor_edition=data.get("edition", meta.get("edition")) ==
                              "vendor", today=today or date.today())
    currency = facts["currency"]
    result["currency"] = currency
    result["headline_sentence"] = headline_sentence(result, currency, meta.get("vendor"))
    result["quadrant_labels"], result["class_labels"] = QUADRANT_LABELS, CLASS_LABELS
    result["money"] = lambda value: money(value, currency)
    return result


def headline_sentence(result: dict, currency: str, vendor: str | None) -> str:
    """"€4.1M of annual revenue sits in accounts where your team over-estimates the
    relationship on trust", or why no such sentence can be written."""
    team = f"{vendor}'s team" if vendor else "the team"
    head = result["headline"]
    if head is None:
        if not result["accounts"]:
            return "No compared account has an annual revenue recorded yet."
        return (f"In no account with a recorded revenue does {team} over-estimate a dimension "
                "of the relationship.")
    accounts = head["accounts"]
    return (f"{money(head['revenue'], currency)} of annual revenue sits in "
            f"{'the account' if accounts == 1 else f'{accounts} accounts'} where {team} "
            f"over-estimates the relationship on {head['label'].lower()}, of "
            f"{money(result['total'], currency)} in the accounts shown.")


def study_revenue(study, data: dict, today: date | None = None) -> dict | None:
    """The revenue section for a study's analysis page (same figures as the portfolio report)."""
    return revenue_section({"revenue": account_facts(study), "vendor": study.vendor.name,
                            "edition": data.get("edition")}, data, today)
