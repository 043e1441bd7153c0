"""Translations as a spreadsheet (one row per text, one column per language) and back to YAML.

A professional translator works in the XLSX or CSV that ``vocgap instrument export-translations``
writes; ``import-translations`` checks every cell (unknown keys, placeholders that do not match
the source) and only then rewrites the companion files, each replaced whole or not at all.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from .model import Instrument
from .translations import (
    companion_path,
    fmt,
    placeholder_names,
    source_texts,
    unflatten,
)

KEY_COLUMN = "key"
HEADER_COMMENT = (
    "# {title}: {language} translation of the {instrument} instrument.\n"
    "# Every text has the id the source file gives it; keep the {{placeholders}} as they are.\n"
    "# Check it with:  vocgap instrument check {source}\n"
)


@dataclass(frozen=True)
class SheetProblem:
    """One bad cell: the row (1 = header) and column named as a spreadsheet shows them."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


class SheetError(ValueError):
    """Raised with every problem in an imported sheet; nothing has been written."""

    def __init__(self, name: str, problems: list[SheetProblem]):
        self.name, self.problems = name, problems
        super().__init__("\n".join(f"{name}: {p}" for p in problems))


def translation_table(instrument: Instrument) -> tuple[list[str], list[list[str]]]:
    """The header and one row per source text: its key, then its wording in every language."""
    languages = list(instrument.declared_languages)
    rows = []
    for key, text in source_texts(instrument).items():
        row = [key, text]
        for language in languages[1:]:
            row.append(instrument.translations.get(language, {}).get(key, ""))
        rows.append(row)
    return [KEY_COLUMN, *languages], rows


def write_sheet(instrument: Instrument, out: str | Path) -> int:
    """Write the translation table as .xlsx or .csv (by suffix); return the number of texts."""
    header, rows = translation_table(instrument)
    out = Path(out)
    if out.suffix.lower() == ".xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font

        book = Workbook()
        sheet = book.active
        sheet.title = "translations"
        sheet.append(header)
        for row in rows:
            # A text starting with "=" stays text in the translator's spreadsheet.
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                cell.data_type = "s"
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "C2"
        sheet.column_dimensions["A"].width = 40
        for letter in "BCDEFGHIJ"[: len(header) - 1]:
            sheet.column_dimensions[letter].width = 50
        _atomic_write(out, lambda handle: book.save(handle), binary=True)
    elif out.suffix.lower() == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        _atomic_write(out, lambda handle: handle.write(buffer.getvalue()), binary=False)
    else:
        raise ValueError(f"{out}: write .xlsx or .csv")
    return len(rows)


def read_sheet(path: str | Path) -> list[list[str]]:
    """The cells of a translation sheet (.xlsx or .csv, UTF-8) as text, header first."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        try:
            return [["" if v is None else str(v) for v in row]
                    for row in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [list(row) for row in csv.reader(handle)]
    raise ValueError(f"{path}: read .xlsx or .csv")


def texts_from_sheet(instrument: Instrument, cells: list[list[str]],
                     name: str) -> dict[str, dict[str, str]]:
    """Each translated language's texts by key; SheetError lists every bad cell."""
    problems: list[SheetProblem] = []
    if not cells or not cells[0] or cells[0][0].strip() != KEY_COLUMN:
        raise SheetError(name, [SheetProblem(1, "A", f"the first column must be '{KEY_COLUMN}'")])
    header = [h.strip() for h in cells[0]]
    source = source_texts(instrument)
    columns: dict[int, str] = {}
    for index, language in enumerate(header[1:], start=1):
        letter = column_letter(index)
        if not language:
            continue
        if language not in instrument.declared_languages:
            declared = ", ".join(instrument.declared_languages)
            problems.append(SheetProblem(1, letter, f"language '{language}' is not one the "
                                                    f"instrument declares ({declared})"))
        elif language in columns.values():
            problems.append(SheetProblem(1, letter, f"language '{language}' appears twice"))
        elif language != instrument.source_language:
            columns[index] = language
    texts: dict[str, dict[str, str]] = {language: {} for language in columns.values()}
    seen: set[str] = set()
    for number, row in enumerate(cells[1:], start=2):
        key = row[0].strip() if row else ""
        if not key and not any(c.strip() for c in row):
            continue
        if key not in source:
            problems.append(SheetProblem(number, "A", f"unknown key '{key}'"))
            continue
        if key in seen:
            problems.append(SheetProblem(number, "A", f"key '{key}' appears twice"))
        seen.add(key)
        expected = placeholder_names(source[key])
        for index, language in columns.items():
            value = row[index].strip() if index < len(row) else ""
            if not value:
                continue
            found = placeholder_names(value)
            if found != expected:
                problems.append(SheetProblem(number, column_letter(index), (
                    f"'{key}' [{language}]: placeholders {fmt(found or frozenset())} do not "
                    f"match the source's {fmt(expected or frozenset())}")))
            texts[language][key] = value
    if problems:
        raise SheetError(name, problems)
    return texts


def import_sheet(instrument: Instrument, sheet: str | Path) -> dict[str, Path]:
    """Check the sheet, then write each language's companion file; return them by language."""
    translated = texts_from_sheet(instrument, read_sheet(sheet), str(sheet))
    written: dict[str, Path] = {}
    for language, texts in translated.items():
        path = companion_path(instrument.path, instrument.id, language)
        header = leading_comment(path) if path.exists() else None
        text = companion_yaml(instrument, language, texts, header)
        path.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(path, lambda handle, text=text: handle.write(text), binary=False)
        written[language] = path
    return written


def leading_comment(path: Path) -> str:
    """The comment block a translator or consultant wrote at the top of a companion file."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        if not line.startswith("#"):
            break
        lines.append(line)
    return "".join(lines)


def companion_yaml(instrument: Instrument, language: str, texts: Mapping[str, str],
                   comment: str | None = None) -> str:
    """A companion file's text: a comment, the header, then the texts in the source's order."""
    ordered = {key: texts[key] for key in source_texts(instrument) if key in texts}
    ordered.update((key, text) for key, text in texts.items() if key not in ordered)
    data = {"instrument": instrument.id, "language": language,
            "translated_from_version": instrument.version, **unflatten(ordered)}
    if comment is None:
        comment = HEADER_COMMENT.format(title=instrument.title, language=language,
                                        instrument=instrument.id,
                                        source=Path(instrument.path).as_posix())
    return comment + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index (0 -> A, 27 -> AB); imports use it too."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _atomic_write(path: Path, write, binary: bool) -> None:
    """Write to a temporary file beside ``path`` and move it into place: never half a file."""
    handle = tempfile.NamedTemporaryFile(
        "wb" if binary else "w", dir=path.parent, prefix=f".{path.name}.", delete=False,
        **({} if binary else {"encoding": "utf-8", "newline": "\n"}))
    try:
        with handle:
            write(handle)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
