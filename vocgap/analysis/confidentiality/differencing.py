"""G1 across overlapping groups: an item's figure and its dimension's figure rest on the people who
answered the item and the people with a dimension score. When those groups differ by 1 …
min_group − 1 people, the two means give those people's answers back (for four customers with a
score, of whom three answered item B, x₄ = 8·dimension − 4·item A − 3·item B on a two-item
dimension), so the item's figure on that side is withheld."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .gate import too_small

KEY = ["account", "side", "unit"]


def differencing_sides(gaps: pd.DataFrame, units: pd.DataFrame, unit_info: dict,
                       min_group: int) -> dict[str, np.ndarray]:
    """Per side, the item rows of ``gaps`` whose group of answerers differs from the group
    behind their dimension's score by fewer than ``min_group`` people (but not by none)."""
    answered = units.dropna(subset=["value"])
    dimension_of = {u: i.dimension for u, i in unit_info.items()
                    if i.kind == "item" and i.dimension}
    items = answered[answered["unit"].isin(dimension_of)]
    items = items.assign(dimension=items["unit"].map(dimension_of).astype(object))
    scored = answered[answered["unit"].isin(set(dimension_of.values()))]
    person = ["account", "side", "respondent"]
    has_score = pd.MultiIndex.from_frame(items[[*person, "dimension"]]).isin(
        pd.MultiIndex.from_frame(scored[[*person, "unit"]]))
    per_item = items.assign(common=has_score).groupby(KEY + ["dimension"], observed=True)[
        "common"].agg(["size", "sum"]).reset_index()
    n_dimension = scored.groupby(["account", "side", "unit"], observed=True).size().rename(
        "n_dimension")
    per_item = per_item.join(n_dimension, on=["account", "side", "dimension"])
    differ = per_item["size"] + per_item["n_dimension"].fillna(0) - 2 * per_item["sum"]
    exposed = per_item[too_small(differ, min_group)]
    rows = pd.MultiIndex.from_frame(gaps[["account", "unit"]].astype(str))
    return {side: rows.isin(pd.MultiIndex.from_frame(
        exposed.loc[exposed["side"] == side, ["account", "unit"]].astype(str)))
        for side in ("vendor", "customer")}
