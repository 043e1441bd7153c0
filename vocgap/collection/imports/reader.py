"""Open any file a consultant brings (CSV in any common encoding and delimiter, or a workbook) as
one stream of rows, saying what was detected, before anything is mapped."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .common import ImportFailed, RowError, fail

Progress = Callable[[int], None]
Source = bytes | str | Path

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
SAMPLE = 1 << 20
LEGACY_ENCODINGS = ["cp1252", "iso8859_15", "mac_roman", "cp850"]
ZIP_MAGIC, OLE_MAGIC = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"


@dataclass(frozen=True)
class Detected:
    """How the file was read, for the import report."""

    format: str
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    codec: str = ""

    def describe(self) -> str:
        if self.format != "CSV":
            return f"read as an Excel workbook, sheet '{self.sheet}'"
        return f"read as CSV: {self.encoding}, {DELIMITERS[self.delimiter]}-separated"


@dataclass
class Table:
    """A header and a re-readable stream of (line, cells); blank rows are skipped."""

    source: str
    detected: Detected
    header: list[str]
    header_line: int
    _rows: Callable[[Progress | None], Iterator[tuple[int, list[str]]]]
    size: int = 0

    def rows(self, progress: Progress | None = None) -> Iterator[tuple[int, list[str]]]:
        return self._rows(progress)


def open_table(data: Source, source: str) -> Table:
    """Detect format, encoding and delimiter, then read the header row."""
    if isinstance(data, str):
        _reject_nul(data, source)
        return _csv_table(source, lambda progress: io.StringIO(data, newline=""),
                          data[:SAMPLE], "text", len(data.encode()))
    head = _head(data)
    if head.startswith(ZIP_MAGIC) or head.startswith(OLE_MAGIC):
        return _workbook_table(data, source)
    codec, label = _encoding(data, head, source)
    sample = head.decode(codec, errors="ignore")
    _reject_nul(sample, source)

    def stream(progress: Progress | None):
        raw = data.open("rb") if isinstance(data, Path) else io.BytesIO(data)
        if progress is not None:
            raw = io.BufferedReader(CountingReader(raw, progress))
        return io.TextIOWrapper(raw, encoding=codec, newline="")

    size = data.stat().st_size if isinstance(data, Path) else len(data)
    return _csv_table(source, stream, sample, label, size, codec)


def _head(data: bytes | Path) -> bytes:
    if isinstance(data, Path):
        try:
            with data.open("rb") as f:
                return f.read(SAMPLE)
        except OSError as exc:
            raise fail(str(data), 1, "", f"cannot read: {exc}") from None
    return data[:SAMPLE]


def _reject_nul(text: str, source: str) -> None:
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise fail(source, line, "", "contains a NUL character: this is not a text file")


def _encoding(data: bytes | Path, head: bytes, source: str) -> tuple[str, str]:
    """UTF-8 (with or without BOM) and UTF-16 by their marks; other encodings by a detector."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "UTF-8 with BOM"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "UTF-16"
    pairs = head[:4096]
    if len(pairs) >= 4 and pairs[1::2].count(0) > len(pairs) // 4:
        return "utf-16-le", "UTF-16 (little-endian, no BOM)"
    if len(pairs) >= 4 and pairs[0::2].count(0) > len(pairs) // 4:
        return "utf-16-be", "UTF-16 (big-endian, no BOM)"
    bad = _first_non_utf8(data)
    if bad is None:
        return "utf-8", "UTF-8"
    import charset_normalizer

    sample = head + (_slice(data, bad) if bad >= len(head) else b"")
    best = charset_normalizer.from_bytes(sample, cp_isolation=LEGACY_ENCODINGS).best()
    if best is None:
        line = sample[:bad].count(b"\n") + 1 if bad < len(head) else 0
        raise fail(source, line, "", "the file is not text in an encoding we recognise; save "
                   "it as 'CSV UTF-8' and try again")
    codec = codecs.lookup(best.encoding).name
    return codec, {"cp1252": "Windows-1252 (the 'CSV' Excel writes on Windows)"}.get(
        codec, codec.upper())


