"""The three shapes a responses file comes in (long, wide as survey tools write it, and vocgap's own
export) turned into one stream of respondent rows that name the user's columns."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from ...instruments import Instrument
from .columns import Columns, cell, norm, raw_cell
from .common import fail
from .headers import HeaderRows, detect
from .mapping import KEY_COLUMNS, ColumnRule, Mapping
from .reader import Progress, Table

POWER_MAP_ITEMS = {"power_map_support": "support", "power_map_influence": "influence"}
LONG_COLUMNS = ("item", "value")
EXPORT_COLUMNS = {"item", "value", "value_label", "dont_know", "respondent_id"}
TRUE = {"true", "1", "yes", "y", "wahr", "vrai"}
FACTS = ("role", "quartet", "function", "segment", "key_account", "language")


@dataclass(frozen=True, slots=True)
class Entry:
    """One answer cell: the item it feeds, where it is in the user's file, and its text."""

    item: str
    column: str
    raw: str
    line: int
    dont_know: bool = False


@dataclass(frozen=True, slots=True)
class Rating:
    """One power-map cell: a vendor's rating of a customer contact."""

    contact_id: str
    contact_name: str
    kind: str
    raw: str
    line: int
    dont_know: bool = False


@dataclass(slots=True)
class Row:
    """What one line of the file says about one respondent's answers for one account."""

    line: int
    account: str
    side: str
    respondent: str
    respondent_id: str = ""
    same_study: bool = False
    facts: dict[str, str] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)
    ratings: list[Rating] = field(default_factory=list)
    cells: list[str] = field(default_factory=list, repr=False)


@dataclass
class Shape:
    """A file read as respondent rows, and what the reading noticed."""

    layout: str
    table: Table
    columns: Columns
    skip: int
    read_row: object
    notes: list[str] = field(default_factory=list)
    held_items: tuple[str, ...] = ()
    rules: dict[str, ColumnRule] = field(default_factory=dict)

    def rows(self, progress: Progress | None = None) -> Iterator[Row]:
        stream = self.table.rows(progress)
        for _ in range(self.skip):
            next(stream, None)
        for line, cells in stream:
            yield self.read_row(line, cells)  # type: ignore[operator]


def read_shape(table: Table, instrument: Instrument, mapping: Mapping, layout: str,
               study_name: str) -> Shape:
    """Find the header rows, the key columns and the item columns of one file."""
    first = list(_first_rows(table, 2))
    headers = detect(table.header, [cells for _, cells in first])
    columns = Columns(table.header, table.source, table.header_line, headers.aliases)
    positions = _mapped_positions(columns, mapping)
    names = {norm(n) for n in table.header}
    if layout == "auto":
        targets = set(positions.values())
        layout = "long" if {"item", "value"} <= names | targets else "wide"
    if layout not in ("long", "wide"):
        raise ValueError(f"layout must be auto, long or wide, not {layout!r}")
    notes = [table.detected.describe()]
    if headers.skip:
        notes.append(headers.note([line for line, _ in first]))
    reader = _long if layout == "long" else _wide
    shape = reader(table, columns, positions, mapping, instrument, study_name, headers)
    shape.notes[:0] = notes
    return shape


def _first_rows(table: Table, n: int):
    for count, row in enumerate(table.rows()):
        if count >= n:
            return
        yield row


def _mapped_positions(columns: Columns, mapping: Mapping) -> dict[int, str]:
    out: dict[int, str] = {}
    for rule in mapping.columns:
        position = columns.find(rule.column)
        if position is None:
            raise fail(columns.source, columns.line, rule.column, (
                f"the mapping names column '{rule.column}', which this file does not have "
                f"(found: {columns.found()})"))
        out[position] = rule.target
    return out


def _key_positions(columns: Columns, positions: dict[int, str], mapping: Mapping,
                   needed: tuple[str, ...]) -> dict[str, int | None]:
    by_target = {t: p for p, t in positions.items()}
    keys: dict[str, int | None] = {}
    for name in needed:
        keys[name] = by_target.get(name, columns.find(name))
    missing = [n for n in needed if keys[n] is None and n not in mapping.constants]
    if missing:
        raise fail(columns.source, columns.line, "", (
            "missing column(s): " + ", ".join(missing) + f" (found: {columns.found()}); rename "
            "them in the file, map them in a mapping file (e.g. 'columns: {Company: account}'), "
            "or give a constant (e.g. 'side: customer')"))
    return keys


