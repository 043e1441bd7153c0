"""Reports an executive can read unedited: charts agree with tables, text stays text, page 2
says how far apart and how sure, the PDFs are tagged, and no page is left nearly empty."""

from __future__ import annotations

import io
import itertools
import re
import subprocess

import pytest
from matplotlib.text import Annotation, Text
from pypdf import PdfReader

from vocgap import create_app
from vocgap.extensions import db
from vocgap.reporting import charts, findings
from vocgap.reporting.portfolio_summary import trend_rows
from vocgap.reporting.render import (
    account_context,
    account_pdf,
    portfolio_context,
    portfolio_pdf,
    render_html,
)
from vocgap.reporting.study_reports import study_report_data

from .conftest import reset_schema
from .test_analysis_web import demo
from .test_reports import pdf_text

JARGON = ["Newcombe", "Boschloo", "Cliff", "Benjamini", "BH)", "Holm", "McNemar",
          "rank-biserial", "Rank-biserial", "κ", "Welch", "status:", "(s)"]


@pytest.fixture(scope="module")
def demo_results(tmp_path_factory):
    """The demo's analysis in both editions, computed once for the module."""
    from .conftest import database_url

    folder = tmp_path_factory.mktemp("demo")
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 32,
                      "SQLALCHEMY_DATABASE_URI": database_url(folder),
                      "REPORTS_DIR": str(folder / "reports"), "RATELIMIT_ENABLED": False})
    with app.app_context():
        reset_schema()
        study = demo(app)
        consultant = study_report_data(study, workers=1)
        vendor = study_report_data(study, edition="vendor", workers=1)
        db.session.remove()
        db.engine.dispose()
    return {"consultant": consultant, "vendor": vendor}


def _account(results, name, edition="consultant"):
    data, meta = results[edition]
    return next(a for a in data["accounts"] if a["account"] == name), meta


