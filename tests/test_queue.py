"""Report batches through a real RQ worker on Redis (CI starts both; set VOCGAP_TEST_QUEUE_URL)."""

from __future__ import annotations

import os
import re
import time

import pytest
from pypdf import PdfReader
from rq.job import Job as QueueJob

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
    queue.init_app(app)
    result = app.test_cli_runner().invoke(main, ["report", "--study", "demo", "--account",
                                                 "Altamira Foods", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "reports queued on vocgap-reports" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["demo-w2-altamira-foods-consultant.pdf"]


def test_workspace_shows_batch_progress(app, auth, queue_url, instrument):
    study = demo(app)
    app.config["QUEUE_URL"] = queue_url
    queue.init_app(app)
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


def test_waiting_wakes_when_a_job_ends_instead_of_polling(queue_url, tmp_path, monkeypatch):
    """Does ``wait`` sleep until a job announces its end, reading the batch's status only then?

    Each broken job fails three times (two retries); the worker announces every attempt once
    it is stored, so the waiter wakes within moments although its quiet-spell fallback is set
    to a minute."""
    monkeypatch.setattr(queue, "QUIET_SECONDS", 60)
    reads = []
    real_status = queue.status
    monkeypatch.setattr(queue, "status", lambda *a: reads.append(1) or real_status(*a))
    jobs = [Job("account", f"Broken {i}", {}, {"account": f"Broken {i}"},
                str(tmp_path / f"broken-{i}.pdf")) for i in range(2)]
    batch = queue.enqueue(jobs, queue_url, owner="test")
    start = time.monotonic()
    result = queue.wait(batch, queue_url, timeout=240)
    assert time.monotonic() - start < 45
    assert result.done and sorted(name for name, _ in result.failed) == ["Broken 0", "Broken 1"]
    assert len(reads) <= 1 + 2 * (queue.RETRIES + 1) + 1  # the first read, one per attempt


def test_a_finished_report_is_announced_on_its_batch_channel(queue_url, monkeypatch):
    """Does the worker announce a finished job on the batch's channel, after storing it?"""
    from rq.worker import Worker

    from vocgap.reporting.worker import ReportWorker

    stored = []
    monkeypatch.setattr(Worker, "handle_job_success", lambda *a, **k: stored.append(1))
    redis = queue.connect(queue_url)
    events = redis.pubsub(ignore_subscribe_messages=True)
    events.subscribe(queue.channel("b1"))
    job = QueueJob.create(run_job, id="b1-abc", connection=redis, meta={"batch": "b1"})
    worker = ReportWorker.__new__(ReportWorker)  # no warm-up: only the handler is under test
    worker.connection = redis
    worker.handle_job_success(job=job, queue=None, started_job_registry=None, execution=None)
    assert stored == [1]
    message = None
    deadline = time.monotonic() + 5
    while message is None and time.monotonic() < deadline:
        message = events.get_message(timeout=1)
    events.close()
    assert message is not None and message["data"] == b"b1-abc"
