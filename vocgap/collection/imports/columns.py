"""Finding a file's columns by the names people give them: any case or spacing, by a second header
row, or by position (``#7``), and refusing a name that two columns share."""

from __future__ import annotations

import re

from ...instruments.translation_sheet import column_letter as letter
from ..export import FORMULA_START
from .common import ImportFailed, RowError, fail

APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u00b4": "'", "`": "'",
                             "\u02bc": "'", "\u201c": '"', "\u201d": '"'})


def norm(text: str) -> str:
    """Compare names and labels ignoring case, spacing and the kind of apostrophe."""
    return re.sub(r"\s+", " ", text.translate(APOSTROPHES)).strip().casefold()


class Columns:
    """The header of one file, searchable by header text, second-row text or position."""

    def __init__(self, header: list[str], source: str, header_line: int = 1,
                 aliases: list[list[str]] | None = None):
        self.header, self.source, self.line = header, source, header_line
        self._index: dict[str, list[int]] = {}
        for position, name in enumerate(header):
            names = [name, *(aliases[position] if aliases and position < len(aliases) else []),
                     f"#{position + 1}"]
            for key in dict.fromkeys(norm(n) for n in names if n.strip()):
                self._index.setdefault(key, []).append(position)

    def label(self, position: int) -> str:
        """How the user's file names this column: its header, or its position when blank."""
        name = self.header[position] if position < len(self.header) else ""
        return name or f"#{position + 1} ({letter(position)})"

    def find(self, name: str) -> int | None:
        """The one column with this name; two columns with the same name are refused."""
        positions = self._index.get(norm(name))
        if not positions:
            return None
        if len(positions) > 1:
            where = " and ".join(f"{p + 1} ({letter(p)})" for p in positions)
            raise fail(self.source, self.line, name, f"columns {where} are both named "
                       f"'{name}'; rename or delete one of them")
        return positions[0]

    def require(self, names: list[str]) -> dict[str, int]:
        found = {n: self.find(n) for n in names}
        missing = [n for n, p in found.items() if p is None]
        if missing:
            raise ImportFailed(self.source, [RowError(self.line, "", (
                "missing column(s): " + ", ".join(missing) + f" (found: {self.found()}); "
                "rename them in the file or name them in a mapping file"))])
        return found  # type: ignore[return-value]

    def found(self) -> str:
        names = [h for h in self.header if h]
        return ", ".join(names[:30]) + (" …" if len(names) > 30 else "")

    def names(self) -> list[str]:
        return list(self._index)


def unguard(text: str) -> str:
    """Undo the export's spreadsheet guard: "'=x" was written for "=x"."""
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_START:
        return text[1:]
    return text


def cell(cells: list[str], position: int | None) -> str:
    """A key cell (account, side, respondent, …): trimmed, formula guard undone."""
    if position is None or position >= len(cells):
        return ""
    return unguard(cells[position].strip())


def raw_cell(cells: list[str], position: int | None) -> str:
    return cells[position] if position is not None and position < len(cells) else ""
