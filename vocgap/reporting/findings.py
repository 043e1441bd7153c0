"""An account's analysis read for a report: thresholds, classes and plain-word summaries.

Charts, tables and sentences all take their categories from here, and this module takes them
from the analysis result: it never re-derives a quadrant, class or support level, so a chart
cannot contradict the table beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..analysis import codes
from ..instruments.model import Scale
from .formatting import plural

# The ±½-SD band the analysis classifies with (METHODS.md §6), used when a result predates the
# ``band`` field; the quadrant lines always come from the dimension's own scale.
DEFAULT_BAND = 0.5
QUADRANTS = (codes.BLIND_SPOT, codes.HIDDEN_STRENGTH, codes.SHARED_STRENGTH,
             codes.SHARED_WEAKNESS)
STAGE_NAMES = ("Exploratory", "Basic", "Collaborative", "Interconnected")


def an(stage: str) -> str:
    """'an interconnected', 'a basic'."""
    word = stage.lower()
    return ("an " if word[0] in "aeiou" else "a ") + word


@dataclass(frozen=True)
class Thresholds:
    """Where the analysis drew its lines: the lowest agree value c* and the gap_z band."""

    low: int
    high: int
    agree: int
    band: float


def thresholds(account: dict) -> Thresholds:
    """The scale, agree line and band the analysis used for this account's dimensions."""
    for dim in account.get("dimensions", []):
        if dim.get("scale_low") is not None and dim.get("scale_high") is not None:
            low, high = int(dim["scale_low"]), int(dim["scale_high"])
            agree = dim.get("agree_min")
            if agree is None:
                agree = Scale("dimension", low, high, {}).agree_min
            return Thresholds(low, high, int(agree), float(dim.get("band") or DEFAULT_BAND))
    return Thresholds(1, 5, Scale("dimension", 1, 5, {}).agree_min, DEFAULT_BAND)


def compared(account: dict) -> list[dict]:
    """Dimensions with a gap, i.e. with usable answers on both sides."""
    return [d for d in account.get("dimensions", []) if d.get("gap") is not None]


def _names(dims: list[dict]) -> str:
    names = [d["label"].lower() for d in dims]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def how_sure(account: dict) -> dict:
    """How far apart and how sure: gaps that matter, split into supported and indicative."""
    dims = compared(account)
    material = [d for d in dims if d.get("class") in (codes.OVER_ESTIMATION,
                                                      codes.UNDER_ESTIMATION)]
    supported = [d for d in material if d.get("support") == codes.SUPPORTED]
    indicative = [d for d in material if d.get("support") != codes.SUPPORTED]
    over = [d for d in dims if d.get("class") == codes.OVER_ESTIMATION]
    under = [d for d in dims if d.get("class") == codes.UNDER_ESTIMATION]
    agree = [d for d in dims if d.get("class") == codes.AGREEMENT]
    return {"dimensions": len(dims), "material": material, "supported": supported,
            "indicative": indicative, "over": over, "under": under, "agreement": agree,
            "tested": sum(1 for d in dims if d.get("p_value") is not None)}


def direction_sentence(account: dict, vendor: str) -> str:
    """Who sees the relationship more favourably, counted in the analysis classes."""
    sure = how_sure(account)
    total = sure["dimensions"]
    if not total:
        return ""
    parts = [f"{len(sure['over'])} more favourably than {account['account']} does"]
    if sure["under"]:
        parts.append(f"{len(sure['under'])} less favourably")
    if sure["agreement"]:
        parts.append(f"{len(sure['agreement'])} about the same")
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return (f"Of the {plural(total, 'dimension')} compared, {vendor}'s team rates {listed} "
            "(a difference of more than half a standard deviation counts).")


def certainty_sentence(account: dict) -> str:
    """The number of supported and indicative gaps, and what each word means."""
    sure = how_sure(account)
    material, supported, indicative = sure["material"], sure["supported"], sure["indicative"]
    if not material:
        return ("No dimension shows a gap of more than half a standard deviation: the two views "
                "broadly agree.")
    text = (f"{plural(len(material), 'dimension')} {'shows' if len(material) == 1 else 'show'} "
            f"a gap of more than half a standard deviation: {len(supported)} supported and "
            f"{len(indicative)} indicative. ")
    if supported:
        text += (f"Supported, unlikely to be chance: {_names(supported)}. ")
    if indicative:
        text += (f"Indicative, pointing one way but from too few answers to rule out chance: "
                 f"{_names(indicative)}.")
    return text.strip()


def superior_counts(account: dict) -> dict | None:
    """'3 of 4 of your team vs 0 of 5 customers' for the superior-experience headline."""
    sup = account.get("superior_experience")
    if not sup or any(sup.get(k) is None for k in ("x_vendor", "n_vendor", "x_customer",
                                                    "n_customer")):
        return None
    return {"vendor": f"{sup['x_vendor']:.0f} of {sup['n_vendor']}",
            "customer": f"{sup['x_customer']:.0f} of {sup['n_customer']}"}


def widest(account: dict) -> dict | None:
    """The dimension with the largest vendor over-estimation."""
    dims = compared(account)
    return max(dims, key=lambda d: d["gap"]) if dims else None


def quadrant_groups(account: dict) -> dict[str, list[dict]]:
    """Dimensions per quadrant, as the analysis placed them."""
    groups: dict[str, list[dict]] = {q: [] for q in QUADRANTS}
    for dim in compared(account):
        if dim.get("quadrant") in groups:
            groups[dim["quadrant"]].append(dim)
    return groups


def untested(account: dict) -> list[dict]:
    """Dimensions compared but not tested (too few answers for an exact test to reach .05)."""
    return [d for d in compared(account) if d.get("p_value") is None]


def respondents_phrase(account: dict, vendor: str) -> str:
    """'4 customer contacts and 5 Northwind staff', with correct plurals."""
    counts = account.get("respondents") or {}
    return (f"{plural(counts.get('customer', 0), 'customer contact')} and "
            f"{counts.get('vendor', 0)} {vendor} staff")


def status_phrase(account: dict) -> str:
    """The account's data status in words an executive can read (never a status code)."""
    status = account.get("status") or ""
    if status.startswith(codes.THIN):
        return ("Only one person answered on at least one side: read the comparisons as one "
                "person's view.")
    if status.startswith(codes.INSUFFICIENT_DATA) or status.startswith("insufficient"):
        return "Too few usable answers to compare the two views yet."
    if status.startswith(codes.COUNTS_ONLY) or status.startswith("counts"):
        return "Fewer answers than the confidentiality minimum on a side: counts only."
    return ""


def _field(row: dict, name: str, old: str):
    """A field under its documented name, or the short name older results used."""
    value = row.get(name)
    return row.get(old) if value is None else value


def priority_rows(account: dict) -> list[dict]:
    """Priorities with dimension names and importance/performance under one spelling."""
    labels = {d["unit"]: d["label"] for d in account.get("dimensions", [])}
    return [{"unit": p["unit"], "label": labels.get(p["unit"], p["unit"]),
             "importance": _field(p, "importance", "I"),
             "performance": _field(p, "performance", "P"),
             "priority": p.get("priority"), "quadrant": p.get("quadrant"),
             "importance_source": p.get("importance_source")}
            for p in account.get("priorities", [])]
