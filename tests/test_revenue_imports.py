"""Revenue and renewal dates in: the accounts file, the participants file and the account form."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.factories import gen_account, gen_study, gen_user
from tests.helpers import csrf_from
from vocgap.cli import main
from vocgap.collection.imports import ImportFailed, import_accounts, import_participants
from vocgap.extensions import db
from vocgap.models import Account, Participant


@pytest.fixture
def study(app, instrument):
    study = gen_study(instrument, "revenue")
    gen_account(study, "Globex", annual_value=Decimal("100.00"), segment="Enterprise")
    return study


def facts() -> dict[str, tuple]:
    db.session.expire_all()
    return {a.name: (a.annual_value, a.renewal_date, a.owner_email, a.segment)
            for a in db.session.scalars(sa.select(Account))}


def test_accounts_file_upserts_by_name_and_keeps_what_a_cell_leaves_empty(study):
    """Is 'GLOBEX' the existing Globex (revenue replaced, segment kept), and Initech added?"""
    csv = (b"account,annual_revenue,renewal_date,owner_email,segment\n"
           b"GLOBEX,\"1,250,000\",2027-03-31,Owner@Vendor.example,\n"
           b"Initech,640000.5,,,Mid-market\n")
    report = import_accounts(study, csv, "accounts.csv")
    assert report.created == {"accounts updated": 1, "new accounts": 1}
    assert facts() == {
        "Globex": (Decimal("1250000.00"), date(2027, 3, 31), "owner@vendor.example", "Enterprise"),
        "Initech": (Decimal("640000.50"), None, "", "Mid-market")}


def test_bad_cells_are_named_by_line_and_column_and_nothing_is_written(study):
    """Every bad row listed (amount with a currency sign, negative, impossible date, day-first
    date, bad e-mail, a name twice) and no account changed."""
    csv = ("account;annual_revenue;renewal_date;owner_email\n"
           "Globex;€5,000;2027-02-30;x\n"
           "Initech;-3;31/03/2027;ok@vendor.example\n"
           ";1;;\n"
           "globex;1e6;;\n").encode()
    with pytest.raises(ImportFailed) as caught:
        import_accounts(study, csv, "accounts.csv")
    found = {(e.line, e.column) for e in caught.value.errors}
    assert found == {(2, "annual_revenue"), (2, "renewal_date"), (2, "owner_email"),
                     (3, "annual_revenue"), (3, "renewal_date"), (4, "account"),
                     (5, "annual_revenue"), (5, "account")}
    message = str(caught.value)
    assert "accounts.csv, line 3, column 'renewal_date': '31/03/2027' is not a date" in message
    assert "YYYY-MM-DD" in message and "nothing was imported" in message
    assert facts() == {"Globex": (Decimal("100.00"), None, "", "Enterprise")}


def test_a_file_with_only_the_account_column_is_refused(study):
    with pytest.raises(ImportFailed, match="no column to import besides 'account'"):
        import_accounts(study, b"account\nGlobex\n", "accounts.csv")


def test_a_dry_run_writes_nothing(study):
    report = import_accounts(study, b"account,annual_revenue\nNew Co,5\n", "a.csv",
                             dry_run=True)
    assert report.dry_run and report.created == {"new accounts": 1}
    assert set(facts()) == {"Globex"}


def test_participants_file_carries_revenue_for_a_customers_account(study):
    """Do annual_revenue and renewal_date on a customer's row set their account's facts?"""
    csv = (b"name,side,account,email,annual_revenue,renewal_date\n"
           b"Ann,customer,Globex,ann@globex.example,2500000,2027-01-15\n"
           b"Ben,customer,Globex,ben@globex.example,2500000,\n"
           b"Cy,customer,Initech,cy@initech.example,,2026-12-24\n")
    import_participants(study, csv, "people.csv")
    assert facts()["Globex"][:2] == (Decimal("2500000.00"), date(2027, 1, 15))
    assert facts()["Initech"][:2] == (None, date(2026, 12, 24))


def test_participants_file_refuses_two_revenues_for_one_account_and_vendor_rows(study):
    """Two different revenues for Globex, and a revenue on a vendor's row: both named, and no
    participant or account written."""
    csv = (b"name,side,account,accounts,function,email,annual_revenue\n"
           b"Ann,customer,Globex,,,ann@globex.example,100\n"
           b"Ben,customer,globex,,,ben@globex.example,200\n"
           b"Vic,vendor,,Globex,sales,vic@vendor.example,300\n")
    with pytest.raises(ImportFailed) as caught:
        import_participants(study, csv, "people.csv")
    assert {(e.line, e.column) for e in caught.value.errors} == {(3, "annual_revenue"),
                                                                 (4, "annual_revenue")}
    assert "is given 200" in str(caught.value) and "line 2" in str(caught.value)
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 0
    assert facts()["Globex"][0] == Decimal("100.00")


def test_vocgap_import_accounts_on_the_command_line(app, study, tmp_path):
    """The CLI imports, and on a bad file exits non-zero naming the line and column."""
    good = tmp_path / "accounts.csv"
    good.write_text("account,renewal_date\nGlobex,2027-06-30\n", encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(main, ["import", "accounts", str(good), "--study", "revenue"])
    assert result.exit_code == 0, result.output
    assert "imported 1 accounts updated" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("account,renewal_date\nGlobex,tomorrow\n", encoding="utf-8")
    result = runner.invoke(main, ["import", "accounts", str(bad), "--study", "revenue"])
    assert result.exit_code == 1
    assert "line 2, column 'renewal_date': 'tomorrow' is not a date" in result.output
    assert facts()["Globex"][1] == date(2027, 6, 30)


def test_the_account_form_and_the_import_page_set_revenue_facts(app, auth, study):
    """A consultant without the command line: the account form saves the renewal date and
    owner, and the accounts import page upserts from an upload."""
    import io

    gen_user(study=study)
    client = auth()
    account = db.session.scalar(sa.select(Account))
    url = f"/consultant/studies/{study.id}/accounts/{account.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert "In EUR a year" in page
    saved = client.post(url, data={"csrf_token": csrf_from(page), "name": "Globex",
                                   "annual_value": "900000", "renewal_date": "2027-02-01",
                                   "owner_email": "Boss@Vendor.example", "crm_stage": ""})
    assert saved.status_code == 302
    assert facts()["Globex"][:3] == (Decimal("900000.00"), date(2027, 2, 1),
                                     "boss@vendor.example")
    url = f"/consultant/studies/{study.id}/import/accounts"
    page = client.get(url).get_data(as_text=True)
    bad = client.post(url, data={"csrf_token": csrf_from(page), "file": (
        io.BytesIO(b"account,annual_revenue\nGlobex,lots\n"), "accounts.csv")},
        content_type="multipart/form-data")
    assert bad.status_code == 422 and "is not an amount" in bad.get_data(as_text=True)
    good = client.post(url, data={"csrf_token": csrf_from(page), "file": (
        io.BytesIO(b"account,annual_revenue\nGlobex,42\n"), "accounts.csv")},
        content_type="multipart/form-data")
    assert good.status_code == 302
    assert facts()["Globex"][0] == Decimal("42.00")
