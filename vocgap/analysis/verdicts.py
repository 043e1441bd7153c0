"""Did it work? One action's linked measure in the wave it came from against a later wave.

Works on two waves' analysis results for one account (the ``accounts[]`` objects of the JSON
schema, in the same edition), so the vendor edition's blanks and every gate travel with them:

- dimension or item: the customers' score then vs now (Welch interval of the change, gate G3 on
  both waves) and the gap then vs now (the Welch–Satterthwaite interval of a difference of two
  independent gaps, the same gate on all four groups);
- stage: the customers' stages then vs now by the exact tie-conditional permutation test, shown
  only where the tie pattern can reach p ≤ .05 (gate G2);
- contact: how the contact describes their own stance then vs now (one person: no statistics,
  and never in the vendor edition, which names nobody's answers).

Waves are treated as independent samples even when the same people answer twice: their
covariance is positive in practice, so the intervals are wider than a paired one, never narrower.

References
----------
Welch, B. L. (1947). The generalisation of Student's problem when several different population
variances are involved. Biometrika 34.
Satterthwaite, F. E. (1946). An approximate distribution of estimates of variance components.
Biometrics Bulletin 2.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from .effects import welch_ci
from .exact import wmw_exact

__all__ = ["judge", "gap_change_ci", "IMPROVED", "NO_CHANGE", "WORSE", "CANNOT_TELL", "WITHHELD",
           "VERDICTS"]

ALPHA = 0.05

# Verdicts.
IMPROVED = "improved"
NO_CHANGE = "no_detectable_change"
WORSE = "worse"
CANNOT_TELL = "cannot_tell_yet"
WITHHELD = "withheld"  # vendor edition: rests on one person's own answers
VERDICTS = (IMPROVED, NO_CHANGE, WORSE, CANNOT_TELL, WITHHELD)

# Why a verdict cannot be given yet (or which measure moved).
NO_LATER_WAVE = "no_later_wave"
WAVE_NOT_STARTED = "wave_not_started"
NOT_MEASURED_THEN = "not_measured_then"
NOT_MEASURED_NOW = "not_measured_now"
NO_ANSWERS_NOW = "no_answers_now"
TOO_FEW_ANSWERS = "too_few_answers"
UNANIMOUS = "unanimous"
BELOW_MIN_GROUP = "below_min_group"
TOO_FEW_TO_TEST = "too_few_to_test"
CONTACT_GONE = "contact_gone"
CONTACT_SILENT = "contact_did_not_answer"
CONTACT_CONFIDENTIAL = "contact_confidential"
CUSTOMER_SCORE_ROSE = "customer_score_rose"
CUSTOMER_SCORE_FELL = "customer_score_fell"
GAP_NARROWED = "gap_narrowed"
GAP_WIDENED = "gap_widened"
INTERVALS_INCLUDE_ZERO = "intervals_include_zero"
STAGE_ROSE = "stage_rose"
STAGE_FELL = "stage_fell"
STAGE_NOT_DIFFERENT = "stage_not_different"
STANCE_UP = "stance_up"
STANCE_DOWN = "stance_down"
STANCE_SAME = "stance_same"

# A contact's own stance, from resisting to supporting us (docs/methods.md, power map).
SUPPORT_RANK = {"blocker": 0, "detractor": 0, "undecided": 1, "influencer": 2, "champion": 2}


def _num(value) -> float:
    return float(value) if value is not None and not (
        isinstance(value, float) and math.isnan(value)) else float("nan")


def _finite(*values: float) -> bool:
    return all(np.isfinite(v) for v in values)


def _clean(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def verdict(code: str, reason: str, measures: list[dict] | None = None) -> dict:
    """A verdict with the code of its reason and the numbers behind it."""
    return {"verdict": code, "reason": reason, "measures": measures or []}


def gap_change_ci(now: dict, then: dict, span: float, level: float = 0.95
                  ) -> tuple[float, float, float]:
    """Interval of gap_now − gap_then from the four groups' n, mean and variance.

    se² = Σ s²ᵢ/nᵢ over vendor and customer in both waves; the degrees of freedom by
    Welch–Satterthwaite, Σ(s²ᵢ/nᵢ)² /(nᵢ − 1) in the denominator. NaN unless every group has
    two or more answers and some variance (gate G3); clipped to ±2·span, the change's range.
    """
    parts = []
    for row in (now, then):
        for side in ("vendor", "customer"):
            n, var = _num(row.get(f"n_{side}")), _num(row.get(f"var_{side}"))
            if not _finite(n, var) or n < 2:
                return float("nan"), float("nan"), float("nan")
            parts.append((var / n, n))
    se2 = sum(a for a, _ in parts)
    if se2 <= 0:
        return float("nan"), float("nan"), float("nan")
    df = se2 ** 2 / sum(a ** 2 / (n - 1) for a, n in parts)
    half = stats.t.ppf(0.5 + level / 2, df) * math.sqrt(se2)
    change = _num(now.get("gap")) - _num(then.get("gap"))
    limit = 2 * span
    return (float(np.clip(change - half, -limit, limit)),
            float(np.clip(change + half, -limit, limit)), float(df))


def _gate_reason(rows: tuple[dict, dict], sides: tuple[str, ...]) -> str:
    """Why an interval over these sides of both waves cannot be drawn."""
    for row in rows:
        for side in sides:
            if row.get(f"mean_{side}") is None and (row.get(f"n_{side}") or 0) > 0:
                return BELOW_MIN_GROUP
    for row in rows:
        for side in sides:
            if (row.get(f"n_{side}") or 0) < 2:
                return TOO_FEW_ANSWERS
    return UNANIMOUS


def _compared(then: dict, now: dict) -> dict:
    """Customer score and gap, then and now, with the intervals of their changes."""
    span = _num(now.get("scale_high")) - _num(now.get("scale_low"))
    span = span if np.isfinite(span) else _num(then.get("scale_high")) - _num(
        then.get("scale_low"))
    c_now, c_then = _num(now.get("mean_customer")), _num(then.get("mean_customer"))
    low, high, _ = welch_ci(c_now, _num(now.get("var_customer")), _num(now.get("n_customer")),
                            c_then, _num(then.get("var_customer")),
                            _num(then.get("n_customer")), span)
    low, high = float(low), float(high)
    customer = {"measure": "customer_score", "then": _clean(c_then), "now": _clean(c_now),
                "change": _clean(c_now - c_then), "ci_low": _clean(low), "ci_high": _clean(high),
                "n_then": int(then.get("n_customer") or 0),
                "n_now": int(now.get("n_customer") or 0),
                "note": None if np.isfinite(low) else _gate_reason((then, now), ("customer",))}
    g_now, g_then = _num(now.get("gap")), _num(then.get("gap"))
    g_low, g_high, _ = gap_change_ci(now, then, span)
    gap = {"measure": "gap", "then": _clean(g_then), "now": _clean(g_now),
           "change": _clean(g_now - g_then), "ci_low": _clean(g_low), "ci_high": _clean(g_high),
           "n_then": int(then.get("n_vendor") or 0) + int(then.get("n_customer") or 0),
           "n_now": int(now.get("n_vendor") or 0) + int(now.get("n_customer") or 0),
           "note": None if np.isfinite(g_low) else _gate_reason((then, now),
                                                                ("vendor", "customer"))}
    return {"customer": customer, "gap": gap}


def judge_comparison(then: dict | None, now: dict | None) -> dict:
    """The verdict for a dimension or item: the customers' score decides when it moved beyond
    its interval; otherwise the gap does (narrowed towards zero = improved); otherwise, with an
    interval on either, no detectable change."""
    if then is None or then.get("n_customer") in (None, 0):
        return verdict(CANNOT_TELL, NOT_MEASURED_THEN)
    if now is None:
        return verdict(CANNOT_TELL, NOT_MEASURED_NOW)
    if not now.get("n_customer"):
        return verdict(CANNOT_TELL, NO_ANSWERS_NOW)
    found = _compared(then, now)
    customer, gap = found["customer"], found["gap"]
    measures = [customer, gap]
    if customer["ci_low"] is not None and customer["ci_low"] > 0:
        return verdict(IMPROVED, CUSTOMER_SCORE_ROSE, measures)
    if customer["ci_high"] is not None and customer["ci_high"] < 0:
        return verdict(WORSE, CUSTOMER_SCORE_FELL, measures)
    if gap["ci_low"] is not None:
        excludes_zero = gap["ci_low"] > 0 or gap["ci_high"] < 0
        smaller = abs(gap["now"]) < abs(gap["then"])
        toward_zero = (gap["then"] > 0 and gap["ci_high"] < 0) or (
            gap["then"] < 0 and gap["ci_low"] > 0)
        if toward_zero and smaller:
            return verdict(IMPROVED, GAP_NARROWED, measures)
        if excludes_zero and abs(gap["now"]) > abs(gap["then"]):
            return verdict(WORSE, GAP_WIDENED, measures)
    if customer["ci_low"] is not None or gap["ci_low"] is not None:
        return verdict(NO_CHANGE, INTERVALS_INCLUDE_ZERO, measures)
    return verdict(CANNOT_TELL, customer["note"] or gap["note"], measures)


def _stage_side(account: dict | None, side: str) -> dict | None:
    return ((account or {}).get("stage") or {}).get("sides", {}).get(side)


def _stage_values(side: dict) -> np.ndarray:
    """The stage answers (0–3) a distribution of counts stands for."""
    return np.repeat(np.arange(4, dtype=float), [int(c) for c in side["distribution"]])


def judge_stage(then: dict | None, now: dict | None) -> dict:
    """The customers' stages then vs now (exact test, gate G2); the stage gap for context."""
    before, after = _stage_side(then, "customer"), _stage_side(now, "customer")
    if before is None or not before.get("n"):
        return verdict(CANNOT_TELL, NOT_MEASURED_THEN)
    if after is None or not after.get("n"):
        return verdict(CANNOT_TELL, NO_ANSWERS_NOW)
    stage_gap = {"measure": "stage_gap", "then": ((then or {}).get("stage") or {}).get("gap"),
                 "now": ((now or {}).get("stage") or {}).get("gap"), "note": None}
    if before.get("distribution") is None or after.get("distribution") is None:
        stage = {"measure": "customer_stage", "then": None, "now": None,
                 "n_then": before["n"], "n_now": after["n"], "p_value": None,
                 "note": BELOW_MIN_GROUP}
        return verdict(CANNOT_TELL, BELOW_MIN_GROUP, [stage, stage_gap])
    old, new = _stage_values(before), _stage_values(after)
    _, p, min_p = wmw_exact(new, old)
    testable = min_p <= ALPHA
    stage = {"measure": "customer_stage", "then": before.get("median"),
             "now": after.get("median"), "mean_then": float(old.mean()),
             "mean_now": float(new.mean()), "n_then": int(before["n"]), "n_now": int(after["n"]),
             "p_value": p if testable else None, "note": None if testable else TOO_FEW_TO_TEST}
    measures = [stage, stage_gap]
    if not testable:
        return verdict(CANNOT_TELL, TOO_FEW_TO_TEST, measures)
    if p <= ALPHA:
        rose = (new[:, None] > old).sum() > (new[:, None] < old).sum()
        return verdict(IMPROVED if rose else WORSE, STAGE_ROSE if rose else STAGE_FELL,
                       measures)
    return verdict(NO_CHANGE, STAGE_NOT_DIFFERENT, measures)


