"""The vendor edition of the per-account headline figures: superior experience, recommend, stage
and priorities. Each side's figure needs ``min_group`` answers (not "don't know") behind it; a
comparison needs both sides."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import headline
from ..codes import BELOW_MIN_GROUP
from .gate import blank, too_small


def _small(frame: pd.DataFrame, column: str, hidden: set, min_group: int) -> np.ndarray:
    return frame["account"].isin(hidden).to_numpy() | too_small(frame[column], min_group)


def vendor_superior(superior: pd.DataFrame, hidden: set, min_group: int) -> pd.DataFrame:
    """Agree counts and shares per side only from groups at the minimum; the difference, its
    interval and test only when both sides are."""
    out = superior.copy()
    small = {side: _small(out, f"n_{side}", hidden, min_group) for side in ("vendor", "customer")}
    for side, rows in small.items():
        blank(out, rows, [f"x_{side}", f"share_{side}", f"{side}_majority"])
    cut = small["vendor"] | small["customer"]
    blank(out, cut, ["difference", "ci_low", "ci_high", "p_value", "min_p"])
    out.loc[cut, ["ci_note", "test_note"]] = BELOW_MIN_GROUP
    return out


def fully_shown(superior: pd.DataFrame) -> pd.DataFrame:
    """Accounts whose headline shows both sides: the only ones the portfolio headline counts."""
    return superior[superior["difference"].notna()].astype(
        {"vendor_majority": bool, "customer_majority": bool})


def vendor_recommend(recommend: pd.DataFrame, hidden: set, min_group: int) -> pd.DataFrame:
    """NPS and its counts per side only where that side's group reaches the minimum."""
    out = recommend.copy()
    blank(out, _small(out, "n", hidden, min_group),
          ["mean", "promoters", "detractors", "passives", "nps"])
    return out


def vendor_stages(stages: pd.DataFrame, hidden: set, min_group: int) -> pd.DataFrame:
    """Stage per side only from groups at the minimum; the gap only when both sides are."""
    out = stages.copy()
    small = _small(out, "n", hidden, min_group)
    blank(out, small, ["median", "mode", "distribution"])
    blocked = set(out.loc[small, "account"])
    blank(out, out["account"].isin(blocked).to_numpy(), ["gap"])
    return out


def vendor_priorities(sources, gaps: pd.DataFrame, recommend: pd.DataFrame, hidden: set,
                      min_group: int) -> pd.DataFrame:
    """Priorities recomputed from what the vendor edition shows: derived importance from the
    customers of shown dimension cells and shown recommend groups, the quadrants' crosshairs
    from the shown rows; each figure blanked below the minimum."""
    answers = sources.answers[~sources.answers["account"].isin(hidden)]
    units = sources.units[~sources.units["account"].isin(hidden)]
    out = headline.priorities(answers, units, gaps, sources.instrument)
    out = out[~out["account"].isin(hidden)].reset_index(drop=True)
    if (out["importance_source"] == "derived").any():
        derived = shown_derived_importance(sources, gaps, recommend)
        out["importance"] = out["unit"].map(derived.set_index("unit")["importance"]).astype(
            float)
        out["priority"] = out["importance"] * (1 - out["performance"])
    no_performance = too_small(out["n_performance"], min_group)
    no_importance = too_small(out["n_importance"], min_group)
    blank(out, no_performance, ["performance"])
    blank(out, no_importance, ["importance"])
    blank(out, no_performance | no_importance, ["priority"])
    out["quadrant"] = headline.priority_quadrants(out)
    return headline.order_priorities(out)


def shown_derived_importance(sources, gaps: pd.DataFrame, recommend: pd.DataFrame) -> pd.DataFrame:
    """Spearman ρ per dimension over customers whose dimension score and recommend answer both
    sit in groups the vendor edition shows (a suppressed answer must not move a shown figure)."""
    shown_cells = gaps.loc[(gaps["kind"] == "dimension") & gaps["mean_customer"].notna(),
                           ["account", "unit"]]
    keys = pd.MultiIndex.from_frame(shown_cells.astype(str))
    units = sources.units[sources.units["side"] == "customer"]
    inside = pd.MultiIndex.from_arrays([units["account"].astype(str),
                                        units["unit"].astype(str)]).isin(keys)
    heard = set(recommend.loc[(recommend["side"] == "customer") & recommend["nps"].notna(),
                              "account"])
    answers = sources.answers[sources.answers["account"].isin(heard)]
    return headline.derived_importance(answers, units[inside], sources.instrument)
