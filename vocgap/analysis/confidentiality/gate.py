"""Gate G1 as small reusable checks: which groups are too small to show, and how to blank them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..codes import COUNTS_ONLY


def too_small(n, min_group: int) -> np.ndarray:
    """True where a figure rests on 1 … min_group − 1 people (zero people show nothing)."""
    n = pd.to_numeric(pd.Series(np.asarray(n, dtype=object)), errors="coerce").fillna(0)
    return ((n > 0) & (n < min_group)).to_numpy()


def breakdown_shown(count: int, total: int, min_group: int) -> bool:
    """A count within a group may be shown when it is zero, or when it and the rest of the
    group both reach the minimum (G1's remainder rule: the rest could be recovered by
    subtraction from the group's total)."""
    rest = total - count
    return count == 0 or (count >= min_group and (rest == 0 or rest >= min_group))


def shown_breakdown(counts: dict, total: int, min_group: int) -> dict:
    """A breakdown of a group (respondents per role, say) with each count kept or withheld
    (None), such that no withheld count comes back by subtracting the shown ones from the total.

    Zero counts are shown, so every withheld count is at least one; the withheld remainder must
    therefore span two or more categories, reach ``min_group`` and exceed the number of withheld
    categories (a remainder of 3 over three categories would be one person each). Shown counts
    are withheld, smallest first, until that holds; failing that the whole breakdown is withheld.
    """
    shown = {k: (int(v) if breakdown_shown(int(v), total, min_group) else None)
             for k, v in counts.items()}

    def safe() -> bool:
        withheld = [k for k, v in shown.items() if v is None]
        rest = total - sum(v for v in shown.values() if v)
        return not withheld or (len(withheld) >= 2 and rest >= min_group
                                and rest > len(withheld))

    while not safe():
        candidates = sorted((v, k) for k, v in shown.items() if v)
        if not candidates:
            return dict.fromkeys(counts)
        shown[candidates[0][1]] = None
    return shown


def mark_hidden(counts: pd.DataFrame, min_group: int) -> pd.DataFrame:
    """Respondent counts with ``confidential`` set, and status ``counts_only``, for accounts with
    a side below the minimum: the vendor edition shows nothing but their counts."""
    counts = counts.copy()
    small = (counts["customer"] < min_group) | (counts["vendor"] < min_group)
    counts["confidential"] = small.to_numpy()
    counts.loc[small, "status"] = COUNTS_ONLY
    return counts


def blank(frame: pd.DataFrame, rows, columns: list[str]) -> None:
    """Null ``columns`` on ``rows`` in place, keeping numbers numeric and counts integral."""
    rows = np.asarray(rows, dtype=bool)
    if not rows.any():
        return
    for column in columns:
        if column not in frame:
            continue
        series = frame[column]
        if pd.api.types.is_bool_dtype(series) or series.dtype == object:
            frame[column] = series.astype(object)
            frame.loc[rows, column] = None
        elif pd.api.types.is_integer_dtype(series):
            frame[column] = series.astype("Int64")
            frame.loc[rows, column] = pd.NA
        else:
            frame.loc[rows, column] = np.nan
