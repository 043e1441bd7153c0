"""Per account and unit (item or dimension): both sides' view, the gap and how sure we are.

Everything is computed in whole-portfolio vectorised passes; the exact permutation test counts
one null per tie pattern (``exact_batch``), spread over worker processes for large portfolios.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .codes import (
    AGREEMENT,
    BLIND_SPOT,
    HIDDEN_STRENGTH,
    INDICATIVE,
    INSUFFICIENT_DATA,
    ITEM_NOT_TESTED,
    OVER_ESTIMATION,
    SHARED_STRENGTH,
    SHARED_WEAKNESS,
    SUPPORTED,
    TOO_FEW_FOR_INTERVAL,
    TOO_FEW_TO_TEST,
    UNANIMOUS,
    UNDER_ESTIMATION,
)
from .effects import cliffs_delta, hedges_g, magnitudes, pairs, rwg, rwg_j, welch_ci
from .exact_batch import exact_tests
from .scoring import Unit

ALPHA = 0.05
SD_REF_MIN_CUSTOMERS = 30


def sorted_cells(frame: pd.DataFrame, unit_info: dict[str, Unit]) -> pd.DataFrame:
    """The compared units' rows ordered by account, unit and side (what a stable multi-key
    ``sort_values`` gives), with those keys as categoricals built from one factorisation each."""
    frame = frame[frame["unit"].isin(unit_info)]
    keys = {name: pd.factorize(frame[name], sort=True) for name in ("account", "unit", "side")}
    # Missing keys (code -1) sort last, as sort_values puts NaN.
    order = np.lexsort([np.where(codes < 0, len(uniques), codes)
                        for codes, uniques in (keys["side"], keys["unit"], keys["account"])])
    out = frame.take(order)
    for name, (codes, uniques) in keys.items():
        out[name] = pd.Categorical.from_codes(codes[order], categories=uniques)
    return out


def _padded(frame: pd.DataFrame, side: str) -> np.ndarray:
    """Values of one side as a cells × respondents matrix padded with NaN, one row per
    account × unit of ``frame`` (sorted by ``sorted_cells``) in order."""
    account = frame["account"].cat.codes.to_numpy().astype(np.int64)
    unit = frame["unit"].cat.codes.to_numpy().astype(np.int64)
    cell = account * (len(frame["unit"].cat.categories) + 1) + unit
    new_cell = np.r_[True, cell[1:] != cell[:-1]] if len(cell) else np.zeros(0, dtype=bool)
    row = np.cumsum(new_cell) - 1
    cells = int(new_cell.sum())
    mine = (frame["side"] == side).to_numpy()
    row = row[mine]
    # Rows of a cell are contiguous: the column is the position since the cell's first row.
    starts = np.r_[True, row[1:] != row[:-1]] if len(row) else np.zeros(0, dtype=bool)
    first = np.maximum.accumulate(np.where(starts, np.arange(len(row)), 0))
    col = np.arange(len(row)) - first
    width = int(col.max()) + 1 if len(col) else 1
    out = np.full((cells, width), np.nan)
    out[row, col] = frame["value"].to_numpy()[mine]
    return out


def reference_sd(frame: pd.DataFrame, unit_info: dict[str, Unit]) -> pd.Series:
    """SD of customers' scores across the portfolio per unit; (H−L)/4 with fewer than 30."""
    customers = frame[frame["side"] == "customer"].groupby("unit", observed=True)["value"]
    sd, n = customers.std(ddof=1), customers.count()
    out = {}
    for unit, info in unit_info.items():
        use = n.get(unit, 0) >= SD_REF_MIN_CUSTOMERS and sd.get(unit, 0) > 0
        out[unit] = float(sd[unit]) if use else info.span / 4
    return pd.Series(out)


