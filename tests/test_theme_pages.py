"""The themes workspace and the report sections, on the demo: access, CSRF, review, reports."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from vocgap.demo import DEMO_EMAIL, DEMO_PASSWORD
from vocgap.extensions import db
from vocgap.models import Account, CodingFrame, Theme, VerbatimCode
from vocgap.themes.store import applied_themes, study_themes, study_verbatims

from .factories import gen_user
from .helpers import csrf_from
from .test_analysis_web import demo


@pytest.fixture
def demo_study(app):
    return demo(app)


@pytest.fixture
def consultant(auth, demo_study):
    return auth(DEMO_EMAIL, DEMO_PASSWORD)


def url(study, path=""):
    return f"/consultant/studies/{study.id}/themes/{path}"


def test_the_demo_has_a_frame_with_confirmed_codes(demo_study):
    """Does the demo come with proposed (and edited) themes and some codes confirmed?"""
    themes = study_themes(demo_study)
    assert len(themes) >= 6
    assert {"Delivery dates", "Invoices and billing"} <= {t.name for t in themes}
    codes = db.session.scalars(sa.select(VerbatimCode)).all()
    assert any(c.confirmed for c in codes) and any(not c.confirmed for c in codes)


def test_only_members_see_the_themes(app, demo_study, client):
    """Anonymous → login; a consultant of other studies → 404 for the page and the download."""
    assert client.get(url(demo_study)).status_code == 302
    gen_user("other@test.example")
    from .conftest import Auth

    other = Auth(app)("other@test.example")
    assert other.get(url(demo_study)).status_code == 404
    assert other.get(url(demo_study, "codes.csv")).status_code == 404
    theme = study_themes(demo_study)[0]
    assert other.post(url(demo_study, f"{theme.id}/delete")).status_code in (400, 404)
    assert db.session.get(Theme, theme.id) is not None


def test_frame_page_lists_themes_and_refuses_a_post_without_csrf(consultant, demo_study):
    page = consultant.get(url(demo_study))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Delivery dates" in html and "Review codes" in html
    theme = study_themes(demo_study)[0]
    assert consultant.post(url(demo_study, f"{theme.id}/delete")).status_code == 400
    assert db.session.get(Theme, theme.id) is not None
    confirm = consultant.get(url(demo_study, f"{theme.id}/delete")).get_data(as_text=True)
    assert f"Delete the theme “{theme.name}”?" in confirm and "merge it" in confirm
    theme_id = theme.id
    result = consultant.post(url(demo_study, f"{theme_id}/delete"),
                             data={"csrf_token": csrf_from(confirm)})
    assert result.status_code == 303
    db.session.expire_all()
    assert db.session.get(Theme, theme_id) is None


def test_review_saves_one_verbatim_or_the_whole_page(consultant, demo_study):
    """'Save' keeps only that verbatim's ticks; 'Accept this page' every one on the page."""
    page = consultant.get(url(demo_study, "review"))
    html = page.get_data(as_text=True)
    shown = [int(v) for v in re.findall(r'name="shown" value="(\d+)"', html)]
    assert len(shown) == 25
    themes = study_themes(demo_study)
    first, second = shown[0], shown[1]
    form = {"csrf_token": csrf_from(html), "shown": shown, "save": str(first),
            f"codes-{first}": [str(themes[0].id), str(themes[1].id)],
            f"codes-{second}": [str(themes[2].id)]}
    result = consultant.post(url(demo_study, "review?show=unreviewed&page=1"), data=form)
    assert result.status_code == 303
    db.session.expire_all()
    applied = applied_themes(demo_study)
    assert sorted(applied[first]) == sorted([themes[0].id, themes[1].id])
    assert not any(c.confirmed for c in db.session.scalars(
        sa.select(VerbatimCode).where(VerbatimCode.answer_id == second)))
    html = consultant.get(url(demo_study, "review")).get_data(as_text=True)
    shown = [int(v) for v in re.findall(r'name="shown" value="(\d+)"', html)]
    assert first not in shown  # reviewed now
    ticked = {v: re.findall(rf'name="codes-{v}" id="[^"]+" value="(\d+)" checked', html)
              for v in shown}
    form = {"csrf_token": csrf_from(html), "shown": shown, "accept": "page"}
    form.update({f"codes-{v}": ids for v, ids in ticked.items()})
    assert consultant.post(url(demo_study, "review"), data=form).status_code == 303
    db.session.expire_all()
    codes = db.session.scalars(sa.select(VerbatimCode).where(
        VerbatimCode.answer_id.in_(shown))).all()
    assert codes and all(c.confirmed for c in codes)


