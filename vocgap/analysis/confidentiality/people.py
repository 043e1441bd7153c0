"""The vendor edition of what is said about people: the power map, buying-team coverage,
verbatims and vendor staff's prediction accuracy."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import headline
from .gate import breakdown_shown, shown_breakdown

POWER_MAP_COLUMNS = ["account", "view", "vendor_count", "self_count"]


def power_map_counts(frame: pd.DataFrame, hidden: set, min_group: int) -> pd.DataFrame:
    """Per shown account, how many contacts the vendor sees in each stance and how many say so
    of themselves; the contacts' own counts only when at least ``min_group`` described
    themselves (their individual answers stay with the consultant)."""
    frame = frame[~frame["account"].isin(hidden)]
    if frame.empty:
        return pd.DataFrame(columns=POWER_MAP_COLUMNS)
    vendor = frame.groupby(["account", "vendor_view"], observed=True).size().rename(
        "vendor_count")
    described = frame[frame["self_view"] != "unknown"]
    own = described.groupby(["account", "self_view"], observed=True).size()
    own.index = own.index.set_names(["account", "vendor_view"])
    merged = pd.concat([vendor, own.rename("self_count")], axis=1).fillna(0).astype(int)
    merged = merged.reset_index().rename(columns={"vendor_view": "view"})
    group = described.groupby("account", observed=True).size()
    too_few = merged["account"].map(group).fillna(0) < min_group
    merged["self_count"] = merged["self_count"].astype("Int64").mask(too_few.to_numpy())
    return merged[POWER_MAP_COLUMNS]


def vendor_coverage(coverage: pd.DataFrame, hidden: set, min_group: int) -> pd.DataFrame:
    """Roles and quartet positions heard, counted only where the count and the rest of the
    account's respondents both reach the minimum (or the count is zero), with complementary
    withholding so that no withheld count is the total minus the shown ones."""
    rows = []
    for row in coverage[~coverage["account"].isin(hidden)].to_dict(orient="records"):
        total = int(row["respondents"])
        for field, present, missing in (("role_counts", "roles_present", "roles_missing"),
                                        ("quartet_counts", "quartet_present",
                                         "quartet_missing")):
            counts = shown_breakdown(row[field], total, min_group)
            row[field] = counts
            row[present] = [k for k, v in counts.items() if v]
            row[missing] = [k for k, v in counts.items() if v == 0]
        if not breakdown_shown(int(row["buyers"]), total, min_group):
            row["buyers"], row["buyer_heard"] = None, None
        rows.append(row)
    return pd.DataFrame(rows, columns=coverage.columns)


def vendor_verbatims(verbatims: pd.DataFrame, hidden: set) -> pd.DataFrame:
    """Comments of shown accounts only, never attributed, and sorted so that the order cannot
    link one person's comments across questions."""
    out = verbatims[~verbatims["account"].isin(hidden)].assign(attribution="")
    return out.sort_values(["account", "side", "item", "text"], kind="stable").reset_index(
        drop=True)


def accuracy_by_function(sources, gaps: pd.DataFrame, min_group: int) -> pd.DataFrame:
    """Prediction accuracy per vendor function with at least ``min_group`` people, measured only
    against customer means the vendor edition shows (a bias is a sum: it would otherwise give a
    hidden customer mean back to anyone who knows their own staff's answers)."""
    columns = ["function", "people", "mae", "bias"]
    shown = gaps.loc[(gaps["kind"] == "item") & gaps["mean_customer"].notna(),
                     ["account", "unit"]]
    keys = pd.MultiIndex.from_frame(shown.astype(str))
    units = sources.units
    inside = pd.MultiIndex.from_arrays([units["account"].astype(str),
                                        units["unit"].astype(str)]).isin(keys)
    frame = headline.prediction_accuracy(units[inside], sources.respondents)
    if frame.empty or "function" not in frame or frame["function"].isna().all():
        return pd.DataFrame(columns=columns)
    grouped = frame.groupby("function", observed=True).agg(
        people=("respondent", "nunique"), mae=("mae", "mean"), bias=("bias", "mean"))
    grouped = grouped[grouped["people"] >= min_group].reset_index()
    return grouped.astype({"mae": float, "bias": float}).replace({np.nan: None})[columns]