def _contact_row(account: dict | None, contact: int) -> dict | None:
    for row in (account or {}).get("power_map") or []:
        if row.get("contact") == contact:
            return row
    return None


def judge_contact(then: dict | None, now: dict | None, contact: int | None,
                  edition: str = "consultant") -> dict:
    """How the contact describes their own stance then vs now (consultant edition only)."""
    if edition != "consultant":
        return verdict(WITHHELD, CONTACT_CONFIDENTIAL)
    if contact is None:
        return verdict(CANNOT_TELL, CONTACT_GONE)
    before, after = _contact_row(then, contact), _contact_row(now, contact)
    measures = [{"measure": "self_view", "then": (before or {}).get("self_view"),
                 "now": (after or {}).get("self_view"), "note": None},
                {"measure": "vendor_view", "then": (before or {}).get("vendor_view"),
                 "now": (after or {}).get("vendor_view"), "note": None}]
    old = SUPPORT_RANK.get((before or {}).get("self_view") or "")
    new = SUPPORT_RANK.get((after or {}).get("self_view") or "")
    if old is None:
        return verdict(CANNOT_TELL, NOT_MEASURED_THEN, measures)
    if new is None:
        return verdict(CANNOT_TELL, CONTACT_SILENT, measures)
    if new > old:
        return verdict(IMPROVED, STANCE_UP, measures)
    if new < old:
        return verdict(WORSE, STANCE_DOWN, measures)
    return verdict(NO_CHANGE, STANCE_SAME, measures)


def _unit_row(account: dict | None, finding: str, unit: str | None) -> dict | None:
    key = "dimensions" if finding == "dimension" else "items"
    for row in (account or {}).get(key) or []:
        if row.get("unit") == unit:
            return row
    return None


def judge(finding: str, then: dict | None, now: dict | None, *, unit: str | None = None,
          contact: int | None = None, edition: str = "consultant") -> dict:
    """The verdict for one action: ``then`` and ``now`` are the account's results in the wave
    the action came from and in the later wave (the same edition), or None where absent.

    Returns ``{"verdict", "reason", "measures"}``; ``measures`` hold the numbers behind it
    (then, now, change, 95% interval or exact p, counts, and a gate note where one failed).
    """
    if finding in ("dimension", "item"):
        return judge_comparison(_unit_row(then, finding, unit), _unit_row(now, finding, unit))
    if finding == "stage":
        return judge_stage(then, now)
    if finding == "contact":
        return judge_contact(then, now, contact, edition)
    raise ValueError(f"unknown finding {finding!r}")
