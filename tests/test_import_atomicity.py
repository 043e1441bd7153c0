"""Imports write all or nothing, also when the database fails half-way through writing.

The failure is injected where any implementation must pass: an INSERT into the people,
responses or answers table, seen by the engine (ORM flushes and bulk inserts alike). Whatever the
import did before that point must be undone.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from vocgap.collection.imports import ImportFailed, import_participants, import_responses
from vocgap.extensions import db
from vocgap.models import Account, Answer, Participant, Response

from .factories import gen_account, gen_customer, gen_study, gen_vendor


class DiskFull(RuntimeError):
    """What the injected failure raises."""


@contextmanager
def failing_insert(model, nth: int):
    """Make the ``nth`` INSERT statement into ``model``'s table (counting from 1) fail like a
    full disk. Listening on the engine catches ORM flushes and bulk Core inserts alike."""
    table = model.__table__.name
    seen = {"rows": 0}

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        words = statement.split(None, 3)
        if len(words) > 2 and words[0].upper() == "INSERT" and words[2].strip('"') == table:
            seen["rows"] += 1
            if seen["rows"] == nth:
                raise DiskFull(f"injected failure on INSERT {nth} into {table}")

    sa.event.listen(db.engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before_cursor_execute)


def written(report) -> int:
    """Responses the import stored: new ones plus those that replaced an earlier submission."""
    return report.created.get("responses", 0) + report.created.get("responses replaced", 0)


def snapshot() -> dict:
    """Every row an import could touch, as plain tuples."""
    db.session.expire_all()
    return {
        "accounts": sorted(db.session.execute(sa.select(Account.id, Account.name)).all()),
        "people": sorted(db.session.execute(sa.select(
            Participant.id, Participant.name, Participant.email, Participant.side)).all()),
        "responses": sorted(db.session.execute(sa.select(
            Response.id, Response.participant_id, Response.account_id, Response.status,
            Response.source, Response.submitted_at)).all()),
        "answers": sorted(db.session.execute(sa.select(
            Answer.response_id, Answer.item_id, Answer.value_num, Answer.value_text,
            Answer.dont_know)).all(), key=repr),
    }


@pytest.fixture
def fielded(app, instrument):
    study = gen_study(instrument)
    globex = gen_account(study, "Globex")
    gen_customer(study, globex, "Ann Exec")
    gen_vendor(study, [globex], "Vic Vendor")
    earlier = import_responses(study, "account,side,respondent,item,value\n"
                                      "Globex,customer,ann@customer.test,trust_right_thing,2\n")
    assert earlier.created["responses"] == 1
    return study


FOUR_RESPONSES = """\
account,side,respondent,item,value
Globex,customer,ann@customer.test,trust_right_thing,5
Globex,customer,ann@customer.test,one_thing,Call back
Globex,vendor,Vic Vendor,trust_right_thing,4
Globex,customer,New Person,recommend,9
Globex,customer,Another Person,relationship_stage,Basic
"""


@pytest.mark.parametrize("model", [Participant, Response, Answer])
def test_responses_import_failing_half_way_changes_nothing(fielded, model):
    """Does a write failure on new people, responses or answers (the last written) undo the
    replaced, new and earlier rows?"""
    before = snapshot()
    with failing_insert(model, 1) as seen, pytest.raises(DiskFull):
        import_responses(fielded, FOUR_RESPONSES, replace=True)
    assert seen["rows"] == 1
    db.session.rollback()
    assert snapshot() == before
    ann = [r for r in before["responses"] if r.source == "import"]
    assert len(ann) == 1  # Ann's earlier submission survives the failed replacement


def test_the_same_import_succeeds_afterwards(fielded):
    with failing_insert(Answer, 1), pytest.raises(DiskFull):
        import_responses(fielded, FOUR_RESPONSES, replace=True)
    db.session.rollback()
    report = import_responses(fielded, FOUR_RESPONSES, replace=True)
    assert written(report) == 4 and report.created.get("responses replaced") == 1
    assert len(snapshot()["responses"]) == 4


def test_new_respondents_join_their_side_and_account(fielded):
    """A respondent the study did not know is created on the right side, serving the account."""
    report = import_responses(fielded, "account,side,respondent,item,value\n"
                                       "Globex,vendor,nora@vendorco.com,trust_right_thing,4\n"
                                       "Globex,customer,Carl Customer,trust_right_thing,2\n")
    assert report.created["new respondents"] == 2
    db.session.expire_all()
    nora = db.session.scalar(sa.select(Participant).where(Participant.name == "nora@vendorco.com"))
    carl = db.session.scalar(sa.select(Participant).where(Participant.name == "Carl Customer"))
    assert (nora.side, nora.email, [a.name for a in nora.accounts]) == (
        "vendor", "nora@vendorco.com", ["Globex"])
    assert (carl.side, carl.email, carl.account.name) == ("customer", "", "Globex")
    responses = db.session.scalars(sa.select(Response).where(
        Response.participant_id.in_([nora.id, carl.id]))).all()
    assert all(r.submitted_at is not None and r.status == "submitted" for r in responses)


def test_participants_import_failing_half_way_changes_nothing(app, instrument):
    study = gen_study(instrument)
    gen_account(study, "Globex")
    before = snapshot()
    people = ("account,name,email,side\nGlobex,A One,a@x.example,customer\n"
              "Hooli,B Two,b@x.example,customer\nGlobex,C Three,c@x.example,customer\n")
    with failing_insert(Participant, 1), pytest.raises(DiskFull):
        import_participants(study, people, create_accounts=True)
    db.session.rollback()
    assert snapshot() == before


ANSWERS = st.sampled_from([  # (item, value) pairs an instrument accepts from either side
    ("trust_right_thing", "1"), ("trust_right_thing", "Strongly agree"),
    ("trust_right_thing", "don't know"), ("recommend", "9"), ("recommend", "0"),
    ("one_thing", "a comment, with a comma"), ("one_thing", "=cmd()"),
    ("relationship_stage", "Basic"), ("trust_promises", ""),
])
GOOD_ROWS = st.tuples(st.sampled_from(["Globex", "globex"]), st.sampled_from(
    ["customer", "vendor"]), st.sampled_from(["ann@customer.test", "Vic Vendor", "New Person",
                                              "Other One"]), ANSWERS).map(
    lambda r: (r[0], r[1], r[2], *r[3]))
ANY_ROWS = st.tuples(st.sampled_from(["Globex", "Nowhere"]),
                     st.sampled_from(["customer", "vendor", "partner"]),
                     st.sampled_from(["ann@customer.test", "Vic Vendor", ""]),
                     st.sampled_from(["trust_right_thing", "recommend", "trust_typo", "imp_trust"]),
                     st.sampled_from(["5", "12", "Basic", "", "don't know"]))
ROWS = st.tuples(st.lists(GOOD_ROWS, min_size=1, max_size=6), st.lists(ANY_ROWS, max_size=1),
                 st.randoms(use_true_random=False)).map(
    lambda parts: parts[2].sample(parts[0] + parts[1], len(parts[0]) + len(parts[1])))


def as_csv(rows) -> str:
    def quote(cell: str) -> str:
        return f'"{cell}"' if "," in cell else cell

    return "account,side,respondent,item,value\n" + "".join(
        ",".join(quote(c) for c in row) + "\n" for row in rows)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS, replace=st.sampled_from([True, True, False]),
       fail_at=st.sampled_from([None, Participant, Response, Answer]))
def test_any_long_file_imports_completely_or_changes_nothing(fielded, rows, replace, fail_at):
    """Whatever the file (and even if the disk fails), the import is all or nothing."""
    before = snapshot()
    try:
        with failing_insert(fail_at or Response, 1 if fail_at else 0):
            report = import_responses(fielded, as_csv(rows), replace=replace)
    except (ImportFailed, DiskFull) as failure:
        event(f"refused: {type(failure).__name__}")
        db.session.rollback()
        assert snapshot() == before
        return
    event("imported")
    after = snapshot()
    # Respondents with at least one answer are stored (blank ones are skipped, by design).
    answered = {(a.lower(), side, r.lower()) for a, side, r, _, value in rows if value.strip()}
    assert written(report) == len(answered)
    imported = [r for r in after["responses"] if r.source == "import"]
    assert all(r.status == "submitted" and r.submitted_at is not None for r in imported)
    assert len(imported) >= len(answered)
    assert (after != before) == bool(answered)
