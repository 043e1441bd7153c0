"""The vendor edition of the account × unit comparisons, their category counts and the trend.

A side's descriptives are blanked when fewer than ``min_group`` people answered that unit (not
"don't know"), and the comparison when either side is; hidden accounts show counts only. Every
figure that depends on other accounts (the reference SD behind gap_z and the classes, the
Benjamini–Hochberg adjustments) is then recomputed from the shown cells alone, so that no hidden
answer moves a number the vendor sees.
"""

from __future__ import annotations

import pandas as pd

from ..codes import BELOW_MIN_GROUP
from ..gaps import classify, grouped_bh, reference_sd
from ..portfolio import flag_accounts, trend
from .gate import blank, too_small

SIDE_COLUMNS = {side: [f"mean_{side}", f"var_{side}", f"sd_{side}", f"top_{side}",
                       f"rwg_{side}"] for side in ("vendor", "customer")}
COMPARISON_COLUMNS = ["gap", "ci_low", "ci_high", "ci_df", "pairs_higher", "pairs_tied",
                      "pairs_lower", "u_vendor", "cliffs_delta", "magnitude", "hedges_g",
                      "p_value", "min_p", "p_adjusted", "gap_z", "class", "support", "quadrant",
                      "p_portfolio_bh"]


def small_sides(gaps: pd.DataFrame, hidden: set, min_group: int) -> dict[str, pd.Series]:
    """Per side, the rows whose figures must not be shown."""
    in_hidden = gaps["account"].isin(hidden).to_numpy()
    return {side: pd.Series(in_hidden | too_small(gaps[f"n_{side}"], min_group),
                            index=gaps.index) for side in ("vendor", "customer")}


def suppress(gaps: pd.DataFrame, hidden: set, min_group: int) -> pd.DataFrame:
    """Blank every figure resting on too few people; keep the counts (n per side, pairs)."""
    gaps = gaps.copy()
    small = small_sides(gaps, hidden, min_group)
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
    out = suppress(gaps, hidden, min_group)
    shown_customers = out.loc[~small_sides(out, hidden, min_group)["customer"],
                              ["account", "unit"]]
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


def vendor_categories(categories: pd.DataFrame, gaps: pd.DataFrame, hidden: set,
                      min_group: int) -> pd.DataFrame:
    """Category counts only for sides whose group reaches the minimum."""
    small = small_sides(gaps, hidden, min_group)
    blocked = set()
    for side, rows in small.items():
        blocked |= {(a, u, side) for a, u in gaps.loc[rows, ["account", "unit"]].itertuples(
            index=False)}
    keep = [(a, u, s) not in blocked for a, u, s in categories[
        ["account", "unit", "side"]].itertuples(index=False)]
    return categories[keep].reset_index(drop=True)


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
    before = suppress(previous_gaps, hidden_before, min_group)
    return trend(gaps, before).dropna(subset=["gap", "previous_gap"]).reset_index(drop=True)
