"""End to end in headless Chromium: a customer and a vendor take the survey, leave, return."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from vocgap.extensions import db
from vocgap.models import Answer, PowerMapRating, Response

from .browser import chromium, live_server
from .factories import gen_account, gen_customer, gen_study, gen_vendor

pytestmark = pytest.mark.e2e


def answer_page(page, choice: int = 3, text: str = "More joint planning, please.") -> None:
    """Answer every question on the page: the n-th option of each group, text in text boxes."""
    for group in page.locator("fieldset.question").all():
        radios = group.locator("input[type=radio]:not([value=dk])")
        if radios.count():
            radios.nth(min(choice, radios.count() - 1)).check()
        boxes = group.locator("input[type=checkbox]")
        if boxes.count():
            boxes.first.check()
        area = group.locator("textarea")
        if area.count():
            area.fill(text)


def go_on(page) -> None:
    page.get_by_role("button", name="Save and continue").or_(
        page.get_by_role("button", name="Check your answers")).click()
    page.wait_for_load_state()


def part(page) -> tuple[int, int]:
    text = page.locator(".progress-text").inner_text()  # "Part 3 of 13"
    words = text.split()
    return int(words[1]), int(words[3])


def stored(person_id):
    db.session.expire_all()
    return db.session.scalars(sa.select(Response).where(
        Response.participant_id == person_id)).all()


@pytest.fixture
def people(app, instrument):
    study = gen_study(instrument)
    globex = gen_account(study, "Globex Ünited")
    customer, ctoken = gen_customer(study, globex, "Casey Customer")
    peer, _ = gen_customer(study, globex, "Pat Purchasing", role="purchasing",
                           quartet="business_buyer")
    vendor, vtoken = gen_vendor(study, [globex, gen_account(study, "Initech")], "Vic Vendor")
    return {"customer": customer, "ctoken": ctoken, "vendor": vendor, "vtoken": vtoken,
            "contacts": [customer, peer], "globex": globex}


def test_customer_survey_leave_midway_and_come_back(app, people, instrument):
    """Can a customer answer, close the browser half-way, come back by link and finish?"""
    with live_server(app) as base, chromium() as browser:
        first = browser.new_context(viewport={"width": 390, "height": 844})
        page = first.new_page()
        page.goto(f"{base}/s/{people['ctoken']}")
        assert people["ctoken"] not in page.url
        assert "Globex Ünited" in page.locator("header").inner_text()
        page.get_by_role("link", name="Start the survey").click()
        for _ in range(3):
            answer_page(page)
            go_on(page)
        assert part(page)[0] == 4
        # Answer one question on page 4, let autosave store it, then close the tab.
        page.locator("fieldset.question").first.locator("input[type=radio]").nth(1).check()
        page.locator(".autosave-status", has_text="Answers saved").wait_for()
        first.close()

        second = browser.new_context(viewport={"width": 1280, "height": 900})
        page = second.new_page()
        page.goto(f"{base}/s/{people['ctoken']}")
        number, total = part(page)
        assert number == 4
        assert page.locator("fieldset.question").first.locator(
            "input[type=radio]").nth(1).is_checked()
        while True:
            answer_page(page)
            go_on(page)
            if "Check your answers" in page.locator("h1").inner_text():
                break
        assert page.locator(".review-missing").count() == 0
        page.get_by_role("button", name="Submit my answers").click()
        page.locator("h1", has_text="Thank you").wait_for()
        second.close()

    (response,) = stored(people["customer"].id)
    assert response.status == "submitted"
    customer_items = [i for i in instrument.items if "customer" in i.sides]
    answers = {a.item_id: a for a in response.answers}
    assert set(answers) == {i.id for i in customer_items}
    assert answers["one_thing"].value_text == "More joint planning, please."
    assert answers["trust_right_thing"].value_num == 4.0
    assert answers["relationship_stage"].value_text == "interconnected"
    assert answers["recommend"].value_num == 3.0


def test_vendor_mirror_survey_with_power_map(app, people, instrument):
    """Can a vendor pick the account, answer the mirror survey and map each contact's power?"""
    with live_server(app) as base, chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{base}/s/{people['vtoken']}")
        page.get_by_role("link", name="Globex Ünited").click()
        assert "Globex Ünited would say we deliver" in page.content()
        answer_page(page)
        go_on(page)
        page.get_by_role("button", name="Save and go to my accounts").click()
        assert "In progress" in page.locator("ul.account-list").inner_text()
        context.close()

        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto(f"{base}/s/{people['vtoken']}")
        page.get_by_role("link", name="Globex Ünited").click()
        assert part(page)[0] == 2
        while True:
            if page.locator(".contact-card").count():
                assert page.locator(".contact-card h2").all_inner_texts()[0].startswith(
                    "Casey Customer")
                answer_page(page, choice=4)
            else:
                answer_page(page)
            go_on(page)
            if "Check your answers" in page.locator("h1").inner_text():
                break
        assert "Pat Purchasing" in page.content()
        page.get_by_role("button", name="Submit my answers").click()
        page.locator("h1", has_text="Thank you").wait_for()
        page.get_by_role("link", name="See all my accounts").click()
        assert "Submitted" in page.locator("ul.account-list").inner_text()
        context.close()

    (response,) = stored(people["vendor"].id)
    assert response.status == "submitted" and response.account_id == people["globex"].id
    vendor_items = {i.id for i in instrument.items if "vendor" in i.sides and not i.is_power_map}
    assert {a.item_id for a in response.answers} == vendor_items
    ratings = db.session.scalars(sa.select(PowerMapRating).where(
        PowerMapRating.response_id == response.id)).all()
    assert sorted((r.contact_id, r.support, r.influence) for r in ratings) == sorted(
        (c.id, 5, 5) for c in people["contacts"])
    assert db.session.scalar(sa.select(sa.func.count(Answer.id))) == len(vendor_items)
