"""A long responses file (or vocgap's export) straight into the analysis' input, with no database:
read as a stream into compact columns, so a 3-million-answer portfolio fits in bounded memory."""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...analysis import AnalysisInput
from ...instruments import Instrument
from ..values import InvalidValue
from .answers import AnswerReader
from .common import ImportFailed, RowError
from .fast_long import KEYS as COLUMNS
from .fast_long import read_fast
from .mapping import Mapping
from .reader import Progress, Source, open_table
from .records import Row, read_shape

MAX_ERRORS = 1000


@dataclass
class _Codes:
    """Strings kept once each; the columns hold small integer codes."""

    values: dict[str, int] = field(default_factory=dict)
    codes: array = field(default_factory=lambda: array("i"))

    def add(self, text: str) -> None:
        self.codes.append(self.values.setdefault(text, len(self.values)))

    def column(self) -> pd.Series:
        categories = np.array(list(self.values), dtype=object)
        return pd.Series(categories[np.frombuffer(self.codes, dtype=np.int32)], dtype=object)


@dataclass
class _Columns:
    account: _Codes = field(default_factory=_Codes)
    side: _Codes = field(default_factory=_Codes)
    respondent: _Codes = field(default_factory=_Codes)
    item: _Codes = field(default_factory=_Codes)
    value: array = field(default_factory=lambda: array("d"))
    lines: array = field(default_factory=lambda: array("q"))
    texts: dict[int, str] = field(default_factory=dict)


def read_analysis_input(data: Source, instrument: Instrument, source: str = "responses.csv", *,
                        mapping: Mapping | None = None,
                        progress: Progress | None = None) -> AnalysisInput:
    """Answers, respondents, accounts and the power map, every row checked against the
    instrument; any bad row stops the reading with every problem named."""
    table = open_table(data, source)
    if mapping is None:
        answers = read_fast(data, table, instrument, progress)
        if answers is not None:
            return _analysis_input(answers, {})
    shape = read_shape(table, instrument, mapping or Mapping(), "long", "")
    items = {i.id: i for i in instrument.items}
    readers = {i: AnswerReader(item, (mapping or Mapping()).recode_for(None, i))
               for i, item in items.items()}
    out = _Columns()
    ratings: dict[tuple[str, str, str], dict[str, float]] = {}
    errors: list[RowError] = []
    for row in shape.rows(progress):
        if len(errors) >= MAX_ERRORS:
            break
        side = row.side.strip().lower()
        respondent = row.respondent.strip() or row.respondent_id
        account = row.account.strip()
        if side not in ("customer", "vendor"):
            errors.append(RowError(row.line, "side", f"'{row.side}' is not customer or vendor"))
            continue
        if not account or not respondent:
            errors.append(RowError(row.line, "account" if not account else "respondent",
                                   "must not be empty"))
            continue
        _ratings(row, account, respondent, ratings, errors)
        for entry in row.entries:
            item = items.get(entry.item)
            if item is None:
                errors.append(RowError(entry.line, "item", f"unknown item '{entry.item}'"))
                continue
            try:
                stored = readers[item.id].read("dk" if entry.dont_know else entry.raw)
            except InvalidValue as exc:
                errors.append(RowError(entry.line, entry.column,
                                       f"item '{item.id}': value {exc}"))
                continue
            if stored is None:
                continue
            if stored.value_text is not None:
                out.texts[len(out.value)] = stored.value_text
            out.value.append(np.nan if stored.value_num is None else stored.value_num)
            out.lines.append(entry.line)
            for codes, text in ((out.account, account), (out.side, side),
                                (out.respondent, respondent), (out.item, item.id)):
                codes.add(text)
    if not errors:
        errors = _duplicates(out)
    if errors:
        raise ImportFailed(source, errors)
    return _input(out, ratings)



def _ratings(row: Row, account: str, respondent: str, ratings: dict, errors: list) -> None:
    for rating in row.ratings:
        raw = rating.raw.strip()
        try:
            score = float(raw) if raw else np.nan
        except ValueError:
            score = -1.0
        if not np.isnan(score) and not (1 <= score <= 5 and score.is_integer()):
            errors.append(RowError(rating.line, "value", f"power-map rating '{raw}' is not a "
                                   "whole number from 1 to 5"))
            continue
        contact = rating.contact_name or rating.contact_id
        ratings.setdefault((account, respondent, contact), {"support": np.nan,
                                                             "influence": np.nan})[
            rating.kind] = score


def _duplicates(out: _Columns) -> list[RowError]:
    """The same respondent answering the same item twice for one account, found in one sort."""
    keys = pd.DataFrame({name: np.frombuffer(getattr(out, name).codes, dtype=np.int32)
                         for name in ("account", "side", "respondent", "item")})
    twice = np.flatnonzero(keys.duplicated().to_numpy())
    lines = np.frombuffer(out.lines, dtype=np.int64)
    items = list(out.item.values)
    codes = np.frombuffer(out.item.codes, dtype=np.int32)
    return [RowError(int(lines[i]), "item", f"'{items[codes[i]]}' is answered twice by this "
                     "respondent for this account") for i in twice[:MAX_ERRORS]]


def _input(out: _Columns, ratings: dict) -> AnalysisInput:
    text = np.full(len(out.value), None, dtype=object)
    for position, value in out.texts.items():
        text[position] = value
    answers = pd.DataFrame({"account": out.account.column(), "side": out.side.column(),
                            "respondent": out.respondent.column(), "item": out.item.column(),
                            "value": np.frombuffer(out.value, dtype=np.float64), "text": text},
                           columns=[*COLUMNS, "text"])
    return _analysis_input(answers, ratings)


def _analysis_input(answers: pd.DataFrame, ratings: dict) -> AnalysisInput:
    respondents = answers[["respondent", "account", "side"]].drop_duplicates()
    accounts = pd.DataFrame({"account": sorted(answers["account"].unique())})
    power_map = pd.DataFrame([{"account": a, "rater": r, "contact": c, **v}
                              for (a, r, c), v in ratings.items()],
                             columns=["account", "rater", "contact", "support", "influence"])
    return AnalysisInput(answers, respondents.reset_index(drop=True), power_map, accounts)
