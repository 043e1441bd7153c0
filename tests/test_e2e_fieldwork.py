"""The three fieldwork journeys in headless Chromium, with axe-core on every page type.

A customer on a phone, a vendor account manager with several accounts, and a consultant from
study creation to sharing the vendor edition. Every page visited is checked with axe-core (zero
violations), on a phone (390 × 844) and, where the journey allows, on a desktop. Set
VOCGAP_SCREENSHOTS=DIR to keep a screenshot of each step.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from vocgap.collection.store import get_or_create_response, save_answers, submit_response
from vocgap.extensions import db
from vocgap.models import PowerMapRating, Response, Study, utcnow

from .browser import assert_accessible, chromium, live_server
from .factories import gen_account, gen_customer, gen_study, gen_user, gen_vendor
from .test_e2e_study_flow import Camera
from .test_e2e_survey import answer_page, go_on, part

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
# The outermost elements sticking out past the right edge: what makes a page scroll sideways.
WIDEST = """() => [...document.querySelectorAll('body *')].filter(e => {
  const r = e.getBoundingClientRect(), edge = window.innerWidth + 1;
  return r.right > edge && !e.closest('.table-wrap') &&
    e.parentElement.getBoundingClientRect().right <= edge;
}).slice(0, 5).map(e => e.tagName + '.' + e.className + ' '
  + Math.round(e.getBoundingClientRect().right)).join(', ')"""
DESKTOP = {"width": 1280, "height": 900}
# The smallest height of anything a respondent taps: answer options, buttons, links in <main>.
SMALLEST_TARGET = """() => Math.min(...[...document.querySelectorAll(
  'main .option, main button, main a.button, main .change-link, main .account-list a')]
  .map(e => e.getBoundingClientRect().height))"""


def check(page, shot, name: str) -> None:
    shot(page, name)
    assert_accessible(page, name)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"


def test_customer_on_a_phone(app, instrument):
    """Welcome, every page, an error, review, Change → review, submit, closed link: on a phone."""
    study = gen_study(instrument)
    study.research_organisation, study.contact_email = "Northwind Research", "r@northwind.test"
    globex = gen_account(study, "Globex")
    _, token = gen_customer(study, globex, "Casey Customer")
    db.session.commit()
    shot = Camera()
    with live_server(app) as base, chromium() as browser:
        page = browser.new_context(viewport=PHONE).new_page()
        page.goto(f"{base}/s/{token}")
        check(page, shot, "customer-welcome")
        assert "Northwind Research" in page.content()
        page.get_by_role("link", name="Start the survey").click()
        check(page, shot, "customer-page-1")
        # An error: continue without answering.
        go_on(page)
        assert page.title().startswith("Error: ")
        check(page, shot, "customer-page-1-error")
        seen_wide = False
        while True:
            if page.locator(".q-wide").count():
                seen_wide = True
                _check_wide_scale(page)
                check(page, shot, f"customer-page-{part(page)[0]}-scale")
            else:
                assert_accessible(page, f"customer page {part(page)[0]}")
            smallest = page.evaluate(SMALLEST_TARGET)
            assert smallest >= 44, f"a tap target on page {part(page)[0]} is {smallest}px"
            answer_page(page)
            go_on(page)
            if "Check your answers" in page.locator("h1").inner_text():
                break
        assert seen_wide, "the 0-10 scale was never shown"
        check(page, shot, "customer-review")
        assert page.evaluate(SMALLEST_TARGET) >= 44
        page.get_by_role("link", name="Change answers in Trust").click()
        assert page.get_by_role("button", name="Save and return to your answers").is_visible()
        page.locator("fieldset.question").first.locator("input[type=radio]").nth(0).check()
        page.get_by_role("button", name="Save and return to your answers").click()
        assert "Check your answers" in page.locator("h1").inner_text()
        page.get_by_role("button", name="Submit my answers").click()
        page.locator("h1", has_text="Thank you").wait_for()
        check(page, shot, "customer-thanks")
        study.current_wave.closed_at = utcnow()
        db.session.commit()
        page.goto(f"{base}/s/{token}")
        assert "This survey has closed" in page.content()
        check(page, shot, "customer-closed")
        page.goto(f"{base}/s/{'A' * 43}")
        check(page, shot, "link-not-active")


def _check_wide_scale(page) -> None:
    """0-10: eleven equal targets of at least 44 px, labelled only at the two ends."""
    group = page.locator(".q-wide").first
    boxes = [o.bounding_box() for o in group.locator(".option").all()]
    assert len(boxes) == 11
    assert all(b["height"] >= 44 and b["width"] >= 44 for b in boxes), boxes
    assert len({round(b["width"]) for b in boxes}) == 1, "points of unequal width"
    assert len({round(b["x"]) for b in boxes}) == 1, "not one stacked list"
    texts = group.locator(".option .text").all_inner_texts()
    assert texts == ["Not at all likely", "Extremely likely"]


def test_vendor_with_several_accounts(app, instrument):
    """Account list with overall progress, "don't know this person", back to the list at any
    point, thank-you that says how many accounts are left; on a desktop and a phone."""
    study = gen_study(instrument)
    accounts = [gen_account(study, name) for name in ("Globex", "Initech", "Umbrella")]
    contacts = [gen_customer(study, accounts[0], name)[0] for name in ("Ann Lee", "Bo Chen")]
    vendor, token = gen_vendor(study, accounts, "Vic Vendor")
    shot = Camera()
    with live_server(app) as base, chromium() as browser:
        desk = browser.new_context(viewport=DESKTOP).new_page()
        desk.goto(f"{base}/s/{token}")
        check(desk, shot, "vendor-accounts-desktop")
        assert "0 of 3 accounts submitted" in desk.content()
        desk.get_by_role("link", name="Globex").click()
        assert "Account 1 of 3" in desk.locator(".account-progress").inner_text()
        answer_page(desk)
        desk.get_by_role("button", name="Save and go to my accounts").click()
        assert "In progress" in desk.locator("ul.account-list").inner_text()
        desk.get_by_role("link", name="Globex").click()
        while not desk.locator(".contact-card").count():
            answer_page(desk)
            go_on(desk)
        # Ann: never met her. Bo: a champion.
        ann = desk.locator(".contact-card", has_text="Ann Lee")
        for group in ann.locator("fieldset").all():
            group.get_by_label("I don't know this person").check()
        for group in desk.locator(".contact-card", has_text="Bo Chen").locator("fieldset").all():
            group.locator("input[type=radio]:not([value=dk])").nth(4).check()
        answer_page_outside_cards(desk)
        check(desk, shot, "vendor-power-map-desktop")
        go_on(desk)
        phone = browser.new_context(viewport=PHONE).new_page()
        phone.goto(f"{base}/s/{token}")
        phone.get_by_role("link", name="Globex").click()
        while "Check your answers" not in phone.locator("h1").inner_text():
            if phone.locator(".contact-card").count():
                check(phone, shot, "vendor-power-map-phone")
            else:
                answer_page(phone)
            go_on(phone)
        assert "I don't know this person" in phone.locator("main").inner_text()
        check(phone, shot, "vendor-review-phone")
        phone.get_by_role("button", name="Submit my answers").click()
        phone.locator("h1", has_text="Thank you").wait_for()
        assert "2 accounts left" in phone.locator("main").inner_text()
        check(phone, shot, "vendor-thanks-phone")
        phone.get_by_role("link", name="See all my accounts").click()
        assert "1 of 3 accounts submitted" in phone.content()
        check(phone, shot, "vendor-accounts-phone")
    ratings = {r.contact_id: r for r in db.session.scalars(sa.select(PowerMapRating))}
    assert ratings[contacts[0].id].support is None and ratings[contacts[0].id].support_dont_know
    assert ratings[contacts[1].id].support == 5
    assert db.session.scalar(sa.select(Response.status).where(
        Response.participant_id == vendor.id, Response.account_id == accounts[0].id)) == (
        "submitted")


def answer_page_outside_cards(page) -> None:
    for group in page.locator("fieldset.question").all():
        if group.locator("xpath=ancestor::section[contains(@class,'contact-card')]").count():
            continue
        radios = group.locator("input[type=radio]:not([value=dk])")
        if radios.count() and not group.locator("input:checked").count():
            radios.nth(min(3, radios.count() - 1)).check()


def test_keyboard_only_walk_through(app, instrument):
    """Can a customer reach, answer and submit the whole survey with the keyboard alone?"""
    from vocgap.instruments import load_instrument

    from .conftest import ROOT

    pulse = load_instrument(ROOT / "surveys" / "pulse.yaml")
    study = gen_study(pulse, "pulse")
    _, token = gen_customer(study, gen_account(study, "Globex"), "Kay Board")
    with live_server(app) as base, chromium() as browser:
        page = browser.new_context(viewport=DESKTOP).new_page()
        page.goto(f"{base}/s/{token}")
        _tab_to(page, lambda el: el["text"] == "Start the survey")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        answered: set[str] = set()
        for _ in range(200):
            el = _focused(page)
            if el["tag"] == "BUTTON" and el["text"].startswith("Check your answers"):
                break
            if el["type"] in ("radio", "checkbox") and el["name"] not in answered:
                page.keyboard.press("Space")
                answered.add(el["name"])
            elif el["tag"] == "TEXTAREA" and el["name"] not in answered:
                page.keyboard.type("Typed with the keyboard only.")
                answered.add(el["name"])
            page.keyboard.press("Tab")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.locator("h1", has_text="Check your answers").wait_for()
        _tab_to(page, lambda el: el["text"] == "Submit my answers")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.locator("h1", has_text="Thank you").wait_for()
    response = db.session.scalar(sa.select(Response))
    assert response.status == "submitted" and len(response.answers) == 10


def _focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
      return {tag: e.tagName, type: e.type || '', name: e.name || '',
              text: (e.innerText || e.value || '').trim()}; }""")


