"""Words for verdicts, their reasons and the measures behind them, in one place for pages and
reports."""

from __future__ import annotations

from ..analysis import verdicts as v

VERDICT_WORDS = {
    v.IMPROVED: "Improved",
    v.NO_CHANGE: "No detectable change",
    v.WORSE: "Worse",
    v.CANNOT_TELL: "Cannot tell yet",
    v.WITHHELD: "Not shown in this edition",
}

REASON_WORDS = {
    v.NO_LATER_WAVE: "measured again in the next wave",
    v.WAVE_NOT_STARTED: "wave {now} has not started yet",
    v.NOT_MEASURED_THEN: "it was not measured in wave {then}",
    v.NOT_MEASURED_NOW: "wave {now} does not measure it",
    v.NO_ANSWERS_NOW: "no customer has answered it in wave {now} yet",
    v.TOO_FEW_ANSWERS: "too few answers for an interval (two a side in each wave are needed)",
    v.UNANIMOUS: "everyone gave the same answer, so there is no interval",
    v.BELOW_MIN_GROUP: "fewer than {min_group} answers behind a figure: confidential",
    v.TOO_FEW_TO_TEST: "too few answers for the exact test to reach p ≤ .05",
    v.CONTACT_GONE: "the contact is no longer in the study",
    v.CONTACT_SILENT: "the contact has not described themselves in wave {now}",
    v.CONTACT_CONFIDENTIAL: "one person's own answers stay with the research team",
    v.CUSTOMER_SCORE_ROSE: "the customers' score rose beyond its 95% interval",
    v.CUSTOMER_SCORE_FELL: "the customers' score fell beyond its 95% interval",
    v.GAP_NARROWED: "the gap between the two views narrowed beyond its 95% interval",
    v.GAP_WIDENED: "the gap between the two views widened beyond its 95% interval",
    v.INTERVALS_INCLUDE_ZERO: "both 95% intervals of the change include zero",
    v.STAGE_ROSE: "customers place the relationship at a later stage (exact test)",
    v.STAGE_FELL: "customers place the relationship at an earlier stage (exact test)",
    v.STAGE_NOT_DIFFERENT: "the customers' stages do not differ detectably (exact test)",
    v.STANCE_UP: "the contact now describes themselves as more supportive",
    v.STANCE_DOWN: "the contact now describes themselves as less supportive",
    v.STANCE_SAME: "the contact describes themselves as before",
}

MEASURE_WORDS = {
    "customer_score": "Customers' score",
    "gap": "Gap (vendor − customer)",
    "customer_stage": "Customers' stage",
    "stage_gap": "Stage gap (vendor − customer)",
    "self_view": "The contact says",
    "vendor_view": "Vendor staff believe",
}


def reason_words(reason: str | None, *, then: int | None = None, now: int | None = None,
                 min_group: int = 3) -> str:
    """The reason in words, with the waves and the confidentiality minimum filled in."""
    text = REASON_WORDS.get(reason or "", reason or "")
    return text.format(then=then if then is not None else "?", now=now if now is not None
                       else "?", min_group=min_group)


def worded(found: dict, *, then: int | None, now: int | None, min_group: int,
           provisional: bool = False) -> dict:
    """A verdict from ``analysis.verdicts`` with its words, ready for a template."""
    # A measure with nothing to show (withheld or not answered in either wave) is left out:
    # the reason already says why.
    measures = [{**m, "name": MEASURE_WORDS.get(m["measure"], m["measure"]),
                 "note_words": reason_words(m.get("note"), then=then, now=now,
                                            min_group=min_group) if m.get("note") else ""}
                for m in found["measures"]
                if m.get("then") is not None and m.get("now") is not None]
    return {**found, "measures": measures, "label": VERDICT_WORDS[found["verdict"]],
            "because": reason_words(found["reason"], then=then, now=now, min_group=min_group),
            "then_wave": then, "now_wave": now, "provisional": provisional}
