"""From raw long answers to analysable scores: reverse coding and respondent dimension scores."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..instruments import Instrument, agree_min

COMPARED_TYPES = ("agreement", "likelihood")
ANSWER_COLUMNS = ["account", "side", "respondent", "item", "value"]


@dataclass(frozen=True)
class Unit:
    """Something compared between the sides: one item or one dimension, on a known scale."""

    id: str
    kind: str  # "item" or "dimension"
    label: str
    low: int
    high: int
    dimension: str | None = None

    @property
    def span(self) -> int:
        return self.high - self.low

    @property
    def points(self) -> int:
        return self.high - self.low + 1

    @property
    def agree_min(self) -> int:
        return agree_min(self.low, self.high)


def units(instrument: Instrument, wording: dict[str, str] | None = None) -> dict[str, Unit]:
    """Every comparable item (agreement, 0–10) and every dimension of the instrument.

    Item labels are the customer wording with ``wording`` filled into its placeholders.
    """
    from ..instruments import render_wording

    wording = wording or {"vendor": "the vendor", "account": "the customer"}
    out: dict[str, Unit] = {}
    for dim in instrument.dimensions:
        items = instrument.dimension_items(dim.id)
        scale = items[0].scale
        out[dim.id] = Unit(dim.id, "dimension", dim.name, scale.min, scale.max, dim.id)
    for item in instrument.items:
        if item.type in COMPARED_TYPES and {"customer", "vendor"} <= set(item.sides):
            out[item.id] = Unit(item.id, "item", render_wording(item.customer, **wording),
                                item.scale.min, item.scale.max, item.dimension)
    return out


def scored_items(answers: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Numeric answers with reverse-coded items flipped (L + H − x); don't-knows stay as NaN so
    that an item nobody could answer still shows up, as "insufficient data"."""
    numeric = {i.id: i for i in instrument.items if i.is_numeric}
    frame = answers[answers["item"].isin(numeric)]
    frame = frame[ANSWER_COLUMNS].copy()
    frame["value"] = frame["value"].astype(float)
    reverse = {i.id: i.low + i.high for i in numeric.values() if i.reverse}
    if reverse:
        flip = frame["item"].map(reverse)
        frame["value"] = np.where(flip.notna(), flip - frame["value"], frame["value"])
    return frame.reset_index(drop=True)


def dimension_scores(scored: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Each respondent's mean per dimension, kept only if they answered ⌈k/2⌉ of its k items."""
    membership = {i.id: i.dimension for d in instrument.dimensions
                  for i in instrument.dimension_items(d.id)}
    need = {d.id: math.ceil(len(instrument.dimension_items(d.id)) / 2)
            for d in instrument.dimensions}
    frame = scored[scored["item"].isin(membership)]
    frame = frame[frame[["account", "side", "respondent"]].notna().all(axis=1)]
    unit = frame["item"].map(membership)
    group, first = _first_seen_groups([frame["account"], frame["side"], frame["respondent"],
                                       unit])
    # One integer key, groups in order of first appearance (as a multi-key sort=False groupby).
    grouped = frame["value"].groupby(group).agg(["mean", "count"])
    people = frame.iloc[first]
    scores = pd.DataFrame({"account": people["account"].to_numpy(),
                           "side": people["side"].to_numpy(),
                           "respondent": people["respondent"].to_numpy(),
                           "unit": unit.iloc[first].to_numpy(),
                           "mean": grouped["mean"].to_numpy(),
                           "count": grouped["count"].to_numpy()})
    for name in ("account", "side", "respondent", "unit"):
        source = unit if name == "unit" else frame[name]
        scores[name] = scores[name].astype(source.dtype)
    scores = scores[scores["count"] >= scores["unit"].map(need)]
    return scores.assign(value=scores["mean"].round(9))[
        ["account", "side", "respondent", "unit", "value"]].reset_index(drop=True)


def _first_seen_groups(keys: list[pd.Series]) -> tuple[np.ndarray, np.ndarray]:
    """Group number of each row over several key columns (numbered in order of first
    appearance) and the position of each group's first row."""
    combined = np.zeros(len(keys[0]), dtype=np.int64)
    for key in keys:
        codes, uniques = pd.factorize(key, use_na_sentinel=False)
        combined = combined * (len(uniques) + 1) + codes
        combined, _ = pd.factorize(combined)  # renumber, so the product never overflows
    group = combined
    first = np.full(int(group.max()) + 1 if len(group) else 0, -1, dtype=np.int64)
    first[group[::-1]] = np.arange(len(group) - 1, -1, -1)
    return group, first


def unit_frame(scored: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Long frame of (account, side, respondent, unit, value) for items and dimensions alike."""
    compared = units(instrument)
    items = scored[scored["item"].isin([u for u, x in compared.items() if x.kind == "item"])]
    items = items.rename(columns={"item": "unit"})
    return pd.concat([items, dimension_scores(scored, instrument)], ignore_index=True)
