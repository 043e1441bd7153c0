"""Reports: the PDF says what the analysis says, hostile text stays text, nothing is fetched."""

from __future__ import annotations

import io
import re
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from vocgap.cli import main
from vocgap.demo import DEMO_EMAIL, DEMO_PASSWORD
from vocgap.extensions import db
from vocgap.models import Account, Answer, Participant, Response
from vocgap.reporting.batch import Job, plan_jobs, run_batch
from vocgap.reporting.fetcher import PackagedFetcher
from vocgap.reporting.render import account_pdf, html_to_pdf, portfolio_pdf
from vocgap.reporting.study_reports import study_report_data

from .factories import gen_study, gen_user
from .helpers import csrf_from
from .test_analysis_web import demo


def pdf_text(data: bytes) -> str:
    """All the text, whitespace folded so that line breaks do not split phrases."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


class Listener:
    """A loopback HTTP server that records every request it gets."""

    def __init__(self):
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's API
                outer.requests.append(self.path)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"x")

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


@pytest.fixture
def demo_data(app):
    study = demo(app)
    data, meta = study_report_data(study, workers=1)
    return study, data, meta


def test_account_pdf_prints_the_analysis_numbers(demo_data):
    """Are the gaps, shares and counts in the PDF the ones in the analysis JSON?"""
    _, data, meta = demo_data
    account = next(a for a in data["accounts"] if a["account"] == "Castellan Insurance")
    pdf = account_pdf(meta, account)
    text = pdf_text(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 8
    assert "Castellan Insurance" in text and "RELATIONSHIP PERCEPTION REPORT" in text
    for dim in account["dimensions"]:
        assert f"{dim['gap']:+.2f}".replace("-", "−") in text, dim["unit"]
    sup = account["superior_experience"]
    assert f"{sup['x_vendor']} of {sup['n_vendor']}" in text
    assert f"{round(100 * sup['share_customer'])}%" in text
    assert f"Page 2 of {len(reader.pages)}" in text
    assert "CONFIDENTIAL · consultant edition" in text
    assert "Northwind Analytics × Castellan Insurance" in text  # running header
    assert "Re-map who drives change" in text  # the misread champion
    fonts = {str(f) for page in reader.pages for f in page["/Resources"].get("/Font", {}).values()
             for f in [f.get_object()["/BaseFont"]]}
    assert any("Report-Sans" in f for f in fonts)  # the bundled DejaVu Sans, subset


def test_thin_accounts_say_so_instead_of_scores(app, demo_data):
    study, _, _ = demo_data
    data, meta = study_report_data(study, edition="vendor", workers=1)
    thin = next(a for a in data["accounts"] if a["account"] == "Iverson & Pike Legal")
    text = pdf_text(account_pdf(meta, thin))
    assert "shows counts only" in text
    assert "Hear more voices before acting" in text
    assert "Gap (V" not in text  # no score table at all
    assert "Vendor edition" in text


def test_portfolio_pdf(demo_data):
    _, data, meta = demo_data
    text = pdf_text(portfolio_pdf(meta, data))
    bain = data["portfolio"]["bain_literal"]
    assert f"{round(100 * bain['share_accounts_vendor_majority'])}%" in text
    assert "Accounts ranked by gap" in text and "Relationship stage agreement" in text
    assert data["portfolio"]["ranking"][0]["account"] in text
    assert "Since wave 1" in text


HOSTILE = [
    "<script>alert('x')</script>",
    '<img src="{url}/img">',
    "file:///etc/passwd",
    '<link rel="stylesheet" href="{url}/css">',
    '</style><style>body {{ background: url("{url}/bg") }}</style>',
    "Ελληνικά · Русский · Ærøskøbing · Şişli",
    "שלום עולם",
    "مرحبا بالعالم",
    "zero\u200bwidth \u202eRTL override",
]


def test_hostile_text_is_text_and_fetches_nothing(demo_data, listener):
    """Do script tags, remote images, file URLs and CSS in answers stay inert text?"""
    _, data, meta = demo_data
    account = dict(next(a for a in data["accounts"] if a["account"] == "Altamira Foods"))
    texts = [h.format(url=listener.url) for h in HOSTILE]
    account["account"] = texts[1] + " Holdings"
    account["verbatims"] = [{"side": "customer", "item": "one_thing", "text": t,
                             "attribution": ""} for t in texts]
    pdf = account_pdf(meta, account)
    text = pdf_text(pdf)
    assert listener.requests == []
    for needle in ("<script>alert('x')</script>", "file:///etc/passwd", "Ελληνικά",
                   "Русский", "Ærøskøbing", f'<img src="{listener.url}/img">'):
        assert needle in text
    assert "שלום" in text or "םולש" in text
    assert "مرحبا" in text or "ابحرم" in text or "مرحبا"[::-1] in text


def test_fetcher_refuses_everything_but_packaged_assets(listener, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read")
    html = (f'<link rel="stylesheet" href="{listener.url}/a.css">'
            f'<img src="{listener.url}/b.png"><img src="file://{secret}">'
            f'<p style="background: url({listener.url}/c)">x</p>'
            '<link rel="stylesheet" href="vocgap-asset:/../../../etc/passwd">')
    fetcher = PackagedFetcher()
    html_to_pdf(html, fetcher)
    assert listener.requests == []
    assert any(u.startswith(listener.url) for u in fetcher.refused)
    assert any(u.startswith("file://") for u in fetcher.refused)
    assert any("passwd" in u for u in fetcher.refused)


def test_batch_reports_a_failure_and_carries_on(demo_data, tmp_path):
    _, data, meta = demo_data
    jobs = plan_jobs(data, meta, tmp_path, accounts=["Altamira Foods"], portfolio=False)
    jobs.append(Job("account", "Broken", meta, {"account": "Broken"}, str(tmp_path / "b.pdf")))
    seen = []
    result = run_batch(jobs, workers=2, progress=lambda job, error: seen.append(job.name))
    assert [p.split("/")[-1] for p in result.written] == [
        "demo-w2-altamira-foods-consultant.pdf"]
    assert result.failed[0][0] == "Broken" and "KeyError" in result.failed[0][1]
    assert sorted(seen) == ["Altamira Foods", "Broken"]
    assert not list(tmp_path.glob("*.part"))


def test_cli_report_one_account(app, demo_data, tmp_path):
    result = app.test_cli_runner().invoke(main, ["report", "--study", "demo", "--account",
                                                 "Greywell Pharma", "--out", str(tmp_path),
                                                 "--workers", "1"])
    assert result.exit_code == 0, result.output
    files = list(tmp_path.glob("*.pdf"))
    assert [f.name for f in files] == ["demo-w2-greywell-pharma-consultant.pdf"]
    assert PdfReader(files[0]).pages
    bad = app.test_cli_runner().invoke(main, ["report", "--study", "demo", "--account", "Nope"])
    assert bad.exit_code != 0 and "no account 'Nope'" in bad.output


def test_downloads_need_login_and_membership(app, auth, demo_data, instrument):
    study, data, _ = demo_data
    account = db.session.scalar(sa.select(Account).where(Account.name == "Greywell Pharma"))
    base = f"/consultant/studies/{study.id}/reports"
    client = app.test_client()
    assert client.get(f"{base}/accounts/{account.id}.pdf").status_code == 302
    other = gen_study(instrument, "other")
    gen_user("outsider@test.example", study=other)
    auth("outsider@test.example", client=client)
    for path in (f"/accounts/{account.id}.pdf", "/portfolio.pdf", "/all.zip",
                 f"/accounts/{account.id}.html"):
        assert client.get(base + path).status_code == 404
    assert client.get(f"/consultant/studies/{other.id}/reports/accounts/{account.id}.pdf"
                      ).status_code == 404


def test_downloads_for_a_member(app, auth, demo_data):
    study, data, _ = demo_data
    account = db.session.scalar(sa.select(Account).where(Account.name == "Greywell Pharma"))
    base = f"/consultant/studies/{study.id}/reports"
    client = auth(DEMO_EMAIL, DEMO_PASSWORD)
    listing = client.get(base + "/").get_data(as_text=True)
    assert "Prepare all reports (consultant edition, confidential)" in listing
    assert "Greywell Pharma" in listing
    pdf = client.get(f"{base}/accounts/{account.id}.pdf?edition=vendor")
    assert pdf.status_code == 200 and pdf.data[:5] == b"%PDF-"
    assert "Vendor edition" in pdf_text(pdf.data)
    html = client.get(f"{base}/accounts/{account.id}.html").get_data(as_text=True)
    assert "Greywell Pharma" in html and "/consultant/report-assets/print.css" in html
    with client.get("/consultant/report-assets/print.css") as css:
        assert css.status_code == 200 and b"@page" in css.data
    assert client.get("/consultant/report-assets/../../vocgap/config.py").status_code == 404


def test_download_all_runs_as_a_batch_and_a_get_starts_nothing(app, auth, demo_data,
                                                              instrument):
    """Does "Download all" render on a pool outside the request, with progress, while no GET
    (not even the old ZIP address) starts any rendering?"""
    study, data, _ = demo_data
    base = f"/consultant/studies/{study.id}/reports"
    client = auth(DEMO_EMAIL, DEMO_PASSWORD)
    batches = Path(app.config["REPORTS_DIR"]) / "batches"
    listing = client.get(base + "/").get_data(as_text=True)
    assert client.get(base + "/all.zip").status_code in (404, 405)
    assert client.get(base + "/batches").status_code == 405
    assert not batches.exists()  # the GETs above started nothing
    assert client.post(base + "/batches").status_code == 400  # no CSRF token
    started = client.post(base + "/batches", data={"csrf_token": csrf_from(listing)})
    assert started.status_code == 302
    page_url = started.headers["Location"]
    first = client.get(page_url).get_data(as_text=True)
    assert "Batch progress" in first
    deadline = time.monotonic() + 300
    while "· done" not in (page := client.get(page_url).get_data(as_text=True)):
        assert time.monotonic() < deadline, page
        time.sleep(1)
    zip_link = re.search(r'href="([^"]+all\.zip)"', page).group(1)
    with client.get(zip_link) as response:
        names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert len(names) == len(data["accounts"]) + 1
    assert "demo-w2-portfolio-consultant.pdf" in names
    gen_user("outsider@test.example", study=gen_study(instrument, "other"))
    outsider = auth("outsider@test.example", "correct horse battery")
    assert outsider.get(page_url).status_code == 404
    assert outsider.get(zip_link).status_code == 404


def test_hostile_verbatim_from_the_database_reaches_the_pdf_as_text(app, demo_data,
                                                                    listener):
    study, _, _ = demo_data
    person = db.session.scalar(sa.select(Participant).where(
        Participant.side == "customer", Participant.account.has(name="Greywell Pharma")))
    response = db.session.scalar(sa.select(Response).where(
        Response.participant_id == person.id, Response.wave_id == study.current_wave.id))
    hostile = f'<img src="{listener.url}/db.png"><script>x()</script>'
    answer = next((a for a in response.answers if a.item_id == "best_thing"), None)
    if answer is None:
        answer = Answer(item_id="best_thing")
        response.answers.append(answer)
    answer.value_text = hostile
    db.session.commit()
    data, meta = study_report_data(study, workers=1)
    account = next(a for a in data["accounts"] if a["account"] == "Greywell Pharma")
    text = pdf_text(account_pdf(meta, account))
    assert hostile.replace(" ", "") in text.replace(" ", "")  # wrapped lines add spaces
    assert listener.requests == []


def test_report_takes_the_scale_from_the_instrument():
    """Does a 1–7 instrument without headline items analyse and get 1–7 axes and wording?"""
    import pandas as pd

    from vocgap.analysis import AnalysisInput, analyse
    from vocgap.instruments import parse_instrument
    from vocgap.reporting.render import account_context

    instrument = parse_instrument("""
