"""The exact test of ``exact.wmw_exact`` for a whole portfolio at once: cells are grouped by their
tie pattern (pooled level counts and vendor group size) in one vectorised pass, each pattern's
null is counted once, and every cell's p is read from its pattern's null.

Per cell this gives exactly ``wmw_exact(v, c)[1:]``: the same null, and the same tail sums over
the same probabilities in the same order.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from .exact import exact_nulls

__all__ = ["exact_tests", "tie_patterns"]

PARALLEL_FROM = 4000  # distinct tie patterns worth a process pool


def tie_patterns(v: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, list[tuple]]:
    """Pattern index of each row of NaN-padded ``v`` and ``c``, and the patterns as
    ``(level counts, n_v)``; values are rounded to 9 decimals as ``wmw_exact`` does."""
    v = np.round(np.asarray(v, dtype=float), 9)
    c = np.round(np.asarray(c, dtype=float), 9)
    pooled = np.sort(np.concatenate([v, c], axis=1), axis=1)  # NaN sorts last
    valid = ~np.isnan(pooled)
    n_v = (~np.isnan(v)).sum(axis=1)
    # A level starts where the sorted value changes; the starts and sizes fix the counts.
    starts = np.ones_like(valid)
    starts[:, 1:] = pooled[:, 1:] != pooled[:, :-1]
    starts &= valid
    key = np.concatenate([np.packbits(starts, axis=1),
                          n_v[:, None].astype(np.uint16).view(np.uint8).reshape(len(v), -1),
                          valid.sum(axis=1)[:, None].astype(np.uint16).view(np.uint8)
                          .reshape(len(v), -1)], axis=1)
    key = np.ascontiguousarray(key).view(np.dtype((np.void, key.shape[1]))).ravel()
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    patterns = []
    for row in first:
        size = int(valid[row].sum())
        bounds = np.r_[np.flatnonzero(starts[row, :size]), size]
        patterns.append((tuple(int(x) for x in np.diff(bounds)), int(n_v[row])))
    return inverse.ravel(), patterns


def _pattern_tests(job) -> list[tuple[np.ndarray, float]]:
    """For each pattern, the two-sided p of each of its cells' 2·U_V and the smallest
    attainable p (the rules of ``wmw_exact``)."""
    patterns, cells = job
    out = []
    for (support, probs), u2 in zip(exact_nulls(patterns), cells, strict=True):
        upper_from = np.searchsorted(support, u2 - 1e-9, side="left")
        lower_to = np.searchsorted(support, u2 + 1e-9, side="right")
        p = np.array([min(1.0, 2 * min(probs[a:].sum(), probs[:b].sum()))
                      for a, b in zip(upper_from, lower_to, strict=True)], dtype=float)
        out.append((p, float(min(1.0, 2 * min(probs[0], probs[-1])))))
    return out


def exact_tests(v: np.ndarray, c: np.ndarray, workers: int | None = None,
                u2: np.ndarray | None = None) -> np.ndarray:
    """(p, min attainable p) for each row pair of NaN-padded matrices (both sides non-empty);
    ``u2`` is twice U_V per row when the caller has counted the pairs already."""
    if len(v) == 0:
        return np.empty((0, 2))
    if u2 is None:
        from .effects import pairs

        gt, eq, _ = pairs(v, c)
        u2 = (2 * gt + eq).astype(float)
    inverse, patterns = tie_patterns(v, c)
    order = np.argsort(inverse, kind="stable")
    bounds = np.r_[0, np.cumsum(np.bincount(inverse, minlength=len(patterns)))]
    cells = [np.asarray(u2, dtype=float)[order[a:b]] for a, b in zip(bounds[:-1], bounds[1:],
                                                                        strict=True)]
    # Neighbouring patterns share most of their null's recursion (``exact_nulls``): keep them
    # together when the work is split between processes.
    rank = sorted(range(len(patterns)), key=lambda i: (sum(patterns[i][0]), patterns[i][1],
                                                       patterns[i][0]))
    patterns, cells = [patterns[i] for i in rank], [cells[i] for i in rank]
    bounds = np.stack([bounds[:-1], bounds[1:]], axis=1)[rank]
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(patterns) < PARALLEL_FROM:
        results = _pattern_tests((patterns, cells))
    else:
        cut = np.linspace(0, len(patterns), workers + 1, dtype=int)
        jobs = [(patterns[a:b], cells[a:b]) for a, b in zip(cut[:-1], cut[1:], strict=True)]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = [r for part in pool.map(_pattern_tests, jobs) for r in part]
    out = np.empty((len(v), 2))
    for (a, b), (p, min_p) in zip(bounds, results, strict=True):
        out[order[a:b], 0] = p
        out[order[a:b], 1] = min_p
    return out
