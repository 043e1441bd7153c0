"""Exact Wilcoxon–Mann–Whitney permutation test that conditions on ties.

``scipy.stats.mannwhitneyu(method='exact')`` makes no correction for ties, so its p-values are
wrong for Likert data; the permutation null of the mid-rank statistic is computed here instead,
by counting subsets of the pooled sample (a 0/1 knapsack over doubled mid-ranks), memoised on
the tie pattern. Results match ``mannwhitneyu(v, c, method=PermutationMethod(np.inf))``.

References
----------
Mehta, C. R. & Patel, N. R. (1983). A network algorithm for performing Fisher's exact test.
docs/methods.md, "Per account" (the vocgap description of this test).
"""

from __future__ import annotations

from functools import lru_cache
from math import comb

import numpy as np

__all__ = ["exact_null", "exact_nulls", "signed_rank_p", "wmw_exact"]


def _weights(counts: tuple[int, ...]) -> list[int]:
    """Twice the mid-rank of every pooled observation, level by level."""
    weights, cum = [], 0
    for cnt in counts:
        weights.extend([2 * cum + cnt + 1] * cnt)
        cum += cnt
    return weights


def _coefficient_bits(n: int, n_v: int) -> int | None:
    """Bits per coefficient that hold every count of the recursion (any k-subset count for
    k ≤ n_v), or None when a count could reach 2^53 and floats must count as before."""
    largest = comb(n, min(n_v, n // 2))
    return 32 if largest < 2 ** 32 else 64 if largest < 2 ** 53 else None


def _float_null(weights: list[int], n_v: int) -> np.ndarray:
    """Counts of subsets per sum of weights, in floating point (for very large groups)."""
    total = sum(sorted(weights)[-n_v:]) if n_v else 0
    table = np.zeros((n_v + 1, total + 1))
    table[0, 0] = 1.0
    for w in weights:
        if w <= total:
            table[1:, w:] += table[:-1, : total + 1 - w].copy()
    return table[n_v]


def _unpack(row: int, bits: int) -> np.ndarray:
    """The coefficients packed in a Python integer, lowest first, as floats (exact integers)."""
    size = bits // 8
    data = row.to_bytes(max(1, -(-row.bit_length() // bits)) * size, "little")
    return np.frombuffer(data, dtype=f"<u{size}").astype(float)


def _null(dist: np.ndarray, n: int, n_v: int) -> tuple[np.ndarray, np.ndarray]:
    support = np.nonzero(dist)[0]
    probs = dist[support] / comb(n, n_v)
    return support - n_v * (n_v + 1), probs


def exact_nulls(patterns: list[tuple[tuple[int, ...], int]]) -> list[tuple[np.ndarray,
                                                                          np.ndarray]]:
    """``exact_null`` for many ``(counts, n_v)`` patterns at once, identical value for value.

    Each row of the subset-count recursion is a polynomial in the sum, packed into one Python
    integer (a coefficient every 32 or 64 bits), so adding an observation of weight w is a
    shift and an add per subset size. Patterns are visited in the order of their weight
    sequences and share the recursion over their common prefix, as in a trie.
    """
    out: list = [None] * len(patterns)
    groups: dict[tuple[int, int], list[tuple[list[int], int]]] = {}
    for index, (counts, n_v) in enumerate(patterns):
        weights = _weights(counts)
        groups.setdefault((len(weights), n_v), []).append((weights, index))
    for (n, n_v), members in groups.items():
        bits = _coefficient_bits(n, n_v)
        if bits is None:
            for weights, index in members:
                out[index] = _null(_float_null(weights, n_v), n, n_v)
            continue
        members.sort()
        states = [[1] + [0] * n_v]  # states[i]: the rows after the first i observations
        previous: list[int] = []
        for weights, index in members:
            common = 0
            while common < min(len(previous), n) and previous[common] == weights[common]:
                common += 1
            del states[common + 1:]
            for i in range(common, n):
                before = states[i]
                rows = before.copy()
                shift = bits * weights[i]
                # Rows that can no longer reach n_v by the end are left alone.
                for k in range(min(i + 1, n_v), max(0, n_v - (n - i)), -1):
                    rows[k] += before[k - 1] << shift
                states.append(rows)
            previous = weights
            out[index] = _null(_unpack(states[n][n_v], bits), n, n_v)
    return out


@lru_cache(maxsize=200_000)
def exact_null(counts: tuple[int, ...], n_v: int) -> tuple[np.ndarray, np.ndarray]:
    """Support and probabilities of 2·U_V under the permutation null, given pooled level counts.

    ``counts`` are the numbers of pooled observations at each ordered distinct value.
    """
    return exact_nulls([(counts, n_v)])[0]


def _pattern(v: np.ndarray, c: np.ndarray) -> tuple[tuple[int, ...], float]:
    pooled = np.concatenate([v, c])
    levels, counts = np.unique(pooled, return_counts=True)
    u2 = 2 * (v[:, None] > c[None, :]).sum() + (v[:, None] == c[None, :]).sum()
    return tuple(int(x) for x in counts), float(u2)


def wmw_exact(v, c, u2: float | None = None) -> tuple[float, float, float]:
    """(U_V, two-sided p, smallest attainable p) for vendor scores ``v`` vs customer ``c``.

    Two-sided p is ``min(1, 2·min(P(U ≥ u), P(U ≤ u)))``, SciPy's convention. Values are
    rounded to 9 decimals first so that float noise in dimension means does not break ties.
    ``u2`` (twice U_V) may be passed when the caller has already counted the pairs.
    """
    v = np.round(np.asarray(v, dtype=float), 9)
    c = np.round(np.asarray(c, dtype=float), 9)
    if len(v) == 0 or len(c) == 0:
        raise ValueError("both groups need at least one value")
    if u2 is None:
        counts, u2 = _pattern(v, c)
    else:
        counts = tuple(int(x) for x in np.unique(np.concatenate([v, c]), return_counts=True)[1])
    support, probs = exact_null(counts, len(v))
    upper = probs[support >= u2 - 1e-9].sum()
    lower = probs[support <= u2 + 1e-9].sum()
    p = min(1.0, 2 * min(upper, lower))
    return u2 / 2, float(p), float(min(1.0, 2 * min(probs[0], probs[-1])))


EXACT_SIGNED_RANK_MAX_TIES = 13
EXACT_SIGNED_RANK_MAX = 50


def signed_rank_p(d) -> float:
    """Two-sided Wilcoxon signed-rank p with ``zero_method='zsplit'``, as SciPy computes it.

    SciPy enumerates all 2^n sign flips when there are ties or zeros (n ≤ 13); that costs most of
    a second per call, so the same null is counted here over doubled mid-ranks instead. Larger
    samples use SciPy's normal approximation, exactly as ``scipy.stats.wilcoxon`` does.
    """
    from scipy import stats

    d = np.round(np.asarray(d, dtype=float), 9)
    n = len(d)
    ranks2 = (2 * stats.rankdata(np.abs(d))).astype(int)
    tied = len(np.unique(np.abs(d))) < n or bool((d == 0).any())
    if n > (EXACT_SIGNED_RANK_MAX_TIES if tied else EXACT_SIGNED_RANK_MAX):
        return float(stats.wilcoxon(d, zero_method="zsplit").pvalue)
    observed = int(ranks2[d > 0].sum() + ranks2[d == 0].sum() // 2)
    base = int(ranks2[d == 0].sum() // 2)
    flips = ranks2[d != 0]
    total = int(flips.sum())
    dist = np.zeros(total + 1)
    dist[0] = 1.0
    for w in flips:
        dist[w:] = dist[w:] + dist[: total + 1 - w].copy()
    dist /= dist.sum()
    support = np.arange(total + 1) + base
    upper = dist[support >= observed].sum()
    lower = dist[support <= observed].sum()
    return float(min(1.0, 2 * min(upper, lower)))