def _tab_to(page, wanted) -> None:
    for _ in range(60):
        page.keyboard.press("Tab")
        if wanted(_focused(page)):
            return
    raise AssertionError("never reached by Tab")


def _answer(study, person, account, instrument, value=4, *, ratings=None, option=-1) -> None:
    response = get_or_create_response(study.current_wave.id, person.id, account.id)
    from vocgap.collection.values import StoredValue

    answers = {}
    for item in instrument.items:
        if person.side not in item.sides or item.is_power_map and person.side == "vendor":
            continue
        if item.scale is not None:
            answers[item.id] = StoredValue(value_num=float(min(item.scale.max, value)))
        elif item.options:
            chosen = item.options[option] if item.is_power_map else item.options[-1]
            answers[item.id] = StoredValue(value_text=chosen.value, value_num=chosen.score)
    save_answers(response, answers, ratings)
    submit_response(response)


def test_consultant_from_study_creation_to_sharing_the_vendor_edition(app, instrument):
    """Create, invite (confirmed), watch, close (confirmed), reopen, analyse, share: every page
    passes axe-core on a desktop and a phone, and no page scrolls sideways on the phone."""
    gen_user("lead@consultancy.example", "a long enough password")
    app.config["MAIL_SERVER"] = ""
    shot = Camera()
    with live_server(app) as base, chromium() as browser:
        desk = browser.new_context(viewport=DESKTOP, accept_downloads=True).new_page()
        desk.goto(f"{base}/consultant/")
        check(desk, shot, "consultant-login")
        desk.fill("#email", "lead@consultancy.example")
        desk.fill("#password", "a long enough password")
        desk.get_by_role("button", name="Sign in").click()
        desk.get_by_role("link", name="New study").click()
        desk.get_by_role("button", name="Create study").click()
        assert desk.title().startswith("Error: ")
        check(desk, shot, "consultant-new-study-errors")
        desk.fill("#vendor", "Contoso Cloud")
        desk.fill("#name", "Key account review")
        desk.fill("#short_name", "contoso")
        desk.fill("#research_organisation", "Northwind Research")
        desk.fill("#contact_name", "Rita Researcher")
        desk.fill("#contact_email", "rita@northwind.example")
        desk.get_by_role("button", name="Create study").click()
        study = db.session.scalar(sa.select(Study))
        _populate(study, instrument)
        sid = study.id
        desk.goto(f"{base}/consultant/studies/{sid}/")
        check(desk, shot, "consultant-overview")
        desk.get_by_role("link", name="Send invitations…").click()
        assert "3 people will receive an invitation" in desk.content()
        check(desk, shot, "consultant-send-confirm")
        desk.get_by_role("button", name="Send").click()
        assert "sent" in desk.locator(".flash").inner_text()
        desk.goto(f"{base}/consultant/studies/{sid}/participants/?status=submitted")
        check(desk, shot, "consultant-participants-filtered")
        phone = browser.new_context(viewport=PHONE).new_page()
        phone.goto(f"{base}/consultant/login")
        phone.fill("#email", "lead@consultancy.example")
        phone.fill("#password", "a long enough password")
        phone.get_by_role("button", name="Sign in").click()
        pages = [
            ("studies", "/consultant/"),
            ("overview", f"/consultant/studies/{sid}/"),
            ("participants", f"/consultant/studies/{sid}/participants/"),
            ("participant", f"/consultant/studies/{sid}/participants/"
                            f"{study.accounts[0].id and _first_person(study)}/"),
            ("settings", f"/consultant/studies/{sid}/settings"),
            ("reminders", f"/consultant/studies/{sid}/send/reminder"),
            ("close", f"/consultant/studies/{sid}/close-wave"),
            ("analysis", f"/consultant/studies/{sid}/analysis/"),
            ("analysis-vendor", f"/consultant/studies/{sid}/analysis/?edition=vendor"),
            ("account-analysis", f"/consultant/studies/{sid}/analysis/accounts/"
                                 f"{study.accounts[0].id}"),
            ("reports", f"/consultant/studies/{sid}/reports/"),
            ("report-html", f"/consultant/studies/{sid}/reports/accounts/"
                            f"{study.accounts[0].id}.html"),
            ("portfolio-html", f"/consultant/studies/{sid}/reports/portfolio.html"
                               "?edition=vendor"),
            ("import-participants", f"/consultant/studies/{sid}/import/participants"),
            ("import-responses", f"/consultant/studies/{sid}/import/responses"),
            ("new-wave", f"/consultant/studies/{sid}/waves/new"),
            ("account-form", f"/consultant/studies/{sid}/accounts/new"),
            ("participant-form", f"/consultant/studies/{sid}/participants/new"),
            ("not-found", f"/consultant/studies/{sid + 99}/"),
        ]
        for name, path in pages:
            for label, page in (("desktop", desk), ("phone", phone)):
                page.goto(base + path)
                if label == "phone" or name in ("analysis", "account-analysis", "overview"):
                    shot(page, f"consultant-{name}-{label}")
                assert_accessible(page, f"{name} on {label}")
                if label == "phone" and not name.endswith("html"):
                    width = page.evaluate(
                        "() => document.documentElement.scrollWidth - window.innerWidth")
                    assert width <= 0, f"{name} scrolls sideways on a phone by {width}px: " + (
                        page.evaluate(WIDEST))
        desk.goto(f"{base}/consultant/studies/{sid}/analysis/accounts/{study.accounts[0].id}")
        flags = desk.locator("table .flag").all_inner_texts()
        assert sorted(flags) == ["False champion", "Hidden champion"]
        assert "Bo Fabrikam" in desk.locator("main").inner_text()  # contacts by name
        desk.goto(f"{base}/consultant/studies/{sid}/close-wave")
        desk.get_by_role("button", name="Close wave 1 now").click()
        assert "is closed" in desk.locator(".flash").inner_text()
        desk.get_by_role("link", name="Reopen wave 1…").click()
        check(desk, shot, "consultant-reopen")
        desk.get_by_role("button", name="Reopen wave 1").click()
        assert "open again" in desk.locator(".flash").inner_text()
        desk.goto(f"{base}/consultant/studies/{sid}/close-wave")
        desk.get_by_role("button", name="Close wave 1 now").click()
        assert "Share the vendor edition" in desk.locator("[aria-current=step]").inner_text()
        desk.locator("[aria-current=step] a").click()
        assert "Vendor edition" in desk.content()
        zip_button = desk.get_by_role("button",
                                      name="Prepare all reports (vendor edition) as one ZIP")
        assert zip_button.is_visible()
        check(desk, shot, "consultant-share-vendor-edition")


