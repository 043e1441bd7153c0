"""Revenue at stake: accounts' annual revenue summed by the gap analysis' own classes and
quadrants, and the renewals coming up, blind spots first.

Pure functions over the analysis JSON's account objects and a table of account facts (revenue,
renewal date). Nothing is re-classified here: an account counts in a dimension's class or
quadrant exactly when the analysis result in hand (consultant or vendor edition) gives it one.

Vendor edition: an account the edition shows as counts only (``confidential``) is left out of
every figure — no quadrant, class, total or renewal row includes its revenue — and only the
number of such accounts is given. A total that included it beside shown parts would give its
revenue back by subtraction, and its place in a class would reveal a withheld gap.
"""

from __future__ import annotations

from datetime import date, timedelta

from .codes import (
    AGREEMENT,
    BLIND_SPOT,
    HIDDEN_STRENGTH,
    OVER_ESTIMATION,
    SHARED_STRENGTH,
    SHARED_WEAKNESS,
    UNDER_ESTIMATION,
)

QUADRANTS = (BLIND_SPOT, HIDDEN_STRENGTH, SHARED_STRENGTH, SHARED_WEAKNESS)
CLASSES = (OVER_ESTIMATION, AGREEMENT, UNDER_ESTIMATION)
NOT_COMPARED = "not_compared"
RENEWAL_DAYS = 180

__all__ = ["CLASSES", "NOT_COMPARED", "QUADRANTS", "RENEWAL_DAYS", "revenue_at_stake"]


def _dimensions(account: dict) -> dict[str, dict]:
    return {d["unit"]: d for d in account.get("dimensions", []) if d.get("kind", "dimension")
            == "dimension"}


def _table(accounts: list[dict], values: dict[str, float], units: list[tuple[str, str]],
           field: str, codes: tuple[str, ...]) -> list[dict]:
    """Per dimension: revenue and account count in each code, plus those not compared."""
    rows = []
    for unit, label in units:
        cells = {code: {"revenue": 0.0, "accounts": 0} for code in (*codes, NOT_COMPARED)}
        for account in accounts:
            dim = _dimensions(account).get(unit) or {}
            code = dim.get(field) if dim.get("gap") is not None else None
            cell = cells[code if code in codes else NOT_COMPARED]
            cell["revenue"] += values[account["account"]]
            cell["accounts"] += 1
        rows.append({"unit": unit, "label": label, "cells": cells})
    return rows


def _headline(by_class: list[dict]) -> dict | None:
    """The dimension with the most revenue in accounts whose team over-estimates it."""
    best = max(by_class, key=lambda r: (r["cells"][OVER_ESTIMATION]["revenue"],
                                        r["cells"][OVER_ESTIMATION]["accounts"]), default=None)
    if best is None or best["cells"][OVER_ESTIMATION]["accounts"] == 0:
        return None
    return {"unit": best["unit"], "label": best["label"],
            **best["cells"][OVER_ESTIMATION]}


def _renewals(accounts: list[dict], facts: dict[str, dict], today: date,
              days: int) -> list[dict]:
    """Renewals from today to ``days`` ahead: accounts with a blind spot first, each group
    soonest first."""
    rows = []
    for account in accounts:
        renewal = facts[account["account"]].get("renewal_date")
        if renewal is None or not today <= renewal <= today + timedelta(days=days):
            continue
        blind = [d["label"] for d in _dimensions(account).values()
                 if d.get("quadrant") == BLIND_SPOT and d.get("gap") is not None]
        rows.append({"account": account["account"], "renewal_date": renewal,
                     "days": (renewal - today).days,
                     "revenue": facts[account["account"]].get("revenue"),
                     "blind_spots": blind, "compared": any(
                         d.get("gap") is not None for d in _dimensions(account).values())})
    return sorted(rows, key=lambda r: (not r["blind_spots"], r["renewal_date"], r["account"]))


def revenue_at_stake(accounts: list[dict], facts: dict[str, dict], *, vendor_edition: bool,
                     today: date, days: int = RENEWAL_DAYS) -> dict:
    """Revenue by dimension × quadrant and × class, the headline, renewals and what is left out.

    ``accounts``: the analysis JSON's account objects; ``facts``: account name →
    ``{"revenue": float | None, "renewal_date": date | None}``."""
    known = [a for a in accounts if a["account"] in facts]
    withheld = [a for a in known if vendor_edition and a.get("confidential")]
    shown = [a for a in known if a not in withheld]
    with_revenue = [a for a in shown if facts[a["account"]].get("revenue") is not None]
    values = {a["account"]: float(facts[a["account"]]["revenue"]) for a in with_revenue}
    labels: dict[str, str] = {}
    for account in shown:
        for unit, dim in _dimensions(account).items():
            labels.setdefault(unit, dim.get("label", unit))
    units = list(labels.items())
    by_class = _table(with_revenue, values, units, "class", CLASSES)
    blind = [a for a in with_revenue if any(d.get("quadrant") == BLIND_SPOT and d.get("gap")
                                            is not None for d in _dimensions(a).values())]
    return {
        "total": sum(values.values()), "accounts": len(with_revenue),
        "without_revenue": len(shown) - len(with_revenue), "withheld": len(withheld),
        "by_quadrant": _table(with_revenue, values, units, "quadrant", QUADRANTS),
        "by_class": by_class, "headline": _headline(by_class),
        "blind_spot_revenue": sum(values[a["account"]] for a in blind),
        "blind_spot_accounts": len(blind),
        "renewals": _renewals(shown, facts, today, days),
        "renewals_withheld": len(_renewals(withheld, facts, today, days)),
        "days": days,
    }
