"""The respondent survey: private links, forms from the instrument, and nothing ever lost."""

from __future__ import annotations

import re
import threading
import time

import pytest
import sqlalchemy as sa

from vocgap.extensions import db
from vocgap.models import Answer, PowerMapRating, Response, utcnow

from .factories import gen_account, gen_customer, gen_study, gen_vendor
from .helpers import checked, csrf_from, customer_answers, fill_everything, open_survey, post_page


@pytest.fixture
def setup(app, instrument):
    study = gen_study(instrument)
    globex = gen_account(study, "Globex")
    initech = gen_account(study, "Initech")
    customer, ctoken = gen_customer(study, globex, "Casey Customer")
    other, otoken = gen_customer(study, initech, "Olive Other", role="purchasing",
                                 quartet="tech_buyer")
    vendor, vtoken = gen_vendor(study, [globex, initech], "Vic Vendor")
    return {"study": study, "globex": globex, "initech": initech, "customer": customer,
            "ctoken": ctoken, "vendor": vendor, "vtoken": vtoken, "other": other,
            "otoken": otoken}


def page_url(account, number):
    return f"/survey/a/{account.id}/p/{number}"


def responses():
    return db.session.scalars(sa.select(Response)).all()


def test_link_is_exchanged_for_a_session(client, setup):
    """Does the private link open the survey and then vanish from the address bar?"""
    location = open_survey(client, setup["ctoken"])
    assert location.endswith("/survey/")
    page = client.get("/survey/", follow_redirects=True)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert setup["ctoken"] not in html
    assert "Start the survey" in html  # the welcome comes first
    first = client.get(page_url(setup["globex"], 1)).get_data(as_text=True)
    assert "Vendor acme delivers a superior experience" in first  # customer wording, vendor name


@pytest.mark.parametrize("case", ["unknown", "malformed", "revoked", "not_yet_open"])
def test_inactive_links_all_get_the_same_plain_page(client, setup, case):
    """Can a visitor tell an unknown link from a revoked or closed one?"""
    token = setup["ctoken"]
    if case == "unknown":
        token = "A" * 43
    elif case == "malformed":
        token = "../../etc/passwd"
    elif case == "revoked":
        setup["customer"].token_revoked_at = utcnow()
    elif case == "not_yet_open":
        wave = setup["study"].current_wave
        wave.opens_at, wave.closes_at = utcnow().replace(year=2099), utcnow().replace(year=2100)
    db.session.commit()
    response = client.get(f"/s/{token}")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "This survey link is not active" in html
    assert "Vendor acme" not in html and "Globex" not in html


def test_repeated_misses_are_rate_limited(client, setup):
    """Is guessing tokens from one client slowed down, while real links keep working?"""
    codes = [client.get(f"/s/{'B' * 42}{i % 10}").status_code for i in range(12)]
    assert codes[:10] == [404] * 10
    assert codes[10:] == [429, 429]


def test_hits_do_not_count_towards_the_limit(client, setup):
    for _ in range(15):
        assert client.get(f"/s/{setup['ctoken']}").status_code == 302


def test_vendor_picks_an_account_and_sees_mirror_wording(client, setup):
    """Does a vendor serving two accounts choose one and see "how would Globex rate us"?"""
    open_survey(client, setup["vtoken"])
    html = client.get("/survey/").get_data(as_text=True)
    assert "Which account would you like to answer for?" in html
    assert "Globex" in html and "Initech" in html
    page = client.get(page_url(setup["globex"], 1)).get_data(as_text=True)
    assert "Globex would say we deliver a superior experience" in page


def test_another_participants_account_is_not_reachable(client, setup):
    open_survey(client, setup["ctoken"])
    response = client.get(page_url(setup["initech"], 1))
    assert response.status_code == 404
    assert "This survey link is not active" in response.get_data(as_text=True)
    assert client.get("/survey/a/99999/p/1").status_code == 404


def test_pages_cover_every_item_type_with_accessible_markup(client, setup, instrument):
    open_survey(client, setup["ctoken"])
    seen = []
    number = 1
    while True:
        response = client.get(page_url(setup["globex"], number))
        if response.status_code != 200:
            break
        html = response.get_data(as_text=True)
        assert "<fieldset" in html and "<legend" in html and "Part " in html
        seen.append(html)
        number += 1
    everything = "\n".join(seen)
    customer_items = [i for i in instrument.items if "customer" in i.sides]
    for item in customer_items:
        assert f'name="{item.id}"' in everything, item.id
    assert "Don&#39;t know / not applicable" in everything or "Don't know" in everything
    assert 'maxlength="20000"' in everything
    assert "Interconnected" in everything and "A true partnership" in everything


