"""The quick road for a clean long CSV: pandas' C parser in chunks, each distinct (item, value)
checked once. Anything unusual (a bad value, a duplicate, odd quoting) returns None, and the
row-by-row reader then names every problem by line."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from ...instruments import Instrument
from ..values import InvalidValue
from .answers import AnswerReader
from .reader import Progress, Table, _Counting

CHUNK = 500_000
KEYS = ["account", "side", "respondent", "item", "value"]


def read_fast(data, table: Table, instrument: Instrument,
              progress: Progress | None = None) -> pd.DataFrame | None:
    """The answers frame, or None when the file needs the careful reader."""
    header = [h.strip().lower() for h in table.header]
    if (table.detected.format != "CSV" or not table.detected.codec or set(header) != set(KEYS)
            or len(header) != len(KEYS) or table.header_line != 1 or isinstance(data, str)):
        return None
    readers = {i.id: AnswerReader(i) for i in instrument.items}
    parts = []
    raw = data.open("rb") if isinstance(data, Path) else io.BytesIO(data)
    stream = io.BufferedReader(_Counting(raw, progress)) if progress is not None else raw
    try:
        with stream:
            chunks = pd.read_csv(stream, sep=table.detected.delimiter, dtype=str,
                                 keep_default_na=False, encoding=table.detected.codec,
                                 chunksize=CHUNK, engine="c", skip_blank_lines=True)
            for chunk in chunks:
                chunk.columns = [c.strip().lower() for c in chunk.columns]
                part = _chunk(chunk, readers)
                if part is None:
                    return None
                parts.append(part)
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError):
        return None
    if not parts:
        return None
    frame = pd.DataFrame({name: union_categoricals([p[name] for p in parts])
                          if name in ("account", "side", "respondent", "item")
                          else np.concatenate([p[name] for p in parts])
                          for name in ("account", "side", "respondent", "item", "value", "text")})
    if frame.duplicated(["account", "side", "respondent", "item"]).any():
        return None
    for name in ("account", "side", "respondent", "item"):
        frame[name] = frame[name].astype(object)
    return frame


def _chunk(chunk: pd.DataFrame, readers: dict[str, AnswerReader]) -> dict | None:
    """Each column is factorised first, so every check runs once per distinct cell."""
    keys = {}
    for name in ("account", "side", "respondent", "item"):
        codes, uniques = pd.factorize(chunk[name].to_numpy(dtype=object))
        cleaned = np.array([u.strip() for u in uniques], dtype=object)
        if any(not u or u.startswith("'") for u in cleaned):
            return None
        if name == "side":
            cleaned = np.array([u.lower() for u in cleaned], dtype=object)
            if not set(cleaned) <= {"customer", "vendor"}:
                return None
        if name == "item" and not set(cleaned) <= set(readers):
            return None
        keys[name] = (codes, cleaned)
    value_codes, raw_values = pd.factorize(chunk["value"].to_numpy(dtype=object))
    item_codes, items = keys["item"]
    pair, first = np.unique(item_codes.astype(np.int64) * len(raw_values) + value_codes,
                            return_inverse=True)
    value_of = np.full(len(pair), np.nan)
    text_of = np.full(len(pair), None, dtype=object)
    answered = np.ones(len(pair), dtype=bool)
    for code, combined in enumerate(pair):
        item_id, raw = items[combined // len(raw_values)], raw_values[combined % len(raw_values)]
        try:
            stored = readers[item_id].read(raw)
        except InvalidValue:
            return None
        if stored is None:
            answered[code] = False
        else:
            value_of[code] = np.nan if stored.value_num is None else stored.value_num
            text_of[code] = stored.value_text
    keep = answered[first]
    out = {name: pd.Categorical(cleaned[codes][keep]) for name, (codes, cleaned) in keys.items()}
    out["value"], out["text"] = value_of[first][keep], text_of[first][keep]
    return out
