"""The RQ worker for report jobs.

Run it as ``rq worker --worker-class vocgap.reporting.worker.ReportWorker vocgap-reports``.

RQ forks a fresh work horse for every job; importing WeasyPrint, matplotlib and the templates once
in the parent makes every fork start warm instead of paying about a second of imports per report.
"""

from __future__ import annotations

from rq import Worker


class ReportWorker(Worker):
    def __init__(self, *args, **kwargs):
        import weasyprint  # noqa: F401

        from . import batch, charts  # noqa: F401
        from .render import _env, print_style

        _env()
        print_style()
        super().__init__(*args, **kwargs)
