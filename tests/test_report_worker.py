"""The report worker warms up before its first job, so every forked work horse starts warm."""

from __future__ import annotations

from vocgap.languages import report_languages
from vocgap.reporting import render, worker


def test_warm_up_renders_through_the_report_path(monkeypatch):
    """Does the warm-up compile the templates in every report language, parse the stylesheet
    and write one real PDF?"""
    monkeypatch.setattr(render, "_ENVS", {})
    monkeypatch.setattr(render, "_STYLE", None)
    written = []
    real = render.html_to_pdf
    monkeypatch.setattr(render, "html_to_pdf", lambda html, *a, **k: written.append(
        real(html, *a, **k)) or written[-1])
    worker.warm_up()
    assert set(render._ENVS) == set(report_languages()) and render._STYLE is not None
    for env in render._ENVS.values():
        compiled = {key[1] for key in env.cache.keys()}
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

