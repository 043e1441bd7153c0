"""Codes out to a CSV file for coding elsewhere, and back in: validated, all rows or none.

One row a verbatim: ``verbatim_id, wave, account, side, question, language, text, themes,
reviewed``. ``themes`` lists theme names separated by "; "; ``reviewed`` is yes or no. Importing
takes the themes of every row marked reviewed as the consultant's decision for that verbatim
(manual codes); rows marked no are left as they are.
"""

from __future__ import annotations

import pandas as pd

from ..collection.export import FORMULA_START, to_csv_bytes
from ..collection.imports.common import ImportFailed, RowError
from ..collection.imports.reader import open_table
from ..models import Study, User
from .coding import decide
from .store import codes_by_answer, study_themes, study_verbatims

COLUMNS = ["verbatim_id", "wave", "account", "side", "question", "language", "text", "themes",
           "reviewed"]
REQUIRED = ["verbatim_id", "themes", "reviewed"]
SEPARATOR = "; "
YES, NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0", ""}


def export_frame(study: Study) -> pd.DataFrame:
    """The study's verbatims with the themes that apply to each now, reviewed or not."""
    names = {t.id: t.name for t in study_themes(study)}
    grouped = codes_by_answer(study)
    rows = []
    for row in study_verbatims(study):
        codes = grouped.get(row.id) or []
        applied = [names[c.theme_id] for c in codes if c.applies and c.theme_id in names]
        rows.append({"verbatim_id": row.id, "wave": row.wave, "account": row.account,
                     "side": row.side, "question": row.item, "language": row.language,
                     "text": row.text, "themes": SEPARATOR.join(applied),
                     "reviewed": "yes" if codes and all(c.confirmed for c in codes) else "no"})
    return pd.DataFrame(rows, columns=COLUMNS)


def export_csv(study: Study) -> bytes:
    """UTF-8 CSV with spreadsheet formulas neutralised (a verbatim is untrusted text)."""
    return to_csv_bytes(export_frame(study))


def _unguard(cell: str) -> str:
    """Undo the export's formula guard on a theme name ("'=Cost" back to "=Cost")."""
    cell = cell.strip()
    if cell.startswith("'") and cell[1:2] and cell[1:2] in FORMULA_START:
        return cell[1:]
    return cell


def read_codes(study: Study, data: bytes | str, source: str) -> dict[int, set[int]]:
    """Verbatim id → theme ids of every reviewed row; ImportFailed naming each bad cell."""
    table = open_table(data, source)
    header = [h.strip().lower() for h in table.header]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFailed(source, [RowError(table.header_line, c, "column missing (the file "
                                             f"needs {', '.join(REQUIRED)})") for c in missing])
    at = {c: header.index(c) for c in REQUIRED}
    themes = {t.name.lower(): t.id for t in study_themes(study)}
    known = {row.id for row in study_verbatims(study)}
    errors: list[RowError] = []
    decided: dict[int, set[int]] = {}
    seen: dict[int, int] = {}
    for line, cells in table.rows():
        cells = cells + [""] * (len(header) - len(cells))
        raw_id, raw_themes = cells[at["verbatim_id"]].strip(), cells[at["themes"]]
        reviewed = cells[at["reviewed"]].strip().lower()
        if not raw_id.isdigit() or int(raw_id) not in known:
            errors.append(RowError(line, "verbatim_id", f"'{raw_id[:40]}' is not a verbatim "
                                   "of this study"))
            continue
        answer_id = int(raw_id)
        if answer_id in seen:
            errors.append(RowError(line, "verbatim_id", f"verbatim {answer_id} is already on "
                                   f"line {seen[answer_id]}"))
            continue
        seen[answer_id] = line
        if reviewed not in YES | NO:
            errors.append(RowError(line, "reviewed", f"'{reviewed[:20]}' should be yes or no"))
            continue
        names = [_unguard(n) for n in raw_themes.replace(";", "\n").splitlines() if n.strip()]
        unknown = [n for n in names if n.lower() not in themes]
        if unknown:
            errors.append(RowError(line, "themes", "not a theme of the frame: " + ", ".join(
                f"'{n[:60]}'" for n in unknown)))
            continue
        if reviewed in YES:
            decided[answer_id] = {themes[n.lower()] for n in names}
    if errors:
        raise ImportFailed(source, errors)
    return decided


def import_csv(study: Study, data: bytes | str, source: str, user: User | None) -> int:
    """Apply a coded file's reviewed rows; nothing is written unless every row is valid.

    The caller commits (or rolls back) the session; returns the number of verbatims decided."""
    decided = read_codes(study, data, source)
    grouped = codes_by_answer(study)
    for answer_id, theme_ids in sorted(decided.items()):
        decide(study, answer_id, theme_ids, user, grouped=grouped)
    return len(decided)
