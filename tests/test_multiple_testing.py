"""Benjamini–Hochberg within each account, checked against SciPy where it changes the answer.

Each account here has several tested dimensions, so an adjustment that returns the raw p-values
(or adjusts across the whole portfolio instead of within the account) gives different numbers.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from vocgap.analysis import analyse
from vocgap.analysis.gaps import grouped_bh

from .factories import rated_accounts

GROUPS = {"Alpha": (7, 6), "Beta": (6, 6), "Gamma": (8, 5), "Delta": (5, 5), "Thin": (1, 2)}


def test_bh_adjusts_within_each_account_over_its_dimensions(instrument):
    """Do the adjusted p-values equal SciPy's BH applied to each account's tested dimensions?"""
    result = analyse(rated_accounts(instrument, GROUPS, seed=7), instrument, workers=1)
    tested = result.gaps[(result.gaps["kind"] == "dimension") & result.gaps["p_value"].notna()]
    sizes = tested.groupby("account").size()
    assert (sizes >= 3).sum() >= 3, "the data must give accounts several tested dimensions"
    changed = 0
    for _, group in tested.groupby("account"):
        raw = group["p_value"].to_numpy()
        expected = stats.false_discovery_control(raw, method="bh")
        assert group["p_adjusted"].to_numpy() == pytest.approx(expected, abs=1e-12)
        changed += int(not np.allclose(expected, raw))
    assert changed >= 3, "BH must change the p-values of several accounts, or it is untested"
    untested = result.gaps[result.gaps["p_value"].isna()]
    assert untested["p_adjusted"].isna().all()


def test_bh_is_not_applied_across_the_portfolio(instrument):
    """Adjusting over every account at once would give larger p-values than within accounts."""
    result = analyse(rated_accounts(instrument, GROUPS, seed=7), instrument, workers=1)
    tested = result.gaps[result.gaps["p_value"].notna()]
    pooled = stats.false_discovery_control(tested["p_value"].to_numpy(), method="bh")
    assert not np.allclose(tested["p_adjusted"].to_numpy(), pooled)


@st.composite
def grouped_p_values(draw):
    """Random groups of 2–8 p-values each, with ties and exact ones, in shuffled order."""
    sizes = draw(st.lists(st.integers(2, 8), min_size=1, max_size=6))
    p = st.one_of(st.floats(0, 1, allow_nan=False), st.sampled_from([0.01, 0.05, 0.5, 1.0]))
    values, labels = [], []
    for index, size in enumerate(sizes):
        values += draw(st.lists(p, min_size=size, max_size=size))
        labels += [f"account {index}"] * size
    order = draw(st.permutations(range(len(values))))
    return np.array(values)[order], np.array(labels, dtype=object)[order]


@settings(max_examples=150, deadline=None)
@given(grouped_p_values())
def test_grouped_bh_equals_scipy_group_by_group(case):
    p, groups = case
    adjusted = grouped_bh(p, groups)
    for label in set(groups):
        mask = groups == label
        expected = stats.false_discovery_control(p[mask], method="bh")
        assert adjusted[mask] == pytest.approx(expected, abs=1e-12)
