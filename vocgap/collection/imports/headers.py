"""Extra header rows that the big survey suites write under the real header: recognised, skipped,
reported, and their text kept as other names for the columns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .columns import norm

IMPORT_ID = re.compile(r"""^\s*\{\s*['"]importid['"]\s*:""", re.I)
SURVEYMONKEY_ROW2 = {"response", "open-ended response", "other (please specify)"}
LEGACY_QUALTRICS_ROW2 = {"responseid", "responseset", "externaldatareference", "startdate"}


@dataclass(frozen=True)
class HeaderRows:
    """How many rows after the header are more header, and the names they give each column."""

    skip: int = 0
    tool: str = ""
    aliases: list[list[str]] = field(default_factory=list)

    def note(self, lines: list[int]) -> str:
        if not self.skip:
            return ""
        where = ", ".join(str(n) for n in lines[:self.skip])
        return f"skipped header row(s) on line {where}: {self.tool}; never stored as answers"


def detect(header: list[str], first: list[list[str]]) -> HeaderRows:
    """Qualtrics (ImportId row in either quoting, legacy V1… with a question row) and
    SurveyMonkey (answer-option row) layouts; anything else has a single header row."""
    row2 = first[0] if first else []
    row3 = first[1] if len(first) > 1 else []
    if any(IMPORT_ID.match(c) for c in row3):
        return HeaderRows(2, "Qualtrics question text and ImportId rows", _aliases(header, [row2]))
    if any(IMPORT_ID.match(c) for c in row2):
        return HeaderRows(1, "Qualtrics ImportId row", [[] for _ in header])
    lowered = [norm(h) for h in header]
    if "v1" in lowered and norm(_at(row2, lowered.index("v1"))) in LEGACY_QUALTRICS_ROW2:
        return HeaderRows(1, "legacy Qualtrics question-text row (V1, V2, …)",
                          _aliases(header, [row2]))
    if row2 and _surveymonkey(lowered, row2):
        return HeaderRows(1, "SurveyMonkey answer-option row", _surveymonkey_aliases(header, row2))
    return HeaderRows(0, "", [[] for _ in header])


def looks_like_header(cells: list[str], header: list[str]) -> bool:
    """A data row whose cells repeat header-like text (question wording, the column names)."""
    texts = [norm(c) for c in cells if c.strip()]
    names = {norm(h) for h in header if h.strip()}
    return bool(texts) and sum(t in names or len(t) > 60 for t in texts) >= len(texts) / 2


def _at(cells: list[str], position: int) -> str:
    return cells[position] if position < len(cells) else ""


def _aliases(header: list[str], rows: list[list[str]]) -> list[list[str]]:
    return [[_at(r, i) for r in rows if _at(r, i).strip()] for i in range(len(header))]


def _surveymonkey(lowered: list[str], row2: list[str]) -> bool:
    keys = {"respondent id", "collector id"}
    options = [norm(c) for c in row2 if c.strip()]
    blank_keys = all(not _at(row2, lowered.index(k)).strip() for k in keys if k in lowered)
    return bool(options) and blank_keys and (
        keys <= set(lowered) or any(o in SURVEYMONKEY_ROW2 for o in options))


def _surveymonkey_aliases(header: list[str], row2: list[str]) -> list[list[str]]:
    """A matrix question fills only its first header cell; each sub-column is then named
    '<question> / <option>' (and by the option alone when that is not 'Response')."""
    out, question = [], ""
    for i, name in enumerate(header):
        question = name.strip() or question
        option = _at(row2, i).strip()
        names = []
        if option and question:
            names.append(f"{question} / {option}")
        if option and norm(option) not in SURVEYMONKEY_ROW2 and not name.strip():
            names.append(option)
        out.append(names)
    return out
