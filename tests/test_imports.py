"""Imports check every row first, name each problem by line and column, and write all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from vocgap.cli import main
from vocgap.collection.imports import ImportFailed, import_participants, import_responses
from vocgap.collection.imports.responses import Mapping
from vocgap.extensions import db
from vocgap.models import Account, Answer, Participant, Response

from .factories import gen_account, gen_customer, gen_study, gen_user, gen_vendor
from .helpers import csrf_from

GOOD_PARTICIPANTS = """\
account,name,email,side,role,quartet,function,accounts
Globex,Ann Exec,ann@globex.example,customer,Executive,Business buyer,,
Globex,Bo User,bo@globex.example,customer,operational_user,tech_user,,
Hooli,Cy Buyer,cy@hooli.example,customer,purchasing,business_buyer,,
,Vic Vendor,vic@vendor.example,vendor,,,Account manager,Globex; Hooli
"""


def counts():
    return (db.session.scalar(sa.select(sa.func.count(Participant.id))),
            db.session.scalar(sa.select(sa.func.count(Account.id))),
            db.session.scalar(sa.select(sa.func.count(Response.id))),
            db.session.scalar(sa.select(sa.func.count(Answer.id))))


@pytest.fixture
def study(app, instrument):
    return gen_study(instrument)


def test_participants_import(study):
    report = import_participants(study, GOOD_PARTICIPANTS.encode("utf-8-sig"))
    assert report.created == {"accounts": 2, "participants": 4}
    vic = db.session.scalar(sa.select(Participant).where(Participant.name == "Vic Vendor"))
    assert [a.name for a in vic.served_accounts] == ["Globex", "Hooli"]
    ann = db.session.scalar(sa.select(Participant).where(Participant.name == "Ann Exec"))
    assert (ann.role, ann.quartet, ann.account.name) == ("executive", "business_buyer", "Globex")
    again = import_participants(study, GOOD_PARTICIPANTS)
    assert again.created == {} and again.notes[0] == "read as CSV: text, comma-separated"
    assert len(again.notes) == 5  # already there: skipped, not doubled


@pytest.mark.parametrize(("row", "expected"), [
    ("Globex,Ann,ann@globex.example,partner,,,,", "line 2, column 'side': 'partner' is not "
     "customer or vendor"),
    ("Globex,Ann,ann@globex.example,customer,boss,,,", "line 2, column 'role': 'boss' is not one "
     "of: Executive, Middle management, Operational user, Purchasing"),
    ("Globex,Ann,ann@globex.example,customer,,cto,,", "line 2, column 'quartet': 'cto' is not "
     "one of"),
    (",Ann,ann@globex.example,customer,,,,", "line 2, column 'account': a customer contact "
     "needs an account"),
    ("Globex,,ann@globex.example,customer,,,,", "line 2, column 'name': a name is required"),
    ("Globex,Ann,not-an-email,customer,,,,", "line 2, column 'email': 'not-an-email' is not a "
     "valid e-mail address"),
    (",Vic,vic@v.example,vendor,,,wizard,Globex", "line 2, column 'function': 'wizard' is not "
     "one of"),
    (",Vic,vic@v.example,vendor,,,sales,", "line 2, column 'accounts': a vendor participant "
     "needs the accounts they serve"),
])
def test_participant_row_errors_write_nothing(study, row, expected):
    """Does one bad row stop the whole import and say where and what is wrong?"""
    gen_account(study, "Globex")
    before = counts()
    text = "account,name,email,side,role,quartet,function,accounts\n" \
           "Globex,Good Row,good@globex.example,customer,,,,\n" + row.replace(
               "line 2", "line 3") + "\n"
    with pytest.raises(ImportFailed) as info:
        import_participants(study, text, "people.csv")
    assert any(str(e).startswith(expected.replace("line 2", "line 3")) for e in
               info.value.errors), [str(e) for e in info.value.errors]
    assert counts() == before


def test_participant_file_level_errors(study):
    with pytest.raises(ImportFailed, match="missing column\\(s\\): side"):
        import_participants(study, "name,email\nAnn,a@b.example\n")
    with pytest.raises(ImportFailed, match="NUL"):
        import_participants(study, "name,side\nA\x00,customer\n")
    with pytest.raises(ImportFailed, match="the file is empty"):
        import_participants(study, "")
    with pytest.raises(ImportFailed, match="appears twice"):
        import_participants(study, "account,name,email,side\nG,A,a@g.example,customer\n"
                                   "G,B,a@g.example,customer\n")
    with pytest.raises(ImportFailed, match="unknown account 'Nowhere'"):
        import_participants(study, "account,name,side\nNowhere,A,customer\n",
                            create_accounts=False)


@pytest.fixture
def fielded(study):
    globex = gen_account(study, "Globex")
    ann, _ = gen_customer(study, globex, "Ann Exec")
    vic, _ = gen_vendor(study, [globex], "Vic Vendor")
    return study, globex, ann, vic


LONG = """\
account,side,respondent,item,value
Globex,customer,ann@customer.test,trust_right_thing,Strongly agree
Globex,customer,ann@customer.test,recommend,7
Globex,customer,ann@customer.test,relationship_stage,Basic
Globex,customer,ann@customer.test,one_thing,"Call us back, please"
Globex,vendor,Vic Vendor,trust_right_thing,5
Globex,vendor,Vic Vendor,recommend,9
Globex,customer,New Person,trust_right_thing,don't know
"""


def test_long_responses_import(fielded):
    study, globex, ann, vic = fielded
    report = import_responses(study, LONG)
    assert report.created == {"responses": 3, "answers": 7, "new respondents": 1}
    answers = {(r.participant.name, a.item_id): (a.value_num, a.value_text, a.dont_know)
               for r in db.session.scalars(sa.select(Response)) for a in r.answers}
    assert answers[("Ann Exec", "trust_right_thing")] == (5.0, None, False)
    assert answers[("Ann Exec", "relationship_stage")] == (1.0, "basic", False)
    assert answers[("Ann Exec", "one_thing")] == (None, "Call us back, please", False)
    assert answers[("New Person", "trust_right_thing")] == (None, None, True)
    assert all(r.status == "submitted" and r.source == "import"
               for r in db.session.scalars(sa.select(Response)))


@pytest.mark.parametrize(("line", "expected"), [
    ("Globex,customer,ann@customer.test,trust_typo,4", "line 3, column 'value': unknown item "
     "'trust_typo'"),
    ("Globex,customer,ann@customer.test,trust_right_thing,6", "line 3, column 'value': item "
     "'trust_right_thing': value 6 is outside the scale 1 to 5"),
    ("Globex,customer,ann@customer.test,superior_experience,inf", "outside the scale 1 to 5"),
    ("Nowhere,customer,ann@customer.test,recommend,5", "line 3, column 'account': unknown "
     "account 'Nowhere'"),
    ("Globex,partner,ann@customer.test,recommend,5", "column 'side': 'partner' is not customer "
     "or vendor"),
    ("Globex,vendor,Vic Vendor,imp_trust,5", "item 'imp_trust' is not asked of the vendor side"),
    ("Globex,customer,ann@customer.test,stance_support,maybe", "'maybe' is not one of"),
    ("Globex,customer,ann@customer.test,recommend,3", "'recommend' is answered twice"),
])
def test_long_import_errors_write_nothing(fielded, line, expected):
    study, *_ = fielded
    before = counts()
    text = "account,side,respondent,item,value\nGlobex,customer,ann@customer.test,recommend,8\n" \
           + line + "\n"
    with pytest.raises(ImportFailed) as info:
        import_responses(study, text, "r.csv")
    assert any(expected in str(e) for e in info.value.errors), [str(e) for e in
                                                                 info.value.errors]
    assert counts() == before


def test_existing_submission_needs_replace(fielded):
    study, globex, ann, vic = fielded
    import_responses(study, LONG)
    before = counts()
    with pytest.raises(ImportFailed, match="already has a submitted response"):
        import_responses(study, LONG)
    assert counts() == before
    report = import_responses(study, LONG.replace("recommend,7", "recommend,2"), replace=True)
    assert report.created["responses replaced"] == 3
    value = db.session.scalar(sa.select(Answer.value_num).join(Response).where(
        Response.participant_id == ann.id, Answer.item_id == "recommend"))
    assert value == 2.0


QUALTRICS = (Path(__file__).parent / "data" / "qualtrics_export.csv").read_text()



def test_wide_three_header_export_with_mapping_and_labels(fielded, tmp_path):
    study, *_ = fielded
    mapping_file = tmp_path / "map.yaml"
    mapping_file.write_text("columns:\n  Company: account\n  Email: respondent\n"
                            "  Q1: superior_experience\n  Q2_1: trust_right_thing\n"
                            "  Q3: recommend\nside: customer\n")
    report = import_responses(study, QUALTRICS, "export.csv", mapping=Mapping.load(mapping_file))
    assert report.created == {"responses": 2, "answers": 6, "new respondents": 1}
    assert report.notes == [
        "read as CSV: text, comma-separated",
        "skipped header row(s) on line 2, 3: Qualtrics question text and ImportId rows; never "
        "stored as answers", "ignored columns that are not items: StartDate, ResponseId"]
    rows = {(r.participant.email, a.item_id): a.value_num
            for r in db.session.scalars(sa.select(Response)) for a in r.answers}
    assert rows[("ann@customer.test", "superior_experience")] == 4.0
    assert rows[("ann@customer.test", "trust_right_thing")] == 1.0
    assert rows[("zed@globex.example", "recommend")] == 4.0


def test_wide_import_errors_name_the_column(fielded):
    study, *_ = fielded
    text = "account,side,respondent,trust_right_thing,recommend\n" \
           "Globex,customer,ann@customer.test,Agree,11\n"
    with pytest.raises(ImportFailed) as info:
        import_responses(study, text, "wide.csv")
    assert [str(e) for e in info.value.errors] == [
        "line 2, column 'recommend': item 'recommend': value 11 is outside the scale 0 to 10; "
        "if the survey tool numbers its answers differently, recode them with values: in a "
        "mapping file"]
    with pytest.raises(ImportFailed, match="no column matches an item id"):
        import_responses(study, "account,side,respondent,Q1\nGlobex,customer,a,4\n")


def test_bad_mapping_file(tmp_path):
    bad = tmp_path / "m.yaml"
    bad.write_text("columns: [1, 2")
    with pytest.raises(ImportFailed, match="invalid YAML"):
        Mapping.load(bad)
    bad.write_text("- just a list\n")
    with pytest.raises(ImportFailed, match="needs 'columns:'"):
        Mapping.load(bad)


def test_cli_imports(app, fielded, tmp_path):
    study, *_ = fielded
    people = tmp_path / "people.csv"
    people.write_text(GOOD_PARTICIPANTS)
    runner = app.test_cli_runner()
    result = runner.invoke(main, ["import", "participants", str(people), "--study", "acme"])
    assert result.exit_code == 0, result.output
    assert "imported 1 accounts, 4 participants" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("account,side,respondent,item,value\nGlobex,customer,x,recommend,12\n")
    result = runner.invoke(main, ["import", "responses", str(bad), "--study", "acme"])
    assert result.exit_code == 1
    assert f"{bad}, line 2, column 'value': item 'recommend': value 12" in result.output
    assert "nothing was imported" in result.output


def test_upload_page_lists_every_bad_row(app, auth, fielded):
    study, *_ = fielded
    gen_user(study=study)
    client = auth()
    url = f"/consultant/studies/{study.id}/import/participants"
    from io import BytesIO

    csv = b"name,side,email\nA,partner,a@x.example\nB,customer,b@x.example\n"
    response = client.post(url, data={"csrf_token": csrf_from(client.get(url).get_data(
        as_text=True)), "file": (BytesIO(csv), "people.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Nothing was imported: 2 problems in people.csv" in html
    assert "&#39;partner&#39; is not customer or vendor" in html
    assert "a customer contact needs an account" in html


def test_responses_upload_page(app, auth, fielded):
    """Does the responses upload import a good file and list every bad row of a bad one?"""
    from io import BytesIO

    study, *_ = fielded
    gen_user(study=study)
    client = auth()
    url = f"/consultant/studies/{study.id}/import/responses"

    def upload(data: bytes, mapping: bytes | None = None):
        fields = {"csrf_token": csrf_from(client.get(url).get_data(as_text=True)),
                  "layout": "auto", "file": (BytesIO(data), "answers.csv")}
        if mapping is not None:
            fields["mapping"] = (BytesIO(mapping), "map.yaml")
        return client.post(url, data=fields, content_type="multipart/form-data")

    bad = upload(b"account,side,respondent,item,value\nGlobex,customer,x,recommend,12\n")
    assert bad.status_code == 422
    assert "Nothing was imported: 1 problem in answers.csv" in bad.get_data(as_text=True)
    broken_map = upload(LONG.encode(), b"columns: [1, 2")
    assert broken_map.status_code == 422 and "invalid YAML" in broken_map.get_data(as_text=True)
    assert counts()[2] == 0
    good = upload(LONG.encode())
    assert good.status_code == 302 and good.headers["Location"].endswith(f"/studies/{study.id}/")
    assert counts()[2] == 3
