"""Mapping files: which of a tool's columns hold which item, constants for missing key columns, and
recodes (``values:``, ``dont_know:``) per column, per item or for the whole file."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .columns import norm
from .common import ImportFailed, RowError, fail

KEY_COLUMNS = ("account", "side", "respondent")


def code_key(value: object) -> str:
    """One spelling for a code whether YAML, a CSV or a workbook wrote it: 10, '10', 10.0."""
    text = norm(str(value))
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() else text


@dataclass(frozen=True)
class Recode:
    """Codes to translate before an answer is checked, and codes that mean "don't know"."""

    values: dict[str, str] = field(default_factory=dict)
    dont_know: frozenset[str] = frozenset()

    def merged(self, other: Recode) -> Recode:
        return Recode({**other.values, **self.values}, self.dont_know | other.dont_know)


@dataclass(frozen=True)
class ColumnRule:
    """One mapped column: the item or key field it feeds and its own recodes."""

    column: str
    target: str
    recode: Recode = Recode()


@dataclass
class Mapping:
    """How a survey tool's file maps to vocgap."""

    columns: list[ColumnRule] = field(default_factory=list)
    constants: dict[str, str] = field(default_factory=dict)
    items: dict[str, Recode] = field(default_factory=dict)
    everywhere: Recode = Recode()
    source: str = "mapping"

    @classmethod
    def parse(cls, text: bytes | str, source: str) -> Mapping:
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise fail(source, mark.line + 1 if mark else 1, "", f"invalid YAML: {exc}") from None
        if not isinstance(data, dict) or not isinstance(data.get("columns", {}), dict):
            raise fail(source, 1, "columns", "needs 'columns:' mapping the tool's column names "
                       "to item ids")
        errors: list[RowError] = []
        unknown = set(data) - {"columns", "items", "values", "dont_know", *KEY_COLUMNS}
        if unknown:
            errors.append(RowError(1, "", f"unknown key(s) {', '.join(sorted(map(str, unknown)))}"
                                   "; use columns, items, dont_know, account, side, respondent"))
        rules = [_column_rule(str(k), v, errors) for k, v in (data.get("columns") or {}).items()]
        items = data.get("items") or {}
        if not isinstance(items, dict):
            errors.append(RowError(1, "items", "must map item ids to {values:, dont_know:}"))
            items = {}
        everywhere = _recode(data, "the whole file", errors)
        recodes = {str(k): _recode(v, f"item '{k}'", errors) for k, v in items.items()}
        if errors:
            raise ImportFailed(source, errors)
        constants = {k: str(data[k]) for k in KEY_COLUMNS if k in data}
        return cls([r for r in rules if r], constants, recodes, everywhere, source)

    @classmethod
    def load(cls, path: str | Path) -> Mapping:
        try:
            return cls.parse(Path(path).read_bytes(), str(path))
        except OSError as exc:
            raise fail(str(path), 1, "", f"cannot read: {exc}") from None

    def recode_for(self, rule: ColumnRule | None, item_id: str) -> Recode:
        """Column recodes first, then the item's, then those for the whole file."""
        out = self.everywhere.merged(Recode())
        out = self.items.get(item_id, Recode()).merged(out)
        return rule.recode.merged(out) if rule else out

    def check_targets(self, item_ids: set[str], instrument_id: str) -> None:
        """Every mapped target must be a key column or an item of the wave's instrument."""
        errors = []
        for rule in self.columns:
            if rule.target not in item_ids and rule.target not in KEY_COLUMNS:
                close = difflib.get_close_matches(rule.target, [*item_ids, *KEY_COLUMNS], 1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                errors.append(RowError(1, rule.column, f"maps to '{rule.target}', which is not "
                                       f"an item of '{instrument_id}'{hint}"))
        for item_id in self.items:
            if item_id not in item_ids:
                errors.append(RowError(1, "items", f"'{item_id}' is not an item of "
                                       f"'{instrument_id}'"))
        if errors:
            raise ImportFailed(self.source, errors)


def _column_rule(column: str, spec, errors: list[RowError]) -> ColumnRule | None:
    if isinstance(spec, str | int):
        return ColumnRule(column, str(spec))
    if not isinstance(spec, dict) or "item" not in spec:
        errors.append(RowError(1, column, "give an item id, or {item: ID, values: {...}, "
                               "dont_know: [...]}"))
        return None
    return ColumnRule(column, str(spec["item"]), _recode(spec, f"column '{column}'", errors))


def _recode(spec, where: str, errors: list[RowError]) -> Recode:
    if not isinstance(spec, dict):
        errors.append(RowError(1, "", f"{where}: expected values: and dont_know:"))
        return Recode()
    values = spec.get("values") or {}
    dont_know = spec.get("dont_know") or []
    if not isinstance(values, dict):
        errors.append(RowError(1, "values", f"{where}: values must map codes to answers, e.g. "
                               "{10: 1, 11: 2}"))
        values = {}
    if not isinstance(dont_know, list):
        dont_know = [dont_know]
    return Recode({code_key(k): str(v) for k, v in values.items()},
                  frozenset(code_key(c) for c in dont_know))
