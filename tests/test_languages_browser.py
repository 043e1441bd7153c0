"""In headless Chromium: the whole survey in German on a phone, a switch to French that keeps what
was typed, and the Arabic pulse laid out right to left.

Set VOCGAP_SCREENSHOTS=DIR to keep the screenshots for a person to look at.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from vocgap.extensions import db
from vocgap.instruments import load_instrument
from vocgap.models import Response

from .browser import chromium, live_server
from .conftest import ROOT
from .factories import gen_account, gen_customer, gen_study
from .test_e2e_study_flow import Camera
from .test_e2e_survey import answer_page

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# Where an element's text ends on the right, and its box's left and right edges.
TEXT_EDGES = """selector => {
  const element = document.querySelector(selector), range = document.createRange();
  range.selectNodeContents(element);
  const text = range.getBoundingClientRect(), box = element.getBoundingClientRect();
  return [text.right, box.left + parseFloat(getComputedStyle(element).paddingLeft),
          box.right - parseFloat(getComputedStyle(element).paddingRight)];
}"""
TYPED = "Bitte früher über Lieferverzögerungen informieren – danke!"


def person(instrument_name: str, language: str):
    instrument = load_instrument(ROOT / "surveys" / f"{instrument_name}.yaml")
    study = gen_study(instrument)
    account = gen_account(study, "Globex Ünited")
    customer, token = gen_customer(study, account, "Greta Kunde")
    customer.language = language
    db.session.commit()
    return study, account, customer, token


def go_on(page) -> None:
    """Press the page's own main button (not the hidden copy the language switch carries)."""
    page.locator("#survey-form .actions button[value=next]").click()
    page.wait_for_load_state()


def switch_to(page, language: str) -> None:
    page.locator(f"#language-switch button[value={language}]").click()
    page.wait_for_load_state()


def language_of(page) -> tuple[str, str]:
    return page.locator("html").get_attribute("lang"), page.locator("html").get_attribute("dir")


def test_german_customer_on_a_phone_switches_to_french_and_keeps_typed_answers(app):
    """Can a German customer take the whole survey on a phone in German, switch to French
    half-way without losing a chosen or a typed answer, and submit in French?"""
    study, account, customer, token = person("b2b-relationship", "de")
    instrument = study.current_wave.instrument
    shot = Camera()
    with live_server(app) as base, chromium() as browser:
        context = browser.new_context(viewport=PHONE, locale="en-GB")
        page = context.new_page()
        page.goto(f"{base}/s/{token}")
        assert language_of(page) == ("de", "ltr")
        assert "Wer die Befragung durchführt" in page.content()
        assert "Ein unabhängiges Forschungsteam sieht Ihre einzelnen Antworten" in page.content()
        shot(page, "de-welcome")
        page.get_by_role("link", name="Befragung starten").click()
        first = page.locator("fieldset.question").first
        assert "Northwind" not in first.inner_text()  # the study's vendor fills {vendor}
        assert "Vendor acme bietet ein besseres Gesamterlebnis" in first.inner_text()
        assert page.locator(".progress-text").inner_text() == "Teil 1 von 13"
        shot(page, "de-page-1")
        answer_page(page)
        go_on(page)

        # Page 2: choose answers, do not save, switch to French: the choices survive.
        chosen = [group.locator("input[type=radio]").nth(1)
                  for group in page.locator("fieldset.question").all()]
        for radio in chosen:
            radio.check()
        switch_to(page, "fr")
        assert language_of(page) == ("fr", "ltr")
        assert page.locator(".progress-text").inner_text() == "Partie 2 sur 13"
        assert "Nous faisons confiance à Vendor acme" in page.content()
        assert all(group.locator("input[type=radio]").nth(1).is_checked()
                   for group in page.locator("fieldset.question").all())
        shot(page, "fr-page-2-after-switch")
        switch_to(page, "de")
        assert language_of(page)[0] == "de"
        assert all(group.locator("input[type=radio]").nth(1).is_checked()
                   for group in page.locator("fieldset.question").all())
        go_on(page)
        while page.locator("textarea").count() == 0:
            answer_page(page)
            go_on(page)
        assert "In Ihren eigenen Worten" in page.locator("h1").inner_text()

        # The comments page: type, do not save, switch to French: the text survives.
        page.locator("textarea").first.fill(TYPED)
        switch_to(page, "fr")
        assert language_of(page) == ("fr", "ltr")
        assert page.locator("h1").inner_text() == "Avec vos propres mots"
        assert page.locator("textarea").first.input_value() == TYPED
        shot(page, "fr-comments-after-switch")
        go_on(page)
        assert page.locator("h1").inner_text() == "Vérifier vos réponses"
        assert TYPED in page.content()
        assert page.locator(".review-missing").count() == 0
        shot(page, "fr-review")
        page.get_by_role("button", name="Envoyer mes réponses").click()
        page.locator("h1", has_text="Merci").wait_for()
        assert language_of(page)[0] == "fr"
        shot(page, "fr-thanks")
        context.close()

    db.session.expire_all()
    (response,) = db.session.scalars(sa.select(Response).where(
        Response.participant_id == customer.id)).all()
    assert response.status == "submitted" and response.language == "fr"
    answers = {a.item_id: a for a in response.answers}
    assert answers["one_thing"].value_text == TYPED
    assert answers["trust_right_thing"].value_num == 2.0  # the choice made before the switch
    assert set(answers) == {i.id for i in instrument.items if "customer" in i.sides} - {
        "best_thing"}  # optional, left empty


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_arabic_pulse_runs_right_to_left(app, viewport):
    """Is the Arabic pulse page right to left: text aligned right, each answer's button on its
    right, the buttons' order mirrored, with Arabic wording and the vendor's name filled in?"""
    _, _, customer, token = person("pulse", "ar")
    shot = Camera()
    with live_server(app) as base, chromium() as browser:
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.goto(f"{base}/s/{token}")
        assert language_of(page) == ("ar", "rtl")
        shot(page, f"ar-welcome-{viewport['width']}")
        page.locator("main a.button-primary").click()
        assert language_of(page) == ("ar", "rtl")
        assert page.locator("h1").inner_text() == "فحص سريع"
        question = page.locator("fieldset.question").first
        assert "تقدّم Vendor acme تجربة متفوّقة" in question.inner_text()
        assert page.evaluate("getComputedStyle(document.querySelector('h1')).direction") == "rtl"
        # Right-aligned: the heading's text (not its full-width box) ends at the content's right.
        text_right, box_left, box_right = page.evaluate(TEXT_EDGES, "h1")
        assert box_right - text_right < 2 and text_right - box_left > 60
        label = question.locator("label").first
        radio, text = label.locator("input").bounding_box(), label.bounding_box()
        assert radio["x"] + radio["width"] > text["x"] + text["width"] / 2, "radio not on the right"
        primary = page.locator("#survey-form .actions button[value=next]").bounding_box()
        later = page.locator("#survey-form .actions button[value=later]").bounding_box()
        if abs(primary["y"] - later["y"]) < 5:  # side by side: the first button is rightmost
            assert primary["x"] > later["x"]
        shot(page, f"ar-question-{viewport['width']}")
        context.close()