id: seven
version: "1"
title: Seven
scales: {agree7: {min: 1, max: 7, labels: {1: Disagree, 7: Agree}}}
dimensions: [{id: trust, name: Trust}]
sections:
  - id: s
    title: S
    items:
      - {id: t1, type: agreement, scale: agree7, dimension: trust, customer: x, mirror: y}
""")
    answers = pd.DataFrame([("A", "vendor", "v1", "t1", 7.0), ("A", "vendor", "v2", "t1", 6.0),
                            ("A", "customer", "c1", "t1", 2.0), ("A", "customer", "c2", "t1", 3.0)],
                           columns=["account", "side", "respondent", "item", "value"])
    data = analyse(AnalysisInput(answers), instrument, workers=1).to_json()
    account = data["accounts"][0]
    # This instrument has no headline, stage or recommend question: those parts are empty.
    assert account["superior_experience"] is None and account["recommend"] == {}
    assert data["portfolio"]["stage_agreement"]["accounts"] == 0
    assert (account["dimensions"][0]["scale_low"], account["dimensions"][0]["scale_high"]) == (1, 7)
    context = account_context({"vendor": "V", "study": "S", "wave": 1, "edition": "consultant",
                               "min_group": 3}, account)
    assert context["scale"] == (1, 7)


def test_stage_recommendation_reads_as_english():
    from vocgap.reporting.recommendations import recommendations

    account = {"status": "ok", "dimensions": [],
               "stage": {"gap": 2, "sides": {"customer": {"median": 1},
                                             "vendor": {"median": 3}}}}
    text = recommendations(account, 3)[0]["text"]
    assert text.startswith("The customer sees a basic relationship where your team sees an "
                           "interconnected one.")