def _first_non_utf8(data: bytes | Path) -> int | None:
    """Offset of the first byte that is not UTF-8, checked over the whole file in blocks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    blocks = _blocks(data)
    offset = 0
    for block in blocks:
        try:
            decoder.decode(block)
        except UnicodeDecodeError as exc:
            return offset + exc.start
        offset += len(block)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return offset
    return None


def _blocks(data: bytes | Path) -> Iterator[bytes]:
    if isinstance(data, bytes):
        yield data
        return
    with data.open("rb") as f:
        while block := f.read(SAMPLE):
            yield block


def _slice(data: bytes | Path, at: int) -> bytes:
    if isinstance(data, bytes):
        return data[max(0, at - 4096): at + 65536]
    with data.open("rb") as f:
        f.seek(max(0, at - 4096))
        return f.read(65536)


def _delimiter(sample: str) -> str:
    """The delimiter that splits the header line most often outside quotes (comma on a tie)."""
    line = next((ln for ln in sample.splitlines() if ln.strip()), "")
    unquoted = re.sub(r'"[^"]*"', "", line)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


class CountingReader(io.RawIOBase):
    """Report bytes consumed to a progress callback while a text reader pulls from the file."""

    def __init__(self, raw, progress: Progress):
        self.raw, self.progress = raw, progress

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self.raw.close()
        super().close()

    def readinto(self, buffer) -> int:
        n = self.raw.readinto(buffer)
        if n:
            self.progress(n)
        return n


def _csv_table(source: str, stream: Callable[[Progress | None], io.TextIOBase], sample: str,
               encoding: str, size: int, codec: str = "") -> Table:
    delimiter = _delimiter(sample)

    def rows(progress: Progress | None) -> Iterator[tuple[int, list[str]]]:
        with stream(progress) as text:
            yield from _parse(text, delimiter, source)

    first = next(rows(None), None)
    if first is None:
        raise fail(source, 1, "", "the file is empty")
    line, header = first

    def body(progress: Progress | None) -> Iterator[tuple[int, list[str]]]:
        iterator = rows(progress)
        next(iterator, None)
        yield from iterator

    return Table(source, Detected("CSV", encoding, delimiter, codec=codec),
                 [h.strip() for h in header],
                 line, body, size)


def _parse(text, delimiter: str, source: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFailed(source, [RowError(start, "", (
                "a quoted cell that starts on this line is never closed (the quote runs on to "
                f"line {reader.line_num}: {exc}); close the quote or remove it"))]) from None
        except UnicodeDecodeError as exc:
            raise fail(source, start, "", f"a character cannot be read in the file's encoding "
                       f"({exc.reason}); save it as 'CSV UTF-8' and try again") from None
        if any(c.strip() for c in cells):
            if any("\x00" in c for c in cells):
                raise fail(source, start, "", "contains a NUL character")
            yield start, cells
        start = reader.line_num + 1


def _workbook_table(data: bytes | Path, source: str) -> Table:
    """The sheet named 'responses' (as vocgap exports it) or else the first sheet."""
    from python_calamine import CalamineError, load_workbook

    def sheet():
        book = load_workbook(data if isinstance(data, Path) else io.BytesIO(data))
        names = book.sheet_names
        name = next((n for n in names if n.lower() == "responses"), names[0])
        return name, book.get_sheet_by_name(name)

    try:
        name, first_sheet = sheet()
    except (CalamineError, ValueError, OSError) as exc:
        raise fail(source, 1, "", f"cannot be read as a workbook ({exc}); save it as .xlsx "
                   "or as CSV UTF-8") from None

    size = data.stat().st_size if isinstance(data, Path) else len(data)

    def rows(progress: Progress | None) -> Iterator[tuple[int, list[str]]]:
        for number, cells in enumerate(sheet()[1].iter_rows(), start=1):
            values = [_cell_text(c) for c in cells]
            if any(v.strip() for v in values):
                yield number, values
        if progress is not None:
            progress(size)

    first = next(rows(None), None)
    if first is None:
        raise fail(source, 1, "", f"sheet '{name}' is empty")
    line, header = first
    del first_sheet

    def body(progress: Progress | None) -> Iterator[tuple[int, list[str]]]:
        iterator = rows(progress)
        next(iterator, None)
        yield from iterator

    return Table(source, Detected("XLSX", sheet=name), [h.strip() for h in header], line, body,
                 size)


def _cell_text(value) -> str:
    """A workbook cell as the text a CSV would hold (10.0 → '10', booleans as True/False)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
