"""Recommendations written from an account's findings, in the terms of the source documents."""

from __future__ import annotations

from ..analysis.codes import (
    BELOW_MIN_GROUP,
    BLIND_SPOT,
    HIDDEN_STRENGTH,
    INSUFFICIENT_DATA,
    SUPPORTED,
)
from .findings import STAGE_NAMES as STAGES
from .findings import an
from .formatting import plural

# What to do when the vendor overrates a dimension (a blind spot), per dimension.
BLIND_SPOT_ADVICE = {
    "trust": "Customers do not yet trust you to do the right thing for them as much as your team "
             "believes. Keep every promise visibly and own mistakes openly before asking for more.",
    "alignment": "Your team thinks its work fits the customer's priorities; the customer is less "
                 "sure. Re-establish their business priorities before proposing anything new, "
                 "and stop pushing what you want to sell.",
    "value": "The customer cannot put a figure on what you add to their bottom line. Translate "
             "your benefits into their currency, with their own numbers, before the next "
             "renewal or price discussion.",
    "resolution": "Problems the customer raises do not end as well as you think. Review how "
                  "customer-initiated issues are handled end to end; this builds relationships "
                  "more than any proactive contact.",
    "contacts": "Contacts feel less valuable to the customer than to your team. Make every "
                "contact add value and check the frequency: over-contacting wastes their time "
                "and hurts the relationship.",
    "breadth": "The relationship rests on fewer people than you think. Build working "
               "relationships across several departments so it survives a key person leaving.",
    "expectations": "Expectations are not as clear or as well met as your team believes. Agree "
                    "explicitly what will be delivered and when, and watch for under-management.",
    "partnership": "The customer does not experience the partnership you describe. Start with "
                   "one jointly planned initiative and be open about problems, including your "
                   "own.",
}


def _signed(value: float) -> str:
    return f"{round(value):+d}".replace("-", "−")


def _blind_spot(dim: dict) -> dict:
    certainty = "" if dim.get("support") == SUPPORTED else " (indicative: few answers)"
    return {"title": f"Blind spot: {dim['label'].lower()}{certainty}",
            "text": BLIND_SPOT_ADVICE[dim["unit"]], "source": dim["label"]}


def recommendations(account: dict, min_group: int) -> list[dict]:
    """Up to eight findings-led recommendations, most important first, each with its reason."""
    out: list[dict] = []
    if account["status"] == INSUFFICIENT_DATA or account.get("confidential"):
        return [{"title": "Hear more voices before acting",
                 "text": "Too few people answered on at least one side to compare views. "
                         "Follow up with the customer contacts and account team who have not "
                         "answered, starting with the buyers.", "source": "Methods"}]
    sup = account.get("superior_experience") or {}
    if all(sup.get(k) is not None for k in ("share_vendor", "share_customer", "x_vendor",
                                             "x_customer")) and (
        sup["share_vendor"] - sup["share_customer"] >= 0.3
    ):
        out.append({"title": "Close the delivery gap",
                    "text": f"{sup['x_vendor']:.0f} of {sup['n_vendor']} of your staff "
                            f"({round(100 * sup['share_vendor'])}%) believe you deliver a "
                            f"superior experience; {sup['x_customer']:.0f} of {sup['n_customer']} "
                            f"of the customer's people ({round(100 * sup['share_customer'])}%) "
                            "agree. Treat the customer's view as the measure of the experience.",
                    "source": "Bain & Company's delivery gap"})
    stage = account.get("stage") or {}
    sides = stage.get("sides") or {}
    if stage.get("gap") and stage["gap"] > 0 and "customer" in sides and "vendor" in sides:
        seen, believed = STAGES[sides["customer"]["median"]], STAGES[sides["vendor"]["median"]]
        out.append({"title": "Agree where the relationship really is",
                    "text": f"The customer sees {an(seen)} relationship where your team "
                            f"sees {an(believed)} one. Manage expectations before "
                            "expanding scope, and plan the next stage together.",
                    "source": "relationship stages"})
    ranked = sorted((d for d in account.get("dimensions", []) if d.get("quadrant")),
                    key=lambda d: -(d.get("gap_z") or 0))
    blind = [_blind_spot(d) for d in ranked
             if d["quadrant"] == BLIND_SPOT and d["unit"] in BLIND_SPOT_ADVICE]
    out.extend(blind[:3])
    misread = [p for p in account.get("power_map", []) if p.get("misread_champion")]
    if misread:
        counted = "counts as a champion says" if len(misread) == 1 else \
            "counts as champions say"
        out.append({"title": "Re-map who drives change",
                    "text": f"{plural(len(misread), 'contact')} your team {counted} they "
                            "resist your offering. Check your access to real "
                            "champions and understand the blockers' legitimate concerns.",
                    "source": "relationship composition (power)"})
    coverage = account.get("coverage") or {}
    if coverage and coverage.get("buyer_heard") is False:  # None: withheld (vendor edition)
        out.append({"title": "Reach the buyers",
                    "text": "No business or technical buyer answered. Relationships tied to "
                            "users evaporate when the buying process changes; extend coverage "
                            "across the buying team.", "source": "relationship coverage"})
    for dim in account.get("dimensions", []):
        if dim.get("quadrant") == HIDDEN_STRENGTH:
            out.append({"title": f"Hidden strength: {dim['label'].lower()}",
                        "text": "The customer rates this higher than your team expects. Keep "
                                "doing it, tell your team, and use it in references.",
                        "source": dim["label"]})
    nps = account.get("recommend") or {}
    if all((nps.get(side) or {}).get("nps") is not None for side in ("customer", "vendor")):
        gap = nps["vendor"]["nps"] - nps["customer"]["nps"]
        if gap >= 30:
            out.append({"title": "Recalibrate the recommend forecast",
                        "text": f"Your team predicts a Net Promoter Score of "
                                f"{_signed(nps['vendor']['nps'])}; the customer's own is "
                                f"{_signed(nps['customer']['nps'])}, on a scale from −100 to "
                                "+100. Use the customer's own score in account planning.",
                        "source": "likelihood to recommend"})
    out.extend(blind[3:])
    withheld = [d for d in account.get("dimensions", []) if d.get("test_note") == BELOW_MIN_GROUP]
    if not out and withheld:
        out.append({"title": "Hear more voices before acting",
                    "text": "Too few customers answered some of the questions to show their "
                            "view here. Follow up with the contacts who answered “don't know” "
                            "or have not answered yet.", "source": "Methods"})
    if not out:
        out.append({"title": "Views are aligned",
                    "text": "Your team reads this customer well. Keep the same level of "
                            "attention and re-measure after any change of key people.",
                    "source": "all dimensions"})
    return out[:8]
