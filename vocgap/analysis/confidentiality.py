"""Gate G1: what a vendor-facing edition may show of groups below the confidentiality minimum.

B2B studies promise customers confidentiality, not anonymity: the consultant sees everything
(marked confidential); the vendor sees counts only for any group smaller than ``min_group``,
never individual self-descriptions, verbatims of small groups, or role breakdowns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SCORE_COLUMNS = ["mean_vendor", "mean_customer", "var_vendor", "var_customer", "sd_vendor",
                 "sd_customer", "top_vendor", "top_customer", "gap", "ci_low", "ci_high",
                 "ci_df", "pairs_higher", "pairs_tied", "pairs_lower", "u_vendor",
                 "cliffs_delta", "magnitude", "hedges_g", "p_value", "min_p", "p_adjusted",
                 "dominance",
                 "rwg_vendor", "rwg_customer", "gap_z", "class", "support", "quadrant",
                 "p_portfolio_bh"]


def apply_vendor_edition(result, min_group: int) -> None:
    """Blank every score of an account whose customer or vendor group is below ``min_group``."""
    counts = result.counts
    small = counts[(counts["customer"] < min_group) | (counts["vendor"] < min_group)]["account"]
    counts["confidential"] = counts["account"].isin(small)
    counts.loc[counts["confidential"], "status"] = (
        f"counts only: fewer than {min_group} respondents on a side")
    hidden = result.gaps["account"].isin(small)
    for column in SCORE_COLUMNS:
        if column in result.gaps:
            result.gaps[column] = result.gaps[column].astype(object)
            result.gaps.loc[hidden, column] = None
    result.gaps.loc[hidden, "test_note"] = "confidential: group below the minimum size"
    for frame_name in ("superior", "recommend", "stages", "priorities"):
        frame = getattr(result, frame_name)
        keep = ~frame["account"].isin(small) if "account" in frame else slice(None)
        setattr(result, frame_name, frame[keep].reset_index(drop=True))
    result.verbatims = result.verbatims[~result.verbatims["account"].isin(small)].assign(
        attribution="").reset_index(drop=True)
    result.power_map = _power_map_counts(result.power_map, counts, min_group)
    result.coverage = result.coverage[result.coverage["respondents"] >= min_group].reset_index(
        drop=True)
    result.accuracy = _accuracy_by_function(result.accuracy, min_group)


def _power_map_counts(frame: pd.DataFrame, counts: pd.DataFrame, min_group: int) -> pd.DataFrame:
    """Per account, how many contacts the vendor sees in each role and how many say so."""
    if frame.empty:
        return pd.DataFrame(columns=["account", "view", "vendor_count", "self_count"])
    allowed = set(counts.loc[counts["customer"] >= min_group, "account"])
    frame = frame[frame["account"].isin(allowed)]
    vendor = frame.groupby(["account", "vendor_view"], observed=True).size().rename(
        "vendor_count")
    own = frame[frame["self_view"] != "unknown"].groupby(["account", "self_view"],
                                                         observed=True).size()
    own.index = own.index.set_names(["account", "vendor_view"])
    merged = pd.concat([vendor, own.rename("self_count")], axis=1).fillna(0).astype(int)
    return merged.reset_index().rename(columns={"vendor_view": "view"})


def _accuracy_by_function(frame: pd.DataFrame, min_group: int) -> pd.DataFrame:
    if frame.empty or "function" not in frame:
        return frame.iloc[0:0]
    grouped = frame.groupby("function", observed=True).agg(
        people=("respondent", "nunique"), mae=("mae", "mean"), bias=("bias", "mean"))
    grouped = grouped[grouped["people"] >= min_group].reset_index()
    return grouped.assign(mae=grouped["mae"].astype(float), bias=grouped["bias"].astype(
        float)).replace({np.nan: None})
