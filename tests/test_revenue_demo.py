"""The demo end to end: wave 2's alerts, and revenue at stake on the portfolio page and report,
with the vendor edition leaving the accounts it hides out of every revenue figure."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.helpers import csrf_from
from vocgap.demo import DEMO_EMAIL, DEMO_PASSWORD
from vocgap.extensions import db
from vocgap.models import Alert, Study
from vocgap.reporting.render import pdf_html, portfolio_context
from vocgap.reporting.study_reports import study_report_data

from .test_analysis_web import demo
from .test_reports import pdf_text

HIDDEN = ("Iverson &amp; Pike Legal", "Juniper Municipal Council")  # too few answers in wave 2


@pytest.fixture
def study(app):
    return demo(app)


def signed_in(app):
    client = app.test_client()
    page = client.get("/consultant/login").get_data(as_text=True)
    client.post("/consultant/login", data={"csrf_token": csrf_from(page), "email": DEMO_EMAIL,
                                           "password": DEMO_PASSWORD})
    return client


def revenue_part(html: str) -> str:
    start = html.index('id="revenue"')
    return html[start:html.index("<h2", start + 10)] if "<h2" in html[start + 10:] else html[
        start:]


def test_the_demo_has_wave_two_alerts_for_detractors_and_false_champions(study):
    """Do alerts exist in wave 2 for detractors and for the false champion at Castellan?"""
    wave = study.current_wave
    rules = {rule: n for rule, n in db.session.execute(
        sa.select(Alert.rule, sa.func.count(Alert.id)).where(Alert.wave_id == wave.id)
        .group_by(Alert.rule))}
    assert rules.get("detractor", 0) > 0 and rules.get("false_champion", 0) > 0
    champions = db.session.scalars(sa.select(Alert).where(Alert.rule == "false_champion"))
    assert "Castellan Insurance" in {a.account.name for a in champions}


def test_portfolio_page_shows_revenue_at_stake_in_both_editions(app, study):
    """The consultant sees every account's renewal; the vendor edition names neither hidden
    account in its revenue section, and says how many it leaves out."""
    client = signed_in(app)
    url = f"/consultant/studies/{study.id}/analysis/"
    consultant = revenue_part(client.get(url).get_data(as_text=True))
    assert "of annual revenue sits in" in consultant
    assert "Juniper Municipal Council" in consultant  # renews in 120 days
    vendor = revenue_part(client.get(url + "?edition=vendor").get_data(as_text=True))
    assert "of annual revenue sits in" in vendor
    for name in HIDDEN:
        assert name not in vendor
    assert "2\u00a0accounts with too few answers left out" in vendor


def test_the_vendor_totals_are_the_shown_accounts_only(app, study):
    """€7.7M: the sum of the ten accounts the vendor edition shows (all but €245k)."""
    db.session.expire_all()
    demo_study = db.session.get(Study, study.id)
    shown = sum(float(a.annual_value) for a in demo_study.accounts
                if a.name not in ("Iverson & Pike Legal", "Juniper Municipal Council"))
    assert shown == 7_680_000
    data, meta = study_report_data(demo_study, edition="vendor", workers=1)
    context = portfolio_context(meta, data)
    assert context["revenue"]["total"] == shown
    for table in ("by_class", "by_quadrant"):
        for row in context["revenue"][table]:
            assert sum(c["revenue"] for c in row["cells"].values()) == shown


def test_the_portfolio_report_has_the_revenue_section(app, study):
    """The vendor edition PDF says where the revenue sits and lists renewals, and mentions no
    revenue of a hidden account."""
    from vocgap.reporting.render import html_to_pdf

    data, meta = study_report_data(db.session.get(Study, study.id), edition="vendor",
                                   workers=1)
    html = pdf_html("report/portfolio.html", portfolio_context(meta, data))
    section = html[html.index("<h2>Revenue at stake</h2>"):]
    section = section[:section.index("</section>")]
    assert "€" in section and "Renewals in the next 180 days" in section
    for name in HIDDEN:
        assert name not in section
    text = " ".join(pdf_text(html_to_pdf(html)).split())
    assert re.search(r"€[\d.]+M of annual revenue sits in \d+ accounts where", text)
