"""The exact tie-conditional test against brute force: every split of the pooled sample counted.

The enumeration below shares nothing with the production dynamic programme: it lists every way
to choose which pooled answers are the vendor's and counts U (ties as one half) directly.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vocgap.analysis.exact import wmw_exact


def twice_u(v, c) -> int:
    """Twice the Mann–Whitney U of ``v`` over ``c`` (a win counts 2, a tie 1), an integer."""
    return sum(2 if a > b else 1 if a == b else 0 for a in v for b in c)


def enumerated(v, c) -> tuple[Fraction, Fraction, Fraction]:
    """(U, two-sided p, smallest attainable p) by listing every split of the pooled values."""
    pooled = list(v) + list(c)
    observed = twice_u(v, c)
    null = []
    for chosen in combinations(range(len(pooled)), len(v)):
        picked = set(chosen)
        null.append(twice_u([pooled[i] for i in chosen],
                            [pooled[i] for i in range(len(pooled)) if i not in picked]))
    total = len(null)
    upper = Fraction(sum(u >= observed for u in null), total)
    lower = Fraction(sum(u <= observed for u in null), total)
    smallest = Fraction(sum(u == min(null) for u in null), total)
    largest = Fraction(sum(u == max(null) for u in null), total)
    return (Fraction(observed, 2), min(Fraction(1), 2 * min(upper, lower)),
            min(Fraction(1), 2 * min(smallest, largest)))


likert = st.integers(1, 5)
sample = st.lists(likert, min_size=1, max_size=5)


@settings(max_examples=120, deadline=None)
@given(v=sample, c=sample)
def test_exact_test_equals_full_enumeration_on_tied_likert_samples(v, c):
    u, p, min_p = wmw_exact(v, c)
    expected_u, expected_p, expected_min = enumerated(v, c)
    assert u == pytest.approx(float(expected_u))
    assert p == pytest.approx(float(expected_p), abs=1e-12)
    assert min_p == pytest.approx(float(expected_min), abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(v=st.lists(st.sampled_from([1.0, 1.5, 2.0, 2.5, 3.0, 11 / 3]), min_size=2, max_size=5),
       c=st.lists(st.sampled_from([1.0, 2.0, 2.5, 3.0, 11 / 3]), min_size=2, max_size=5))
def test_dimension_means_with_float_noise_still_tie(v, c):
    """Means such as 11/3 computed two ways must still count as ties."""
    noisy = [x + 1e-13 for x in v]
    u, p, _ = wmw_exact(noisy, c)
    expected_u, expected_p, _ = enumerated(v, c)
    assert u == pytest.approx(float(expected_u))
    assert p == pytest.approx(float(expected_p), abs=1e-12)


def test_a_worked_example_by_hand():
    """v = (3, 3, 3), c = (1, 2): U = 6, the largest of the C(5, 3) = 10 splits; only the one
    split that gives the vendor all three 3s reaches it, so P(U ≥ 6) = 1/10 and p = 2/10."""
    u, p, min_p = wmw_exact([3, 3, 3], [1, 2])
    assert (u, p, min_p) == pytest.approx((6.0, 0.2, 0.2))
    assert (u, p, min_p) == pytest.approx(tuple(float(x) for x in enumerated([3, 3, 3], [1, 2])))


@pytest.mark.parametrize(("v", "c"), [([], [1, 2]), ([3], []), ([], [])])
def test_an_empty_group_is_an_error_not_a_p_value(v, c):
    with pytest.raises(ValueError, match="both groups need at least one value"):
        wmw_exact(v, c)