def _pages(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_chart_and_table_agree_for_every_dimension(demo_results):
    """Does every account's quadrant chart draw each dimension in the category its table row
    shows, with the lines where the analysis put them (Castellan's Trust included)?"""
    data, meta = demo_results["consultant"]
    checked = 0
    for account in data["accounts"]:
        html = render_html("report/account.html", account_context(meta, account, fmt="svg"))
        table = {unit: category for category, unit in re.findall(
            r'class="tag tag-([a-z-]+)" data-unit="([a-z_]+)"', html)}
        chart = dict(re.findall(r'<g id="point:([a-z_]+):([a-z-]+)"', html))
        assert chart == table, account["account"]
        for dim in findings.compared(account):
            assert table[dim["unit"]] == dim["quadrant"].replace("_", "-")
        checked += len(table)
    assert checked >= 70
    castellan, _ = _account(demo_results, "Castellan Insurance")
    trust = next(d for d in castellan["dimensions"] if d["unit"] == "trust")
    assert trust["quadrant"] == "shared_weakness" and trust["mean_vendor"] > 3.5


@pytest.mark.parametrize("name", ["Castellan Insurance", "Dunmore Steel", "Greywell Pharma"])
def test_quadrant_chart_draws_the_analysis_lines_and_places(demo_results, name):
    """Are the lines at c* (not half a point lower), and is each mark on the side of them that
    its category requires?"""
    account, _ = _account(demo_results, name)
    lines = findings.thresholds(account)
    chart = charts.quadrant(account["dimensions"], lines.agree, lines.low, lines.high)
    ax = chart.figure.axes[0]
    drawn = {line.get_gid(): line for line in ax.lines if line.get_gid()}
    assert list(drawn["agree-line-x"].get_xdata()) == [lines.agree, lines.agree]
    assert list(drawn["agree-line-y"].get_ydata()) == [lines.agree, lines.agree]
    for collection in ax.collections:
        if not (collection.get_gid() or "").startswith("point:"):
            continue
        _, unit, category = collection.get_gid().split(":")
        (x, y), = collection.get_offsets()
        dim = next(d for d in account["dimensions"] if d["unit"] == unit)
        assert (x, y) == pytest.approx((dim["mean_customer"], dim["mean_vendor"]))
        customer_agrees, team_agrees = x >= lines.agree, y >= lines.agree
        assert {"blind-spot": team_agrees and not customer_agrees,
                "hidden-strength": customer_agrees and not team_agrees,
                "shared-strength": customer_agrees,
                "shared-weakness": not customer_agrees}[category], (unit, category)
    chart.close()


def test_labels_never_overlap(demo_results):
    """On every account's quadrant and priorities chart, do any two labels overlap?"""
    data, _ = demo_results["consultant"]
    for account in data["accounts"]:
        lines = findings.thresholds(account)
        drawn = [charts.quadrant(account["dimensions"], lines.agree, lines.low, lines.high),
                 charts.priority_matrix(findings.priority_rows(account))]
        for chart in drawn:
            renderer = chart.figure.canvas.get_renderer()
            notes = [t for t in chart.figure.axes[0].texts if isinstance(t, Annotation)]
            for note in notes:
                note.update_positions(renderer)
            # The label's own box, without its leader line.
            boxes = [Text.get_window_extent(note, renderer) for note in notes]
            for a, b in itertools.combinations(boxes, 2):
                assert not a.overlaps(b), (account["account"], a, b)
            chart.close()


def test_dollar_signs_stay_text_in_the_portfolio_pdf_and_html(demo_results):
    """Is '$…$' in an account name printed as typed, not parsed as maths (or a 500)?"""
    data, meta = demo_results["consultant"]
    names = {"Brightwater Utilities": r"Brightwater $\x$ Utilities",
             "Castellan Insurance": "Price $5 and $6"}
    renamed = dict(data, accounts=[dict(a, account=names.get(a["account"], a["account"]))
                                   for a in data["accounts"]])
    renamed["portfolio"] = dict(data["portfolio"], ranking=[
        dict(r, account=names.get(r["account"], r["account"]))
        for r in data["portfolio"]["ranking"]])
    html = render_html("report/portfolio.html", portfolio_context(meta, renamed, fmt="svg"))
    assert "Price $5 and $6" in html and r"Brightwater $\x$ Utilities" in html
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert ">Price $5 and $6<" in svg and r">Brightwater $\x$ Utilities<" in svg
    text = pdf_text(portfolio_pdf(meta, renamed))
    assert "Price $5 and $6" in text and r"Brightwater $\x$ Utilities" in text


def test_pdf_is_tagged_with_language_title_and_alt_text(demo_results, tmp_path):
    """Does pdfinfo say Tagged: yes, and does every chart carry alt text stating its finding?"""
    account, meta = _account(demo_results, "Castellan Insurance")
    path = tmp_path / "castellan.pdf"
    path.write_bytes(account_pdf(meta, account))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(r"^Title:\s+Castellan Insurance: how Northwind", info, re.M)
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en" and root["/MarkInfo"]["/Marked"]
    kinds, alts = [], []

    def walk(node):
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif hasattr(node, "get"):
            kinds.append(node.get("/S"))
            if node.get("/S") == "/Figure":
                alts.append(str(node.get("/Alt") or ""))
            if node.get("/K") is not None:
                walk(node["/K"])

    walk(root["/StructTreeRoot"])
    assert {"/H1", "/H2", "/Table", "/TH", "/Figure"} <= set(kinds)
    assert len(alts) == 3 and all(alts)
    assert "Blind spots: alignment with needs" in alts[1] and "Shared weaknesses:" in alts[1]
    assert "widest gap is partnership" in alts[0]
    assert "Concentrate here" in alts[2]


def test_page_two_says_how_far_apart_and_how_sure(demo_results):
    """Page 2: counts beside the headline, supported vs indicative counted and explained, no
    statistical names or internal status words anywhere before the appendix."""
    account, meta = _account(demo_results, "Castellan Insurance")
    pages = _pages(account_pdf(meta, account))
    two = pages[1]
    assert "3 of 4 of its staff vs 0 of 5 people at Castellan Insurance" in two
    assert re.search(r"7 dimensions show a gap of more than half a standard deviation: "
                     r"3 supported and 4 indicative", two)
    assert "unlikely to be chance" in two and "too few answers to rule out chance" in two
    assert "3 of 4 of your staff (75%)" in two  # the first action carries its counts too
    body = " ".join(p for p in pages if "Appendix: methods" not in p)
    for word in JARGON:
        assert word not in body, word
    assert "Appendix: methods" in pages[-1] or any("Appendix: methods" in p for p in pages)


def _thin_pages(pdf: bytes) -> list[int]:
    """Pages after the cover with neither a chart nor a third of a page of text."""
    thin = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages[1:], start=2):
        objects = page["/Resources"].get("/XObject", {})
        chart = any(o.get_object().get("/Subtype") == "/Image" for o in objects.values())
        if not chart and len(" ".join(page.extract_text().split())) < 1200:
            thin.append(number)
    return thin


def test_no_near_empty_pages(demo_results):
    """Does every page after the cover carry a chart or real text (no two-line last pages)?"""
    for name, edition in (("Castellan Insurance", "consultant"), ("Dunmore Steel", "vendor"),
                          ("Iverson & Pike Legal", "vendor"), ("Altamira Foods", "consultant"),
                          ("Fjordline Shipping", "consultant")):
        account, meta = _account(demo_results, name, edition)
        assert _thin_pages(account_pdf(meta, account)) == [], (name, edition)
    for edition in ("consultant", "vendor"):
        data, meta = demo_results[edition]
        assert _thin_pages(portfolio_pdf(meta, data)) == [], edition