def _first_person(study) -> int:
    from vocgap.models import Participant

    return db.session.scalar(sa.select(Participant.id).where(Participant.study_id == study.id))


def _populate(study, instrument) -> None:
    """Three accounts with enough answers to analyse, one hidden and one false champion."""
    from vocgap.studies import add_participant

    study.current_wave.opens_at = utcnow() - timedelta(days=1)
    for index, name in enumerate(("Fabrikam <Holdings>", "Globex", "Initech")):
        account = gen_account(study, name)
        people = [add_participant(study, side="customer", name=f"{who} {name.split()[0]}",
                                  email=f"{who.lower()}{index}@customer.test", account=account,
                                  role=role, quartet=quartet)[0]
                  for who, role, quartet in (("Ann", "executive", "business_buyer"),
                                             ("Bo", "purchasing", "tech_buyer"),
                                             ("Cy", "operational_user", "business_user"))]
        staff = [add_participant(study, side="vendor", name=f"{who} {name.split()[0]}",
                                 email=f"{who.lower()}{index}@vendor.test", served=[account],
                                 function="account_manager")[0]
                 for who in ("Vic", "Val", "Vin")]
        add_participant(study, side="customer", name=f"Dee {name.split()[0]}",
                        email=f"dee{index}@customer.test", account=account, role="executive",
                        quartet="tech_user")
        db.session.commit()
        for n, person in enumerate(people):
            _answer(study, person, account, instrument, value=2 + n, option=0 if n == 1 else -1)
        for person in staff:
            _answer(study, person, account, instrument, value=5, ratings={
                people[0].id: {"support": 3, "influence": 5},
                people[1].id: {"support": 5, "influence": 5}})
        db.session.commit()
