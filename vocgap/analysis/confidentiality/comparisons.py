"""The vendor edition of the account × unit comparisons, their category counts and the trend.

A side's descriptives are blanked when fewer than ``min_group`` people answered that unit (not
"don't know"), and the comparison when either side is; hidden accounts show counts only. Every
figure that depends on other accounts (the reference SD behind gap_z and the classes, the
Benjamini–Hochberg adjustments) is then recomputed from the shown cells alone, so that no hidden
answer moves a number the vendor sees.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..codes import BELOW_MIN_GROUP
from ..gaps import classify, grouped_bh, item_variances, reference_sd
from ..portfolio import flag_accounts, trend
from .differencing import differencing_sides
from .gate import blank, too_small

SIDE_COLUMNS = {side: [f"mean_{side}", f"var_{side}", f"sd_{side}", f"top_{side}",
                       f"rwg_{side}"] for side in ("vendor", "customer")}
COMPARISON_COLUMNS = ["gap", "ci_low", "ci_high", "ci_df", "pairs_higher", "pairs_tied",
                      "pairs_lower", "u_vendor", "cliffs_delta", "magnitude", "hedges_g",
                      "p_value", "min_p", "p_adjusted", "gap_z", "class", "support", "quadrant",
                      "p_portfolio_bh"]


def small_sides(gaps: pd.DataFrame, hidden: set, min_group: int,
                also: dict[str, np.ndarray] | None = None) -> dict[str, pd.Series]:
    """Per side, the rows whose figures must not be shown (``also``: rows withheld for
    another reason, such as differencing)."""
    in_hidden = gaps["account"].isin(hidden).to_numpy()
    return {side: pd.Series(in_hidden | too_small(gaps[f"n_{side}"], min_group)
                            | (also[side] if also else False), index=gaps.index)
            for side in ("vendor", "customer")}


def suppress(gaps: pd.DataFrame, small: dict[str, pd.Series]) -> pd.DataFrame:
    """Blank every figure of the ``small`` sides; keep the counts (n per side, pairs)."""
    gaps = gaps.copy()
    for side, rows in small.items():
        blank(gaps, rows, SIDE_COLUMNS[side])
    cut = (small["vendor"] | small["customer"]).to_numpy()
    blank(gaps, cut, COMPARISON_COLUMNS)
    gaps["testable"] = gaps["testable"].astype(bool) & ~cut
    gaps.loc[cut, ["ci_note", "test_note"]] = BELOW_MIN_GROUP
    return gaps


def vendor_gaps(gaps: pd.DataFrame, units: pd.DataFrame, unit_info: dict, hidden: set,
                min_group: int) -> pd.DataFrame:
    """Suppressed comparisons with gap_z, classes and BH recomputed from shown cells only."""
    small = small_sides(gaps, hidden, min_group,
                        differencing_sides(gaps, units, unit_info, min_group))
    out = suppress(gaps, small)
    shown_customers = out.loc[~small["customer"], ["account", "unit"]]
    customers = units[units["side"] == "customer"]
    keys = pd.MultiIndex.from_frame(shown_customers.astype(str))
    inside = pd.MultiIndex.from_arrays([customers["account"].astype(str),
                                        customers["unit"].astype(str)]).isin(keys)
    out["sd_ref"] = out["unit"].map(reference_sd(customers[inside], unit_info))
    shown = out["gap"].notna()
    out.loc[shown, "gap_z"] = out.loc[shown, "gap"] / out.loc[shown, "sd_ref"]
    out["p_adjusted"] = float("nan")
    tested = out[out["p_value"].notna()]
    if len(tested):
        out.loc[tested.index, "p_adjusted"] = grouped_bh(
            tested["p_value"].to_numpy(dtype=float), tested["account"].to_numpy())
    out["p_portfolio_bh"] = flag_accounts(out)
    classify(out, out["unit"].map({u: i.agree_min for u, i in unit_info.items()}))
    return out


def withhold_thin_agreement(gaps: pd.DataFrame, scored: pd.DataFrame, instrument,
                            min_group: int) -> pd.DataFrame:
    """Blank a dimension's r_wg(J) on a side where any item variance behind it rests on
    1 … min_group − 1 answers: the dimension's own n counts people with a score, not the people
    who answered each item, so a shown group can hide an item answered by too few."""
    dimension_of = {i.id: d.id for d in instrument.dimensions
                    for i in instrument.dimension_items(d.id)}
    variances = item_variances(scored, dimension_of)
    thin = variances[too_small(variances["n"], min_group)]
    out = gaps.copy()
    for side in ("vendor", "customer"):
        cells = thin.loc[thin["side"] == side, ["account", "dimension"]].astype(str)
        keys = pd.MultiIndex.from_frame(cells)
        rows = (out["kind"] == "dimension").to_numpy() & pd.MultiIndex.from_arrays(
            [out["account"].astype(str), out["unit"].astype(str)]).isin(keys)
        blank(out, rows, [f"rwg_{side}"])
    return out


def shown_item_answers(scored: pd.DataFrame, gaps: pd.DataFrame, instrument) -> pd.DataFrame:
    """Item answers of the account × side × dimension cells whose dimension figure is shown:
    the only answers portfolio reliability may use (a suppressed group must not move it)."""
    dimension_of = {i.id: d.id for d in instrument.dimensions
                    for i in instrument.dimension_items(d.id)}
    rows = scored[scored["item"].isin(dimension_of)]
    dims = gaps[gaps["kind"] == "dimension"]
    keep = np.zeros(len(rows), dtype=bool)
    for side in ("vendor", "customer"):
        shown = dims.loc[dims[f"mean_{side}"].notna(), ["account", "unit"]].astype(str)
        keys = pd.MultiIndex.from_frame(shown)
        cells = pd.MultiIndex.from_arrays([rows["account"].astype(str),
                                           rows["item"].map(dimension_of).astype(str)])
        keep |= (rows["side"] == side).to_numpy() & cells.isin(keys)
    return rows[keep]


def vendor_categories(categories: pd.DataFrame, gaps: pd.DataFrame) -> pd.DataFrame:
    """Category counts only for the sides whose figures the vendor ``gaps`` show."""
    shown = set()
    for side in ("vendor", "customer"):
        rows = gaps.loc[gaps[f"mean_{side}"].notna(), ["account", "unit"]]
        shown |= {(a, u, side) for a, u in rows.itertuples(index=False)}
    keep = [key in shown for key in categories[["account", "unit", "side"]].itertuples(
        index=False, name=None)]
    # A boolean array: an empty list would select no columns instead of no rows.
    return categories[np.asarray(keep, dtype=bool)].reset_index(drop=True)


def vendor_trend(gaps: pd.DataFrame, previous_gaps: pd.DataFrame | None,
                 previous_counts: pd.DataFrame | None, hidden: set,
                 min_group: int) -> pd.DataFrame:
    """Change since the previous wave, only where both waves' vendor editions show the gap."""
    if previous_gaps is None or previous_gaps.empty:
        return trend(gaps, None)
    hidden_before = set()
    if previous_counts is not None:
        was_small = (previous_counts["customer"] < min_group) | (
            previous_counts["vendor"] < min_group)
        hidden_before = set(previous_counts.loc[was_small, "account"])
    before = suppress(previous_gaps, small_sides(previous_gaps, hidden_before, min_group))
    return trend(gaps, before).dropna(subset=["gap", "previous_gap"]).reset_index(drop=True)
