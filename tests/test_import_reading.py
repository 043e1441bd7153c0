"""Files as Excel and survey tools really write them are read as they come, and what was detected
is reported; broken files are refused naming the line and the fix."""

from __future__ import annotations

import io

import openpyxl
import pytest
import sqlalchemy as sa

from vocgap.collection.imports import ImportFailed, import_participants, import_responses
from vocgap.collection.imports.reader import open_table
from vocgap.extensions import db
from vocgap.models import Answer, Participant, Response

from .factories import gen_account, gen_customer, gen_study

PEOPLE = [["account", "name", "email", "side", "role"],
          ["Société Générale", "José Müller", "jose@sg.example", "customer", "Executive"],
          ["Société Générale", "Zoë Ŀ", "zoe@sg.example", "customer", "Purchasing"]]


def _csv(rows, delimiter=","):
    return "\r\n".join(delimiter.join(r) for r in rows) + "\r\n"


@pytest.fixture
def study(app, instrument):
    return gen_study(instrument)


def _names():
    return sorted(db.session.scalars(sa.select(Participant.name)))


@pytest.mark.parametrize(("data", "detected"), [
    (_csv(PEOPLE).encode("utf-8"), "read as CSV: UTF-8, comma-separated"),
    (_csv(PEOPLE).encode("utf-8-sig"), "read as CSV: UTF-8 with BOM, comma-separated"),
    (_csv(PEOPLE, ";").encode("cp1252", errors="replace").replace(b"?", b"L"),
     "read as CSV: Windows-1252 (the 'CSV' Excel writes on Windows), semicolon-separated"),
    (_csv(PEOPLE, "\t").encode("utf-16"), "read as CSV: UTF-16, tab-separated"),
])
def test_encodings_and_delimiters_excel_writes(study, data, detected):
    """cp1252 with semicolons (European Excel), UTF-16 tab ('Unicode text'), UTF-8 ± BOM."""
    report = import_participants(study, data, "people.csv")
    assert report.notes[0] == detected
    assert report.created == {"accounts": 1, "participants": 2}
    names = _names()
    assert names[0] == "José Müller"
    assert names[1] in ("Zoë Ŀ", "Zoë L")


def test_workbook(study):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Contacts"
    for row in PEOPLE:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    report = import_participants(study, buffer.getvalue(), "people.xlsx")
    assert report.notes[0] == "read as an Excel workbook, sheet 'Contacts'"
    assert _names() == ["José Müller", "Zoë Ŀ"]


@pytest.mark.parametrize(("header", "column"), [("name,side,side", "side"),
                                                 ("name,name,side", "name")])
def test_repeated_column_names_both_positions(study, header, column):
    """A repeated column is refused naming both positions, not silently last-one-wins."""
    text = f"{header}\nAnn,customer,vendor\n"
    with pytest.raises(ImportFailed) as info:
        import_participants(study, text, "people.csv")
    message = str(info.value.errors[0])
    assert f"column '{column}'" in message and "are both named" in message
    assert ("columns 2 (B) and 3 (C)" if column == "side" else "columns 1 (A) and 2 (B)") \
        in message
    assert _names() == []


def test_lengths_are_the_database_columns(study):
    """A 5,000-character account name is a row error, never a database error."""
    long = "A" * 5000
    text = (f"account,name,side\n{long},Ann,customer\nGlobex,{'B' * 201},customer\n"
            f"Globex,Cy,customer\n")
    with pytest.raises(ImportFailed) as info:
        import_participants(study, text, "people.csv")
    assert [str(e) for e in info.value.errors] == [
        "line 2, column 'account': is 5000 characters long; the limit is 200",
        "line 3, column 'name': is 201 characters long; the limit is 200"]
    assert _names() == []


def test_responses_account_length_limit(study):
    gen_account(study, "Globex")
    text = f"account,side,respondent,item,value\n{'G' * 5000},customer,ann,recommend,4\n"
    with pytest.raises(ImportFailed, match="line 2, column 'account': is 5000 characters long"):
        import_responses(study, text, "r.csv", create_accounts=True)


def test_unbalanced_quote_is_reported_where_it_opens(study):
    text = ('name,side,email\nAnn,customer,ann@x.example\n"Bo,customer,bo@x.example\n'
            'Cy,customer,cy@x.example\nDi,customer,di@x.example\n')
    with pytest.raises(ImportFailed) as info:
        import_participants(study, text, "people.csv")
    (error,) = info.value.errors
    assert error.line == 3 and "never closed" in error.message
    assert _names() == []


def test_unreadable_bytes_and_nul(study):
    with pytest.raises(ImportFailed, match="NUL"):
        import_participants(study, "name,side\nA\x00,customer\n")
    with pytest.raises(ImportFailed, match="the file is empty"):
        import_participants(study, b"")
    with pytest.raises(ImportFailed, match="cannot be read as a workbook"):
        import_participants(study, b"PK\x03\x04 not really a zip")


def test_reader_reports_progress_in_bytes(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("a,b\n" + "".join(f"{i},{i}\n" for i in range(20_000)))
    seen = []
    table = open_table(path, "big.csv")
    assert sum(1 for _ in table.rows(seen.append)) == 20_000
    assert sum(seen) == path.stat().st_size


def test_semicolon_responses_with_cp1252_labels(study):
    """European Excel: semicolons, cp1252, a curly apostrophe in "Don’t know"."""
    globex = gen_account(study, "Globex")
    gen_customer(study, globex, "Ann Exec")
    text = ("account;side;respondent;trust_right_thing;superior_experience\n"
            "Globex;customer;ann@customer.test;Don\u2019t know / not applicable;Agree\n")
    report = import_responses(study, text.encode("cp1252"), "r.csv")
    assert report.notes[0].startswith("read as CSV: Windows-1252")
    assert sorted(db.session.execute(sa.select(Answer.item_id, Answer.value_num,
                                               Answer.dont_know)).all()) == [
        ("superior_experience", 4.0, False), ("trust_right_thing", None, True)]
    assert db.session.scalar(sa.select(sa.func.count(Response.id))) == 1


def test_participants_dry_run_and_cli_file(app, study, tmp_path):
    from vocgap.cli import main

    path = tmp_path / "people.csv"
    path.write_bytes(_csv(PEOPLE, ";").encode("utf-16"))
    runner = app.test_cli_runner()
    plan = runner.invoke(main, ["import", "participants", str(path), "--study", "acme",
                                "--dry-run"])
    assert plan.exit_code == 0, plan.output
    assert "would import 1 accounts, 2 participants (dry run: nothing was written)" in plan.output
    assert "read as CSV: UTF-16, semicolon-separated" in plan.output
    assert _names() == []
    done = runner.invoke(main, ["import", "participants", str(path), "--study", "acme"])
    assert "imported 1 accounts, 2 participants" in done.output
    assert _names() == ["José Müller", "Zoë Ŀ"]
