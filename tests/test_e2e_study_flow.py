"""The whole study flow in headless Chromium: empty database to a filled-in survey and an export.

Set VOCGAP_SCREENSHOTS=DIR to keep a screenshot of every step for a person to look at.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from .browser import chromium, live_server
from .factories import gen_user
from .test_e2e_survey import answer_page, go_on

pytestmark = pytest.mark.e2e


class Camera:
    def __init__(self):
        folder = os.environ.get("VOCGAP_SCREENSHOTS")
        self.folder = Path(folder) if folder else None
        self.count = 0

    def __call__(self, page, name: str) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count += 1
        page.screenshot(path=str(self.folder / f"{self.count:02d}-{name}.png"), full_page=True)


def test_consultant_runs_a_study_end_to_end(app):
    """Can a consultant set up a study, a customer answer it, and the answers be exported?"""
    gen_user("lead@consultancy.example", "a long enough password")
    shot = Camera()
    with live_server(app) as base, chromium() as browser:
        desk = browser.new_context(viewport={"width": 1280, "height": 900},
                                   accept_downloads=True)
        page = desk.new_page()
        page.goto(f"{base}/consultant/")
        page.fill("#email", "lead@consultancy.example")
        page.fill("#password", "a long enough password")
        page.get_by_role("button", name="Sign in").click()
        shot(page, "studies-empty")
        page.get_by_role("link", name="New study").click()
        page.fill("#vendor", "Contoso Cloud")
        page.fill("#name", "Key account review")
        page.fill("#short_name", "contoso")
        page.select_option("#instrument", "pulse")
        shot(page, "new-study")
        page.get_by_role("button", name="Create study").click()
        assert "Study 'Key account review' created" in page.content()
        page.get_by_role("link", name="Add account").first.click()
        page.fill("#name", "Fabrikam <Holdings>")
        page.fill("#segment", "Enterprise")
        page.select_option("#crm_stage", "2")
        page.check("#key_account")
        page.get_by_role("button", name="Save account").click()
        page.get_by_role("link", name="Participants", exact=True).click()
        page.get_by_role("link", name="Add participant").click()
        page.fill("#name", "Frida Customer")
        page.fill("#email", "frida@fabrikam.example")
        page.select_option("#account", label="Fabrikam <Holdings>")
        page.select_option("#role", "executive")
        page.select_option("#quartet", "business_buyer")
        shot(page, "new-participant")
        page.get_by_role("button", name="Save participant").click()
        link = page.locator("input.link-box").input_value()
        assert link.startswith("https://surveys.example.test/s/")
        shot(page, "participant-link")

        phone = browser.new_context(viewport={"width": 390, "height": 844})
        survey = phone.new_page()
        survey.goto(base + "/s/" + link.rsplit("/", 1)[1])
        shot(survey, "survey-welcome")
        survey.get_by_role("link", name="Start the survey").click()
        shot(survey, "survey-first-page")
        answer_page(survey)
        go_on(survey)
        shot(survey, "survey-review")
        survey.get_by_role("button", name="Submit my answers").click()
        survey.locator("h1", has_text="Thank you").wait_for()
        shot(survey, "survey-thanks")
        phone.close()

        page.get_by_role("link", name="Overview").click()
        assert "1 of 1" in page.locator("table").inner_text()
        shot(page, "study-overview")
        with page.expect_download() as download:
            page.get_by_role("link", name="Download CSV").click()
        data = Path(download.value.path()).read_text(encoding="utf-8-sig")
        desk.close()
    rows = list(csv.DictReader(io.StringIO(data)))
    assert {r["account"] for r in rows} == {"Fabrikam <Holdings>"}
    assert {r["item"] for r in rows} >= {"superior_experience", "recommend", "relationship_stage"}
    assert len(rows) == 10  # every pulse question, the optional text included