def test_rename_merge_and_add_through_the_pages(consultant, demo_study):
    themes = study_themes(demo_study)
    second = themes[1].id
    edit = consultant.get(url(demo_study, f"{themes[0].id}/edit")).get_data(as_text=True)
    result = consultant.post(url(demo_study, f"{themes[0].id}/edit"), data={
        "csrf_token": csrf_from(edit), "name": "Honest delivery dates",
        "definition": "Dates kept.", "examples": "Tell us earlier.", "keywords": "delivery"})
    assert result.status_code == 303
    db.session.expire_all()
    assert db.session.get(Theme, themes[0].id).name == "Honest delivery dates"
    result = consultant.post(url(demo_study, f"{themes[1].id}/merge"), data={
        "csrf_token": csrf_from(edit), "target": str(themes[0].id)})
    assert result.status_code == 303
    db.session.expire_all()
    assert db.session.get(Theme, second) is None
    page = consultant.get(url(demo_study)).get_data(as_text=True)
    result = consultant.post(url(demo_study, "add"), data={
        "csrf_token": csrf_from(page), "new-name": "<script>alert(1)</script>",
        "new-keywords": "price"})
    assert result.status_code == 303
    page = consultant.get(url(demo_study)).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_codes_download_and_a_bad_upload(consultant, demo_study):
    csv = consultant.get(url(demo_study, "codes.csv"))
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert csv.get_data(as_text=True).lstrip("\ufeff").startswith("verbatim_id,wave,account")
    page = consultant.get(url(demo_study)).get_data(as_text=True)
    import io

    bad = io.BytesIO(b"verbatim_id,themes,reviewed\r\n12345678,Nope,yes\r\n")
    result = consultant.post(url(demo_study, "codes"), data={
        "csrf_token": csrf_from(page), "upload": (bad, "coded.csv")},
        content_type="multipart/form-data")
    html = result.get_data(as_text=True)
    assert result.status_code == 422 and "Nothing was imported" in html
    assert "verbatim_id" in html and "is not a verbatim of this study" in html


def _report(consultant, study, account, edition):
    return consultant.get(f"/consultant/studies/{study.id}/reports/accounts/{account.id}.html"
                          f"?edition={edition}").get_data(as_text=True)


def test_account_and_portfolio_reports_set_themes_against_predictions(consultant, demo_study):
    """Do both reports show what customers say against what the team predicted, with quotes,
    and does the vendor edition drop attribution (and quotes, when the study says so)?"""
    account = db.session.scalar(sa.select(Account).where(Account.name == "Greywell Pharma"))
    html = _report(consultant, demo_study, account, "consultant")
    assert "What Greywell Pharma says, and what the team predicted" in html
    assert "Themes Greywell Pharma raises that the team did not predict" in html
    assert "Themes the team expects that Greywell Pharma never mentions" in html
    assert re.search(r'<ul class="quotes"><li dir="[a-z]+">“', html)
    texts = {r.text for r in study_verbatims(demo_study)}
    vendor = _report(consultant, demo_study, account, "vendor")
    assert "What Greywell Pharma says" in vendor and "— " not in vendor.split(
        "What Greywell Pharma says")[1].split("</section>")[0]
    db.session.get(CodingFrame, demo_study.id).vendor_quotes = False
    db.session.commit()
    vendor = _report(consultant, demo_study, account, "vendor")
    section = vendor.split("What Greywell Pharma says")[1].split("</section>")[0]
    assert 'class="quotes"' not in section and "themed counts only" in section
    assert not any(f"“{t}”" in section for t in texts)
    own_words = vendor.split("In their own words")[1].split("</section>")[0]
    assert "themed counts only" in own_words and not any(t in own_words for t in texts)
    from vocgap.cli import main

    result = consultant.application.test_cli_runner().invoke(
        main, ["analyse", "--study", "demo", "--edition", "vendor", "--compact"])
    assert result.exit_code == 0, result.output
    assert re.search(r'"verbatims":\s*\[\]', result.output)
    assert not re.search(r'"verbatims":\s*\[\s*\{', result.output)
    assert not any(t in result.output for t in texts)
    portfolio = consultant.get(f"/consultant/studies/{demo_study.id}/reports/portfolio.html"
                               ).get_data(as_text=True)
    assert "What customers say, and what the team predicted" in portfolio
    assert "Themes customers raise that the team did not predict" in portfolio


