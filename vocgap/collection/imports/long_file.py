"""A long responses CSV straight into the analysis' answers frame, with no database at all."""

from __future__ import annotations

import pandas as pd

from ...instruments import Instrument
from ..values import InvalidValue, coerce_value
from .common import ImportFailed, RowError, cell, decode, read_rows, require_columns

COLUMNS = ["account", "side", "respondent", "item", "value"]


def read_long_responses(data: bytes | str, instrument: Instrument,
                        source: str = "responses.csv") -> pd.DataFrame:
    """Validate every row against the instrument; columns account, side, respondent, item,
    value (numeric or NaN) and text (choice code or open text)."""
    header, rows = read_rows(decode(data, source), source)
    index = require_columns([h.lower() for h in header], COLUMNS, source)
    errors: list[RowError] = []
    records = []
    seen: set[tuple] = set()
    for line, cells in rows:
        account, side, respondent, item_id = (cell(cells, index, c) for c in COLUMNS[:4])
        raw = cells[index["value"]] if index["value"] < len(cells) else ""
        if side.lower() not in ("customer", "vendor"):
            errors.append(RowError(line, "side", f"'{side}' is not customer or vendor"))
            continue
        if not account or not respondent:
            errors.append(RowError(line, "account" if not account else "respondent",
                                   "must not be empty"))
            continue
        try:
            item = instrument.item(item_id)
        except KeyError:
            errors.append(RowError(line, "item", f"unknown item '{item_id}'"))
            continue
        key = (account, side.lower(), respondent, item_id)
        if key in seen:
            errors.append(RowError(line, "item", f"'{item_id}' is answered twice by "
                                   f"{respondent} for {account}"))
            continue
        seen.add(key)
        try:
            stored = coerce_value(item, raw)
        except InvalidValue as exc:
            errors.append(RowError(line, "value", f"item '{item_id}': value {exc}"))
            continue
        if stored is None:
            continue
        records.append({"account": account, "side": side.lower(), "respondent": respondent,
                        "item": item_id, "value": stored.value_num,
                        "text": stored.value_text})
    if errors:
        raise ImportFailed(source, errors)
    frame = pd.DataFrame(records, columns=[*COLUMNS, "text"])
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    return frame
