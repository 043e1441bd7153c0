"""The coding frame in the database: proposing, re-running, deciding, editing, exchanging."""

from __future__ import annotations

import warnings

import pytest
import sqlalchemy as sa

from vocgap.collection.imports.common import ImportFailed
from vocgap.extensions import db
from vocgap.models import Answer, Response, Theme, VerbatimCode
from vocgap.themes.coding import FrameNotEmpty, accept, decide, propose_frame, suggest
from vocgap.themes.editing import (
    FrameError,
    add_theme,
    change_theme,
    delete_theme,
    merge_themes,
    split_theme,
)
from vocgap.themes.exchange import export_csv, export_frame, import_csv
from vocgap.themes.store import applied_themes, codes_by_answer, study_themes, study_verbatims

from .factories import gen_account, gen_customer, gen_study, gen_vendor
from .theme_data import CORPUS, submit_texts


@pytest.fixture(autouse=True)
def converged_enough():
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@pytest.fixture
def coded_study(app, instrument):
    """A study with English verbatims on three topics from six customers and three staff."""
    study = gen_study(instrument, "themes")
    account = gen_account(study, "Globex")
    wave = study.current_wave
    texts = [t for topic in CORPUS["en"].values() for t in topic]
    for i in range(6):
        person, _ = gen_customer(study, account, f"Customer {i}")
        submit_texts(wave, person, account, {"one_thing": texts[i], "best_thing": texts[-1 - i]})
    for i in range(3):
        person, _ = gen_vendor(study, [account], f"Staff {i}")
        submit_texts(wave, person, account, {"one_thing": texts[i + 6]})
    return study


def _codes(study):
    return {(c.answer_id, c.theme_id): (c.source, c.applies, c.confirmed)
            for c in db.session.scalars(sa.select(VerbatimCode))}


def test_propose_then_suggest_codes_every_verbatim_it_can(coded_study):
    """Does proposing give named themes and suggestions with confidences for the verbatims?"""
    themes = propose_frame(coded_study)
    assert len(themes) >= 2 and all(t.name and t.keywords for t in themes)
    counts = suggest(coded_study)
    assert counts["verbatims"] == 15 and counts["suggested"] >= 10
    codes = db.session.scalars(sa.select(VerbatimCode)).all()
    assert all(c.source == "suggested" and not c.confirmed and 0 < c.confidence <= 1
               for c in codes)
    with pytest.raises(FrameNotEmpty):
        propose_frame(coded_study)


def test_manual_codes_survive_a_rerun(coded_study):
    """Is a consultant's code (given, removed or accepted) exactly the same after a re-run?"""
    propose_frame(coded_study)
    suggest(coded_study)
    themes = study_themes(coded_study)
    rows = study_verbatims(coded_study)
    first, second = rows[0].id, rows[1].id
    suggested_for_second = {t for t in applied_themes(coded_study).get(second, [])}
    decide(coded_study, first, {themes[-1].id}, None)  # a theme the model did not pick, maybe
    decide(coded_study, second, set(), None)  # "none of these themes"
    before = {k: v for k, v in _codes(coded_study).items() if k[0] in (first, second)}
    for _ in range(2):
        suggest(coded_study)
        db.session.commit()
    after = {k: v for k, v in _codes(coded_study).items() if k[0] in (first, second)}
    assert after == before
    assert applied_themes(coded_study).get(first) == [themes[-1].id]
    assert applied_themes(coded_study).get(second, []) == []
    if suggested_for_second:  # a rejected suggestion is recorded, and never suggested again
        assert all(after[(second, t)] == ("manual", False, True) for t in suggested_for_second)


def test_accepting_confirms_suggestions_as_they_stand(coded_study):
    propose_frame(coded_study)
    suggest(coded_study)
    ids = [r.id for r in study_verbatims(coded_study)]
    before = applied_themes(coded_study)
    accepted = accept(coded_study, ids, None)
    assert accepted == sum(1 for i in ids if before.get(i))
    assert applied_themes(coded_study) == before
    assert all(c.confirmed for codes in codes_by_answer(coded_study).values() for c in codes)
    assert accept(coded_study, ids, None) == 0  # nothing left to accept


def test_merge_keeps_decisions_and_split_moves_examples(coded_study):
    """Merging keeps every verbatim a decision put in either theme; splitting takes examples."""
    a = add_theme(coded_study, "Late deliveries", keywords="delivery, late, delays")
    b = add_theme(coded_study, "Slow support", keywords="support, tickets")
    suggest(coded_study)
    rows = study_verbatims(coded_study)
    decide(coded_study, rows[0].id, {b.id}, None)
    merged = merge_themes(coded_study, b, a)
    assert db.session.get(Theme, b.id) is None
    assert rows[0].id in applied_themes(coded_study) and a.id in applied_themes(
        coded_study)[rows[0].id]
    assert "support" in merged.keyword_list
    new = split_theme(coded_study, merged, "Support again", "", [], ["support", "tickets"])
    assert new.keyword_list == ["support", "tickets"] and "support" not in merged.keyword_list
    assert codes_by_answer(coded_study)[rows[0].id][0].confirmed  # the decision stayed
    with pytest.raises(FrameError):
        add_theme(coded_study, "late DELIVERIES")
    with pytest.raises(FrameError):
        change_theme(coded_study, new, "a; b", "", "", "")
    delete_theme(coded_study, new)
    assert [t.name for t in study_themes(coded_study)] == ["Late deliveries"]


