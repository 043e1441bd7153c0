"""Effect sizes, intervals and agreement indices, vectorised over many account cells.

References
----------
Romano, J. et al. (2006). Appropriate statistics for ordinal level data. (Cliff's delta labels.)
James, L. R., Demaree, R. G. & Wolf, G. (1984). Estimating within-group interrater reliability.
Welch, B. L. (1947). The generalisation of Student's problem when several different population
variances are involved. Biometrika 34.
Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["cliffs_delta", "cronbach_alpha", "hedges_g", "magnitude", "magnitudes", "pairs",
           "rwg", "rwg_j", "welch_ci"]

MAGNITUDES = ((0.147, "negligible"), (0.33, "small"), (0.474, "medium"))


def magnitude(delta: float) -> str:
    """Romano et al. (2006) label for |δ|, as R's effsize implements it."""
    size = abs(delta)
    for bound, label in MAGNITUDES:
        if size < bound:
            return label
    return "large"


def magnitudes(delta: np.ndarray) -> np.ndarray:
    """``magnitude`` of each δ in one pass; None where δ is missing."""
    delta = np.asarray(delta, dtype=float)
    size = np.abs(delta)
    labels = np.select([size < bound for bound, _ in MAGNITUDES],
                       [label for _, label in MAGNITUDES], "large").astype(object)
    labels[~np.isfinite(delta)] = None
    return labels


def pairs(v: np.ndarray, c: np.ndarray, chunk: int = 20_000) -> tuple[np.ndarray, np.ndarray,
                                                                      np.ndarray]:
    """Counts of (V > C, V = C, V < C) pairs per row of NaN-padded matrices ``v`` and ``c``.

    Comparisons with NaN are False, so padding contributes nothing.
    """
    v = np.round(np.asarray(v, dtype=float), 9)
    c = np.round(np.asarray(c, dtype=float), 9)
    gt, eq, lt = (np.zeros(len(v), dtype=np.int64) for _ in range(3))
    for start in range(0, len(v), chunk):
        a = v[start:start + chunk, :, None]
        b = c[start:start + chunk, None, :]
        gt[start:start + chunk] = (a > b).sum(axis=(1, 2))
        eq[start:start + chunk] = (a == b).sum(axis=(1, 2))
        lt[start:start + chunk] = (a < b).sum(axis=(1, 2))
    return gt, eq, lt


def cliffs_delta(gt, lt, n_v, n_c) -> np.ndarray:
    """δ = (#{V>C} − #{V<C}) / (n_V·n_C); ties count in the denominator only."""
    denom = np.asarray(n_v, dtype=float) * np.asarray(n_c, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 0, (np.asarray(gt) - np.asarray(lt)) / denom, np.nan)


def welch_ci(mean_v, var_v, n_v, mean_c, var_c, n_c, span, level: float = 0.95):
    """Welch interval for mean_V − mean_C, clipped to ±span; NaN where gate G3 fails.

    Gate G3: both groups need two or more values and at least one variance above zero.
    """
    mean_v, var_v, n_v, mean_c, var_c, n_c = (np.asarray(x, dtype=float) for x in (
        mean_v, var_v, n_v, mean_c, var_c, n_c))
    ok = (n_v >= 2) & (n_c >= 2) & ((var_v > 0) | (var_c > 0))
    with np.errstate(invalid="ignore", divide="ignore"):
        a, b = var_v / n_v, var_c / n_c
        se2 = a + b
        df = se2 ** 2 / (a ** 2 / (n_v - 1) + b ** 2 / (n_c - 1))
        half = stats.t.ppf(0.5 + level / 2, df) * np.sqrt(se2)
    gap = mean_v - mean_c
    low = np.where(ok, np.clip(gap - half, -span, span), np.nan)
    high = np.where(ok, np.clip(gap + half, -span, span), np.nan)
    return low, high, np.where(ok, df, np.nan)


def hedges_g(mean_v, var_v, n_v, mean_c, var_c, n_c) -> np.ndarray:
    """Bias-corrected standardised mean difference, J = 1 − 3/(4(n_V+n_C) − 9) as pingouin."""
    n_v, n_c = np.asarray(n_v, dtype=float), np.asarray(n_c, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = np.sqrt(((n_v - 1) * var_v + (n_c - 1) * var_c) / (n_v + n_c - 2))
        d = (np.asarray(mean_v) - np.asarray(mean_c)) / pooled
        g = d * (1 - 3 / (4 * (n_v + n_c) - 9))
    return np.where(np.isfinite(g), g, np.nan)


def expected_random_variance(points: int) -> float:
    """σ²_EU of a uniform null on A categories: (A² − 1)/12."""
    return (points ** 2 - 1) / 12


def rwg(variance, n, points: int) -> np.ndarray:
    """Single-item r_wg = 1 − s²/σ²_EU, truncated at 0, NaN below three raters."""
    variance = np.asarray(variance, dtype=float)
    value = np.clip(1 - variance / expected_random_variance(points), 0, 1)
    return np.where(np.asarray(n) >= 3, value, np.nan)


def rwg_j(mean_item_variance, n_items, n, points: int) -> np.ndarray:
    """r_wg(J) = J(1−m)/(J(1−m)+m), m = mean item variance/σ²_EU; 0 when m ≥ 1."""
    m = np.asarray(mean_item_variance, dtype=float) / expected_random_variance(points)
    j = np.asarray(n_items, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = j * (1 - m) / (j * (1 - m) + m)
    value = np.where(m >= 1, 0.0, value)
    return np.where(np.asarray(n) >= 3, value, np.nan)


def cronbach_alpha(items: np.ndarray) -> tuple[float, int]:
    """α on a respondents × items matrix with listwise deletion; returns (α, complete rows)."""
    data = np.asarray(items, dtype=float)
    data = data[~np.isnan(data).any(axis=1)]
    n, k = data.shape
    if n < 2 or k < 2:
        return float("nan"), n
    total_var = data.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return float("nan"), n
    return float(k / (k - 1) * (1 - data.var(axis=0, ddof=1).sum() / total_var)), n