def grouped_bh(p: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg within each group, vectorised; equals scipy's
    ``false_discovery_control(p, method='bh')`` applied group by group."""
    codes = pd.factorize(groups)[0]
    order = np.lexsort((p, codes))
    p_sorted, g_sorted = p[order], codes[order]
    start = np.r_[0, np.flatnonzero(np.diff(g_sorted)) + 1]
    sizes = np.diff(np.r_[start, len(p)])
    m = np.repeat(sizes, sizes)
    rank = np.arange(len(p)) - np.repeat(start, sizes) + 1
    scaled = p_sorted * m / rank
    # Running minimum from the largest p down, restarted for every group.
    flipped = scaled[::-1]
    group_rev = g_sorted[::-1]
    result = np.empty_like(flipped)
    current, previous_group = np.inf, None
    for i, (value, group) in enumerate(zip(flipped, group_rev, strict=True)):
        if group != previous_group:
            current, previous_group = np.inf, group
        current = min(current, value)
        result[i] = current
    adjusted = np.empty_like(p, dtype=float)
    adjusted[order] = np.minimum(result[::-1], 1.0)
    return adjusted


def compare_units(frame: pd.DataFrame, unit_info: dict[str, Unit],
                  item_variances: pd.DataFrame | None = None,
                  workers: int | None = None) -> pd.DataFrame:
    """One row per account × unit with descriptives, gap, CI, δ, exact p (dimensions), r_wg,
    class and quadrant. ``frame`` has columns account, side, respondent, unit, value."""
    # Categorical keys: grouping factorises the strings once instead of at every groupby.
    frame = sorted_cells(frame, unit_info)
    units_cat = frame["unit"].cat
    agree = np.array([unit_info[u].agree_min for u in units_cat.categories])[units_cat.codes]
    desc = (frame.assign(top=frame["value"] >= agree)
            .groupby(["account", "unit", "side"], observed=True)
            .agg(n=("value", "count"), mean=("value", "mean"), var=("value", "var"),
                 top=("top", "sum"))
            .unstack("side"))
    desc.columns = [f"{stat}_{side}" for stat, side in desc.columns]
    for stat in ("n", "mean", "var", "top"):
        for side in ("vendor", "customer"):
            if f"{stat}_{side}" not in desc:
                desc[f"{stat}_{side}"] = np.nan
    desc[["n_vendor", "n_customer", "top_vendor", "top_customer"]] = desc[[
        "n_vendor", "n_customer", "top_vendor", "top_customer"]].fillna(0).astype(int)
    out = desc.reset_index()
    out["account"], out["unit"] = out["account"].astype(object), out["unit"].astype(object)
    info = _unit_facts(out["unit"], unit_info)
    out["kind"] = info["kind"]
    out["scale_low"], out["scale_high"] = info["low"], info["high"]
    spans = info["span"].to_numpy(dtype=float)
    out["sd_vendor"] = np.sqrt(out["var_vendor"])
    out["sd_customer"] = np.sqrt(out["var_customer"])
    both = (out["n_vendor"] > 0) & (out["n_customer"] > 0)
    out["gap"] = np.where(both, out["mean_vendor"] - out["mean_customer"], np.nan)
    low, high, df = welch_ci(out["mean_vendor"], out["var_vendor"].fillna(0), out["n_vendor"],
                             out["mean_customer"], out["var_customer"].fillna(0),
                             out["n_customer"], spans)
    out["ci_low"], out["ci_high"], out["ci_df"] = low, high, df
    unanimous = (out["n_vendor"] >= 2) & (out["n_customer"] >= 2) & (
        out["var_vendor"] == 0) & (out["var_customer"] == 0)
    out["ci_note"] = np.select(
        [unanimous, ~((out["n_vendor"] >= 2) & (out["n_customer"] >= 2))],
        [UNANIMOUS, TOO_FEW_FOR_INTERVAL], None)

    v, c = _padded(frame, "vendor"), _padded(frame, "customer")
    gt, eq, lt = pairs(v, c)
    out["pairs_higher"], out["pairs_tied"], out["pairs_lower"] = gt, eq, lt
    out["pairs_total"] = out["n_vendor"] * out["n_customer"]
    out["u_vendor"] = gt + eq / 2
    out["cliffs_delta"] = cliffs_delta(gt, lt, out["n_vendor"], out["n_customer"])
    out["magnitude"] = magnitudes(out["cliffs_delta"].to_numpy())
    out["hedges_g"] = hedges_g(out["mean_vendor"], out["var_vendor"], out["n_vendor"],
                               out["mean_customer"], out["var_customer"], out["n_customer"])

    out["p_value"], out["min_p"] = np.nan, np.nan
    tested = (out["kind"] == "dimension") & both
    if tested.any():
        mask = tested.to_numpy()
        result = exact_tests(v[mask], c[mask], workers, (2 * gt + eq)[mask].astype(float))
        out.loc[tested, "min_p"] = result[:, 1]
        testable = result[:, 1] <= ALPHA
        out.loc[tested, "p_value"] = np.where(testable, result[:, 0], np.nan)
    out["testable"] = out["p_value"].notna()
    out["p_adjusted"] = np.nan
    has_p = out[out["testable"]]
    if len(has_p):
        out.loc[has_p.index, "p_adjusted"] = grouped_bh(has_p["p_value"].to_numpy(),
                                                        has_p["account"].to_numpy())
    out["test_note"] = np.select(
        [~both, out["kind"] == "item", out["testable"]],
        [INSUFFICIENT_DATA, ITEM_NOT_TESTED, None], TOO_FEW_TO_TEST)

    points = info["points"].to_numpy()
    for side in ("vendor", "customer"):
        out[f"rwg_{side}"] = np.where(out["kind"] == "item",
                                      rwg(out[f"var_{side}"], out[f"n_{side}"], points), np.nan)
    if item_variances is not None and len(item_variances):
        _dimension_rwg(out, item_variances, unit_info)

    sd_ref = reference_sd(frame, unit_info)
    out["sd_ref"] = out["unit"].map(sd_ref)
    out["gap_z"] = out["gap"] / out["sd_ref"]
    classify(out, info["agree_min"])
    return out


def _unit_facts(unit: pd.Series, unit_info: dict[str, Unit]) -> pd.DataFrame:
    """Kind, scale and agreement threshold of each row's unit, looked up once per unit."""
    facts = pd.DataFrame([{"kind": u.kind, "low": u.low, "high": u.high, "span": u.span,
                           "points": u.points, "agree_min": u.agree_min}
                          for u in unit_info.values()], index=list(unit_info))
    codes = pd.Index(facts.index).get_indexer(unit)
    return facts.iloc[codes].set_index(unit.index)


def _dimension_rwg(out: pd.DataFrame, item_variances: pd.DataFrame,
                   unit_info: dict[str, Unit]) -> None:
    """r_wg(J) per account × side × dimension from the variances of its items."""
    grouped = item_variances.groupby(["account", "side", "dimension"], observed=True).agg(
        m=("var", "mean"), j=("var", "count"), n=("n", "min")).reset_index()
    points = grouped["dimension"].map({u: i.points for u, i in unit_info.items()})
    grouped["rwg"] = rwg_j(grouped["m"], grouped["j"], grouped["n"], points.to_numpy())
    lookup = grouped.set_index(["account", "side", "dimension"])["rwg"]
    for side in ("vendor", "customer"):
        keys = pd.MultiIndex.from_arrays([out["account"], [side] * len(out), out["unit"]])
        values = lookup.reindex(keys).to_numpy()
        out[f"rwg_{side}"] = np.where(out["kind"] == "dimension", values, out[f"rwg_{side}"])


def classify(out: pd.DataFrame, agree_min: pd.Series) -> None:
    """Over-/under-estimation by ±½ SD around zero, and the Atwater–Yammarino quadrants."""
    z = out["gap_z"]
    out["class"] = np.select([z > 0.5, z < -0.5, z.notna()],
                             [OVER_ESTIMATION, UNDER_ESTIMATION, AGREEMENT], None)
    out["support"] = np.where(out["p_adjusted"] <= ALPHA, SUPPORTED,
                              np.where(z.notna(), INDICATIVE, None))
    v_agree = out["mean_vendor"] >= agree_min
    c_agree = out["mean_customer"] >= agree_min
    out["quadrant"] = np.select(
        [z.isna(), v_agree & ~c_agree & (z > 0.5), ~v_agree & c_agree & (z < -0.5), c_agree],
        [None, BLIND_SPOT, HIDDEN_STRENGTH, SHARED_STRENGTH], SHARED_WEAKNESS)


def item_variances(scored: pd.DataFrame, dimension_of: dict[str, str]) -> pd.DataFrame:
    """Variance of each item per account and side, for r_wg(J)."""
    frame = scored[scored["item"].isin(dimension_of)]
    grouped = frame.groupby(["account", "side", "item"], observed=True)["value"].agg(
        var="var", n="count").reset_index()
    grouped["dimension"] = grouped["item"].map(dimension_of)
    return grouped.dropna(subset=["var"])


def gate_failed(gaps: pd.DataFrame) -> pd.Series:
    """Rows that show no interval (G3) or, for dimensions, no test (G2)."""
    untested = (gaps["kind"] == "dimension") & ~gaps["testable"].astype(bool)
    return untested | gaps["ci_low"].isna()


def category_counts(frame: pd.DataFrame, gaps: pd.DataFrame) -> pd.DataFrame:
    """Answers per category and side for each account × unit where a gate failed, which
    docs/methods.md (Gates) asks to show in place of the missing statistic.

    Returns
    -------
    DataFrame
        ``account, unit, side, value, count``: one row per observed value (categories nobody
        chose are left out; dimension scores are respondents' means, so their values may be
        fractional).
    """
    columns = ["account", "unit", "side", "value", "count"]
    failed = gaps.loc[gate_failed(gaps), ["account", "unit"]]
    if failed.empty or frame.empty:
        return pd.DataFrame(columns=columns)
    keys = pd.MultiIndex.from_frame(failed.astype(str))
    rows = frame.dropna(subset=["value"])
    inside = pd.MultiIndex.from_arrays([rows["account"].astype(str), rows["unit"].astype(str)])
    rows = rows[inside.isin(keys)]
    counts = (rows.assign(value=rows["value"].round(9))
              .groupby(["account", "unit", "side", "value"], observed=True).size()
              .rename("count").reset_index())
    counts["count"] = counts["count"].astype(int)
    return counts[columns].astype({"account": object, "unit": object, "side": object})