def _wide(table, columns: Columns, positions, mapping: Mapping, instrument: Instrument,
          study_name: str, headers: HeaderRows) -> Shape:
    keys = _key_positions(columns, positions, mapping, KEY_COLUMNS)
    items = {i.id for i in instrument.items}
    item_columns = [(p, t) for p, t in positions.items() if t in items]
    twice = {t for _, t in item_columns if [x for _, x in item_columns].count(t) > 1}
    if twice:
        raise fail(table.source, table.header_line, "", "the mapping sends several columns to "
                   f"item(s) {', '.join(sorted(twice))}; map each item from one column")
    used = set(positions) | {p for p in keys.values() if p is not None}
    for item_id in sorted(items):
        position = columns.find(item_id)
        if position is not None and position not in used:
            item_columns.append((position, item_id))
            used.add(position)
    item_columns.sort()
    if not item_columns:
        raise fail(table.source, table.header_line, "", (
            f"no column matches an item id of '{instrument.id}' (found: {columns.found()}); "
            "use a mapping file to say which column holds which item"))
    ignored = [columns.label(p) for p in range(len(table.header)) if p not in used]
    labels = [(p, item_id, columns.label(p)) for p, item_id in item_columns]

    def read(line: int, cells: list[str]) -> Row:
        row = Row(line, *(_key(cells, keys, mapping, k) for k in KEY_COLUMNS), cells=cells)
        row.entries = [Entry(item_id, label, raw_cell(cells, p), line)
                       for p, item_id, label in labels]
        return row

    notes = [f"ignored columns that are not items: {', '.join(ignored)}"] if ignored else []
    rules = {r.target: r for r in mapping.columns if r.target in items}
    return Shape("wide", table, columns, headers.skip, read, notes,
                 tuple(i for _, i in item_columns), rules)


def _key(cells: list[str], keys: dict[str, int | None], mapping: Mapping, name: str) -> str:
    return mapping.constants.get(name) or cell(cells, keys[name])


def _getter(position: int | None, mapping: Mapping | None = None, name: str = ""):
    """A fast reader of one key cell: the mapping's constant, the cell, or nothing."""
    constant = mapping.constants.get(name) if mapping is not None else None
    if constant:
        return lambda cells: constant
    if position is None:
        return lambda cells: ""
    return lambda cells: cell(cells, position)


def _long(table, columns: Columns, positions, mapping: Mapping, instrument: Instrument,
          study_name: str, headers: HeaderRows) -> Shape:
    exported = EXPORT_COLUMNS <= {norm(h) for h in table.header}
    needed = ("account", "side") if exported else KEY_COLUMNS
    keys = _key_positions(columns, positions, mapping, (*needed, *LONG_COLUMNS))
    extra = {n: columns.find(n) for n in (
        "respondent", "respondent_id", "value_label", "dont_know", "about_contact_id",
        "about_contact", "study", *FACTS)}
    facts = [n for n in FACTS if extra[n] is not None]
    if exported:
        keys["respondent"] = extra["respondent"]
    # Numbers are read from 'value' for scaled items; choices and text from the label when
    # the file has one (vocgap's export writes both).
    by_label = {i.id for i in instrument.items if i.type == "open_text" or i.options}
    has_respondent = keys.get("respondent") is not None or "respondent" in mapping.constants
    account, side = _getter(keys["account"], mapping, "account"), _getter(
        keys["side"], mapping, "side")
    respondent = _getter(keys["respondent"], mapping, "respondent") if has_respondent else (
        lambda cells: "")
    get = {n: _getter(p) for n, p in extra.items()}
    item_at, value_at, label_at = keys["item"], keys["value"], extra["value_label"]

    def read(line: int, cells: list[str]) -> Row:
        row = Row(line, account(cells), side(cells), respondent(cells),
                  respondent_id=get["respondent_id"](cells),
                  same_study=exported and get["study"](cells) == study_name,
                  facts={n: get[n](cells) for n in facts}, cells=cells)
        item_id = cell(cells, item_at)
        value = raw_cell(cells, value_at)
        dont_know = get["dont_know"](cells).lower() in TRUE
        if item_id in POWER_MAP_ITEMS:
            row.ratings.append(Rating(get["about_contact_id"](cells),
                                      get["about_contact"](cells), POWER_MAP_ITEMS[item_id],
                                      value, line, dont_know))
            return row
        label = raw_cell(cells, label_at) if label_at is not None else ""
        if label.strip() and (item_id in by_label or not value.strip()):
            raw, column = label, "value_label"
        else:
            raw, column = value, "value"
        row.entries.append(Entry(item_id, column, raw, line, dont_know))
        return row

    return Shape("export" if exported else "long", table, columns, headers.skip, read)

