"""Reading CSV text and reporting problems by file, line and column."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

MAX_ROWS = 200_000


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column '{self.column}'" if self.column else "")
        return f"{where}: {self.message}"


class ImportFailed(ValueError):
    """Nothing was written; ``errors`` lists every bad row."""

    def __init__(self, source: str, errors: list[RowError]):
        self.source = source
        self.errors = errors
        shown = "\n".join(f"{source}, {e}" for e in errors[:50])
        more = f"\n… and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{source}: {len(errors)} problem(s), nothing was imported\n{shown}{more}")


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n

    def summary(self) -> str:
        parts = [f"{n} {what}" for what, n in self.created.items() if n]
        return ("imported " + ", ".join(parts)) if parts else "nothing new to import"


def decode(data: bytes | str, source: str) -> str:
    """UTF-8 (with or without the BOM spreadsheets add); anything else is named, not guessed."""
    if isinstance(data, str):
        text = data
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFailed(source, [RowError(
                _line_of(data, exc.start), "", "the file is not UTF-8 text; save it as "
                "'CSV UTF-8' and try again")]) from None
    if "\x00" in text:
        raise ImportFailed(source, [RowError(_line_of(text, text.index("\x00")), "",
                                             "contains a NUL character")])
    return text


def _line_of(data, offset: int) -> int:
    newline = b"\n" if isinstance(data, bytes) else "\n"
    return data[:offset].count(newline) + 1


def read_rows(text: str, source: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, cells) pairs; blank lines are skipped."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [c.strip() for c in cells]
                continue
            rows.append((reader.line_num, cells))
            if len(rows) > MAX_ROWS:
                raise ImportFailed(source, [RowError(reader.line_num, "",
                                                     f"more than {MAX_ROWS} rows")])
    except csv.Error as exc:
        raise ImportFailed(source, [RowError(reader.line_num, "", f"not valid CSV: {exc}")]
                           ) from None
    if header is None:
        raise ImportFailed(source, [RowError(1, "", "the file is empty")])
    return header, rows


def require_columns(header: list[str], needed: list[str], source: str) -> dict[str, int]:
    index = {name.lower(): i for i, name in enumerate(header)}
    missing = [n for n in needed if n not in index]
    if missing:
        raise ImportFailed(source, [RowError(1, "", "missing column(s): " + ", ".join(missing)
                                             + f" (found: {', '.join(header)})")])
    return index


def cell(cells: list[str], index: dict[str, int], name: str) -> str:
    i = index.get(name)
    return cells[i].strip() if i is not None and i < len(cells) else ""