def test_validation_error_keeps_typed_answers(client, setup):
    """After a wrong answer, are the other typed answers still there and saved?"""
    open_survey(client, setup["ctoken"])
    url = page_url(setup["globex"], 2)
    response = post_page(client, url, {"trust_right_thing": "4", "trust_promises": "9",
                                       "trust_guarded": "dk"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "This answer 9 is outside the scale 1 to 5." in html
    assert "There is a problem on this page" in html  # only the bad answer, not the good ones
    assert checked(html, "trust_right_thing") == "4"
    assert checked(html, "trust_guarded") == "dk"
    (resp,) = responses()
    stored = {a.item_id: (a.value_num, a.dont_know) for a in resp.answers}
    assert stored == {"trust_right_thing": (4.0, False), "trust_guarded": (None, True)}


def test_required_questions_are_enforced_on_continue_but_not_on_save_later(client, setup):
    open_survey(client, setup["ctoken"])
    url = page_url(setup["globex"], 2)
    response = post_page(client, url, {"trust_right_thing": "4"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.count("Please answer this question.") >= 2
    assert 'href="#q-trust_promises"' in html  # error summary links to the field
    later = post_page(client, url, {"trust_right_thing": "5"}, action="later")
    assert later.status_code == 302 and later.headers["Location"].endswith("/saved")
    (resp,) = responses()
    assert resp.status == "draft"
    assert {a.item_id: a.value_num for a in resp.answers} == {"trust_right_thing": 5.0}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("trust_right_thing", "nan", "outside the scale"),
    ("trust_right_thing", "1e309", "outside the scale"),
    ("trust_right_thing", "abc", "is not a number"),
    ("trust_right_thing", "4\x00", "NUL"),
])
def test_hostile_values_get_a_clear_error_not_a_500(client, setup, field, value, message):
    open_survey(client, setup["ctoken"])
    response = post_page(client, page_url(setup["globex"], 2), {field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_oversized_and_nul_text(client, setup):
    open_survey(client, setup["ctoken"])
    last = 13
    url = page_url(setup["globex"], last)
    html = client.get(url).get_data(as_text=True)
    assert 'name="one_thing"' in html
    too_long = post_page(client, url, {"one_thing": "x" * 20_001, "best_thing": "Fine"})
    assert too_long.status_code == 422
    body = too_long.get_data(as_text=True)
    assert "the limit is 20000" in body
    assert 'maxlength="20000"' in html
    long = "Ä long answer. " * 1333
    assert post_page(client, url, {"one_thing": long}).status_code in (200, 302)
    assert db.session.scalar(sa.select(Answer.value_text).where(
        Answer.item_id == "one_thing")) == long.strip()
    assert re.search(r'name="best_thing"[^>]*>\s*Fine</textarea>', body)
    nul = post_page(client, url, {"one_thing": "a\x00b"})
    assert nul.status_code == 422 and "NUL" in nul.get_data(as_text=True)


def test_repeated_fields_are_rejected(client, setup):
    open_survey(client, setup["ctoken"])
    url = page_url(setup["globex"], 2)
    csrf = csrf_from(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": csrf, "action": "next",
                                      "trust_right_thing": ["4", "2"], "trust_promises": "3",
                                      "trust_guarded": "3"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "answered more than once" in html
    (resp,) = responses()
    assert "trust_right_thing" not in {a.item_id for a in resp.answers}


def test_expired_csrf_token_rerenders_with_answers_and_a_fresh_token(app, client, setup,
                                                                     monkeypatch):
    """Does an expired form token lose the respondent's typed answers?"""
    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    open_survey(client, setup["ctoken"])
    url = page_url(setup["globex"], 2)
    old = csrf_from(client.get(url).get_data(as_text=True))
    later = time.time() + 7200  # the respondent went to lunch
    monkeypatch.setattr(time, "time", lambda: later)
    answers = {"trust_right_thing": "2", "trust_promises": "3", "trust_guarded": "4"}
    response = post_page(client, url, answers, csrf=old)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Your session timed out" in html
    for name, value in answers.items():
        assert checked(html, name) == value
    fresh = csrf_from(html)
    assert fresh != old
    assert responses() == []  # nothing saved on a bad token
    again = post_page(client, url, answers, csrf=fresh)
    assert again.status_code == 302
    assert len(responses()[0].answers) == 3


def test_missing_csrf_token_saves_nothing(client, setup):
    open_survey(client, setup["ctoken"])
    response = client.post(page_url(setup["globex"], 2), data={"trust_right_thing": "4",
                                                               "action": "next"})
    assert response.status_code == 400
    assert responses() == []


def test_review_submit_and_change_answers(client, setup):
    """Can a customer finish, submit, and then still change an answer before close?"""
    open_survey(client, setup["ctoken"])
    fill_everything(client, setup["globex"], customer_answers)
    review = client.get(f"/survey/a/{setup['globex'].id}/review")
    html = review.get_data(as_text=True)
    assert "Check your answers" in html and "Not answered yet" not in html
    submit = client.post(f"/survey/a/{setup['globex'].id}/review",
                         data={"csrf_token": csrf_from(html)})
    assert submit.status_code == 302 and submit.headers["Location"].endswith("/thanks")
    thanks = client.get(submit.headers["Location"]).get_data(as_text=True)
    assert "Thank you" in thanks and "open the private link" in thanks
    (resp,) = responses()
    assert resp.status == "submitted"
    open_survey(client, setup["ctoken"])  # changing answers comes back through the link
    thanks = client.get(submit.headers["Location"]).get_data(as_text=True)
    assert "Review or change my answers" in thanks
    change = post_page(client, page_url(setup["globex"], 2),
                       {"trust_right_thing": "1", "trust_promises": "1", "trust_guarded": "1"})
    assert change.status_code == 302
    db.session.expire_all()
    (resp,) = responses()
    assert resp.status == "submitted"
    assert {a.item_id: a.value_num for a in resp.answers}["trust_right_thing"] == 1.0


def test_submit_with_missing_answers_lists_them(client, setup):
    open_survey(client, setup["ctoken"])
    url = f"/survey/a/{setup['globex'].id}/review"
    csrf = csrf_from(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": csrf})
    assert response.status_code == 422
    assert "Some questions still need an answer" in response.get_data(as_text=True)
    assert all(r.status != "submitted" for r in responses())


def test_double_submit_race_makes_one_response(app, setup):
    """Do two parallel submits (a double click) store one response and both see thanks?"""
    client = app.test_client()
    open_survey(client, setup["ctoken"])
    fill_everything(client, setup["globex"], customer_answers)
    url = f"/survey/a/{setup['globex'].id}/review"
    csrf = csrf_from(client.get(url).get_data(as_text=True))
    cookie = client.get_cookie("session").value
    results = []
    barrier = threading.Barrier(2)

    def submit():
        other = app.test_client()
        other.set_cookie("session", cookie)
        barrier.wait()
        results.append(other.post(url, data={"csrf_token": csrf}))

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status_code for r in results] == [302, 302]
    assert {r.headers["Location"] for r in results} == {f"/survey/a/{setup['globex'].id}/thanks"}
    db.session.expire_all()
    assert len(responses()) == 1 and responses()[0].status == "submitted"


def test_parallel_first_saves_make_one_response(app, setup):
    client = app.test_client()
    open_survey(client, setup["ctoken"])
    url = page_url(setup["globex"], 2)
    csrf = csrf_from(client.get(url).get_data(as_text=True))
    cookie = client.get_cookie("session").value
    barrier = threading.Barrier(4)
    codes = []

    def save(value):
        other = app.test_client()
        other.set_cookie("session", cookie)
        barrier.wait()
        codes.append(other.post(url, data={"csrf_token": csrf, "action": "later",
                                           "trust_right_thing": value}).status_code)

    threads = [threading.Thread(target=save, args=(str(v),)) for v in (1, 2, 3, 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [302] * 4
    db.session.expire_all()
    (resp,) = responses()
    assert len(resp.answers) == 1


def test_back_and_resubmit_after_completion(client, setup):
    open_survey(client, setup["ctoken"])
    fill_everything(client, setup["globex"], customer_answers)
    url = f"/survey/a/{setup['globex'].id}/review"
    csrf = csrf_from(client.get(url).get_data(as_text=True))
    assert client.post(url, data={"csrf_token": csrf}).status_code == 302
    again = client.post(url, data={"csrf_token": csrf})
    assert again.status_code == 302 and again.headers["Location"].endswith("/thanks")
    assert len(responses()) == 1


def test_after_close_the_thank_you_is_read_only(client, setup):
    open_survey(client, setup["ctoken"])
    fill_everything(client, setup["globex"], customer_answers)
    url = f"/survey/a/{setup['globex'].id}/review"
    client.post(url, data={"csrf_token": csrf_from(client.get(url).get_data(as_text=True))})
    setup["study"].current_wave.closed_at = utcnow()
    db.session.commit()
    page = client.get(page_url(setup["globex"], 2), follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "The survey has closed" in html and "Review or change" not in html
    blocked = post_page(client, page_url(setup["globex"], 2), {"trust_right_thing": "1"},
                        csrf="x")
    assert blocked.status_code == 302 and blocked.headers["Location"].endswith("/thanks")
    closed = client.get(f"/s/{setup['ctoken']}").get_data(as_text=True)
    assert "This survey has closed" in closed and "Thank you, Casey Customer" in closed


def test_draft_survives_leaving_and_resume_returns_to_the_gap(client, setup, app):
    """After closing the tab mid-way, does the link bring the respondent back where they were?"""
    open_survey(client, setup["ctoken"])
    post_page(client, page_url(setup["globex"], 1), {"superior_experience": "2",
                                                     "recommend": "6"})
    post_page(client, page_url(setup["globex"], 2), {"trust_right_thing": "3"}, action="later")
    fresh = app.test_client()  # a new browser: only the link is left
    open_survey(fresh, setup["ctoken"])
    landing = fresh.get("/survey/", follow_redirects=True)
    html = landing.get_data(as_text=True)
    assert "Part 2 of" in html
    assert checked(html, "trust_right_thing") == "3"


def test_autosave_saves_without_enforcing_required(client, setup):
    open_survey(client, setup["ctoken"])
    result = post_page(client, page_url(setup["globex"], 2), {"trust_promises": "5"},
                       action="autosave")
    assert result.status_code == 200 and result.get_json() == {"saved": True}
    bad = post_page(client, page_url(setup["globex"], 2), {"trust_promises": "7"},
                    action="autosave")
    assert bad.status_code == 422
    (resp,) = responses()
    assert {a.item_id: a.value_num for a in resp.answers} == {"trust_promises": 5.0}


def test_vendor_power_map_is_stored_per_contact(client, setup, instrument):
    open_survey(client, setup["vtoken"])
    pages = {}
    number = 1
    while (page := client.get(page_url(setup["globex"], number))).status_code == 200:
        pages[number] = page.get_data(as_text=True)
        number += 1
    (pm_number, html), = [(n, h) for n, h in pages.items() if "Power map" in h]
    contact = setup["customer"]
    assert "Casey Customer" in html and "Olive Other" not in html  # only Globex's contacts
    assert "How does Casey Customer feel about Globex using more of our offering?" in html
    response = post_page(client, page_url(setup["globex"], pm_number),
                         {f"pm_{contact.id}_support": "strongly_for",
                          f"pm_{contact.id}_influence": "decisive"})
    assert response.status_code == 302
    (rating,) = db.session.scalars(sa.select(PowerMapRating)).all()
    assert (rating.contact_id, rating.support, rating.influence) == (contact.id, 5, 5)
    again = client.get(page_url(setup["globex"], pm_number)).get_data(as_text=True)
    assert checked(again, f"pm_{contact.id}_support") == "strongly_for"
    assert not any('name="imp_trust"' in h for h in pages.values())  # customer-only items


def test_customer_answers_stance_about_themselves(client, setup):
    open_survey(client, setup["ctoken"])
    number = 1
    while "stance_support" not in (html := client.get(page_url(setup["globex"], number))
                                   .get_data(as_text=True)):
        number += 1
    assert "How do you feel about Globex using more of what Vendor acme offers?" in html
    post_page(client, page_url(setup["globex"], number), {"stance_support": "against",
                                                          "stance_influence": "much"})
    answers = {a.item_id: (a.value_num, a.value_text)
               for a in db.session.scalars(sa.select(Answer))}
    assert answers == {"stance_support": (2.0, "against"), "stance_influence": (4.0, "much")}


def test_security_headers(client, setup):
    response = client.get(f"/s/{setup['ctoken']}", follow_redirects=True)
    headers = response.headers
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "<script>" not in response.get_data(as_text=True)  # no inline script


def test_hostile_account_names_are_escaped(client, setup):
    setup["globex"].name = '<script>alert(1)</script><img src="http://evil.test/x">'
    db.session.commit()
    open_survey(client, setup["ctoken"])
    html = client.get(page_url(setup["globex"], 1)).get_data(as_text=True)
    assert "<script>alert(1)" not in html and '<img src="http://evil.test' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
