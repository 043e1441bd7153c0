"""The portfolio read for an executive: the Bain-literal headline, the blind spots that recur
across accounts, where the stages disagree most, and what to do first.

Everything is counted from the analysis result's own classes; nothing is re-derived.
"""

from __future__ import annotations

from ..analysis import codes
from .findings import STAGE_NAMES, an
from .recommendations import BLIND_SPOT_ADVICE

CHANGE_TOLERANCE = 0.005  # gaps are printed to two decimals; smaller moves read as unchanged


def bain_counts(portfolio: dict) -> dict | None:
    """Accounts where most of the vendor's staff, and most of the customer's people, agree."""
    bain = portfolio.get("bain_literal") or {}
    table, n = bain.get("table"), bain.get("accounts") or 0
    if not table or not n:
        return None
    return {"accounts": n, "vendor": table[0][0] + table[0][1],
            "customer": table[0][0] + table[1][0],
            "share_vendor": bain.get("share_accounts_vendor_majority"),
            "share_customer": bain.get("share_accounts_customer_majority"),
            "p_value": bain.get("p_value"), "p_holm": bain.get("p_holm")}


def recurring_blind_spots(data: dict, limit: int = 3) -> list[dict]:
    """Dimensions that are blind spots in the most accounts, with those accounts named."""
    found: dict[str, dict] = {}
    for account in data.get("accounts", []):
        for dim in account.get("dimensions", []):
            if dim.get("quadrant") == codes.BLIND_SPOT:
                entry = found.setdefault(dim["unit"], {"unit": dim["unit"],
                                                       "label": dim["label"], "accounts": [],
                                                       "gaps": []})
                entry["accounts"].append(account["account"])
                entry["gaps"].append(dim["gap"])
    ranked = sorted(found.values(), key=lambda e: (-len(e["accounts"]),
                                                   -sum(e["gaps"]) / len(e["gaps"])))
    return ranked[:limit]


def stage_disagreements(data: dict, limit: int = 4) -> list[dict]:
    """Accounts whose team sees the relationship furthest ahead of the customer's view."""
    rows = []
    for account in data.get("accounts", []):
        stage = account.get("stage") or {}
        sides = stage.get("sides") or {}
        if stage.get("gap") and "vendor" in sides and "customer" in sides:
            rows.append({"account": account["account"], "gap": stage["gap"],
                         "vendor": STAGE_NAMES[sides["vendor"]["median"]],
                         "customer": STAGE_NAMES[sides["customer"]["median"]]})
    rows.sort(key=lambda r: -abs(r["gap"]))
    return rows[:limit]


def ranking(data: dict) -> list[dict]:
    """The ranking without withheld accounts, renumbered: a withheld account's place would
    reveal its gap."""
    withheld = {a["account"] for a in data.get("accounts", []) if a.get("confidential")}
    rows = [r for r in data.get("portfolio", {}).get("ranking", []) if r["account"] not in
            withheld]
    return [dict(r, rank=number) for number, r in enumerate(rows, start=1)]


def unranked(data: dict) -> list[str]:
    """Accounts the ranking leaves out (too few answers, or confidential in this edition)."""
    ranked = {r["account"] for r in ranking(data)}
    return [a["account"] for a in data.get("accounts", []) if a["account"] not in ranked]


def trend_rows(portfolio: dict, names: dict[str, str]) -> list[dict]:
    """Each dimension's mean gap then and now, and whether the two views moved together."""
    rows = []
    for row in portfolio.get("trend_by_dimension") or []:
        then, now = row.get("previous_gap"), row.get("gap")
        if then is None or now is None:
            direction = "not comparable"
        elif abs(now) < abs(then) - CHANGE_TOLERANCE:
            direction = "closer together"
        elif abs(now) > abs(then) + CHANGE_TOLERANCE:
            direction = "further apart"
        else:
            direction = "unchanged"
        rows.append({"unit": row["unit"], "label": names.get(row["unit"], row["unit"]),
                     "previous_gap": then, "gap": now, "change": row.get("change"),
                     "direction": direction})
    return rows


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def first_actions(data: dict, vendor: str) -> list[dict]:
    """What to do first across the portfolio, most widespread finding first."""
    actions = []
    compared = len(ranking(data))
    for spot in recurring_blind_spots(data, limit=2):
        if len(spot["accounts"]) < 2 and actions:
            break
        accounts = spot["accounts"]
        where = (_join(accounts) if len(accounts) <= 3 else
                 f"{len(accounts)} of the {compared} accounts compared")
        actions.append({
            "title": f"Close the {spot['label'].lower()} blind spot",
            "text": (f"{vendor}'s team believes {spot['label'].lower()} goes well where the "
                     f"customer does not agree: at {where}. "
                     + BLIND_SPOT_ADVICE.get(spot["unit"], ""))})
    stages = stage_disagreements(data)
    ahead = [s for s in stages if s["gap"] > 0]
    if ahead:
        example = ahead[0]
        actions.append({
            "title": "Agree where each relationship really is",
            "text": (f"The team sees the relationship further along than the customer at "
                     f"{_join([s['account'] for s in ahead])}; at {example['account']} it sees "
                     f"{an(example['vendor'])} relationship where the customer sees "
                     f"{an(example['customer'])} one. Manage expectations there before "
                     "expanding scope.")})
    missing = unranked(data)
    if missing:
        actions.append({
            "title": "Hear more voices before acting",
            "text": (f"{_join(missing)} cannot be compared yet: too few people answered on a "
                     "side. Follow up with the contacts and account team members who have not "
                     "answered, starting with the buyers.")})
    if not actions:
        actions.append({"title": "Keep the views aligned",
                        "text": "No blind spot recurs across accounts. Re-measure after any "
                                "change of key people on either side."})
    return actions[:4]
