"""The analysis pages: the same numbers as `vocgap analyse`, behind login and membership."""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask_migrate import upgrade

from vocgap.cli import main
from vocgap.demo import DEMO_EMAIL, DEMO_PASSWORD
from vocgap.extensions import db
from vocgap.models import Account, Study

from .factories import gen_study, gen_user
from .test_migrations_and_demo import _empty_database


def demo(app):
    _empty_database()
    upgrade()
    result = app.test_cli_runner().invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    return db.session.scalar(sa.select(Study).where(Study.short_name == "demo"))


def test_demo_shows_the_delivery_gap(app):
    """Does the demo reproduce the phenomenon: vendor optimism, one hidden strength, a misread
    champion, stages overestimated?"""
    demo(app)
    result = app.test_cli_runner().invoke(main, ["analyse", "--study", "demo", "--compact"])
    data = json.loads(result.output)
    dims = {d["unit"]: d for d in data["portfolio"]["dimensions"]}
    assert sum(d["mean_gap"] > 0 for d in dims.values()) >= 7
    assert dims["resolution"]["mean_gap"] < 0
    bain = data["portfolio"]["bain_literal"]
    assert bain["share_accounts_vendor_majority"] > 0.8 > 0.2 > bain[
        "share_accounts_customer_majority"]
    assert data["portfolio"]["stage_agreement"]["ahead"] > data["portfolio"][
        "stage_agreement"]["behind"]
    castellan = next(a for a in data["accounts"] if a["account"] == "Castellan Insurance")
    assert any(p["misread_champion"] for p in castellan["power_map"])
    thin = next(a for a in data["accounts"] if a["account"] == "Iverson & Pike Legal")
    assert thin["status"] == "thin"


def test_analysis_pages_show_the_cli_numbers(app, auth):
    study = demo(app)
    client = auth(DEMO_EMAIL, DEMO_PASSWORD)
    page = client.get(f"/consultant/studies/{study.id}/analysis/").get_data(as_text=True)
    data = json.loads(app.test_cli_runner().invoke(main, ["analyse", "--study", "demo",
                                                          "--compact"]).output)
    share = round(100 * data["portfolio"]["bain_literal"]["share_accounts_vendor_majority"])
    assert f"{share}%" in page
    assert "confidential" in page
    account = db.session.scalar(sa.select(Account).where(Account.name == "Altamira Foods"))
    detail = client.get(f"/consultant/studies/{study.id}/analysis/accounts/{account.id}")
    html = detail.get_data(as_text=True)
    first = next(a for a in data["accounts"] if a["account"] == "Altamira Foods")
    gap = first["dimensions"][0]["gap"]
    assert f"{gap:+.2f}".replace("-", "−") in html
    vendor = client.get(f"/consultant/studies/{study.id}/analysis/accounts/{account.id}"
                        "?edition=vendor").get_data(as_text=True)
    assert "Vendor edition" in vendor and "#" not in vendor.split("Power map")[1][:400]


def test_analysis_needs_membership(app, auth, instrument):
    study = demo(app)
    other = gen_study(instrument, "other")
    gen_user("outsider@test.example", study=other)
    client = app.test_client()
    assert client.get(f"/consultant/studies/{study.id}/analysis/").status_code == 302
    auth("outsider@test.example", client=client)
    assert client.get(f"/consultant/studies/{study.id}/analysis/").status_code == 404
    account = study.accounts[0]
    assert client.get(f"/consultant/studies/{other.id}/analysis/accounts/{account.id}"
                      ).status_code == 404
