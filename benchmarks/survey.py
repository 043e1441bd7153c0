"""Benchmark: one survey page in process (Flask test client), beside a bare Flask route.

Builds a study with the default instrument in a throw-away SQLite database, opens a customer's
private link, then alternates, ``--rounds`` times each: GET the first survey page, POST a save
of that page (the respondent pressing "Next"; the redirect is not followed), and GET of a bare
Flask app's ``/`` returning a short string. Alternating makes machine load hit all three alike;
the ratios to the bare route are what compare across machines. Targets: GET median ≤ 5 ms, save
POST median ≤ 10 ms. ``--profile`` prints the cProfile top functions of the survey requests.

    .venv/bin/python benchmarks/survey.py [--rounds 400] [--profile]

Where the time went before the per-wave caches (2 cores shared by 8 engineers, cProfile of
400 GET + 400 POST; cumulative share of the survey requests):
- building the page's form class from the instrument: ``SurveyPlan.build`` (render_wording for
  every section and item, ``section_questions``) and ``build_form_class`` (WTForms field
  classes, one ``type()`` per request) — about a quarter of a GET;
- ``Wave.instrument``: the frozen YAML source hashed for the lru_cache key on every access
  (several accesses per request);
- answers loaded lazily: ``response.answers`` and ``response.power_map`` and the wave of every
  response, separate queries, plus ``_account_progress`` loading the participant's accounts;
- Jinja rendering of page.html and WTForms widgets — the real work of the page;
- session cookie signing and the JSON access log — per request by nature.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
SECRET = "survey-benchmark-secret-key-0123456789-abcdefgh"


def survey_client(folder: Path, instrument_id: str):
    """A test client signed in as a customer of a fresh study; returns (app, client, page url)."""
    from flask_migrate import upgrade

    from vocgap import create_app
    from vocgap.collection.studies import add_participant, create_study
    from vocgap.extensions import db
    from vocgap.instruments import find_instrument
    from vocgap.models import Account, utcnow

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'survey.sqlite3'}",
                      "SECRET_KEY": SECRET, "RATELIMIT_ENABLED": False})
    with app.app_context():
        from datetime import timedelta

        upgrade()
        instrument = find_instrument(app.config["SURVEYS_DIR"], instrument_id)
        study = create_study(vendor_name="Bench Vendor", name="Survey bench",
                             short_name="bench", instrument=instrument,
                             opens_at=utcnow() - timedelta(days=1),
                             closes_at=utcnow() + timedelta(days=1))
        account = Account(study=study, name="Bench Account")
        db.session.add(account)
        _, token = add_participant(study, side="customer", name="Bench Person", account=account)
        db.session.commit()
        account_id = account.id
    client = app.test_client()
    assert client.get(f"/s/{token}").status_code == 302
    return app, client, f"/survey/a/{account_id}/p/1"


def page_answers(html: str) -> dict:
    """The first option of every radio question and a short text in every text box."""
    answers = {}
    for name, value in re.findall(r'name="([a-z_0-9]+)" type="radio" value="([^"]+)"', html):
        answers.setdefault(name, value)
    for name in re.findall(r'<textarea[^>]*name="([a-z_0-9]+)"', html):
        answers[name] = "Benchmark comment"
    return answers


def bare_client():
    from flask import Flask

    bare = Flask("bare")

    @bare.get("/")
    def hello():
        return "hello"

    return bare.test_client()


def timed(call, cpu: list[float] | None = None) -> float:
    """Wall seconds of one call; its CPU seconds appended to ``cpu`` (on a machine shared with
    others, CPU time is what the request itself costs, wall time includes waiting for a core)."""
    start, start_cpu = time.perf_counter(), time.process_time()
    call()
    if cpu is not None:
        cpu.append(time.process_time() - start_cpu)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=400)
    parser.add_argument("--instrument", default="b2b-relationship")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="cumulative", help="cProfile order: cumulative, tottime")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="vocgap-survey-"))
    app, client, url = survey_client(folder, args.instrument)
    bare = bare_client()
    html = client.get(url).get_data(as_text=True)
    form = {"csrf_token": CSRF.search(html).group(1), "action": "next", **page_answers(html)}

    def get_page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    def save_page():
        response = client.post(url, data=form)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]

    def get_bare():
        assert bare.get("/").status_code == 200

    for _ in range(20):  # warm up every path once before the clock starts
        get_page(), save_page(), get_bare()
    profiler = cProfile.Profile() if args.profile else None
    gets, posts, bares = [], [], []
    cpu_gets, cpu_posts, cpu_bares = [], [], []
    for _ in range(args.rounds):
        bares.append(timed(get_bare, cpu_bares))
        if profiler:
            profiler.enable()
        gets.append(timed(get_page, cpu_gets))
        posts.append(timed(save_page, cpu_posts))
        if profiler:
            profiler.disable()
    bare_ms, bare_cpu = (1000 * statistics.median(v) for v in (bares, cpu_bares))
    print(f"survey page ({args.instrument}, {len(form) - 2} answers on page 1), "
          f"{args.rounds} rounds, load average {os.getloadavg()[0]:.1f}; medians, wall "
          f"(CPU of this process):")
    print(f"  bare Flask route GET: {bare_ms:.2f} ms ({bare_cpu:.2f} ms)")
    for name, wall, cpu, target in (("survey page GET:     ", gets, cpu_gets, 5),
                                    ("survey save POST:    ", posts, cpu_posts, 10)):
        ms, cpu_ms = 1000 * statistics.median(wall), 1000 * statistics.median(cpu)
        print(f"  {name}{ms:.2f} ms ({cpu_ms:.2f} ms)  {ms / bare_ms:.1f}× bare "
              f"({cpu_ms / bare_cpu:.1f}× bare CPU); target ≤ {target} ms")
    if profiler:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(45)


if __name__ == "__main__":
    main()
