"""Personal data in headless Chromium: the notice on a phone, erasing from the participant page
and the privacy page, each checked with axe-core and for sideways scrolling."""

from __future__ import annotations

import pytest

from vocgap.extensions import db
from vocgap.models import Participant

from .browser import assert_accessible, chromium, live_server
from .factories import gen_account, gen_customer, gen_study, gen_user

pytestmark = pytest.mark.e2e


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_notice_and_erasure_in_the_browser(app, instrument):
    """Can a respondent read the notice on a phone, and a consultant erase them after
    confirming, with every page accessible?"""
    study = gen_study(instrument)
    account = gen_account(study)
    person, token = gen_customer(study, account, name="Erin Example")
    gen_user("lead@consultancy.example", "a long enough password", study=study)
    with live_server(app) as base, chromium() as browser:
        phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        phone.goto(f"{base}/s/{token}")
        assert "Your personal data" in phone.content()
        assert "24 months after the last round" in phone.content()
        assert_accessible(phone, "welcome with the privacy notice")
        _no_sideways_scroll(phone)

        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.goto(f"{base}/consultant/")
        page.fill("#email", "lead@consultancy.example")
        page.fill("#password", "a long enough password")
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{base}/consultant/studies/{study.id}/")
        page.get_by_role("link", name="Personal data").click()
        assert_accessible(page, "privacy page")
        page.fill("#retention_months", "12")
        page.get_by_role("button", name="Save").click()
        assert "for 12 months" in page.content()
        page.get_by_role("link", name="Anonymise the study now…").click()
        assert_accessible(page, "anonymise confirmation")
        page.goto(f"{base}/consultant/studies/{study.id}/participants/{person.id}/")
        assert_accessible(page, "participant page with personal-data actions")
        page.get_by_role("link", name="Erase this person…").click()
        assert_accessible(page, "erase confirmation")
        page.get_by_role("button", name="Erase this person").click()
        assert "The person was erased" in page.content()
        assert "Erin Example" not in page.content()
    db.session.expire_all()
    assert db.session.get(Participant, person.id).erased_at is not None
