"""In headless Chromium: the language switch keeps what was typed, and an Arabic survey reads
right to left on a phone and a desktop (screenshots written for a person to look at)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from vocgap.extensions import db
from vocgap.instruments import load_instrument
from vocgap.models import Answer, Response

from .browser import assert_accessible, chromium, live_server
from .factories import gen_account, gen_customer, gen_study
from .languages import translated_surveys

pytestmark = pytest.mark.e2e
# Where the RTL screenshots go: a test's own folder, or one a person names to look at them.
SHOTS = os.environ.get("VOCGAP_SCREENSHOTS")


@pytest.fixture
def app_config(app_config, tmp_path):
    surveys = translated_surveys(tmp_path / "surveys", ("en", "de", "ar"))
    return {**app_config, "SURVEYS_DIR": str(surveys)}


@pytest.fixture
def survey(app, app_config):
    study = gen_study(load_instrument(f"{app_config['SURVEYS_DIR']}/b2b-relationship.yaml"))
    account = gen_account(study, "Globex")
    person, token = gen_customer(study, account, "Amal Customer")
    return {"person": person, "token": token, "account": account}


def test_switching_language_in_the_browser_keeps_typed_answers(app, survey):
    """Does a respondent who picks answers and types a comment, then presses "Deutsch", find
    the same page in German with everything still there?"""
    account = survey["account"]
    with live_server(app) as base, chromium() as browser:
        page = browser.new_page(locale="en-GB")
        page.goto(f"{base}/s/{survey['token']}")
        page.goto(f"{base}/survey/a/{account.id}/p/2")
        page.locator("input[name=trust_right_thing][value='4']").check()
        sections = len(load_instrument(Path(app.config["SURVEYS_DIR"]) /
                                       "b2b-relationship.yaml").sections)
        page.get_by_role("button", name="Deutsch").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "de"
        assert page.locator("input[name=trust_right_thing][value='4']").is_checked()
        page.goto(f"{base}/survey/a/{account.id}/p/{sections}")
        page.locator("textarea[name=one_thing]").fill("Öfter anrufen, bitte.")
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("textarea[name=one_thing]").input_value() == "Öfter anrufen, bitte."
    db.session.expire_all()
    response = db.session.scalar(sa.select(Response).where(
        Response.participant_id == survey["person"].id))
    assert response.language == "en"
    assert db.session.scalar(sa.select(Answer.value_text).where(
        Answer.response_id == response.id, Answer.item_id == "one_thing")) == \
        "Öfter anrufen, bitte."


def test_enter_still_saves_and_continues(app, survey):
    """With the switch's buttons first on the page, does Enter on an answer still mean "Save
    and continue" rather than a change of language?"""
    account = survey["account"]
    with live_server(app) as base, chromium() as browser:
        page = browser.new_page(locale="en-GB")
        page.goto(f"{base}/s/{survey['token']}")
        page.goto(f"{base}/survey/a/{account.id}/p/1")
        radio = page.locator("input[name=superior_experience][value='5']")
        radio.check()
        page.locator("input[name=recommend][value='9']").check()
        radio.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/survey/a/{account.id}/p/2")
        assert page.locator("html").get_attribute("lang") == "en"


@pytest.mark.parametrize(("name", "width", "height"), [("phone", 390, 844),
                                                       ("desktop", 1280, 900)])
def test_arabic_survey_runs_right_to_left(app, survey, tmp_path, name, width, height):
    """Do text, options and the progress bar start from the right in Arabic, accessibly?"""
    survey["person"].language = "ar"
    db.session.commit()
    account = survey["account"]
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    with live_server(app) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(f"{base}/s/{survey['token']}")
        page.goto(f"{base}/survey/a/{account.id}/p/2")
        assert page.locator("html").get_attribute("dir") == "rtl"
        page.locator("input[name=trust_right_thing][value='4']").check()
        page.screenshot(path=str(folder / f"rtl-{name}.png"), full_page=False)
        legend = page.locator("fieldset.question legend").first.bounding_box()
        lines = page.evaluate("""() => {
            const range = document.createRange();
            range.selectNodeContents(document.querySelector('fieldset.question legend'));
            return Array.from(range.getClientRects()).map(r => [r.left, r.right, r.top]);
        }""")
        radios = page.locator("input[name=trust_right_thing]")
        radio, option = radios.first.bounding_box(), page.locator(
            "fieldset.question .option").first.bounding_box()
        # Right to left: the question hugs the right edge, each radio sits at its option's right.
        right = legend["x"] + legend["width"]
        last = max(top for _, _, top in lines)
        assert right - max(line_right for _, line_right, _ in lines) < 2  # text starts right
        # ... and the short last line ends well short of the left edge.
        assert min(left for left, _, top in lines if top == last) - legend["x"] > 24
        if name == "phone":  # options listed: each radio sits at its option's right
            assert radio["x"] > option["x"] + option["width"] / 2
        else:  # options side by side: the scale runs from the right, 1 first
            assert radio["x"] > radios.nth(4).bounding_box()["x"]
        assert page.evaluate("getComputedStyle(document.querySelector('progress')).direction") \
            == "rtl"
        assert_accessible(page, f"Arabic survey page ({name})")
