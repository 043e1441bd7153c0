"""Alerts during fieldwork: each rule, de-duplication, and the vendor's side arriving later."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from tests.alerts_data import submit, trust_answers
from tests.factories import gen_account, gen_customer, gen_study, gen_vendor
from vocgap.alerts import evaluate_response, evaluate_wave
from vocgap.alerts.rules import RuleSettings, evaluate
from vocgap.extensions import db
from vocgap.models import Alert, AlertSettings


@pytest.fixture
def study(app, instrument):
    return gen_study(instrument, "alerts")


@pytest.fixture
def account(study):
    return gen_account(study, "Globex")


def alerts() -> list[tuple[str, str, int]]:
    return [(a.rule, a.subject, a.response_id) for a in
            db.session.scalars(sa.select(Alert).order_by(Alert.id))]


def test_a_customer_detractor_raises_one_alert_and_a_passive_none(study, account):
    """Does a recommend score of 6 raise a detractor alert, and a 7 nothing?"""
    wave = study.current_wave
    low, _ = gen_customer(study, account, "Dee Tractor")
    high, _ = gen_customer(study, account, "Pat Passive")
    r6 = submit(wave, low, account, {"recommend": 6})
    r7 = submit(wave, high, account, {"recommend": 7})
    evaluate_response(r6.id)
    evaluate_response(r7.id)
    assert alerts() == [("detractor", "", r6.id)]
    assert db.session.scalar(sa.select(Alert)).details == {"score": 6}


def test_re_evaluation_never_duplicates_an_alert(study, account):
    """Evaluating the same responses again (a re-submit, an import, the CLI) adds nothing?"""
    wave = study.current_wave
    person, _ = gen_customer(study, account)
    response = submit(wave, person, account, {"recommend": 2})
    assert len(evaluate_response(response.id)) == 1
    assert evaluate_response(response.id) == []
    assert evaluate_wave(study) == []
    db.session.commit()
    assert len(alerts()) == 1


def test_a_false_champion_appears_when_the_power_map_arrives_after_the_customer(study, account):
    """Does a contact who resists, whom the vendor later rates a champion, raise an alert when
    the vendor submits, although nothing fired when the customer did?"""
    wave = study.current_wave
    contact, _ = gen_customer(study, account, "Bo Blocker")
    staff, _ = gen_vendor(study, [account])
    own = submit(wave, contact, account, {"stance_support": 1, "stance_influence": 5})
    assert evaluate_response(own.id) == []
    theirs = submit(wave, staff, account, {}, power_map={contact.id: (5, 5)})
    created = evaluate_response(theirs.id)
    assert [(a.rule, a.response_id) for a in created] == [("false_champion", own.id)]
    assert created[0].details["self_view"] == "blocker"
    assert created[0].details["vendor_view"] == "champion"


def test_a_supporter_with_little_influence_counts_and_a_neutral_rating_does_not(study, account):
    """Is a contact the power map sees as a supporter (support 4, influence 2) a false champion
    when they call themselves a detractor, while an undecided rating (3) raises nothing?"""
    wave = study.current_wave
    misread, _ = gen_customer(study, account, "Ann Against")
    unsure, _ = gen_customer(study, account, "Una Sure")
    staff, _ = gen_vendor(study, [account])
    one = submit(wave, misread, account, {"stance_support": 2, "stance_influence": 2})
    submit(wave, unsure, account, {"stance_support": 1, "stance_influence": 1})
    theirs = submit(wave, staff, account, {},
                    power_map={misread.id: (4, 2), unsure.id: (3, 5)})
    assert [(a.rule, a.response_id) for a in evaluate_response(theirs.id)] == [
        ("false_champion", one.id)]


def test_the_power_map_is_averaged_over_the_vendor_staff_who_know_the_contact(study, account):
    """Do two raters (5 and 2: mean 3.5, undecided) raise no alert, while "I don't know this
    person" from a second rater leaves the first rater's champion view standing?"""
    wave = study.current_wave
    contact, _ = gen_customer(study, account)
    a, _ = gen_vendor(study, [account], "Al Vendor")
    b, _ = gen_vendor(study, [account], "Bea Vendor")
    own = submit(wave, contact, account, {"stance_support": 1, "stance_influence": 5})
    submit(wave, a, account, {}, power_map={contact.id: (5, 5)})
    last = submit(wave, b, account, {}, power_map={contact.id: (2, 5)})
    assert evaluate_response(last.id) == []
    db.session.execute(sa.text("UPDATE power_map_rating SET support = NULL, influence = NULL "
                               "WHERE response_id = :r"), {"r": last.id})
    db.session.commit()
    assert [(x.rule, x.response_id) for x in evaluate_response(own.id)] == [
        ("false_champion", own.id)]


