"""The report worker warms up before its first job, so every forked work horse starts warm."""

from __future__ import annotations

from vocgap.reporting import render, worker


def test_warm_up_renders_through_the_report_path(monkeypatch):
    """Does the warm-up load the templates and stylesheet and write one real PDF?"""
    monkeypatch.setattr(render, "_ENV", None)
    monkeypatch.setattr(render, "_STYLE", None)
    written = []
    real = render.html_to_pdf
    monkeypatch.setattr(render, "html_to_pdf", lambda html, *a, **k: written.append(
        real(html, *a, **k)) or written[-1])
    worker.warm_up()
    assert render._ENV is not None and render._STYLE is not None
    compiled = {key[1] for key in render._ENV.cache.keys()}
    assert {"report/account.html", "report/portfolio.html"} <= compiled
    assert len(written) == 1 and written[0][:5] == b"%PDF-"


def test_a_failed_warm_up_leaves_a_working_worker(monkeypatch, caplog):
    """Does a worker whose warm-up fails still start (cold), saying why in its log?"""
    def broken():
        raise OSError("fonts missing")

    monkeypatch.setattr(worker, "warm_up", broken)
    started = []
    monkeypatch.setattr(worker.Worker, "__init__", lambda self, *a, **k: started.append(a))
    worker.ReportWorker(["vocgap-reports"])
    assert started == [(["vocgap-reports"],)]
    assert "warm-up failed" in caplog.text

