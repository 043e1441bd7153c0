"""Benchmark: a 3-million-answer long file (5,000 accounts × 30 items × 20 respondents) read for
``vocgap analyse --responses`` and imported by ``vocgap import responses`` into a fresh SQLite
study, each in its own process so that peak memory is its own; the same-run reference is a bare
``pandas.read_csv`` of the same file (no checking at all).

Run by hand:  .venv/bin/python benchmarks/imports.py [--accounts 5000] [--skip-import]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def peak_mb() -> float:
    """This process's own peak resident memory (VmHWM; ru_maxrss would include the parent's
    peak, which Linux carries over a fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step_reference(path: Path) -> dict:
    import pandas as pd

    start = time.perf_counter()
    frame = pd.read_csv(path)
    return {"rows": len(frame), "seconds": time.perf_counter() - start, "peak_mb": peak_mb()}


def step_read(path: Path) -> dict:
    from vocgap.collection.imports.long_file import read_analysis_input
    from vocgap.instruments import load_instrument

    instrument = load_instrument(ROOT / "surveys" / "b2b-relationship.yaml")
    start = time.perf_counter()
    data = read_analysis_input(path, instrument, path.name)
    return {"rows": len(data.answers), "seconds": time.perf_counter() - start,
            "peak_mb": peak_mb()}


def step_analyse(path: Path) -> dict:
    from vocgap.analysis import analyse
    from vocgap.collection.imports.long_file import read_analysis_input
    from vocgap.instruments import load_instrument

    instrument = load_instrument(ROOT / "surveys" / "b2b-relationship.yaml")
    start = time.perf_counter()
    result = analyse(read_analysis_input(path, instrument, path.name), instrument)
    return {"rows": len(result.gaps), "seconds": time.perf_counter() - start,
            "peak_mb": peak_mb()}


def step_import(path: Path) -> dict:
    from vocgap import create_app
    from vocgap.collection.imports import import_responses
    from vocgap.extensions import db
    from vocgap.instruments import load_instrument
    from vocgap.models import utcnow
    from vocgap.studies import create_study

    folder = Path(tempfile.mkdtemp(prefix="vocgap-import-bench-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
                      "SECRET_KEY": "benchmark-secret-key-0123456789-0123456789"})
    with app.app_context():
        db.create_all()
        instrument = load_instrument(ROOT / "surveys" / "b2b-relationship.yaml")
        study = create_study(vendor_name="Bench", name="Bench", short_name="bench",
                             instrument=instrument, opens_at=utcnow() - timedelta(days=1),
                             closes_at=utcnow() + timedelta(days=9))
        db.session.commit()
        start = time.perf_counter()
        report = import_responses(study, path, path.name, create_accounts=True)
        seconds = time.perf_counter() - start
    return {"rows": report.created.get("answers", 0), "seconds": seconds, "peak_mb": peak_mb(),
            "summary": report.summary()}


STEPS = {"reference": step_reference, "read": step_read, "analyse": step_analyse,
         "import": step_import}


def run(step: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--step", step, "--file", str(path)],
                         check=True, capture_output=True, text=True, env=os.environ)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--step", choices=list(STEPS))
    parser.add_argument("--file", type=Path)
    parser.add_argument("--skip-import", action="store_true")
    args = parser.parse_args()
    if args.step:
        print(json.dumps(STEPS[args.step](args.file)))
        return
    from analysis import generate

    from vocgap.instruments import load_instrument

    instrument = load_instrument(ROOT / "surveys" / "b2b-relationship.yaml")
    folder = Path(tempfile.mkdtemp(prefix="vocgap-import-bench-"))
    path = folder / "responses.csv"
    answers = generate(instrument, args.accounts)
    answers["value"] = answers["value"].astype(int)
    answers.to_csv(path, index=False)
    del answers
    size = path.stat().st_size / 2**20
    print(f"file: {path} ({size:.0f} MB)")
    reference = run("reference", path)
    print(f"reference, bare pandas.read_csv (no checks): {reference['rows']:,} rows in "
          f"{reference['seconds']:.1f} s, peak {reference['peak_mb']:.0f} MB")
    steps = [("analyse --responses: reading and checking", "read"),
             ("analyse --responses: reading, checking and the full analysis", "analyse")]
    if not args.skip_import:
        steps.append(("import responses into SQLite (checked, then written)", "import"))
    for label, step in steps:
        result = run(step, path)
        print(f"{label}: {result['rows']:,} rows in {result['seconds']:.1f} s "
              f"({result['seconds'] / reference['seconds']:.1f}× the reference), peak "
              f"{result['peak_mb']:.0f} MB ({result['peak_mb'] / reference['peak_mb']:.1f}× the "
              "reference)" + (f"; {result['summary']}" if "summary" in result else ""))


if __name__ == "__main__":
    main()
