"""The web download itself is spreadsheet-safe: its body is read and every hostile cell checked."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from vocgap.collection.export import COLUMNS
from vocgap.extensions import db
from vocgap.models import Answer, Response

from .factories import gen_account, gen_customer, gen_study, gen_user

# Every character a spreadsheet treats as the start of a formula (OWASP CSV injection).
HOSTILE = {
    "=": '=HYPERLINK("http://evil.test","x")',
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3",
    "@": "@SUM(1+1)",
    "\t": "\t=1+1",
    "\r": "\r=1+1",
}


@pytest.fixture
def hostile_study(app, instrument):
    """One submitted customer answer per hostile prefix, and a hostile account name."""
    study = gen_study(instrument)
    gen_user(study=study)
    account = gen_account(study, "@Account(1)")
    for index, text in enumerate(HOSTILE.values()):
        person, _ = gen_customer(study, account, f"Person{index} Hostile")
        response = Response(wave=study.current_wave, participant=person, account=account,
                            status="submitted")
        response.answers = [Answer(item_id="one_thing", value_text=text),
                            Answer(item_id="trust_right_thing", value_num=4.0)]
        db.session.add(response)
    db.session.commit()
    return study


def test_web_csv_download_neutralises_every_formula_start(auth, hostile_study):
    """Does /export.csv prefix each of = + - @ TAB CR with an apostrophe in the file served?"""
    client = auth()
    response = client.get(f"/consultant/studies/{hostile_study.id}/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.data.decode("utf-8-sig")
    lines = body.split("\r\n")
    assert all(not line.startswith(tuple(HOSTILE)) for line in lines)  # no row escapes quoting
    rows = list(csv.DictReader(io.StringIO(body, newline="")))
    header = list(rows[0])
    assert header[0] == "study" and set(header) <= set(COLUMNS)  # documented, no index column
    assert len(rows) == 2 * len(HOSTILE)  # a CR inside a cell must not split its row
    texts = {row["value_label"] for row in rows if row["item"] == "one_thing"}
    assert texts == {"'" + text for text in HOSTILE.values()}
    assert {row["account"] for row in rows} == {"'@Account(1)"}
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(tuple(HOSTILE)), (column, cell)


def test_web_xlsx_download_neutralises_every_formula_start(auth, hostile_study):
    client = auth()
    response = client.get(f"/consultant/studies/{hostile_study.id}/export.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    header = [c.value for c in next(book["responses"].iter_rows(max_row=1))]
    assert header[0] == "study" and set(header) <= set(COLUMNS)  # documented, no index column
    assert [c.value for c in next(book["columns"].iter_rows(max_row=1))] == ["column", "meaning"]
    assert next(book["items"].iter_rows(max_row=1))[0].value == "item"
    cells = [c.value for row in book["responses"].iter_rows(min_row=2) for c in row]
    for text in HOSTILE.values():  # XML turns a stored CR into LF; it stays inside the cell
        assert "'" + text.replace("\r", "\n") in cells
    assert not any(isinstance(v, str) and v.startswith(tuple(HOSTILE)) for v in cells)
    assert all(c.data_type != "f" for row in book["responses"].iter_rows() for c in row)
