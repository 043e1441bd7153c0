"""Did it work? Each verdict of ``analysis.verdicts`` against figures computed independently
(SciPy's Welch test, a hand-written Welch–Satterthwaite sum, SciPy's exact permutation test)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from vocgap.analysis import verdicts as v


def row(unit: str, vendor: list[float], customer: list[float], *, low=1, high=5) -> dict:
    """One comparison row as the analysis JSON has it."""
    out = {"unit": unit, "scale_low": low, "scale_high": high}
    for side, values in (("vendor", vendor), ("customer", customer)):
        a = np.asarray(values, dtype=float)
        out[f"n_{side}"] = len(a)
        out[f"mean_{side}"] = float(a.mean()) if len(a) else None
        out[f"var_{side}"] = float(a.var(ddof=1)) if len(a) >= 2 else None
    out["gap"] = (out["mean_vendor"] - out["mean_customer"]) if len(vendor) and len(
        customer) else None
    return out


def account(*rows: dict, stage=None, power_map=None) -> dict:
    return {"dimensions": list(rows), "items": [], "stage": stage or {"sides": {}, "gap": None},
            "power_map": power_map or []}


def judge(then_rows, now_rows, **kwargs):
    return v.judge("dimension", account(then_rows), account(now_rows), unit="trust", **kwargs)


def welch(now, then):
    return stats.ttest_ind(now, then, equal_var=False).confidence_interval(0.95)


def test_improved_when_the_customers_score_rose_beyond_its_interval():
    """Is a customer score that rose from 2.5 to 4.5 (n = 4 each) called improved, with SciPy's
    Welch interval of the change?"""
    then = row("trust", [4, 4, 5, 5], [2, 2, 3, 3])
    now = row("trust", [4, 5, 5, 4], [4, 4, 5, 5])
    found = judge(then, now)
    assert (found["verdict"], found["reason"]) == (v.IMPROVED, v.CUSTOMER_SCORE_ROSE)
    score = found["measures"][0]
    ci = welch([4, 4, 5, 5], [2, 2, 3, 3])
    assert score["change"] == pytest.approx(2.0)
    assert (score["ci_low"], score["ci_high"]) == pytest.approx((ci.low, ci.high), abs=1e-12)
    assert score["ci_low"] == pytest.approx(1.001052, abs=1e-6)


def test_worse_when_the_customers_score_fell():
    """A fall from 2.5 to 1.25 with an interval below zero is worse."""
    then = row("trust", [4, 4, 5, 5], [2, 2, 3, 3])
    now = row("trust", [4, 4, 5, 5], [1, 1, 1, 2])
    found = judge(then, now)
    assert (found["verdict"], found["reason"]) == (v.WORSE, v.CUSTOMER_SCORE_FELL)
    ci = welch([1, 1, 1, 2], [2, 2, 3, 3])
    assert found["measures"][0]["ci_high"] == pytest.approx(ci.high, abs=1e-12) and ci.high < 0


def test_no_detectable_change_when_both_intervals_include_zero():
    then = row("trust", [4, 5, 4, 5], [2, 3, 3, 2])
    now = row("trust", [5, 4, 4, 4], [3, 2, 2, 3])
    found = judge(then, now)
    assert (found["verdict"], found["reason"]) == (v.NO_CHANGE, v.INTERVALS_INCLUDE_ZERO)


def satterthwaite(groups):
    """Interval of (m1 − m2) − (m3 − m4) written out from the textbook formula."""
    parts = [(np.var(g, ddof=1) / len(g), len(g)) for g in groups]
    se2 = sum(a for a, _ in parts)
    df = se2 ** 2 / sum(a * a / (n - 1) for a, n in parts)
    change = (np.mean(groups[0]) - np.mean(groups[1])) - (np.mean(groups[2]) - np.mean(groups[3]))
    half = stats.t.ppf(0.975, df) * math.sqrt(se2)
    return change - half, change + half


def test_improved_when_the_gap_narrowed_towards_zero_though_customers_did_not_move():
    """The vendor team's over-estimation shrank from 2.25 to 0.25 points: improved, with the
    Welch–Satterthwaite interval of the change of the gap."""
    groups = ([3, 3, 2, 3], [2, 3, 3, 2], [5, 5, 5, 4], [2, 3, 2, 3])
    then, now = row("trust", groups[2], groups[3]), row("trust", groups[0], groups[1])
    found = judge(then, now)
    assert (found["verdict"], found["reason"]) == (v.IMPROVED, v.GAP_NARROWED)
    gap = found["measures"][1]
    assert (gap["then"], gap["now"], gap["change"]) == pytest.approx((2.25, 0.25, -2.0))
    assert (gap["ci_low"], gap["ci_high"]) == pytest.approx(satterthwaite(groups), abs=1e-12)


def test_worse_when_the_gap_widened():
    groups = ([5, 5, 5, 4], [2, 3, 2, 3], [3, 3, 2, 3], [2, 3, 3, 2])
    found = judge(row("trust", groups[2], groups[3]), row("trust", groups[0], groups[1]))
    assert (found["verdict"], found["reason"]) == (v.WORSE, v.GAP_WIDENED)


@pytest.mark.parametrize(("now", "reason"), [
    (row("trust", [4, 5], [3]), v.TOO_FEW_ANSWERS),
    (row("trust", [4, 4], [3, 3]) | {"var_customer": 0.0}, v.UNANIMOUS),
    (row("trust", [4, 5, 4], []), v.NO_ANSWERS_NOW),
    (row("trust", [4, 5, 4], [3, 4]) | {"mean_customer": None, "var_customer": None,
                                         "gap": None}, v.BELOW_MIN_GROUP),
])
def test_cannot_tell_yet_names_the_gate_that_failed(now, reason):
    """Too few answers, no variance, none yet, or withheld by the confidentiality minimum."""
    then = row("trust", [4, 4, 4], [3, 3, 3])
    found = judge(then, now)
    assert (found["verdict"], found["reason"]) == (v.CANNOT_TELL, reason)


def test_cannot_tell_yet_when_the_later_wave_does_not_measure_it():
    then = account(row("trust", [4, 5, 4], [2, 3, 3]))
    assert v.judge("dimension", then, account(), unit="trust")["reason"] == v.NOT_MEASURED_NOW
    assert v.judge("dimension", account(), then, unit="trust")["reason"] == v.NOT_MEASURED_THEN


def stage(customer: list[int], vendor_median: int | None = None, gap=None) -> dict:
    counts = np.bincount(customer, minlength=4).tolist()
    sides = {"customer": {"n": len(customer), "median": int(np.quantile(customer, .5,
                                                                        method="lower")),
                          "distribution": counts}}
    return {"sides": sides, "gap": gap}


def test_stage_verdict_uses_the_exact_tie_conditional_test():
    """Customers' stages 0,0,0,1,1 then 2,2,3,2,2: improved, with SciPy's exact p."""
    old, new = [0, 0, 0, 1, 1], [2, 2, 3, 2, 2]
    found = v.judge("stage", account(stage=stage(old, gap=2)), account(stage=stage(new, gap=0)))
    assert (found["verdict"], found["reason"]) == (v.IMPROVED, v.STAGE_ROSE)
    expected = stats.mannwhitneyu(new, old, method=stats.PermutationMethod(
        n_resamples=np.inf)).pvalue
    assert found["measures"][0]["p_value"] == pytest.approx(expected, abs=1e-12)
    assert found["measures"][1]["then"] == 2 and found["measures"][1]["now"] == 0
    back = v.judge("stage", account(stage=stage(new)), account(stage=stage(old)))
    assert back["verdict"] == v.WORSE


def test_stage_verdict_is_withheld_when_too_few_to_test():
    """Two customers a wave cannot reach p ≤ .05: cannot tell yet (gate G2)."""
    found = v.judge("stage", account(stage=stage([0, 1])), account(stage=stage([3, 3])))
    assert (found["verdict"], found["reason"]) == (v.CANNOT_TELL, v.TOO_FEW_TO_TEST)
    same = v.judge("stage", account(stage=stage([1, 1, 2, 1, 2])),
                   account(stage=stage([1, 2, 1, 1, 2])))
    assert same["verdict"] == v.NO_CHANGE


def contact_row(contact, self_view, vendor_view="champion"):
    return {"contact": contact, "self_view": self_view, "vendor_view": vendor_view}


@pytest.mark.parametrize(("before", "after", "expected"), [
    ("blocker", "champion", v.IMPROVED), ("detractor", "undecided", v.IMPROVED),
    ("champion", "blocker", v.WORSE), ("blocker", "detractor", v.NO_CHANGE),
    ("blocker", "unknown", v.CANNOT_TELL)])
def test_contact_verdict_follows_their_own_stance(before, after, expected):
    then = account(power_map=[contact_row(7, before)])
    now = account(power_map=[contact_row(7, after), contact_row(8, "champion")])
    assert v.judge("contact", then, now, contact=7)["verdict"] == expected


def test_contact_verdict_is_never_given_in_the_vendor_edition():
    """A contact's own answers are the consultant's only: the vendor edition withholds it."""
    then = account(power_map=[contact_row(7, "blocker")])
    now = account(power_map=[contact_row(7, "champion")])
    found = v.judge("contact", then, now, contact=7, edition="vendor")
    assert found == {"verdict": v.WITHHELD, "reason": v.CONTACT_CONFIDENTIAL, "measures": []}
    erased = v.judge("contact", then, now, contact=None)
    assert erased["reason"] == v.CONTACT_GONE
