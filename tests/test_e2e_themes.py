"""A consultant reviews verbatim themes in headless Chromium: propose, rename, code by keyboard,
accept a page; every page passes axe-core and none scrolls sideways on a phone."""

from __future__ import annotations

import warnings

import pytest

from .browser import assert_accessible, chromium, live_server
from .factories import gen_account, gen_customer, gen_study, gen_user, gen_vendor
from .theme_data import CORPUS, submit_texts

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def converged_enough():
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _study(instrument):
    study = gen_study(instrument, "themes")
    account = gen_account(study, "Fabrikam <Holdings>")
    texts = [t for topic in CORPUS["en"].values() for t in topic]
    for i, text in enumerate(texts):
        person, _ = gen_customer(study, account, f"Customer {i}")
        submit_texts(study.current_wave, person, account, {"one_thing": text})
    for i in range(3):
        person, _ = gen_vendor(study, [account], f"Staff {i}")
        submit_texts(study.current_wave, person, account, {"one_thing": texts[-1 - i]})
    gen_user("lead@consultancy.example", "a long enough password", study)
    return study


def test_consultant_reviews_themes_with_the_keyboard(app, instrument):
    """Can a consultant propose a frame, rename a theme, tick a code with the keyboard, save it,
    and accept a page, on pages without accessibility violations?"""
    _study(instrument)
    with live_server(app) as base, chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.goto(f"{base}/consultant/")
        page.fill("#email", "lead@consultancy.example")
        page.fill("#password", "a long enough password")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("link", name="Study themes").first.click()
        page.get_by_role("link", name="Themes", exact=True).click()
        assert_accessible(page, "themes page, empty frame")
        page.get_by_role("button", name="Propose themes from the answers").click()
        assert "Proposed" in page.content()
        assert_accessible(page, "themes page, proposed frame")

        page.get_by_role("link", name="Edit, merge or split").first.click()
        assert_accessible(page, "theme edit page")
        page.fill("#name", "Late deliveries")
        page.get_by_role("button", name="Save theme").click()
        assert "Saved the theme 'Late deliveries'" in page.content()

        page.get_by_role("link", name="Review codes").click()
        assert_accessible(page, "review list")
        lead = page.locator("p.lead").inner_text()
        assert lead.startswith("0 of 13 verbatims reviewed")
        page.get_by_role("button", name="Accept this page").first.focus()
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement.id")
        assert focused.startswith("code-"), focused  # the first theme of the first verbatim
        was = page.evaluate("() => document.activeElement.checked")
        page.keyboard.press("Space")
        assert page.evaluate("() => document.activeElement.checked") is (not was)
        for _ in range(40):  # on through this verbatim's themes to its Save button
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.name") == "save":
                break
        assert page.evaluate("() => document.activeElement.name") == "save"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "Saved the codes of 1 verbatim." in page.content()
        assert page.locator("p.lead").inner_text().startswith("1 of 13 verbatims reviewed")
        page.get_by_role("button", name="Accept this page").first.click()
        assert "Saved the codes of 12 verbatims." in page.content()
        assert page.locator("p.lead").inner_text().startswith("13 of 13 verbatims reviewed")

        phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True,
                                    has_touch=True, storage_state=page.context.storage_state())
        small = phone.new_page()
        small.goto(page.url.split("?")[0] + "?show=all")
        assert small.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        assert_accessible(small, "review list on a phone")
