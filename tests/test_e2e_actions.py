"""From an alert to an action to the next wave's verdict, in headless Chromium on the demo:
every page accessible (axe-core) and none scrolling sideways on a phone."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from vocgap.collection.values import coerce_value
from vocgap.extensions import db
from vocgap.models import Account, Action, Answer, PowerMapRating, Response, Study

from .browser import chromium, live_server
from .test_analysis_web import demo
from .test_e2e_alerts import sign_in
from .test_e2e_fieldwork import DESKTOP, PHONE, check
from .test_e2e_study_flow import Camera

pytestmark = pytest.mark.e2e


def answer_again(study: Study, account_name: str, changes: dict[int, dict[str, str]]) -> None:
    """The account's wave-2 respondents submit the same answers in the current wave, except
    ``changes`` (participant id → item → new answer): fieldwork without the clicking."""
    waves = study.waves
    previous, current = waves[-2], waves[-1]
    instrument = current.instrument
    account = db.session.scalar(sa.select(Account).where(Account.study_id == study.id,
                                                         Account.name == account_name))
    for old in db.session.scalars(sa.select(Response).where(
            Response.wave_id == previous.id, Response.account_id == account.id,
            Response.status == "submitted")):
        new = Response(wave=current, participant_id=old.participant_id, account=account,
                       status="submitted", submitted_at=current.opens_at)
        for answer in old.answers:
            raw = changes.get(old.participant_id, {}).get(answer.item_id)
            if raw is None:
                new.answers.append(Answer(item_id=answer.item_id, value_num=answer.value_num,
                                          value_text=answer.value_text,
                                          dont_know=answer.dont_know))
            else:
                stored = coerce_value(instrument.item(answer.item_id), raw)
                new.answers.append(Answer(item_id=answer.item_id, value_num=stored.value_num))
        for rating in old.power_map:
            new.power_map.append(PowerMapRating(contact_id=rating.contact_id,
                                                support=rating.support,
                                                influence=rating.influence))
        db.session.add(new)
    db.session.commit()


def verdict_of(page, title: str) -> str:
    return page.locator("tbody tr", has_text=title).locator("td").nth(5).inner_text()


def test_from_an_alert_to_an_action_to_the_next_waves_verdict(app):
    """A consultant turns a false-champion alert into an action (the form filled from the
    alert), sees it wait for the next wave, adds an action in one click from the analysis page,
    opens wave 3; once the contact answers as a supporter, the action says it worked."""
    study = demo(app)
    sid = study.id
    shot = Camera()
    with live_server(app) as base, chromium() as browser:
        desk = browser.new_context(viewport=DESKTOP).new_page()
        sign_in(desk, base)
        desk.goto(f"{base}/consultant/studies/{sid}/alerts/?rule=false_champion")
        row = desk.locator("tbody tr", has_text="Castellan Insurance").first
        row.get_by_role("link", name=re.compile("^Create action")).click()
        check(desk, shot, "action-from-alert")
        assert desk.locator("#title").input_value().startswith(
            "Strengthen the relationship with ")
        contact = desk.locator("#finding option:checked").inner_text()
        assert contact.startswith("Power-map contact: ")
        desk.fill("#title", "Executive review of open issues with Castellan's sponsor")
        desk.fill("#owner", "Helen Moore")
        desk.fill("#due_on", "2027-01-15")
        desk.get_by_role("button", name="Save action").click()
        assert "Saved the action for Castellan Insurance" in desk.locator(".flash").inner_text()
        title = "Executive review of open issues"
        assert verdict_of(desk, title).startswith("Cannot tell yet")
        assert "measured again in the next wave" in verdict_of(desk, title)
        check(desk, shot, "account-actions")
        action = db.session.scalar(sa.select(Action).where(Action.title.startswith(title)))
        executive = action.contact_id
        assert (action.finding, action.wave.number) == ("contact", 2)

        desk.goto(f"{base}/consultant/studies/{sid}/analysis/")
        desk.get_by_role("link", name="Altamira Foods").first.click()
        check(desk, shot, "account-analysis-with-buttons")
        desk.get_by_role("button", name="Add action: Trust").click()
        assert "Draft action created" in desk.locator(".flash").inner_text()
        assert desk.locator("#title").input_value() == "Close the gap on trust with Altamira Foods"
        desk.get_by_role("button", name="Save action").click()

        desk.get_by_role("link", name="Actions", exact=True).click()
        check(desk, shot, "portfolio-actions")
        assert desk.locator("tbody tr").count() == 5
        desk.get_by_role("link", name="Overview").click()
        desk.goto(f"{base}/consultant/studies/{sid}/waves/new")
        desk.get_by_role("button", name="Open wave 3").click()
        assert "Wave 3 is open" in desk.locator(".flash").inner_text()

        db.session.expire_all()
        answer_again(db.session.get(Study, sid), "Castellan Insurance",
                     {executive: {"stance_support": "strongly_for"}})
        desk.goto(f"{base}/consultant/studies/{sid}/accounts/{action.account_id}/actions/")
        verdict = verdict_of(desk, title)
        assert verdict.startswith("Improved (so far: wave 3 is still open)"), verdict
        assert "The contact says: blocker → champion" in verdict
        check(desk, shot, "verdict-in-wave-3")

        phone = browser.new_context(viewport=PHONE).new_page()
        sign_in(phone, base)
        for name, path in [("actions", "actions/"),
                           ("account-actions", f"accounts/{action.account_id}/actions/"),
                           ("edit-action", f"actions/{action.id}/edit"),
                           ("delete-action", f"actions/{action.id}/delete")]:
            phone.goto(f"{base}/consultant/studies/{sid}/{path}")
            check(phone, shot, f"phone-{name}")
