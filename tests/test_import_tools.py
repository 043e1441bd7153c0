"""Exports of Qualtrics (current and legacy) and SurveyMonkey import as they come, with a mapping
for the tool's column names and codes; every problem names the user's column and the fix."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from vocgap.collection.imports import ImportFailed, Mapping, import_responses
from vocgap.extensions import db
from vocgap.models import Answer, Participant, Response

from .factories import gen_account, gen_customer, gen_study

QUALTRICS_MAP = """\
columns:
  Q_Company: account
  RecipientEmail: respondent
  Q1: superior_experience
  Q2_1: {item: trust_right_thing, values: {10: 1, 11: 2, 12: 4, 13: 5}, dont_know: [-1, -2]}
  Q3: recommend
  Q4: one_thing
side: customer
"""

QUALTRICS_HEAD = ("StartDate,EndDate,Status,Progress,Finished,ResponseId,RecipientEmail,Q_Company,"
                  "Q1,Q2_1,Q3,Q4\n"
                  "Start Date,End Date,Response Type,Progress,Finished,Response ID,Recipient Email,"
                  "Company,Northwind delivers a superior experience,We trust Northwind - Do the "
                  "right thing,How likely are you to recommend Northwind?,The one thing\n")
QUALTRICS_ROWS = ("2026-10-01 09:12:00,2026-10-01 09:20:00,IP Address,100,True,R_1,"
                  "ann@customer.test,Globex,Agree,12,10 - Extremely likely,Faster answers\n"
                  "2026-10-02 10:00:00,2026-10-02 10:05:00,IP Address,100,True,R_2,"
                  "zed@globex.example,Globex,Strongly disagree,-1,0 - Not at all likely,\n"
                  "2026-10-03 10:00:00,2026-10-03 10:01:00,IP Address,12,False,R_3,"
                  "quit@globex.example,Globex,,,,\n")


def _import_id_row(quote: str) -> str:
    ids = ["startDate", "endDate", "status", "progress", "finished", "_recordId",
           "recipientEmail", "QID9", "QID1", "QID2-1", "QID3", "QID4_TEXT"]
    if quote == '"':
        return ",".join(f'"{{""ImportId"":""{i}""}}"' for i in ids) + "\n"
    return ",".join(f"\"{{'ImportId': '{i}'}}\"" for i in ids) + "\n"


@pytest.fixture
def study(app, instrument):
    study = gen_study(instrument)
    globex = gen_account(study, "Globex")
    gen_customer(study, globex, "Ann Exec")
    return study


def _answers():
    return sorted(db.session.execute(
        sa.select(Participant.email, Answer.item_id, Answer.value_num, Answer.value_text,
                  Answer.dont_know).join(Response, Response.id == Answer.response_id)
        .join(Participant, Participant.id == Response.participant_id)).all())


@pytest.mark.parametrize("quote", ['"', "'"])
def test_qualtrics_both_import_id_quotings(study, quote):
    """Both quotings of the third header row are skipped and reported; recodes and don't-know
    codes apply; "10 - Extremely likely" is read; the respondent who answered nothing is
    skipped and counted."""
    text = QUALTRICS_HEAD + _import_id_row(quote) + QUALTRICS_ROWS
    report = import_responses(study, text, "qualtrics.csv",
                              mapping=Mapping.parse(QUALTRICS_MAP, "map.yaml"))
    assert report.notes[1] == ("skipped header row(s) on line 2, 3: Qualtrics question text and "
                               "ImportId rows; never stored as answers")
    assert report.created == {"new respondents": 1, "responses": 2, "answers": 7,
                              "blank respondents skipped": 1}
    assert "skipped respondents with no answers on line(s) 6" in report.notes
    assert _answers() == [
        ("ann@customer.test", "one_thing", None, "Faster answers", False),
        ("ann@customer.test", "recommend", 10.0, None, False),
        ("ann@customer.test", "superior_experience", 4.0, None, False),
        ("ann@customer.test", "trust_right_thing", 4.0, None, False),
        ("zed@globex.example", "recommend", 0.0, None, False),
        ("zed@globex.example", "superior_experience", 1.0, None, False),
        ("zed@globex.example", "trust_right_thing", None, None, True)]
    assert db.session.scalar(sa.select(sa.func.count(Participant.id)).where(
        Participant.email == "quit@globex.example")) == 0


LEGACY = """\
V1,V2,V3,V4,V5,V6,V7,V8,V9,V10,Q1,Q2_1,Q4
ResponseID,ResponseSet,Name,ExternalDataReference,EmailAddress,IPAddress,Status,StartDate,EndDate,Finished,Northwind delivers a superior experience,We trust Northwind,The one thing
R_9ZpQ,Default Response Set,Anonymous,,ann@customer.test,192.0.2.1,0,2015-03-02 10:11:12,2015-03-02 10:20:01,1,4,5,Keep the same team
"""  # noqa: E501


def test_legacy_qualtrics_question_row_is_never_a_respondent(study):
    mapping = Mapping.parse("columns:\n  EmailAddress: respondent\n  Q1: superior_experience\n"
                            "  Q2_1: trust_right_thing\n  Q4: one_thing\n"
                            "side: customer\naccount: Globex\n", "map.yaml")
    report = import_responses(study, LEGACY, "legacy.csv", mapping=mapping)
    assert "legacy Qualtrics question-text row" in report.notes[1]
    assert report.created == {"responses": 1, "answers": 3}
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 1
    only_text = Mapping.parse("columns:\n  V5: respondent\n  Q4: one_thing\nside: customer\n"
                              "account: Globex\n", "map.yaml")
    import_responses(study, LEGACY, "legacy.csv", mapping=only_text, replace=True)
    assert "ResponseID" not in set(db.session.scalars(sa.select(Participant.name)))


SURVEYMONKEY = (
    "Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,"
    "Last Name,Custom Data 1,Company,How much do you agree?,,,What is the one thing Northwind "
    "should change?\n"
    ",,,,,,,,,Response,We trust Northwind to do the right thing,Northwind keeps its promises,"
    "Northwind delivers a superior experience,Open-Ended Response\n"
    "114231123456,412345678,10/01/2026 09:12:00 AM,10/01/2026 09:20:00 AM,198.51.100.7,"
    "ann@customer.test,Ann,Exec,,Globex,Agree,Don\u2019t know / not applicable,STRONGLY  AGREE,"
    "\"{text}\"\n"
    "114231123457,412345678,10/02/2026 09:12:00 AM,10/02/2026 09:20:00 AM,198.51.100.8,"
    "bo@globex.example,Bo,User,,Globex,,,,\n")

SURVEYMONKEY_MAP = """\
columns:
  Email Address: respondent
  Company: account
  "How much do you agree? / We trust Northwind to do the right thing": trust_right_thing
  Northwind keeps its promises: trust_promises
  "#13": superior_experience
  What is the one thing Northwind should change?: one_thing
