"""Alerts and revenue in headless Chromium on the demo: inbox, filters, mark handled, rules,
accounts import and the portfolio's revenue, each page accessible (axe-core) on a desktop and a
phone, and none scrolling sideways on the phone."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from vocgap.demo import DEMO_EMAIL, DEMO_PASSWORD
from vocgap.extensions import db
from vocgap.models import Alert

from .browser import chromium, live_server
from .test_analysis_web import demo
from .test_e2e_fieldwork import DESKTOP, PHONE, check
from .test_e2e_study_flow import Camera

pytestmark = pytest.mark.e2e


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/consultant/login")
    page.fill("#email", DEMO_EMAIL)
    page.fill("#password", DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_consultant_works_the_alerts_inbox_and_sees_revenue_at_stake(app, tmp_path):
    """From the badge to a handled false champion, the rules saved after an error, accounts
    imported from a file, and the revenue sentence on the portfolio page."""
    study = demo(app)
    sid = study.id
    false_champions = db.session.scalar(sa.select(sa.func.count(Alert.id)).where(
        Alert.rule == "false_champion"))
    shot = Camera()
    with live_server(app) as base, chromium() as browser:
        desk = browser.new_context(viewport=DESKTOP).new_page()
        sign_in(desk, base)
        desk.goto(f"{base}/consultant/studies/{sid}/")
        badge = desk.locator(".subnav .badge").inner_text()
        desk.get_by_role("link", name="Alerts").first.click()
        check(desk, shot, "alerts-inbox")
        assert f"{badge.split()[0]} alerts shown" in desk.locator("[role=status]").inner_text()
        desk.select_option("#rule", "false_champion")
        desk.get_by_role("button", name="Show").click()
        rows = desk.locator("tbody tr")
        assert rows.count() == false_champions
        assert "Castellan Insurance" in desk.locator("tbody").inner_text()
        check(desk, shot, "alerts-false-champions")
        rows.first.get_by_role("button", name="Mark handled").click()
        assert "marked as handled" in desk.locator(".flash").inner_text()
        assert "rule=false_champion" in desk.url  # back to the same filtered list
        assert desk.locator("tbody tr").count() == false_champions - 1

        desk.get_by_role("link", name="Alert rules").click()
        desk.fill("#detractor_max", "12")
        desk.get_by_role("button", name="Save").click()
        check(desk, shot, "alert-rules-error")
        assert "Give a score from 0 to 9." in desk.content()
        desk.fill("#detractor_max", "5")
        desk.get_by_role("button", name="Save").click()
        assert "Saved" in desk.locator(".flash").inner_text()

        accounts = tmp_path / "accounts.csv"
        accounts.write_text("account,annual_revenue,renewal_date\n"
                            "Dunmore Steel,\"2,000,000\",2027-01-10\n", encoding="utf-8")
        desk.get_by_role("link", name="Import accounts").click()
        check(desk, shot, "import-accounts")
        desk.set_input_files("#file", str(accounts))
        desk.get_by_role("button", name="Check and import").click()
        assert "1 accounts updated" in desk.locator(".flash").first.inner_text()

        desk.goto(f"{base}/consultant/studies/{sid}/analysis/")
        revenue = desk.locator("#revenue ~ p strong").first.inner_text()
        assert "of annual revenue sits in" in revenue
        assert "Dunmore Steel" in desk.locator("table", has_text="Renews").inner_text()
        check(desk, shot, "analysis-revenue")

        phone = browser.new_context(viewport=PHONE).new_page()
        sign_in(phone, base)
        for name, path in [("alerts", "alerts/"), ("alert-rules", "alerts/settings"),
                           ("import-accounts", "import/accounts"),
                           ("analysis-vendor", "analysis/?edition=vendor")]:
            phone.goto(f"{base}/consultant/studies/{sid}/{path}")
            check(phone, shot, f"phone-{name}")
