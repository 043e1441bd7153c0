"""The RQ worker for report jobs, warm before its first job.

Run it as ``rq worker --worker-class vocgap.reporting.worker.ReportWorker vocgap-reports``.

RQ forks a fresh work horse for every job, so memory cannot creep from one report to the next.
What a fork inherits is whatever the parent had loaded: importing WeasyPrint and matplotlib,
compiling the report templates, parsing the print stylesheet and — the part imports alone miss —
rendering one small document through the same path (fonts opened and shaped by Pango and
HarfBuzz, matplotlib's font cache and Agg renderer, the PDF writer) all happen once in the
parent. Measured on the demo's account reports (2 shared cores): a horse forked after imports
alone rendered in 1.1–1.6 s, one forked after the warm-up render in 1.06–1.2 s.
"""

from __future__ import annotations

import logging

from rq import Worker

from .queue import announce

log = logging.getLogger(__name__)

WARM_UP_HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>warm-up</title></head><body><h1>Warm-up</h1><h2>Ελληνικά · Русский · עברית · العربية</h2>
<p><strong>Bold</strong> and regular text, a table and a chart.</p>
<table><thead><tr><th>Account</th><th>Gap</th></tr></thead><tbody><tr><td>A</td><td>0.5</td>
</tr></tbody></table><img src="{src}" alt="warm-up chart"></body></html>"""


def warm_up() -> None:
    """Load and exercise everything a report render uses, so forked horses start warm."""
    import numpy as np

    from ..languages import report_languages
    from . import batch  # noqa: F401  (the job function RQ imports by name)
    from .charts import heatmap
    from .render import _env, figure, html_to_pdf, print_style

    for language in report_languages():
        env = _env(language)
        for template in ("report/account.html", "report/portfolio.html"):
            env.get_template(template)
    print_style()
    chart = figure(heatmap(["Account"], ["Trust"], np.array([[0.5]])))
    html_to_pdf(WARM_UP_HTML.format(src=chart["src"]))


class ReportWorker(Worker):
    """An RQ worker that warms up once, before it takes its first job, and announces each job's
    end on its batch's channel after the end is stored (RQ's own callbacks run before that, so a
    client woken by them could read a status that had not changed yet)."""

    def __init__(self, *args, **kwargs):
        try:
            warm_up()
        except Exception:  # noqa: BLE001 - a cold worker still renders; the jobs will say why
            log.exception("report worker warm-up failed; rendering cold")
        super().__init__(*args, **kwargs)

    def handle_job_success(self, job, queue, started_job_registry, *args, **kwargs):
        super().handle_job_success(job, queue, started_job_registry, *args, **kwargs)
        announce(job, self.connection)

    def handle_job_failure(self, job, queue, *args, **kwargs):
        super().handle_job_failure(job, queue, *args, **kwargs)
        announce(job, self.connection)
