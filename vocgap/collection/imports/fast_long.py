"""The quick road for a clean long CSV: pandas' C parser in chunks, each distinct (item, value)
checked once. Anything unusual (a bad value, a duplicate, odd quoting) returns None, and the
row-by-row reader then names every problem by line."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ...instruments import Instrument
from ..values import InvalidValue
from .answers import AnswerReader
from .reader import CountingReader, Progress, Table

KEYS = ["account", "side", "respondent", "item", "value"]


def read_fast(data, table: Table, instrument: Instrument,
              progress: Progress | None = None) -> pd.DataFrame | None:
    """The answers frame, or None when the file needs the careful reader."""
    header = [h.strip().lower() for h in table.header]
    if (table.detected.format != "CSV" or not table.detected.codec or set(header) != set(KEYS)
            or len(header) != len(KEYS) or table.header_line != 1 or isinstance(data, str)):
        return None
    readers = {i.id: AnswerReader(i) for i in instrument.items}
    raw = data.open("rb") if isinstance(data, Path) else io.BytesIO(data)
    stream = io.BufferedReader(CountingReader(raw, progress)) if progress is not None else raw
    try:
        with stream:
            if table.detected.codec in UTF8:
                frame = _read_arrow(stream, table.detected.delimiter, len(header))
            else:
                frame = pd.read_csv(stream, sep=table.detected.delimiter, dtype="category",
                                    keep_default_na=False, na_values=[],
                                    encoding=table.detected.codec, engine="c")
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError, pa.ArrowException):
        return None
    frame.columns = header
    return _checked(frame, readers)


UTF8 = ("utf-8", "utf-8-sig")


def _read_arrow(stream, delimiter: str, width: int) -> pd.DataFrame:
    """Every column as a categorical of the exact text (nothing read as missing, nothing read
    as a number), parsed by pyarrow's CSV reader: several times faster than pandas' C parser
    on a long file. The header line is skipped; the caller names the columns."""
    import pyarrow.csv as pa_csv

    names = [f"column{i}" for i in range(width)]
    text = pa.dictionary(pa.int32(), pa.string())
    table = pa_csv.read_csv(
        stream, read_options=pa_csv.ReadOptions(skip_rows=1, column_names=names),
        parse_options=pa_csv.ParseOptions(delimiter=delimiter),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(names, text), strings_can_be_null=False,
            null_values=[]))
    return table.to_pandas()


def _clean(column: pd.Series, lower: bool = False) -> tuple[np.ndarray, np.ndarray] | None:
    """Codes and trimmed categories; None if a key is empty or carries a formula guard."""
    categories = np.array([str(c).strip() for c in column.cat.categories], dtype=object)
    if lower:
        categories = np.array([c.lower() for c in categories], dtype=object)
    codes = column.cat.codes.to_numpy()
    if (codes < 0).any() or any(not c or c.startswith("'") for c in categories):
        return None
    unique, inverse = np.unique(categories, return_inverse=True) if len(categories) else (
        categories, np.zeros(0, dtype=np.int64))
    return inverse[codes], unique


def _checked(frame: pd.DataFrame, readers: dict[str, AnswerReader]) -> pd.DataFrame | None:
    """Every check runs once per distinct cell or (item, value) pair, never per row."""
    keys = {}
    for name in ("account", "side", "respondent", "item"):
        cleaned = _clean(frame[name], lower=name == "side")
        if cleaned is None:
            return None
        keys[name] = cleaned
    if not set(keys["side"][1]) <= {"customer", "vendor"} or not set(
            keys["item"][1]) <= set(readers):
        return None
    item_codes, items = keys["item"]
    value_codes = frame["value"].cat.codes.to_numpy().astype(np.int64)
    raw_values = list(frame["value"].cat.categories)
    width = len(raw_values) + 1
    first, pairs = pd.factorize(item_codes.astype(np.int64) * width + value_codes + 1)
    value_of = np.full(len(pairs), np.nan)
    text_of = np.full(len(pairs), None, dtype=object)
    answered = np.ones(len(pairs), dtype=bool)
    for code, combined in enumerate(pairs):
        value_code = combined % width - 1
        raw = str(raw_values[value_code]) if value_code >= 0 else ""
        try:
            stored = readers[items[combined // width]].read(raw)
        except InvalidValue:
            return None
        if stored is None:
            answered[code] = False
        else:
            value_of[code] = np.nan if stored.value_num is None else stored.value_num
            text_of[code] = stored.value_text
    keep = answered[first]
    combined_key = np.zeros(int(keep.sum()), dtype=np.int64)
    out = {}
    for name, (codes, categories) in keys.items():
        kept = codes[keep]
        combined_key = combined_key * (len(categories) + 1) + kept
        out[name] = categories[kept]
    if pd.Series(combined_key).duplicated().any():
        return None
    out["value"], out["text"] = value_of[first][keep], text_of[first][keep]
    return pd.DataFrame(out, columns=[*KEYS, "text"])
