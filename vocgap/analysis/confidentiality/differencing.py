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
    items = items.assign(dimension=items["unit"].map(dimension_of))
    scored = answered[answered["unit"].isin(set(dimension_of.values()))][
        ["account", "side", "unit", "respondent"]].rename(columns={"unit": "dimension"})
    n_item = items.groupby(KEY, observed=True).size()
    common = items.merge(scored, on=["account", "side", "dimension", "respondent"]).groupby(
        KEY, observed=True).size().reindex(n_item.index, fill_value=0)
    n_dimension = scored.groupby(["account", "side", "dimension"], observed=True).size()
    dimension = pd.MultiIndex.from_arrays([
        n_item.index.get_level_values("account"), n_item.index.get_level_values("side"),
        n_item.index.get_level_values("unit").map(dimension_of)])
    differ = (n_item.to_numpy() + n_dimension.reindex(dimension, fill_value=0).to_numpy()
              - 2 * common.to_numpy())
    exposed = n_item.index[too_small(differ, min_group)]
    out = {}
    for side in ("vendor", "customer"):
        keys = pd.MultiIndex.from_arrays([gaps["account"].astype(str), [side] * len(gaps),
                                          gaps["unit"].astype(str)])
        wanted = pd.MultiIndex.from_arrays([exposed.get_level_values(0).astype(str),
                                            exposed.get_level_values(1).astype(str),
                                            exposed.get_level_values(2).astype(str)])
        out[side] = keys.isin(wanted)
    return out
