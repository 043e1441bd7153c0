"""vocgap's own export imports back with every answer identical: numbers, labels, open text,
nominal choices, don't know and power-map ratings, into the same study or another one."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from vocgap.cli import main
from vocgap.collection.imports import ImportFailed, import_responses
from vocgap.collection.store import get_or_create_response, save_answers, submit_response
from vocgap.collection.values import StoredValue
from vocgap.extensions import db
from vocgap.models import Account, Answer, Participant, PowerMapRating, Response

from .factories import gen_account, gen_customer, gen_study, gen_vendor

LONG_TEXT = ("We would buy more if the renewal terms were clearer. " * 400)[:20_000]


def _respond(wave, person, account, answers, power_map=None):
    response = get_or_create_response(wave.id, person.id, account.id)
    save_answers(response, answers, power_map)
    submit_response(response)
    db.session.commit()


@pytest.fixture
def fielded(app, instrument):
    """Two accounts; customers with every kind of answer; vendors with the power map."""
    study = gen_study(instrument)
    wave = study.current_wave
    globex = gen_account(study, "Globex", segment="Manufacturing", key_account=True)
    hooli = gen_account(study, "+Hooli =HYPERLINK()", segment="-Tech")
    ann, _ = gen_customer(study, globex, "Ann Exec")
    bo, _ = gen_customer(study, globex, "Bo User", role="operational_user", quartet="tech_user")
    cy, _ = gen_customer(study, hooli, "-Cy Buyer", role="purchasing", quartet="business_buyer")
    silent, _ = gen_customer(study, globex, "Di Silent")
    vic, _ = gen_vendor(study, [globex, hooli], "Vic Vendor")
    val, _ = gen_vendor(study, [globex], "Val Sales", function="sales")
    sv = StoredValue
    _respond(wave, ann, globex, {
        "superior_experience": sv(value_num=4.0), "trust_right_thing": sv(dont_know=True),
        "recommend": sv(value_num=10.0), "channel_preferred": sv(value_text="video"),
        "service_model": sv(value_text="co_creation"),
        "relationship_stage": sv(value_num=2.0, value_text="collaborative"),
        "stance_support": sv(value_num=4.0, value_text="for"),
        "one_thing": sv(value_text="-20% price cut"), "best_thing": sv(value_text=LONG_TEXT),
        "imp_trust": sv(value_num=5.0)})
    _respond(wave, bo, globex, {
        "superior_experience": sv(value_num=1.0), "recommend": sv(value_num=0.0),
        "one_thing": sv(value_text="=SUM(A1:A9) \"quoted\", comma;\nsecond line"),
        "best_thing": sv(value_text="'already quoted")})
    _respond(wave, cy, hooli, {"trust_promises": sv(value_num=3.0),
                               "channel_preferred": sv(value_text="email")})
    _respond(wave, vic, globex, {
        "superior_experience": sv(value_num=5.0), "trust_right_thing": sv(value_num=4.0),
        "recommend": sv(dont_know=False, value_num=9.0)},
        {ann.id: {"support": 4, "influence": 5}, silent.id: {"support": 2, "influence": None},
         bo.id: {"support": None, "influence": 2, "support_dont_know": True}})
    _respond(wave, vic, hooli, {"superior_experience": sv(dont_know=True)},
             {cy.id: {"support": 1, "influence": 3}})
    _respond(wave, val, globex, {"recommend": sv(value_num=7.0)},
             {bo.id: {"support": 5, "influence": 1}})
    draft = get_or_create_response(wave.id, silent.id, globex.id)
    save_answers(draft, {"recommend": sv(value_num=3.0)})
    db.session.commit()
    return study


def snapshot(study, by_name: bool = False):
    """Every submitted answer and rating, keyed by account, side and person."""
    people = {p.id: p for p in db.session.scalars(sa.select(Participant).where(
        Participant.study_id == study.id))}

    def who(pid):
        return people[pid].name if by_name else pid

    rows = db.session.execute(sa.select(Response, Answer).join(Answer).where(
        Response.wave_id == study.current_wave.id, Response.status == "submitted")).all()
    answers = sorted((r.account.name, r.participant.side, who(r.participant_id), a.item_id,
                      a.value_num, a.value_text, a.dont_know) for r, a in rows)
    ratings = sorted((r.account.name, who(r.participant_id), who(m.contact_id), m.support,
                      m.influence, m.support_dont_know, m.influence_dont_know)
                     for r, m in db.session.execute(
        sa.select(Response, PowerMapRating).join(PowerMapRating).where(
            Response.wave_id == study.current_wave.id)).all())
    return answers, ratings


def _export(app, tmp_path, fmt: str, identify: bool, study="acme"):
    out = tmp_path / f"export.{fmt}"
    args = ["export", "--study", study, "--format", fmt, "--out", str(out)]
    result = app.test_cli_runner().invoke(main, args + (["--identify"] if identify else []))
    assert result.exit_code == 0, result.output
    return out


def _forget_responses(study):
    db.session.execute(sa.delete(Response).where(Response.wave_id == study.current_wave.id,
                                                 Response.status == "submitted"))
    db.session.commit()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("identify", [False, True])
def test_round_trip_into_the_same_study(app, fielded, tmp_path, fmt, identify):
    """Does every answer and rating come back identical after export, delete and import?"""
    before = snapshot(fielded)
    assert len(before[0]) == 21 and len(before[1]) == 5
    path = _export(app, tmp_path, fmt, identify)
    _forget_responses(fielded)
    assert snapshot(fielded) == ([], [])
    result = app.test_cli_runner().invoke(main, ["import", "responses", str(path), "--study",
                                                 "acme"])
    assert result.exit_code == 0, result.output
    assert "imported 6 responses, 21 answers, 5 power-map ratings" in result.output
    assert snapshot(fielded) == before
    stored = set(db.session.scalars(sa.select(Answer.value_text)))
    assert {"-20% price cut", LONG_TEXT, "'already quoted"} <= stored
    assert any(t and t.startswith("=SUM(A1:A9)") for t in stored)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("identify", [False, True])
def test_round_trip_into_another_study(app, fielded, instrument, tmp_path, fmt, identify):
    """Into a fresh study: accounts, respondents and contacts are created and every answer
    matches (by name with --identify, by the pseudonymous number without)."""
    path = _export(app, tmp_path, fmt, identify)
    copy = gen_study(instrument, "copy")
    result = app.test_cli_runner().invoke(main, ["import", "responses", str(path), "--study",
                                                 "copy", "--create-accounts"])
    assert result.exit_code == 0, result.output
    original_answers, original_ratings = snapshot(fielded, by_name=True)
    answers, ratings = snapshot(copy, by_name=True)
    if not identify:
        ids = {p.name: p.id for p in db.session.scalars(sa.select(Participant).where(
            Participant.study_id == fielded.id))}
        rename = {name: f"Respondent {pid}" for name, pid in ids.items()}
        original_answers = sorted((a, s, rename[w], *rest) for a, s, w, *rest in
                                  original_answers)
        original_ratings = sorted((a, rename[r], rename[c], *rest) for a, r, c, *rest in
                                  original_ratings)
    assert answers == original_answers
    assert ratings == original_ratings
    vic = db.session.scalars(sa.select(Participant).where(Participant.study_id == copy.id,
                                                          Participant.side == "vendor")).all()
    assert sorted(len(v.served_accounts) for v in vic) == [1, 2]
    assert accounts_of(copy) == accounts_of(fielded)


def accounts_of(study):
    return sorted(db.session.execute(sa.select(Account.name, Account.segment,
                                               Account.key_account).where(
        Account.study_id == study.id)).all())


def test_replace_touches_only_what_the_file_holds(app, fielded, tmp_path):
    """A file with one changed answer replaces that answer only: the power map and every other
    answer stay, and the plan says what is overwritten before anything is committed."""
    before_answers, before_ratings = snapshot(fielded)
    ann = db.session.scalar(sa.select(Participant).where(Participant.name == "Ann Exec"))
    text = ("account,side,respondent,item,value\n"
            "Globex,customer,ann@customer.test,recommend,6\n"
            "Globex,customer,ann@customer.test,one_thing,\n")
    with pytest.raises(ImportFailed, match="already has a submitted response"):
        import_responses(fielded, text)
    seen = []
    report = import_responses(fielded, text, replace=True, before_commit=lambda r: seen.append(
        list(r.notes)))
    assert seen and any("1 stored answer(s) overwritten, 1 removed because the file leaves "
                        "them blank, 0 power-map rating(s) replaced" in n for n in seen[0])
    assert report.created == {"responses replaced": 1, "answers": 1}
    answers, ratings = snapshot(fielded)
    assert ratings == before_ratings
    expected = sorted([a for a in before_answers if not (a[2] == ann.id and a[3] in (
        "recommend", "one_thing"))] + [("Globex", "customer", ann.id, "recommend", 6.0, None,
                                        False)])
    assert answers == expected


def test_dry_run_shows_the_plan_and_writes_nothing(app, fielded, tmp_path):
    path = _export(app, tmp_path, "csv", False)
    before = snapshot(fielded)
    result = app.test_cli_runner().invoke(main, ["import", "responses", str(path), "--study",
                                                 "acme", "--replace", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would import" in result.output and "dry run: nothing was written" in result.output
    assert "21 stored answer(s) overwritten, 0 removed" in result.output
    assert "5 power-map rating(s) replaced" in result.output
    assert snapshot(fielded) == before


def test_failure_while_writing_leaves_nothing(app, fielded, tmp_path, monkeypatch):
    """A database error half-way through the answers rolls back every response and person."""
    from vocgap.collection.imports import write

    path = _export(app, tmp_path, "csv", True)
    copy_counts = db.session.scalar(sa.select(sa.func.count(Participant.id)))
    original = write._flush
    calls = []

    def failing(buffer, report):
        calls.append(len(buffer))
        if len(calls) == 1 and buffer:
            original(buffer, report)
            raise RuntimeError("disk full")
        original(buffer, report)

    monkeypatch.setattr(write, "_flush", failing)
    from .factories import gen_study as make

    copy = make(fielded.current_wave.instrument, "copy")
    with pytest.raises(RuntimeError, match="disk full"):
        import_responses(copy, path, "export.csv", create_accounts=True)
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == copy_counts
    assert db.session.scalar(sa.select(sa.func.count(Response.id)).where(
        Response.wave_id == copy.current_wave.id)) == 0
