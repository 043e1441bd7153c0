"""Load test: respondents against gunicorn (the project's gunicorn.conf.py) on loopback, driven by
an independent asyncio client (benchmarks/loadclient.py) on the same machine; nothing lost or
stored twice. Target: ≥ 150 requests/s at saturation with 24 concurrent respondents, zero loss.

Creates a study with the pulse instrument in a fresh database, starts gunicorn, then runs two
phases with different respondents, each of whom opens the private link, reads the welcome page,
reads and saves every page, reads the review page, submits (``--double`` of them twice at once:
a double click) and reads the thank-you page — 7 requests:
1. open loop: respondents arrive at a fixed offered ``--rate`` (requests/s), whether or not
   earlier ones are done; prints latency percentiles per kind of request;
2. saturation: ``--concurrency`` respondents at a time, each replaced as soon as it ends; prints
   the requests/s sustained and the percentiles.
Afterwards every acknowledged submission must be stored exactly once, with exactly the answers
sent, and nothing unacknowledged submitted; the run fails (exit 1) otherwise. Before the load it
measures, in the same run, a bare WSGI app under the same gunicorn settings and client: the
ceiling for this machine, printed beside the figures.

    .venv/bin/python benchmarks/load.py                       # SQLite in a temp folder
    .venv/bin/python benchmarks/load.py --database-url postgresql://user@127.0.0.1:5432/db
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import loadclient  # noqa: E402

SECRET = "load-test-secret-key-0123456789-abcdefghijkl"
REQUESTS_PER_RESPONDENT = 7


def prepare(database_url: str, respondents: int) -> list[tuple[int, str]]:
    os.environ.update(DATABASE_URL=database_url, SECRET_KEY=SECRET)
    from flask_migrate import upgrade

    from vocgap import create_app
    from vocgap.collection.studies import add_participant, create_study
    from vocgap.extensions import db
    from vocgap.instruments import find_instrument
    from vocgap.models import Account, utcnow

    app = create_app()
    with app.app_context():
        upgrade()
        instrument = find_instrument(app.config["SURVEYS_DIR"], "pulse")
        study = create_study(vendor_name="Load Vendor", name="Load test",
                             short_name=f"load-{int(time.time())}", instrument=instrument,
                             opens_at=utcnow() - timedelta(days=1),
                             closes_at=utcnow() + timedelta(days=1))
        people = []
        for i in range(respondents):
            if i % 5 == 0:
                account = Account(study=study, name=f"Account {i // 5:05d}")
                db.session.add(account)
            person, token = add_participant(study, side="customer", name=f"Person {i}",
                                            account=account)
            people.append((person, token))
        db.session.commit()
        return [(p.id, t) for p, t in people]


def verify(database_url: str, tally: loadclient.Tally, ids: list[int]) -> dict[str, int]:
    """Count what the database holds against what the client was told."""
    import sqlalchemy as sa

    from vocgap import create_app
    from vocgap.collection.values import StoredValue, form_value
    from vocgap.extensions import db
    from vocgap.models import Answer, Response

    app = create_app()
    with app.app_context():
        rows = db.session.execute(sa.select(Response.id, Response.participant_id).where(
            Response.participant_id.in_(ids), Response.status == "submitted")).all()
        answers = db.session.execute(sa.select(
            Answer.response_id, Answer.item_id, Answer.value_num, Answer.value_text,
            Answer.dont_know).where(Answer.response_id.in_([r for r, _ in rows]))).all()
    submitted = [pid for _, pid in rows]
    by_response: dict[int, list] = {}
    for response_id, item, num, text, dont_know in answers:
        by_response.setdefault(response_id, []).append(
            (item, form_value(StoredValue(num, text, dont_know))))
    wrong = 0
    for response_id, pid in rows:
        stored = by_response.get(response_id, [])
        if len(stored) != len({item for item, _ in stored}) or dict(stored) != tally.sent.get(pid):
            wrong += 1
    return {"lost": len(tally.acknowledged - set(submitted)),
            "duplicated": len(submitted) - len(set(submitted)),
            "unacknowledged": len(set(submitted) - tally.acknowledged),
            "answers wrong or doubled": wrong}


def start_gunicorn(env: dict, app: str, port: int) -> subprocess.Popen:
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "-c",
                               str(ROOT / "gunicorn.conf.py"), app], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 30 s")


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGINT)  # quick shutdown: the measurement is over
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def percentiles(values: list[float]) -> str:
    if len(values) < 2:
        return "no samples"
    q = statistics.quantiles(values, n=100, method="inclusive")
    return (f"p50 {1000 * q[49]:.0f} ms, p95 {1000 * q[94]:.0f} ms, p99 {1000 * q[98]:.0f} ms "
            f"({len(values)})")


def report(title: str, tally: loadclient.Tally, seconds: float) -> float:
    rate = tally.requests / seconds
    print(f"{title}: {tally.requests} requests in {seconds:.1f} s = {rate:.0f} requests/s")
    for kind in sorted(tally.seconds):
        print(f"    {kind:12} {percentiles(tally.seconds[kind])}")
    every = [s for v in tally.seconds.values() for s in v]
    print(f"    {'all':12} {percentiles(every)}")
    return rate


async def bare_ceiling(port: int, seconds: float, concurrency: int) -> float:
    """Requests/s of a WSGI app that only says hello, under the same server and client."""
    tally = loadclient.Tally()
    deadline = time.perf_counter() + seconds

    async def lane() -> None:
        browser = loadclient.Browser("127.0.0.1", port, tally)
        while time.perf_counter() < deadline:
            await browser.request("GET", "/healthz")
        await browser.close()

    start = time.perf_counter()
    await asyncio.gather(*(lane() for _ in range(concurrency)))
    return tally.requests / (time.perf_counter() - start)


def phase_jobs(people, double: float, tally, port: int, seed: int):
    rng = random.Random(seed)
    doubles = [rng.random() < double for _ in people]
    return [partial(loadclient.respondent, "127.0.0.1", port, pid, token, twice, tally)
            for (pid, token), twice in zip(people, doubles, strict=True)], sum(doubles)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--respondents", type=int, default=600, help="per phase")
    parser.add_argument("--rate", type=float, default=100, help="open loop, requests/s offered")
    parser.add_argument("--concurrency", type=int, default=24)
    parser.add_argument("--double", type=float, default=0.10)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int)
    parser.add_argument("--threads", type=int)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="vocgap-load-")
    url = args.database_url or f"sqlite:///{folder}/load.sqlite3"
    people = prepare(url, 2 * args.respondents)
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=SECRET,
               VOCGAP_BIND=f"127.0.0.1:{args.port}", VOCGAP_RATELIMIT_ENABLED="false")
    env.update({k: str(v) for k, v in (("VOCGAP_WORKERS", args.workers),
                                       ("VOCGAP_THREADS", args.threads)) if v})
    database = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    bare_port = args.port + 1  # its own port: a slow exit cannot answer for the real server
    bare = start_gunicorn(dict(env, PYTHONPATH=str(ROOT / "benchmarks"),
                               VOCGAP_BIND=f"127.0.0.1:{bare_port}"), "bareapp:app", bare_port)
    try:
        ceiling = asyncio.run(bare_ceiling(bare_port, 5, args.concurrency))
    finally:
        stop(bare)
    server = start_gunicorn(env, "app:app", args.port)
    try:
        settings = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c",
                                   "import runpy; c = runpy.run_path('gunicorn.conf.py'); "
                                   "print(c['workers'], c['threads'])"], cwd=ROOT, env=env,
                                  capture_output=True, text=True).stdout.split()
        print(f"{database}; gunicorn.conf.py: {settings[0]} gthread workers × {settings[1]} "
              f"threads; bare WSGI app, same server and client: {ceiling:.0f} requests/s; "
              f"machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        open_tally, saturated = loadclient.Tally(), loadclient.Tally()
        jobs, doubles = phase_jobs(people[:args.respondents], args.double, open_tally,
                                   args.port, 7)
        seconds, peak = asyncio.run(loadclient.open_loop(
            jobs, args.rate / REQUESTS_PER_RESPONDENT))
        report(f"open loop at {args.rate:.0f} requests/s offered ({len(jobs)} respondents, "
               f"{doubles} double submits, at most {peak} at once)", open_tally, seconds)
        jobs, doubles = phase_jobs(people[args.respondents:], args.double, saturated,
                                   args.port, 8)
        seconds = asyncio.run(loadclient.closed_loop(jobs, args.concurrency))
        rate = report(f"saturation, {args.concurrency} concurrent respondents ({len(jobs)} "
                      f"respondents, {doubles} double submits)", saturated, seconds)
        print(f"    {rate / ceiling:.2f}× the bare app's requests/s; target ≥ 150 requests/s")
    finally:
        stop(server)
    failures = 0
    for name, tally, group in (("open loop", open_tally, people[:args.respondents]),
                               ("saturation", saturated, people[args.respondents:])):
        counts = verify(url, tally, [pid for pid, _ in group])
        print(f"{name}: acknowledged {len(tally.acknowledged)}; "
              + "; ".join(f"{k} {v}" for k, v in counts.items())
              + f"; errors {len(tally.errors)}")
        for error in tally.errors[:5]:
            print("   ", error)
        failures += sum(counts.values()) + len(tally.errors)
    if failures:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
