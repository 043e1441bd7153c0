"""Report batches through a real RQ worker on Redis (CI starts both; set VOCGAP_TEST_QUEUE_URL)."""

from __future__ import annotations

import os
import re
import time

import pytest
from pypdf import PdfReader

from vocgap.cli import main
from vocgap.reporting import queue
from vocgap.reporting.batch import Job, plan_jobs, run_job
from vocgap.reporting.study_reports import study_report_data

from .environment import missing
from .factories import gen_study, gen_user
from .helpers import csrf_from
from .test_analysis_web import demo

URL = os.environ.get("VOCGAP_TEST_QUEUE_URL", "")


@pytest.fixture
def queue_url():
    if not URL:
        missing("VOCGAP_TEST_QUEUE_URL", "start redis-server (bash .ci/redis start DIR PORT) "
                "and set VOCGAP_TEST_QUEUE_URL to the URL it prints")
    return URL


def test_batch_through_the_queue_is_idempotent(app, queue_url, tmp_path):
    """Does a batch on the queue write each report once, even when queued or run again?"""
    tmp_path = tmp_path / "out"
    study = demo(app)
    data, meta = study_report_data(study, workers=1)
    jobs = plan_jobs(data, meta, tmp_path, accounts=["Greywell Pharma", "Dunmore Steel"])
    jobs.append(Job("account", "Broken", meta, {"account": "Broken"}, str(tmp_path / "x.pdf")))
    batch = queue.enqueue(jobs, queue_url, owner="test")
    assert queue.enqueue(jobs, queue_url, batch=batch, owner="test") == batch  # nothing doubled
    result = queue.wait(batch, queue_url, timeout=240)
    assert result.done
    assert sorted(p.rsplit("/", 1)[1] for p in result.finished) == [
        "demo-w2-dunmore-steel-consultant.pdf", "demo-w2-greywell-pharma-consultant.pdf",
        "demo-w2-portfolio-consultant.pdf"]
    assert [name for name, _ in result.failed] == ["Broken"]
    assert "KeyError" in result.failed[0][1]
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == sorted(p.rsplit("/", 1)[1] for p in result.finished)
    run_job(jobs[0])  # a redelivered job rewrites the same file, never a second one
    assert sorted(p.name for p in tmp_path.iterdir()) == files
    assert PdfReader(jobs[0].path).pages


def test_cli_report_uses_the_queue_when_configured(app, queue_url, tmp_path):
    tmp_path = tmp_path / "out"
    demo(app)
    app.config["QUEUE_URL"] = queue_url
    result = app.test_cli_runner().invoke(main, ["report", "--study", "demo", "--account",
                                                 "Altamira Foods", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "reports queued on vocgap-reports" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["demo-w2-altamira-foods-consultant.pdf"]


def test_workspace_shows_batch_progress(app, auth, queue_url, instrument):
    study = demo(app)
    app.config["QUEUE_URL"] = queue_url
    client = auth("consultant@example.com", "vocgap-demo-2026")
    page = client.get(f"/consultant/studies/{study.id}/reports/").get_data(as_text=True)
    assert "as one ZIP on the report queue" in page
    response = client.post(f"/consultant/studies/{study.id}/reports/batches",
                           data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302
    batch_url = response.headers["Location"]
    deadline = time.monotonic() + 300
    while True:
        html = client.get(batch_url).get_data(as_text=True)
        if "· done" in html or time.monotonic() > deadline:
            break
        assert 'http-equiv="refresh"' in html
        time.sleep(1)
    assert f"{len(study.accounts) + 1} of {len(study.accounts) + 1} written" in html
    link = re.search(r'href="([^"]+portfolio-consultant\.pdf)"', html).group(1)
    with client.get(link) as pdf:
        assert pdf.data[:5] == b"%PDF-"
    other = gen_study(instrument, "other")
    gen_user("outsider@test.example", study=other)
    outsider = auth("outsider@test.example")
    batch = batch_url.rstrip("/").rsplit("/", 1)[1]
    assert outsider.get(f"/consultant/studies/{other.id}/reports/batches/{batch}"
                        ).status_code == 404
