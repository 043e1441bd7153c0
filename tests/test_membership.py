"""Every consultant page and download of a study refuses a signed-in consultant who is not a
member of it: the routes are taken from the application itself, so a new page is covered too."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from werkzeug.routing.converters import AnyConverter

from vocgap.extensions import db
from vocgap.models import Account, Participant, Response, Wave

from .factories import gen_account, gen_customer, gen_study, gen_user
from .helpers import csrf_from

# A value for every URL part a study route can have; a route with a part missing here fails
# the test (add the part), so that no new page escapes the membership check untested.
URL_VALUES = {"batch": "0123456789abcdef", "name": "report.pdf", "kind": "invitation",
              "filename": "print.css", "action_id": 1, "alert_id": 1,
              "theme_id": 1}


@pytest.fixture
def two_studies(app, instrument):
    """The signed-in consultant's study and another consultant's, with people in both."""
    mine = gen_study(instrument, "mine")
    gen_user(study=mine)
    theirs = gen_study(instrument, "theirs")
    gen_user("owner@test.example", study=theirs)
    account = gen_account(theirs, "Their Account")
    person, _ = gen_customer(theirs, account, "Their Contact")
    return mine, theirs, account, person


def their_alert(study, account, person) -> int:
    """An open alert in the other study (a detractor), for the alert pages' URLs."""
    from vocgap.alerts import evaluate_wave
    from vocgap.models import Answer

    response = Response(wave=study.current_wave, participant=person, account=account,
                        status="submitted")
    response.answers.append(Answer(item_id="recommend", value_num=1))
    db.session.add(response)
    db.session.commit()
    [alert] = evaluate_wave(study)
    db.session.commit()
    return alert.id


def study_routes(app):
    """(rule, methods, converters) for every route that takes a study id."""
    routes = []
    for rule in app.url_map.iter_rules():
        if "study_id" in rule.arguments:
            routes.append((rule, sorted(rule.methods - {"HEAD", "OPTIONS"})))
    assert len(routes) >= 20, "the consultant blueprint should have its study pages"
    return routes


def urls_of(rule, ids: dict) -> list[str]:
    """Every URL of the rule: one per option of an ``any(…)`` part."""
    urls = [{}]
    for argument in sorted(rule.arguments):
        converter = rule._converters[argument]
        if isinstance(converter, AnyConverter):  # regex "(?:csv|xlsx)": every option
            options = [re.sub(r"\\(.)", r"\1", o) for o in converter.regex[3:-1].split("|")]
        elif argument in ids:
            options = [ids[argument]]
        elif argument in URL_VALUES:
            options = [URL_VALUES[argument]]
        else:
            pytest.fail(f"{rule.rule}: no test value for <{argument}>; add it to URL_VALUES")
        urls = [{**u, argument: o} for u in urls for o in options]
    return [rule.build(values, append_unknown=False)[1] for values in urls]


def state() -> tuple:
    db.session.expire_all()
    return (db.session.execute(sa.select(Participant.id, Participant.name,
                                         Participant.token_hash,
                                         Participant.token_revoked_at)).all(),
            db.session.execute(sa.select(Account.id, Account.name)).all(),
            db.session.execute(sa.select(Wave.id, Wave.closes_at)).all(),
            db.session.scalar(sa.select(sa.func.count(Response.id))),
            db.session.execute(sa.text("SELECT id, status FROM alert")).all())


def test_a_non_member_gets_nothing_from_any_study_page(app, auth, two_studies):
    """GET and POST on every study URL of another consultant's study: 403 or 404, no change."""
    mine, theirs, account, person = two_studies
    client = auth()
    csrf = csrf_from(client.get(f"/consultant/studies/{mine.id}/").get_data(as_text=True))
    ids = {"study_id": theirs.id, "account_id": account.id, "participant_id": person.id,
           "alert_id": their_alert(theirs, account, person)}
    before = state()
    checked = []
    for rule, methods in study_routes(app):
        for url in urls_of(rule, ids):
            for method in methods:
                data = {"csrf_token": csrf, "name": "Changed", "opens": "2026-01-01",
                        "closes": "2099-12-31", "instrument": "pulse"} if method == "POST" \
                    else None
                response = client.open(url, method=method, data=data)
                assert response.status_code in (403, 404), (method, url, response.status_code)
                assert b"Their Contact" not in response.data and b"Their Account" not in \
                    response.data
                checked.append((method, url))
    assert state() == before
    assert len(checked) >= 30
    assert ("GET", f"/consultant/studies/{theirs.id}/export.xlsx") in checked


def test_the_same_pages_work_for_a_member(app, auth, two_studies):
    """The refusals above are about membership, not broken URLs: the owner gets the pages."""
    _, theirs, account, person = two_studies
    owner = auth("owner@test.example")
    for url in (f"/consultant/studies/{theirs.id}/",
                f"/consultant/studies/{theirs.id}/participants/{person.id}/",
                f"/consultant/studies/{theirs.id}/accounts/{account.id}/edit",
                f"/consultant/studies/{theirs.id}/export.csv",
                f"/consultant/studies/{theirs.id}/reports/"):
        assert owner.get(url).status_code == 200, url
