"""Submitting flips a draft once: later or parallel submits neither duplicate nor re-date it."""

from __future__ import annotations

import threading
import time

import sqlalchemy as sa

from vocgap.collection.store import get_or_create_response, save_answers, submit_response
from vocgap.collection.values import StoredValue
from vocgap.extensions import db
from vocgap.models import Response

from .factories import gen_account, gen_customer, gen_study
from .helpers import csrf_from, customer_answers, fill_everything, open_survey, post_page


def stored() -> list[Response]:
    db.session.expire_all()
    return db.session.scalars(sa.select(Response)).all()


def test_submitting_again_keeps_the_first_submission(app, client, instrument):
    """Does the Submit form sent again (after changing an answer) keep one response and its
    first submission date?"""
    study = gen_study(instrument)
    account = gen_account(study, "Globex")
    _, token = gen_customer(study, account)
    open_survey(client, token)
    fill_everything(client, account, customer_answers)
    review = f"/survey/a/{account.id}/review"
    csrf = csrf_from(client.get(review).get_data(as_text=True))
    first = client.post(review, data={"csrf_token": csrf})
    assert first.status_code == 302
    (response,) = stored()
    submitted_at = response.submitted_at
    assert response.status == "submitted" and submitted_at is not None
    time.sleep(0.05)  # any re-submission would now carry a later time
    open_survey(client, token)  # submitting ended the session: changes come through the link
    changed = post_page(client, f"/survey/a/{account.id}/p/2", {
        "trust_right_thing": "1", "trust_promises": "1", "trust_guarded": "1"})
    assert changed.status_code == 302
    again = client.post(review, data={"csrf_token": csrf})  # the form sent again (Back, F5)
    assert again.status_code == 302 and again.headers["Location"].endswith("/thanks")
    (response,) = stored()
    assert response.status == "submitted"
    assert response.submitted_at == submitted_at
    assert {a.item_id: a.value_num for a in response.answers}["trust_right_thing"] == 1.0


def test_parallel_submits_of_an_existing_draft_flip_it_once(app, instrument):
    """Two requests submit the same saved draft at once: exactly one of them submits it."""
    study = gen_study(instrument)
    account = gen_account(study, "Globex")
    person, _ = gen_customer(study, account)
    neighbour, _ = gen_customer(study, account, "Nina Neighbour")
    other = get_or_create_response(study.current_wave.id, neighbour.id, account.id)
    draft = get_or_create_response(study.current_wave.id, person.id, account.id)
    save_answers(draft, {"trust_right_thing": StoredValue(4.0, None, False)})
    db.session.commit()
    other_id, saved_at = other.id, draft.updated_at
    draft_id = draft.id
    barrier = threading.Barrier(2)
    made_the_change: list[bool] = []

    def submit() -> None:
        with app.app_context():
            response = db.session.get(Response, draft_id)
            barrier.wait()
            made_the_change.append(submit_response(response))
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(made_the_change) == [False, True]
    response = next(r for r in stored() if r.id == draft_id)
    assert response.status == "submitted" and response.submitted_at is not None
    assert response.updated_at > saved_at
    assert db.session.get(Response, other_id).status == "draft"  # only this draft flipped
    first = response.submitted_at
    time.sleep(0.05)
    assert submit_response(response) is False  # a late third submit changes nothing either
    db.session.commit()
    response = next(r for r in stored() if r.id == draft_id)
    assert response.submitted_at == first
