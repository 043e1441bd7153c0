"""Verbatim themes on both sides of the mirror: who raises a theme, and who predicted it.

Per account and open question, the share of customers whose answer carries a theme is set beside
the share of vendor staff whose prediction of that answer carries it. The respondent is the
unit (two answers of one person count once). Small groups show counts ("2 of 4"); from
``INTERVAL_MIN`` people on, a share with a Wilson 95% interval (Wilson 1927; Newcombe 1998 found
it well-behaved down to small n, unlike the Wald interval). Across the portfolio the account is
the unit, as everywhere else (docs/methods.md, portfolio level): accounts where customers
raise a theme, accounts where the team predicts it, and accounts where one happens without the
other.

The vendor edition follows G1: hidden accounts and groups below ``min_group`` show nothing but
their size, and a count within a group is shown only when it and the rest of the group both
reach the minimum (``breakdown_shown``), otherwise as a range that does not pin one person.
Quotes there are unattributed, come only from groups at the minimum, and can be switched off.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from .confidentiality.gate import breakdown_shown

__all__ = ["INTERVAL_MIN", "ThemeInput", "account_themes", "portfolio_themes", "wilson"]

INTERVAL_MIN = 10
QUOTES = 3
SIDES = ("customer", "vendor")
COLUMNS = ["account", "side", "respondent", "item", "verbatim", "text", "themes",
           "attribution", "tone"]


@dataclass(frozen=True)
class ThemeInput:
    """Coded verbatims (``COLUMNS``; ``themes`` a tuple of theme ids) and the frame's names."""

    verbatims: pd.DataFrame
    names: dict[int, str]
    items: list[str]
    edition: str = "consultant"
    min_group: int = 3
    hidden: frozenset = frozenset()
    quotes: bool = True


def wilson(x: int, n: int) -> tuple[float, float]:
    """Wilson score 95% interval for x of n."""
    low, high = proportion_confint(x, n, alpha=0.05, method="wilson")
    return float(low), float(high)


def side_figure(x: int, n: int, data: ThemeInput) -> dict:
    """One side's count for a theme, as this edition may show it."""
    vendor = data.edition == "vendor"
    if n == 0:
        return {"n": 0, "x": None, "shown": False, "text": "no answers"}
    if vendor and n < data.min_group:
        return {"n": n, "x": None, "shown": False,
                "text": f"fewer than {data.min_group} answered"}
    if vendor and not breakdown_shown(x, n, data.min_group):
        low, high = (1, data.min_group - 1) if x < data.min_group else (
            n - data.min_group + 1, n - 1)
        return {"n": n, "x": None, "shown": False, "range": [low, high],
                "text": f"{low}–{high} of {n}"}
    out = {"n": n, "x": x, "shown": True, "text": f"{x} of {n}"}
    if n >= INTERVAL_MIN:
        low, high = wilson(x, n)
        out.update(share=x / n, ci_low=low, ci_high=high)
    return out


def _mentions(frame: pd.DataFrame) -> tuple[dict, dict]:
    """(group sizes, theme mentions): respondents per (account, item, side), and per theme."""
    sizes = frame.groupby(["account", "item", "side"])["respondent"].nunique()
    exploded = frame[["account", "item", "side", "respondent", "themes"]].explode("themes")
    exploded = exploded.dropna(subset=["themes"])
    mentions = exploded.groupby(["account", "item", "side", "themes"])["respondent"].nunique()
    return ({k: int(v) for k, v in sizes.items()},
            {(a, i, s, int(t)): int(v) for (a, i, s, t), v in mentions.items()})


def _quotes(frame: pd.DataFrame, theme: int, data: ThemeInput, accounts=None) -> list[dict]:
    """Up to three different verbatims coded with ``theme``: shortest first, one per account
    when several accounts are given, unattributed in the vendor edition."""
    if data.edition == "vendor" and not data.quotes:
        return []
    rows = frame[frame["themes"].map(lambda ts: theme in ts)]
    rows = rows.assign(length=rows["text"].str.len()).sort_values(["length", "text",
                                                                   "verbatim"])
    out, used, said = [], set(), set()
    for row in rows.itertuples(index=False):
        if accounts is not None and (row.account in used or row.account not in accounts):
            continue
        if " ".join(row.text.split()).lower() in said:
            continue  # the same words twice make one quote
        used.add(row.account)
        said.add(" ".join(row.text.split()).lower())
        out.append({"text": row.text, "account": row.account,
                    "attribution": "" if data.edition == "vendor" else row.attribution,
                    "tone": row.tone})
        if len(out) == QUOTES:
            break
    return out


def _visible(frame: pd.DataFrame, data: ThemeInput) -> pd.DataFrame:
    if frame.empty:
        return frame
    frame = frame[~frame["account"].isin(data.hidden)]
    frame = frame[frame["item"].isin(data.items)]
    return frame


