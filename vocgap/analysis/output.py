"""The result's JSON built column by column: each column of a table is made JSON-safe once (NaN
and infinities to null, numpy scalars to Python numbers) in one vectorised pass, rows are zipped
from those columns, and orjson writes the bytes. A portfolio of 170,000 account × unit cells
then costs about a second instead of a recursive walk over ten million values.
"""

from __future__ import annotations

import math

import numpy as np
import orjson
import pandas as pd

__all__ = ["by_account", "clean", "column_values", "json_bytes", "records"]


def clean(value):
    """JSON-safe: NaN and infinities become null; numpy scalars become Python numbers."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return [clean(v) for v in value.tolist()]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def column_values(column: pd.Series) -> list:
    """The column as a list of JSON-safe Python values, ``clean`` applied to each, in one pass
    for numeric, boolean and text columns (``clean`` element by element only for the rest)."""
    dtype = column.dtype
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind in "iufb":
        # Nullable numbers (the vendor edition blanks counts as Int64): NA becomes null.
        missing = column.isna().to_numpy()
        values = column.to_numpy(dtype=dtype.numpy_dtype, na_value=0)
        out = values.astype(object)
        out[missing | ~np.isfinite(values.astype(float))] = None
        return out.tolist()
    if dtype.kind == "f":
        values = column.to_numpy()
        out = values.astype(object)
        out[~np.isfinite(values)] = None
        return out.tolist()
    if dtype.kind in "iub":
        return column.to_numpy().tolist()
    if isinstance(dtype, pd.StringDtype):
        values = column.to_numpy(dtype=object, na_value=None)
        return values.tolist()
    values = column.to_numpy(dtype=object, copy=True)
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        values[pd.isna(values)] = None  # NaN, NA and NaT among the text
        return values.tolist()
    return [clean(v) for v in values]


def records(frame: pd.DataFrame, drop: tuple[str, ...] = ()) -> list[dict]:
    """A frame as JSON-safe row dicts (without the ``drop`` columns), built column-wise."""
    keys = [str(c) for c in frame.columns if c not in drop]
    if not keys:
        return [{} for _ in range(len(frame))]
    columns = [column_values(frame[c]) for c in frame.columns if c not in drop]
    return [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]


def by_account(frame: pd.DataFrame) -> dict[str, list[dict]]:
    """JSON-safe records grouped by account, without the account column, in one pass."""
    if frame.empty or "account" not in frame:
        return {}
    out: dict[str, list[dict]] = {}
    for account, row in zip(column_values(frame["account"]), records(frame, ("account",)),
                            strict=True):
        out.setdefault(account, []).append(row)
    return out


def json_bytes(data: dict, *, indent: bool = True) -> bytes:
    """UTF-8 JSON of a cleaned result (orjson: no NaN can slip through, it writes null)."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 if indent else 0)