def test_a_dimension_two_points_below_the_team_prediction(study, account):
    """Is a trust score of 2 against a team prediction of (4 + 5) / 2 = 4.5 an alert on trust
    (reverse-coded item included), while 3 against 4.5 (1.5 below) is not?"""
    wave = study.current_wave
    low, _ = gen_customer(study, account, "Lo Score")
    mid, _ = gen_customer(study, account, "Mi Score")
    a, _ = gen_vendor(study, [account], "Al Vendor")
    b, _ = gen_vendor(study, [account], "Bea Vendor")
    r_low = submit(wave, low, account, trust_answers(2))
    submit(wave, mid, account, trust_answers(3))
    submit(wave, a, account, trust_answers(4))
    last = submit(wave, b, account, trust_answers(5))
    created = evaluate_response(last.id)
    assert [(x.rule, x.subject, x.response_id) for x in created] == [
        ("below_prediction", "trust", r_low.id)]
    assert created[0].details == {"score": 2.0, "prediction": 4.5, "vendor_raters": 2}


def test_exactly_the_threshold_fires_and_the_threshold_is_a_setting(study, account):
    """Is a gap of exactly 2 points an alert (≥ 2), and does a study threshold of 3 stop it?"""
    wave = study.current_wave
    person, _ = gen_customer(study, account)
    staff, _ = gen_vendor(study, [account])
    own = submit(wave, person, account, trust_answers(3))
    submit(wave, staff, account, trust_answers(5))
    db.session.add(AlertSettings(study_id=study.id, below_points=3.0))
    db.session.commit()
    assert evaluate_response(own.id) == []
    db.session.get(AlertSettings, study.id).below_points = 2.0
    db.session.commit()
    assert [x.subject for x in evaluate_response(own.id)] == ["trust"]


def test_disabled_rules_and_the_detractor_threshold_are_honoured(study, account):
    """With the detractor rule off nothing fires for a 0; with the threshold at 4, a 5 passes."""
    wave = study.current_wave
    zero, _ = gen_customer(study, account, "Zed Zero")
    five, _ = gen_customer(study, account, "Fi Five")
    r0 = submit(wave, zero, account, {"recommend": 0})
    r5 = submit(wave, five, account, {"recommend": 5})
    db.session.add(AlertSettings(study_id=study.id, detractor=False))
    db.session.commit()
    assert evaluate_wave(study) == []
    settings = db.session.get(AlertSettings, study.id)
    settings.detractor, settings.detractor_max = True, 4
    db.session.commit()
    assert [(x.rule, x.response_id) for x in evaluate_wave(study)] == [("detractor", r0.id)]
    assert r5.id not in [a[2] for a in alerts()]


def test_vendor_answers_and_drafts_never_raise_alerts(study, account):
    """Is a vendor's own low prediction, or a customer's unsubmitted draft, left alone?"""
    from vocgap.models import Answer, Response

    wave = study.current_wave
    staff, _ = gen_vendor(study, [account])
    person, _ = gen_customer(study, account)
    submit(wave, staff, account, {"recommend": 1})
    draft = Response(wave=wave, participant=person, account=account, status="draft")
    draft.answers.append(Answer(item_id="recommend", value_num=0))
    db.session.add(draft)
    db.session.commit()
    assert evaluate_wave(study) == []
    assert evaluate_response(draft.id) == []


def test_rules_are_pure_and_checked_against_hand_computed_values(instrument):
    """The pure rules on a hand-built frame: 1 detractor, 1 false champion, 1 dimension."""
    answers = pd.DataFrame(
        [(1, "customer", "recommend", 3), (1, "customer", "stance_support", 2),
         (1, "customer", "stance_influence", 4), (1, "customer", "value_quantified", 1),
         (1, "customer", "value_worth_price", 2), (1, "customer", "value_beyond_relationship",
                                                   float("nan")),
         (2, "vendor", "value_quantified", 4), (2, "vendor", "value_worth_price", 4),
         (2, "vendor", "value_beyond_relationship", 3)],
        columns=["response", "side", "item", "value"])
    ratings = pd.DataFrame([(2, 77, 4, 5)], columns=["response", "contact", "support",
                                                     "influence"])
    found = evaluate(answers, ratings, {1: 77}, instrument, RuleSettings())
    # value: customer (1 + 2) / 2 = 1.5 from two of three items; vendor (4 + 4 + 3) / 3 = 3.67
    assert [(s.rule, s.subject) for s in found] == [
        ("detractor", ""), ("false_champion", ""), ("below_prediction", "value")]
    assert found[2].details == {"score": 1.5, "prediction": 3.67, "vendor_raters": 1}


def test_vocgap_alerts_evaluate_and_imported_responses_raise_alerts(app, study, account,
                                                                    tmp_path):
    """`vocgap import responses` evaluates what it wrote; `vocgap alerts evaluate` finds
    nothing new afterwards, and says so."""
    from vocgap.cli import main

    gen_customer(study, account, "Imre Ported")
    data = tmp_path / "long.csv"
    data.write_text("account,side,respondent,item,value\n"
                    "Globex,customer,Imre Ported,recommend,4\n", encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(main, ["import", "responses", str(data), "--study", "alerts"])
    assert result.exit_code == 0, result.output
    assert "alerts: 1 new alert raised" in result.output
    assert [a[0] for a in alerts()] == ["detractor"]
    again = runner.invoke(main, ["alerts", "evaluate", "--study", "alerts"])
    assert again.exit_code == 0, again.output
    assert "0 new alerts; wave 1 has 1 open and 0 handled" in again.output