def test_erasing_an_answer_or_response_takes_its_codes(coded_study):
    """Issue 19 deletes free-text answers: do codes go with them (no orphans, no error)?"""
    add_theme(coded_study, "Late deliveries", keywords="delivery, late")
    suggest(coded_study)
    rows = study_verbatims(coded_study)
    decide(coded_study, rows[0].id, {study_themes(coded_study)[0].id}, None)
    db.session.commit()
    answer = db.session.get(Answer, rows[0].id)
    response = db.session.get(Response, answer.response_id)
    db.session.delete(response)
    db.session.commit()
    left = {c.answer_id for c in db.session.scalars(sa.select(VerbatimCode))}
    assert rows[0].id not in left
    db.session.execute(sa.delete(Answer).where(Answer.id == rows[1].id))
    db.session.commit()
    assert rows[1].id not in {c.answer_id for c in db.session.scalars(sa.select(VerbatimCode))}


def test_csv_round_trip_and_formula_guard(coded_study, app):
    """Export → edit → import gives exactly the edited codes; formulas are neutralised."""
    delivery = add_theme(coded_study, "=Late deliveries", keywords="delivery, late")
    support = add_theme(coded_study, "Slow support", keywords="support, tickets")
    suggest(coded_study)
    db.session.commit()
    raw = export_csv(coded_study).decode("utf-8-sig")
    assert "'=Late deliveries" in raw and ",=Late" not in raw
    frame = export_frame(coded_study)
    frame["themes"] = ["'=Late deliveries; Slow support" if i % 2 else ""
                       for i in range(len(frame))]
    frame["reviewed"] = ["yes" if i < 8 else "no" for i in range(len(frame))]
    import_csv(coded_study, frame.to_csv(index=False), "coded.csv", None)
    db.session.commit()
    applied = applied_themes(coded_study)
    for i, verbatim_id in enumerate(frame["verbatim_id"]):
        codes = {c.theme_id: c for c in codes_by_answer(coded_study).get(verbatim_id, [])}
        if i < 8:
            assert set(applied.get(verbatim_id, [])) == (
                {delivery.id, support.id} if i % 2 else set())
            assert all(c.confirmed for c in codes.values())
        else:
            assert not any(c.confirmed for c in codes.values())
    again = export_frame(coded_study)
    assert list(again["reviewed"][:8]) == ["yes"] * 8


def test_a_bad_coded_file_names_each_problem_and_writes_nothing(coded_study):
    add_theme(coded_study, "Late deliveries", keywords="delivery, late")
    suggest(coded_study)
    db.session.commit()
    before = _codes(coded_study)
    good = export_frame(coded_study)
    first = int(good["verbatim_id"][0])
    text = ("verbatim_id,themes,reviewed\r\n"
            f"{first},Late deliveries,yes\r\n"
            "999999,Late deliveries,yes\r\n"
            f"{first},,yes\r\n"
            f"{int(good['verbatim_id'][1])},Price,yes\r\n"
            f"{int(good['verbatim_id'][2])},,maybe\r\n")
    with pytest.raises(ImportFailed) as failure:
        import_csv(coded_study, text, "coded.csv", None)
    problems = [(e.line, e.column) for e in failure.value.errors]
    assert problems == [(3, "verbatim_id"), (4, "verbatim_id"), (5, "themes"), (6, "reviewed")]
    assert "not a theme of the frame: 'Price'" in str(failure.value)
    assert _codes(coded_study) == before  # nothing written, not even before a rollback
    db.session.rollback()
    assert _codes(coded_study) == before
    with pytest.raises(ImportFailed, match="column 'reviewed'"):
        import_csv(coded_study, "verbatim_id,themes\r\n1,x\r\n", "coded.csv", None)


def test_each_verbatim_is_read_in_its_response_language(app, instrument):
    """Is a verbatim's language its response's, and do keywords find it in each language?"""
    study = gen_study(instrument, "multi")
    account = gen_account(study, "Globex")
    for language in ("en", "de", "fr", "es"):
        for i, text in enumerate(CORPUS[language]["delivery"] + CORPUS[language]["price"]):
            person, _ = gen_customer(study, account, f"{language} {i}")
            response = submit_texts(study.current_wave, person, account, {"one_thing": text})
            response.language = language
    db.session.commit()
    rows = study_verbatims(study)
    assert {r.language for r in rows} == {"en", "de", "fr", "es"}
    delivery = add_theme(study, "Late deliveries",
                         keywords="delivery, Lieferung, livraison, entrega, late, retard")
    suggest(study)
    coded = {r.id for r in rows if delivery.id in applied_themes(study).get(r.id, [])}
    languages = {r.language for r in rows if r.id in coded}
    assert languages == {"en", "de", "fr", "es"}
    texts = {r.text for r in rows if r.id in coded}
    assert not any(t in texts for lang in CORPUS for t in CORPUS[lang]["price"])