side: customer
"""


def test_surveymonkey_second_row_blank_headers_and_long_text(study):
    """The answer-option row is skipped; blank-header matrix columns are named by
    '<question> / <option>', by the option, or by position; 4,427 characters of open text are
    kept whole; a respondent with only blank answers is not stored."""
    text = ("We need a named engineer who knows our plant. " * 100)[:4427]
    report = import_responses(study, SURVEYMONKEY.format(text=text), "sm.csv",
                              mapping=Mapping.parse(SURVEYMONKEY_MAP, "map.yaml"))
    assert "SurveyMonkey answer-option row" in report.notes[1]
    assert report.created == {"responses": 1, "answers": 4, "blank respondents skipped": 1}
    assert _answers() == [("ann@customer.test", "one_thing", None, text, False),
                          ("ann@customer.test", "superior_experience", 5.0, None, False),
                          ("ann@customer.test", "trust_promises", None, None, True),
                          ("ann@customer.test", "trust_right_thing", 4.0, None, False)]


def test_open_text_up_to_twenty_thousand_characters(study):
    text = "x" * 20_000
    import_responses(study, "account,side,respondent,one_thing\n"
                            f"Globex,customer,ann@customer.test,{text}\n")
    assert db.session.scalar(sa.select(Answer.value_text)) == text
    with pytest.raises(ImportFailed, match="is 20001 characters long; the limit is 20000"):
        import_responses(study, "account,side,respondent,best_thing\n"
                                f"Globex,customer,ann@customer.test,{text}y\n", replace=True)


def test_item_columns_match_in_any_case(study):
    report = import_responses(study, "Account,SIDE,Respondent,Trust_Right_Thing,RECOMMEND\n"
                                     "Globex,Customer,ann@customer.test,agree,7\n")
    assert report.created == {"responses": 1, "answers": 2}


def test_messages_name_the_users_column_and_the_item(study):
    mapping = Mapping.parse(QUALTRICS_MAP, "map.yaml")
    text = QUALTRICS_HEAD + _import_id_row('"') + QUALTRICS_ROWS.replace(",12,", ",14,")
    with pytest.raises(ImportFailed) as info:
        import_responses(study, text, "qualtrics.csv", mapping=mapping)
    assert [str(e) for e in info.value.errors] == [
        "line 4, column 'Q2_1': item 'trust_right_thing': value 14 is outside the scale 1 to 5; "
        "if the survey tool numbers its answers differently, recode them with values: in a "
        "mapping file"]
    assert _answers() == []


def test_mapping_mistakes_are_named(study):
    typo = Mapping.parse("columns:\n  Q1: superior_experiense\nside: customer\n", "map.yaml")
    with pytest.raises(ImportFailed, match="did you mean 'superior_experience'"):
        import_responses(study, "account,respondent,Q1\nGlobex,a,4\n", mapping=typo)
    missing = Mapping.parse("columns:\n  Q9: recommend\nside: customer\n", "map.yaml")
    with pytest.raises(ImportFailed, match="the mapping names column 'Q9', which this file does "
                                           "not have"):
        import_responses(study, "account,respondent,Q1\nGlobex,a,4\n", mapping=missing)
    with pytest.raises(ImportFailed, match="missing column\\(s\\): side .*'side: customer'"):
        import_responses(study, "account,respondent,recommend\nGlobex,a,4\n")


def test_a_second_header_row_is_called_one(study):
    text = ("account,side,respondent,superior_experience,trust_right_thing\n"
            "Account,Side,Respondent,Northwind delivers a superior experience to our business,"
            "We trust Northwind to do the right thing for our business\n"
            "Globex,customer,ann@customer.test,4,5\n")
    with pytest.raises(ImportFailed) as info:
        import_responses(study, text, "two-headers.csv")
    messages = [str(e) for e in info.value.errors]
    assert "line 2: this row looks like a second header row (question text); delete it, or " \
           "export from the survey tool without it" in messages


def test_numbered_label_that_contradicts_the_scale(study):
    text = ("account,side,respondent,trust_right_thing\n"
            "Globex,customer,ann@customer.test,1 - Strongly agree\n")
    with pytest.raises(ImportFailed, match="says 1, but 'Strongly agree' is 5 here; recode it"):
        import_responses(study, text)