def account_themes(data: ThemeInput) -> dict[str, dict]:
    """Per account: for each question, every theme's two sides and the two kinds of finding."""
    frame = _visible(data.verbatims, data)
    if frame.empty or not data.names:
        return {}
    sizes, mentions = _mentions(frame)
    out: dict[str, dict] = {}
    for account, group in frame.groupby("account", sort=True):
        questions = []
        for item in data.items:
            n = {side: sizes.get((account, item, side), 0) for side in SIDES}
            if not any(n.values()):
                continue
            rows, unpredicted, unmentioned = [], [], []
            for theme, name in data.names.items():
                x = {side: mentions.get((account, item, side, theme), 0) for side in SIDES}
                if not any(x.values()):
                    continue
                figures = {side: side_figure(x[side], n[side], data) for side in SIDES}
                rows.append({"theme": theme, "name": name, **figures})
                both = all(f["n"] and (f["shown"] or "range" in f) for f in figures.values())
                if not both:
                    continue
                if x["customer"] and not x["vendor"]:
                    unpredicted.append(_finding(group, item, "customer", theme, name,
                                                _shown(figures["customer"]), data))
                elif x["vendor"] and not x["customer"]:
                    unmentioned.append(_finding(group, item, "vendor", theme, name,
                                                _shown(figures["vendor"]), data))
            rows.sort(key=lambda r: (-_shown(r["customer"]), -_shown(r["vendor"]), r["name"]))
            questions.append({"item": item, "n": n, "themes": rows,
                              "unpredicted": _ranked(unpredicted),
                              "unmentioned": _ranked(unmentioned)})
        if questions:
            out[account] = {"questions": questions}
    return out


def _shown(figure: dict) -> int:
    """The count an edition shows, for ordering: a withheld count sorts by its range's floor,
    so that the order of rows cannot tell two withheld counts apart."""
    if figure.get("shown"):
        return int(figure["x"])
    return int(figure.get("range", [0])[0])


def _finding(group, item, side, theme, name, count, data) -> dict:
    said = group[(group["item"] == item) & (group["side"] == side)]
    if data.edition == "vendor" and said["respondent"].nunique() < data.min_group:
        quotes = []
    else:
        quotes = _quotes(said, theme, data)
    return {"theme": theme, "name": name, "count": count, "quotes": quotes}


def _ranked(findings: list[dict]) -> list[dict]:
    ranked = sorted(findings, key=lambda f: (-f["count"], f["name"]))
    return [{k: v for k, v in f.items() if k != "count"} for f in ranked]


def portfolio_themes(data: ThemeInput) -> dict:
    """Per question, each theme across accounts (the account is the unit) and the findings."""
    frame = _visible(data.verbatims, data)
    if frame.empty or not data.names:
        return {"questions": []}
    sizes, mentions = _mentions(frame)
    vendor = data.edition == "vendor"
    questions = []
    for item in data.items:
        accounts = sorted({a for (a, i, _s) in sizes if i == item})
        shown = {side: [a for a in accounts if sizes.get((a, item, side), 0)
                        and not (vendor and sizes[(a, item, side)] < data.min_group)]
                 for side in SIDES}
        both = [a for a in shown["customer"] if a in shown["vendor"]]
        rows, unpredicted, unmentioned = [], [], []
        for theme, name in data.names.items():
            raised = [a for a in shown["customer"] if mentions.get((a, item, "customer", theme))]
            predicted = [a for a in shown["vendor"] if mentions.get((a, item, "vendor", theme))]
            if not raised and not predicted:
                continue
            missed = [a for a in both if a in raised and a not in predicted]
            unexpected = [a for a in both if a in predicted and a not in raised]
            row = {"theme": theme, "name": name,
                   "raised": _accounts_figure(len(raised), len(shown["customer"])),
                   "predicted": _accounts_figure(len(predicted), len(shown["vendor"])),
                   "not_predicted": len(missed), "not_mentioned": len(unexpected),
                   "compared": len(both)}
            if not vendor:
                row["people"] = {side: _pooled(frame, item, side, theme) for side in SIDES}
            rows.append(row)
            said = frame[frame["item"] == item]
            if missed:
                unpredicted.append({"theme": theme, "name": name, "count": len(missed),
                                    "accounts": missed,
                                    "quotes": _quotes(said[said["side"] == "customer"], theme,
                                                      data, set(missed))})
            if predicted and not raised and unexpected:
                unmentioned.append({"theme": theme, "name": name, "count": len(unexpected),
                                    "accounts": unexpected,
                                    "quotes": _quotes(said[said["side"] == "vendor"], theme,
                                                      data, set(unexpected))})
        rows.sort(key=lambda r: (-r["raised"]["x"], -r["predicted"]["x"], r["name"]))
        if rows:
            questions.append({"item": item, "accounts": {s: len(shown[s]) for s in SIDES},
                              "themes": rows, "unpredicted": _ranked(unpredicted),
                              "unmentioned": _ranked(unmentioned)})
    return {"questions": questions}


def _accounts_figure(x: int, n: int) -> dict:
    out = {"x": x, "n": n, "text": f"{x} of {n}"}
    if n >= INTERVAL_MIN:
        low, high = wilson(x, n)
        out.update(share=x / n, ci_low=low, ci_high=high)
    return out


def _pooled(frame, item, side, theme) -> dict:
    said = frame[(frame["item"] == item) & (frame["side"] == side)]
    people = said.drop_duplicates(["account", "respondent"])
    coded = said[said["themes"].map(lambda ts: theme in ts)].drop_duplicates(
        ["account", "respondent"])
    return {"x": len(coded), "n": len(people), "text": f"{len(coded)} of {len(people)}"}
