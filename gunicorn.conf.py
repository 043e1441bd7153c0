"""Production serving: ``gunicorn -c gunicorn.conf.py app:app`` (settings via VOCGAP_* env).

gthread workers: requests spend much of their time waiting on the database, so a few processes
with several threads each serve concurrent respondents without one process per connection.
Measured with benchmarks/load.py (400 respondents, 50 concurrent, SQLite, 2 cores), p95 GET/POST:
2 workers × 8 threads 787/800 ms; 4 × 4 1034/856 ms; 3 × 8 827/1287 ms; 2 × 16 648/1687 ms —
one worker per core with 8 threads was the best balance, hence the defaults. Re-measured with
the asyncio client (24 concurrent respondents, 7 requests each; docs/performance.md): SQLite
2 × 8 176 requests/s at load 3.6; 2 × 8, 2 × 4 and 3 × 4 at load 8.5 gave 87, 86 and 183, and
PostgreSQL 2 × 8 134 at load 4.6 — within the noise of a shared machine, so the defaults stay.
"""

import multiprocessing
import os

bind = os.environ.get("VOCGAP_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("VOCGAP_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("VOCGAP_THREADS", "8"))
timeout = 60
graceful_timeout = 30
max_requests = 5000  # recycle workers now and then; jitter avoids all restarting at once
max_requests_jitter = 500
preload_app = False  # each worker builds its own app, engine and connection pool after fork
accesslog = None  # vocgap writes its own JSON access log with request ids


def post_fork(server, worker):
    """Should the app ever be preloaded, never share database connections across processes."""
    from vocgap.extensions import db

    app = getattr(server.app, "callable", None)
    if app is not None and hasattr(app, "app_context"):
        with app.app_context():
            db.engine.dispose(close=False)