def test_cli_suggest_export_and_import(app, demo_study, tmp_path):
    from vocgap.cli import main

    runner = app.test_cli_runner()
    out = tmp_path / "codes.csv"
    result = runner.invoke(main, ["verbatims", "code", "--study", "demo", "--suggest",
                                  "--export", str(out)])
    assert result.exit_code == 0, result.output
    assert "kept" in result.output and out.exists()
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    header, first = lines[0], lines[1]
    out.write_text(header + "\n" + first.rsplit(",", 1)[0] + ",yes\n", encoding="utf-8")
    result = runner.invoke(main, ["verbatims", "code", "--study", "demo", "--import", str(out)])
    assert result.exit_code == 0, result.output
    assert "Imported the codes of 1 reviewed verbatims" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("verbatim_id,themes,reviewed\n1,Nope,maybe\n", encoding="utf-8")
    result = runner.invoke(main, ["verbatims", "code", "--study", "demo", "--import", str(bad)])
    assert result.exit_code == 1 and "line 2, column 'verbatim_id'" in result.output
    assert runner.invoke(main, ["verbatims", "code", "--study", "demo"]).exit_code == 2


def test_quotes_are_escaped_in_reports_and_the_review_list(consultant, demo_study):
    """A verbatim with markup is printed as text, never run or fetched."""
    from vocgap.models import Answer

    rows = study_verbatims(demo_study, demo_study.current_wave)
    hostile = '<img src="http://example.test/x.png">'
    target = next(r for r in rows if r.side == "customer" and r.item == "one_thing"
                  and r.account == "Greywell Pharma")
    db.session.get(Answer, target.id).value_text = hostile
    invoices = next(t for t in study_themes(demo_study) if t.name == "Invoices and billing")
    from vocgap.themes.coding import decide

    decide(demo_study, target.id, {invoices.id}, None)
    db.session.commit()
    account = db.session.scalar(sa.select(Account).where(Account.name == "Greywell Pharma"))
    html = _report(consultant, demo_study, account, "consultant")
    section = html.split("and what the team predicted")[1]
    assert "&lt;img src=" in section and "<img src=\"http://example.test" not in html
    review = consultant.get(url(demo_study, "review?show=all&page=1")).get_data(as_text=True)
    for number in range(2, 12):
        if "&lt;img src=" in review:
            break
        review = consultant.get(url(demo_study, f"review?show=all&page={number}")).get_data(
            as_text=True)
    assert "&lt;img src=" in review and "<img src=\"http://example.test" not in review


def test_vendor_theme_data_hides_exactly_the_accounts_the_analysis_hides(demo_study):
    """Does the theme section's rule for hidden accounts agree with the analysis' own?"""
    from vocgap.findings import analyse_wave
    from vocgap.themes.results import hidden_accounts, report_themes

    wave = demo_study.current_wave
    analysed = analyse_wave(demo_study, wave, edition="vendor", workers=1).to_json()
    confidential = {a["account"] for a in analysed["accounts"] if a["confidential"]}
    assert confidential and hidden_accounts(demo_study, wave) == confidential
    shown = set(report_themes(demo_study, wave, "vendor")["accounts"])
    assert shown and not shown & confidential


def test_review_cannot_code_another_studys_answers(app, consultant, demo_study, instrument):
    """Posting an answer id of another study to the review form writes nothing for it."""
    from .factories import gen_account, gen_customer, gen_study
    from .theme_data import submit_texts

    other = gen_study(instrument, "elsewhere")
    account = gen_account(other, "Initech")
    person, _ = gen_customer(other, account, "Olga Other")
    foreign = submit_texts(other.current_wave, person, account, {"one_thing": "Secret."})
    answer_id = next(a.id for a in foreign.answers if a.item_id == "one_thing")
    html = consultant.get(url(demo_study, "review")).get_data(as_text=True)
    theme = study_themes(demo_study)[0]
    form = {"csrf_token": csrf_from(html), "shown": [answer_id],
            f"codes-{answer_id}": [str(theme.id)]}
    consultant.post(url(demo_study, "review"), data=form)
    assert consultant.post(url(demo_study, "review"),
                           data={**form, "save": str(answer_id)}).status_code == 400
    assert not db.session.scalars(sa.select(VerbatimCode).where(
        VerbatimCode.answer_id == answer_id)).all()