def test_vendor_edition_states_withheld_groups_once(demo_results):
    """Are the accounts under the minimum named once instead of blank rows and dashes?"""
    data, meta = demo_results["vendor"]
    text = pdf_text(portfolio_pdf(meta, data))
    assert text.count("Results withheld for Iverson & Pike Legal, Juniper Municipal Council") == 1
    context = portfolio_context(meta, data)
    assert "for 10 accounts" in context["figures"]["heatmap"]["alt"]
    thin, _ = _account(demo_results, "Iverson & Pike Legal", "vendor")
    pages = _pages(account_pdf(meta, thin))
    assert len(pages) == 2
    assert " ".join(pages).count("Results withheld") == 1 and "—" not in " ".join(pages)


def test_portfolio_summary_page_in_the_seeds_terms(demo_results):
    """Page 2 of the portfolio: the Bain-literal headline in counts, recurring blind spots,
    where the stages disagree most and what to do first."""
    data, meta = demo_results["consultant"]
    two = _pages(portfolio_pdf(meta, data))[1]
    bain = data["portfolio"]["bain_literal"]
    vendor = bain["table"][0][0] + bain["table"][0][1]
    assert re.search(rf"{vendor} of {bain['accounts']} ?accounts where most of Northwind", two)
    assert "80% of companies believe they deliver a superior experience and 8%" in two
    assert "Blind spots that recur" in two and "Where the stages disagree most" in two
    assert "What to do first" in two and "Agree where each relationship really is" in two
    assert "the two views moved closer together" not in " ".join(_pages(portfolio_pdf(meta,
                                                                                      data)))


def test_trend_reads_the_size_of_the_gap_not_its_sign():
    """−0.26 → −0.38 is further apart; +0.5 → +0.2 and −0.3 → +0.1 are closer together."""
    rows = trend_rows({"trend_by_dimension": [
        {"unit": "resolution", "previous_gap": -0.26, "gap": -0.38, "change": -0.12},
        {"unit": "trust", "previous_gap": 0.5, "gap": 0.2, "change": -0.3},
        {"unit": "value", "previous_gap": -0.3, "gap": 0.1, "change": 0.4},
        {"unit": "breadth", "previous_gap": 0.3, "gap": 0.302, "change": 0.002}]}, {})
    assert [r["direction"] for r in rows] == ["further apart", "closer together",
                                              "closer together", "unchanged"]


def test_analysis_pages_show_the_report_charts_as_inline_svg(app, auth):
    """Do the consultant's analysis pages carry the reports' charts as escaped inline SVG, with
    no script and no inline style for the CSP to block?"""
    import sqlalchemy as sa

    from vocgap.demo import DEMO_EMAIL, DEMO_PASSWORD
    from vocgap.models import Account

    study = demo(app)
    account = db.session.scalar(sa.select(Account).where(Account.name == "Castellan Insurance"))
    account.name = "Castellan <b>Insurance</b> $5"
    db.session.commit()
    client = auth(DEMO_EMAIL, DEMO_PASSWORD)
    base = f"/consultant/studies/{study.id}"
    pages = {"portfolio": client.get(f"{base}/analysis/"),
             "account": client.get(f"{base}/analysis/accounts/{account.id}"),
             "report": client.get(f"{base}/reports/accounts/{account.id}.html")}
    for name, response in pages.items():
        html = response.get_data(as_text=True)
        assert response.status_code == 200, name
        svgs = re.findall(r"<svg.*?</svg>", html, re.S)
        assert svgs, name
        for svg in svgs:
            assert "<script" not in svg and " style=" not in svg and "<style" not in svg
        assert re.search(r'<div class="chart-svg" role="img" aria-label="[^"]{40,}"', html)
    portfolio = pages["portfolio"].get_data(as_text=True)
    assert "Castellan &lt;b&gt;Insurance&lt;/b&gt; $5" in portfolio  # the heat map's label
    assert "<b>Insurance</b>" not in portfolio
    assert len(re.findall(r'<g id="point:', pages["account"].get_data(as_text=True))) == 8


def test_numbers_stay_with_their_labels_and_plurals_agree():
    """'p = .008' cannot break across lines, and counts take the right form of the noun."""
    from vocgap.reporting.formatting import plural, pvalue
    from vocgap.reporting.recommendations import recommendations

    assert pvalue(0.008) == "p\u00a0=\u00a0.008" and pvalue(0.0001) == "p\u00a0<\u00a0.001"
    assert [plural(n, "contact") for n in (0, 1, 2)] == [
        "0\u00a0contacts", "1\u00a0contact", "2\u00a0contacts"]
    one = {"status": "ok", "dimensions": [], "power_map": [{"misread_champion": True}]}
    text = next(r["text"] for r in recommendations(one, 3) if r["title"] == "Re-map who drives "
                "change")
    assert text.startswith("1\u00a0contact your team counts as a champion says")
    nps = {"status": "ok", "dimensions": [], "recommend": {"vendor": {"nps": 75.0},
                                                           "customer": {"nps": -80.0}}}
    text = next(r["text"] for r in recommendations(nps, 3) if "recommend" in r["title"])
    assert "Net Promoter Score of +75; the customer's own is −80" in text
    assert "155" not in text
