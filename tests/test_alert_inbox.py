"""The consultant's alerts inbox and alert rules: membership, filters, handling, settings."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.alerts_data import submit
from tests.factories import gen_account, gen_customer, gen_study, gen_user
from tests.helpers import csrf_from
from vocgap.alerts import evaluate_wave
from vocgap.extensions import db
from vocgap.models import Alert, AlertSettings, Study


@pytest.fixture
def setup(app, instrument):
    study = gen_study(instrument, "inbox")
    gen_user(study=study)
    globex, initech = gen_account(study, "Globex"), gen_account(study, "Initech <b>Ltd</b>")
    for account, name, score in ((globex, "Gia Low", 2), (initech, "Ian Low", 5),
                                 (initech, "Ivy High", 10)):
        person, _ = gen_customer(study, account, name)
        submit(study.current_wave, person, account, {"recommend": score})
    evaluate_wave(study)
    db.session.commit()
    return {"study": study, "globex": globex, "initech": initech}


def url(study: Study, rest: str = "") -> str:
    return f"/consultant/studies/{study.id}/alerts/{rest}"


def test_the_inbox_lists_open_alerts_with_the_respondent_for_the_consultant(auth, setup):
    """Does the inbox show both detractors, their accounts (escaped) and names?"""
    client = auth()
    html = client.get(url(setup["study"])).get_data(as_text=True)
    assert "Gia Low" in html and "Ian Low" in html and "Ivy High" not in html
    assert "Initech &lt;b&gt;Ltd&lt;/b&gt;" in html and "<b>Ltd</b>" not in html
    assert "2 alerts shown" in html.replace("<strong>", "").replace("</strong>", "")


def test_the_study_menu_counts_open_alerts(auth, setup):
    """Is the number of open alerts beside "Alerts" on every study page?"""
    html = auth().get(f"/consultant/studies/{setup['study'].id}/").get_data(as_text=True)
    assert 'class="badge">2<span class="visually-hidden"> open</span>' in html


def test_filters_by_account_rule_and_status(auth, setup):
    """Do the account, rule and status filters narrow the list?"""
    client = auth()
    study, globex = setup["study"], setup["globex"]
    html = client.get(url(study, f"?account={globex.id}")).get_data(as_text=True)
    assert "Gia Low" in html and "Ian Low" not in html
    html = client.get(url(study, "?rule=false_champion")).get_data(as_text=True)
    assert "Gia Low" not in html and "No alerts match" in html
    html = client.get(url(study, "?status=handled")).get_data(as_text=True)
    assert "No alerts match" in html


def test_marking_handled_needs_the_form_token_and_moves_the_alert(auth, setup):
    """Does "Mark handled" with its token close the alert (and reopen it again), while a
    forged POST without a token changes nothing?"""
    client = auth()
    study = setup["study"]
    alert = db.session.scalar(sa.select(Alert).join(Alert.account).where(
        Alert.account_id == setup["globex"].id))
    target = url(study, f"{alert.id}/handle")
    assert client.post(target).status_code == 400
    db.session.expire_all()
    assert db.session.get(Alert, alert.id).status == "open"
    token = csrf_from(client.get(url(study)).get_data(as_text=True))
    done = client.post(target, data={"csrf_token": token, "next": "https://evil.test/"})
    assert done.status_code == 302 and done.headers["Location"].endswith(url(study))
    db.session.expire_all()
    assert db.session.get(Alert, alert.id).status == "handled"
    html = client.get(url(study)).get_data(as_text=True)
    assert "Gia Low" not in html
    client.post(url(study, f"{alert.id}/reopen"), data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.get(Alert, alert.id).status == "open"


def test_another_consultant_cannot_see_or_handle_the_alerts(app, auth, setup, instrument):
    """Is the inbox, and another study's alert id, a 404 for a non-member?"""
    own = gen_study(instrument, "other")
    gen_user("stranger@test.example", study=own)
    client = auth("stranger@test.example")
    assert client.get(url(setup["study"])).status_code == 404
    alert = db.session.scalar(sa.select(Alert))
    token = csrf_from(client.get(url(own)).get_data(as_text=True))
    assert client.post(url(own, f"{alert.id}/handle"),
                       data={"csrf_token": token}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Alert, alert.id).status == "open"


def test_rule_settings_are_saved_and_bad_thresholds_named(auth, setup):
    """Does the settings form refuse a detractor threshold of 10 and a currency 'EURO' with the
    field named, then save valid values and the study currency?"""
    client = auth()
    study = setup["study"]
    page = client.get(url(study, "settings")).get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "detractor": "y", "detractor_max": "10",
            "below_prediction": "y", "below_points": "1.5", "currency": "EURO",
            "notify_owners": "y"}
    bad = client.post(url(study, "settings"), data=data)
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Give a score from 0 to 9." in html
    assert "three-letter code" in html
    ok = client.post(url(study, "settings"), data={**data, "detractor_max": "4",
                                                   "currency": "usd"})
    assert ok.status_code == 302
    db.session.expire_all()
    settings = db.session.get(AlertSettings, study.id)
    assert (settings.detractor_max, settings.below_points, settings.false_champion,
            settings.notify_owners, settings.email_consultants) == (4, 1.5, False, True, False)
    assert db.session.get(Study, study.id).currency == "USD"


def test_check_all_again_raises_what_new_rules_find_once(auth, setup):
    """After lowering the detractor threshold nothing changes until "Check all responses
    again"; pressing it twice adds the alerts once."""
    client = auth()
    study = setup["study"]
    db.session.add(AlertSettings(study_id=study.id, detractor_max=9))
    db.session.commit()
    token = csrf_from(client.get(url(study)).get_data(as_text=True))
    client.post(url(study, "evaluate"), data={"csrf_token": token})
    client.post(url(study, "evaluate"), data={"csrf_token": token})
    assert db.session.scalar(sa.select(sa.func.count(Alert.id))) == 2  # 10 is no detractor
    page = client.get(url(study)).get_data(as_text=True)
    assert "Gia Low" in page


def test_an_earlier_waves_alerts_stay_reachable(auth, setup, instrument):
    """Once wave 2 opens, the inbox shows wave 2 (empty) and wave 1's alerts on asking."""
    from datetime import timedelta

    from vocgap.collection.studies import open_wave
    from vocgap.models import utcnow

    study = setup["study"]
    open_wave(study, instrument, utcnow(), utcnow() + timedelta(days=9))
    db.session.commit()
    client = auth()
    html = client.get(url(study)).get_data(as_text=True)
    assert "Alerts: wave 2" in html and "No alerts match" in html
    html = client.get(url(study, "?wave=1")).get_data(as_text=True)
    assert "Alerts: wave 1" in html and "Gia Low" in html
    assert "Alerts: wave 2" in client.get(url(study, "?wave=7")).get_data(as_text=True)
