"""Load test: concurrent respondents against gunicorn on loopback; nothing lost or doubled.

Starts gunicorn (gunicorn.conf.py) on 127.0.0.1 with a fresh database, creates a study with the
pulse instrument, then N virtual respondents (``--concurrency`` at a time) open their link, save
the page and submit; ``--double`` of them submit twice in parallel (a double click). Afterwards
every acknowledged submission must be stored exactly once and nothing unacknowledged stored.
Prints p50/p95/p99 for page loads and submits.

    .venv/bin/python benchmarks/load.py                       # SQLite in a temp folder
    .venv/bin/python benchmarks/load.py --database-url postgresql://user@127.0.0.1:5432/db
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
SECRET = "load-test-secret-key-0123456789-abcdefghijkl"


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


def verify(database_url: str, acknowledged: set[int], ids: list[int]) -> tuple[int, int, int]:
    import sqlalchemy as sa

    from vocgap import create_app
    from vocgap.extensions import db
    from vocgap.models import Response

    app = create_app()
    with app.app_context():
        rows = db.session.execute(sa.select(Response.participant_id, Response.status).where(
            Response.participant_id.in_(ids))).all()
    submitted = [pid for pid, status in rows if status == "submitted"]
    doubled = len(submitted) - len(set(submitted))
    lost = len(acknowledged - set(submitted))
    unacknowledged = len(set(submitted) - acknowledged)
    return lost, doubled, unacknowledged


class Respondent:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[str, str, float]:
        start = time.perf_counter()
        with self.opener.open(self.base + path, timeout=60) as response:
            body = response.read().decode()
            return response.geturl(), body, time.perf_counter() - start

    def post(self, url: str, data: dict) -> tuple[str, int, float]:
        start = time.perf_counter()
        request = urllib.request.Request(url, data=urllib.parse.urlencode(data).encode())
        try:
            with self.opener.open(request, timeout=60) as response:
                response.read()
                return response.geturl(), response.status, time.perf_counter() - start
        except urllib.error.HTTPError as exc:
            return url, exc.code, time.perf_counter() - start


def answer_all(html: str) -> dict:
    answers = {}
    for name, value in re.findall(r'name="([a-z_0-9]+)" type="radio" value="([^"]+)"', html):
        answers.setdefault(name, value)
    if 'name="one_thing"' in html:
        answers["one_thing"] = "Load test comment"
    return answers


def run_one(base: str, person: tuple[int, str], double: bool, gets: list, submits: list,
            acknowledged: set, errors: list) -> None:
    pid, token = person
    user = Respondent(base)
    try:
        url, html, seconds = user.get(f"/s/{token}")
        gets.append(seconds)
        data = {"csrf_token": CSRF.search(html).group(1), "action": "next", **answer_all(html)}
        review_url, status, seconds = user.post(url, data)
        submits.append(seconds)
        if not review_url.endswith("/review"):
            errors.append(f"{pid}: page save ended at {review_url} ({status})")
            return
        start = time.perf_counter()
        with user.opener.open(review_url, timeout=60) as response:
            page = response.read().decode()
        gets.append(time.perf_counter() - start)
        form = {"csrf_token": CSRF.search(page).group(1)}
        results = []
        if double:
            threads = [threading.Thread(target=lambda: results.append(user.post(review_url, form)))
                       for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        else:
            results.append(user.post(review_url, form))
        for final_url, status, seconds in results:
            submits.append(seconds)
            if status == 200 and final_url.endswith("/thanks"):
                acknowledged.add(pid)
            else:
                errors.append(f"{pid}: submit ended at {final_url} ({status})")
    except Exception as exc:  # noqa: BLE001 - count every failure, keep the load going
        errors.append(f"{pid}: {type(exc).__name__}: {exc}")


def percentiles(values: list[float]) -> str:
    if not values:
        return "no samples"
    q = statistics.quantiles(values, n=100, method="inclusive")
    return (f"p50 {1000 * q[49]:.0f} ms, p95 {1000 * q[94]:.0f} ms, p99 {1000 * q[98]:.0f} ms "
            f"({len(values)} requests)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--respondents", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--double", type=float, default=0.10)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="vocgap-load-")
    url = args.database_url or f"sqlite:///{folder}/load.sqlite3"
    people = prepare(url, args.respondents)
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=SECRET,
               VOCGAP_BIND=f"127.0.0.1:{args.port}", VOCGAP_WORKERS=str(args.workers),
               VOCGAP_THREADS=str(args.threads), VOCGAP_RATELIMIT_ENABLED="false")
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "-c",
                               str(ROOT / "gunicorn.conf.py"), "app:app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        gets, submits, errors = [], [], []
        acknowledged: set[int] = set()
        rng = random.Random(7)
        doubles = 0
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            for person in people:
                double = rng.random() < args.double
                doubles += double
                pool.submit(run_one, base, person, double, gets, submits, acknowledged, errors)
        elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)
    lost, doubled, unacknowledged = verify(url, acknowledged, [p for p, _ in people])
    database = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"{database}, gunicorn {args.workers} gthread workers × {args.threads} threads, "
          f"{args.concurrency} concurrent respondents")
    print(f"{len(people)} respondents in {elapsed:.1f} s, {doubles} double submits")
    print(f"page GET: {percentiles(gets)}")
    print(f"save/submit POST: {percentiles(submits)}")
    print(f"acknowledged {len(acknowledged)}; lost {lost}; duplicated {doubled}; stored but not "
          f"acknowledged {unacknowledged}; errors {len(errors)}")
    for error in errors[:5]:
        print("  ", error)
    if lost or doubled or unacknowledged or errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
