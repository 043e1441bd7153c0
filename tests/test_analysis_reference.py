"""Statistics against docs/methods.md's reference values and independent libraries (tests only)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.multitest import multipletests

from vocgap.analysis.effects import (
    cliffs_delta,
    cronbach_alpha,
    hedges_g,
    magnitude,
    pairs,
    rwg,
    rwg_j,
    welch_ci,
)
from vocgap.analysis.exact import exact_null, signed_rank_p, wmw_exact
from vocgap.analysis.headline import boschloo_p, stance, superior_experience
from vocgap.analysis.portfolio import (
    holm,
    matched_rank_biserial,
    paired_by_dimension,
    stage_agreement,
)

V = np.array([5, 5, 4, 5, 4], dtype=float)
C = np.array([3, 2, 4, 3, 3, 2, 4], dtype=float)
GRID = np.array([[4, 5, 4, 5], [3, 3, 4, 3], [5, 5, 5, 4], [2, 3, 2, 3], [4, 4, 3, 4],
                 [3, 2, 3, 3]], dtype=float)


def test_vector_a_exact_test():
    """Does the tie-correct exact test give .015152 (not scipy-exact's .010101)?"""
    u, p, min_p = wmw_exact(V, C)
    assert u == 33
    assert p == pytest.approx(0.015152, abs=5e-7)
    assert min_p == pytest.approx(0.002525, abs=5e-7)
    reference = stats.mannwhitneyu(V, C, method=stats.PermutationMethod(n_resamples=np.inf))
    assert p == pytest.approx(reference.pvalue, abs=1e-12)
    assert stats.mannwhitneyu(V, C, method="exact").pvalue == pytest.approx(0.010101, abs=5e-7)


def test_vector_a_effect_sizes_and_interval():
    gt, eq, lt = pairs(V[None, :], C[None, :])
    assert (gt[0], eq[0], lt[0]) == (31, 4, 0)
    delta = cliffs_delta(gt, lt, 5, 7)[0]
    assert delta == pytest.approx(0.885714, abs=5e-7)
    assert delta == pytest.approx(pg.mwu(V, C)["RBC"].iloc[0], abs=1e-12)
    assert magnitude(delta) == "large"
    low, high, df = welch_ci(V.mean(), V.var(ddof=1), 5, C.mean(), C.var(ddof=1), 7, 4)
    assert (float(low), float(high)) == pytest.approx((0.722017, 2.477983), abs=5e-7)
    ci = stats.ttest_ind(V, C, equal_var=False).confidence_interval(0.95)
    assert (float(low), float(high)) == pytest.approx((ci.low, ci.high), abs=1e-12)
    assert float(df) == pytest.approx(9.992415, abs=5e-7)
    g = hedges_g(V.mean(), V.var(ddof=1), 5, C.mean(), C.var(ddof=1), 7)
    assert float(g) == pytest.approx(2.048124, abs=5e-7)
    assert float(g) == pytest.approx(pg.compute_effsize(V, C, eftype="hedges"), abs=1e-9)
    assert float(rwg(V.var(ddof=1), 5, 5)) == pytest.approx(0.85)
    assert float(rwg(C.var(ddof=1), 7, 5)) == pytest.approx(0.666667, abs=5e-7)


def test_magnitude_labels_follow_romano():
    assert [magnitude(x) for x in (0.1, 0.146, 0.147, 0.329, 0.33, 0.473, 0.474, -0.9)] == [
        "negligible", "negligible", "small", "small", "medium", "medium", "large", "large"]


def test_vector_b_headline_proportions():
    """8 of 10 vendor staff vs 8 of 100 customers: Newcombe CI and Boschloo p."""
    rows = [("A", "vendor", f"v{i}", "superior_experience", 5.0 if i < 8 else 2.0)
            for i in range(10)]
    rows += [("A", "customer", f"c{i}", "superior_experience", 4.0 if i < 8 else 2.0)
             for i in range(100)]
    from vocgap.instruments import load_instrument

    from .conftest import ROOT

    instrument = load_instrument(ROOT / "surveys" / "b2b-relationship.yaml")
    frame = pd.DataFrame(rows, columns=["account", "side", "respondent", "item", "value"])
    out = superior_experience(frame, instrument).iloc[0]
    assert (out.share_vendor, out.share_customer, out.difference) == pytest.approx(
        (0.8, 0.08, 0.72))
    assert (out.ci_low, out.ci_high) == pytest.approx((0.402358, 0.868505), abs=5e-7)
    assert out.p_value == pytest.approx(8.543393e-07, rel=1e-6)
    assert stats.fisher_exact([[8, 2], [8, 92]]).pvalue == pytest.approx(1.222623e-06,
                                                                         rel=1e-6)
    assert bool(out.vendor_majority) and not bool(out.customer_majority)


def test_boschloo_degenerate_tables_are_one_not_nan():
    assert boschloo_p(3, 3, 5, 5) == 1.0
    assert boschloo_p(0, 3, 0, 5) == 1.0


def test_vector_c_scale_quality():
    alpha, n = cronbach_alpha(GRID)
    assert (alpha, n) == (pytest.approx(0.904290, abs=5e-7), 6)
    expected = pg.cronbach_alpha(data=pd.DataFrame(GRID), nan_policy="listwise")[0]
    assert alpha == pytest.approx(expected, abs=1e-12)
    value = float(rwg_j(GRID.var(axis=0, ddof=1).mean(), 4, 6, 5))
    assert value == pytest.approx(0.771930, abs=5e-7)
    assert float(rwg_j(2.5, 4, 6, 5)) == 0.0  # variance above random: truncated at 0
    assert np.isnan(float(rwg_j(0.5, 4, 2, 5)))  # fewer than three raters


def test_exact_test_matches_scipy_permutation_on_random_cells():
    """Random small groups, many ties, fractional dimension scores: same p as SciPy's
    full enumeration every time."""
    rng = np.random.default_rng(7)
    for _ in range(60):
        n_v, n_c = int(rng.integers(2, 7)), int(rng.integers(2, 8))
        v = rng.integers(1, 6, n_v) + rng.integers(0, 3, n_v) / 3
        c = rng.integers(1, 6, n_c) + rng.integers(0, 3, n_c) / 3
        u, p, _ = wmw_exact(v, c)
        ref = stats.mannwhitneyu(v, c, method=stats.PermutationMethod(n_resamples=np.inf))
        assert u == pytest.approx(ref.statistic)
        assert p == pytest.approx(ref.pvalue, abs=1e-12)


def test_null_is_memoised_on_the_tie_pattern():
    exact_null.cache_clear()
    wmw_exact([1, 2, 3], [2, 3, 4, 5])
    wmw_exact([11, 12, 13], [12, 13, 14, 15])  # same pattern, shifted values
    info = exact_null.cache_info()
    assert (info.misses, info.hits) == (1, 1)


def test_gate_g2_minimum_attainable_p():
    """No ties: C(n_V+n_C, n_V) ≥ 40 is needed, i.e. (2, 8), (3, 5) or (4, 4)."""
    def min_p(n_v, n_c):
        return wmw_exact(np.arange(n_v) + 100.0, np.arange(n_c) + 0.5)[2]

    assert min_p(2, 8) <= 0.05 < min_p(2, 7)
    assert min_p(3, 5) <= 0.05 < min_p(3, 4)
    assert min_p(4, 4) <= 0.05


def test_signed_rank_matches_scipy_wilcoxon_zsplit():
    rng = np.random.default_rng(11)
    for _ in range(80):
        n = int(rng.integers(6, 25))
        d = np.round(rng.normal(0.4, 1, n) * 2) / 2
        d[: int(rng.integers(0, 3))] = 0
        if np.all(d == 0):
            continue
        assert signed_rank_p(d) == pytest.approx(
            stats.wilcoxon(d, zero_method="zsplit").pvalue, abs=1e-12)


def test_kerby_rank_biserial():
    rng = np.random.default_rng(5)
    d = rng.normal(0.5, 1, 15)
    assert matched_rank_biserial(d) == pytest.approx(
        pg.wilcoxon(d, np.zeros(15))["RBC"].iloc[0], abs=1e-12)
    with_zero = np.array([1.0, -2.0, 0.0, 3.0])  # zero's rank 1 splits and cancels
    assert matched_rank_biserial(with_zero) == pytest.approx((2 + 4 - 3) / 10)


def test_portfolio_dimension_test_needs_six_accounts():
    gaps = pd.DataFrame({"kind": "dimension", "unit": "trust", "account": list("ABCDE"),
                         "gap": [1.0, 0.5, 0.8, 1.2, 0.3]})
    assert np.isnan(paired_by_dimension(gaps)["p_value"].iloc[0])
    six = pd.concat([gaps, gaps.iloc[[0]].assign(account="F")], ignore_index=True)
    assert paired_by_dimension(six)["p_value"].iloc[0] == pytest.approx(
        stats.wilcoxon(six["gap"], zero_method="zsplit").pvalue)


def test_holm_matches_statsmodels_and_skips_untested():
    claims = {"a": 0.01, "b": 0.04, "c": float("nan"), "d": 0.03}
    adjusted = holm(claims)
    expected = multipletests([0.01, 0.04, 0.03], method="holm")[1]
    assert [adjusted[k] for k in "abd"] == pytest.approx(list(expected))
    assert np.isnan(adjusted["c"])


def test_stage_agreement_kappa_direction_and_sign_test():
    vendor = [3, 2, 2, 1, 3, 2, 1, 0, 2, 3, 1, 2]
    customer = [2, 2, 1, 1, 2, 1, 1, 0, 1, 3, 0, 2]
    rows = [{"account": f"a{i}", "side": "vendor", "median": v} for i, v in enumerate(vendor)]
    rows += [{"account": f"a{i}", "side": "customer", "median": c}
             for i, c in enumerate(customer)]
    out = stage_agreement(pd.DataFrame(rows))
    assert out["kappa_linear"] == pytest.approx(
        cohen_kappa_score(vendor, customer, weights="linear"), abs=1e-12)
    assert out["kappa_quadratic"] == pytest.approx(
        cohen_kappa_score(vendor, customer, weights="quadratic"), abs=1e-12)
    assert (out["ahead"], out["equal"], out["behind"]) == (6, 6, 0)
    assert out["sign_test_p"] == pytest.approx(stats.binomtest(6, 6).pvalue)
    assert out["share_ahead_ci"][0] < 0.5 < out["share_ahead_ci"][1]
    assert np.array(out["table"]).shape == (4, 4)


def test_stance_quadrants():
    assert stance(5, 5) == "champion"
    assert stance(4, 2) == "influencer"
    assert stance(1, 4) == "blocker"
    assert stance(2, 1) == "detractor"
    assert stance(3, 5) == "undecided"
    assert stance(float("nan"), 3) == "unknown"
