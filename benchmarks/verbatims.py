"""Benchmark: theme proposal and suggested codes for 10,000 verbatims, against a bare
``TfidfVectorizer`` fit over the same texts in the same run (scikit-learn's own tokeniser, no
stemming, no stop words, no factorisation): the ratio is what per-language tokens, NMF and
scoring every verbatim against every theme cost on top of reading the words once.

Run by hand:  .venv/bin/python benchmarks/verbatims.py [--verbatims 10000]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GERMAN = ["Die Lieferungen kommen zu spät.", "Der Support antwortet zu langsam.",
          "Die Preise sind zu hoch.", "Bitte mehr Schulungen für neue Nutzer."]
FRENCH = ["Les livraisons arrivent en retard.", "Le support répond trop lentement.",
          "Les prix sont trop élevés.", "Plus de formations pour nos équipes."]


def verbatims(count: int, seed: int = 18):
    """``count`` answers of one or two sentences from the demo's phrasings (a tenth in German
    or French), so that topics recur in many wordings as they do in a real study."""
    from vocgap.themes.demo_text import TEXTS
    from vocgap.verbatims import Verbatim

    english = sorted({text for topics in TEXTS.values() for group in topics.values()
                      for text in group})
    rng = np.random.default_rng(seed)
    out = []
    for i in range(count):
        language = ("de", "fr")[i % 2] if i % 10 == 0 else "en"
        pool = {"de": GERMAN, "fr": FRENCH, "en": english}[language]
        picks = rng.choice(len(pool), size=int(rng.integers(1, 3)), replace=False)
        out.append(Verbatim(i + 1, " ".join(pool[p] for p in picks), language))
    return out


def timed(call):
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbatims", type=int, default=10_000)
    parser.add_argument("--database", action="store_true",
                        help="also time the workspace path: suggest() on a SQLite study")
    args = parser.parse_args()
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import TfidfVectorizer

    from vocgap.verbatims import ThemeProfile, propose_themes, suggest_codes
    from vocgap.verbatims.text import _stem

    texts = verbatims(args.verbatims)
    _, reference = timed(lambda: TfidfVectorizer().fit_transform([v.text for v in texts]))
    _stem.cache_clear()  # the proposal pays for its own stemming
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        themes, propose_s = timed(lambda: propose_themes(texts))
    profiles = [ThemeProfile(i, t.keywords + [t.name], t.examples) for i, t in enumerate(themes)]
    codes, suggest_s = timed(lambda: suggest_codes(texts, profiles))
    coded = len({verbatim for verbatim, _, _ in codes})
    print(f"{len(texts):,} verbatims, {len(themes)} themes proposed, {len(codes):,} codes "
          f"suggested ({coded:,} verbatims coded)")
    print(f"reference  bare TfidfVectorizer fit   {reference:7.3f} s")
    print(f"proposal   tokens + TF-IDF + NMF      {propose_s:7.3f} s   "
          f"{propose_s / reference:5.1f}× the reference")
    print(f"coding     every verbatim × theme     {suggest_s:7.3f} s   "
          f"{suggest_s / reference:5.1f}× the reference")
    print(f"together                              {propose_s + suggest_s:7.3f} s   "
          f"{(propose_s + suggest_s) / reference:5.1f}× the reference")
    for theme in themes:
        print(f"  {theme.name}: {len(theme.verbatim_ids)} distinct wordings")
    if args.database:
        stored(texts, reference)


def stored(texts, reference: float) -> None:
    """Propose and suggest through the database service, as the workspace and CLI do."""
    import tempfile
    from datetime import timedelta

    import sqlalchemy as sa

    from vocgap import create_app
    from vocgap.collection.studies import create_study
    from vocgap.extensions import db
    from vocgap.instruments import find_instrument
    from vocgap.models import Account, Answer, Participant, Response, utcnow
    from vocgap.themes.coding import propose_frame, suggest

    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
                          "SECRET_KEY": "benchmark-secret-key-long-enough-0123456789"})
        with app.app_context():
            db.create_all()
            now = utcnow()
            study = create_study(vendor_name="Bench", name="Bench", short_name="bench",
                                 instrument=find_instrument(str(root / "surveys"),
                                                            "b2b-relationship"),
                                 opens_at=now - timedelta(days=1),
                                 closes_at=now + timedelta(days=1))
            account = Account(study=study, name="Account")
            db.session.add(account)
            db.session.flush()
            people = [{"study_id": study.id, "side": "customer", "name": f"P{i}",
                       "account_id": account.id, "token_nonce": str(i),
                       "token_hash": f"h{i}"} for i in range(len(texts))]
            db.session.execute(sa.insert(Participant), people)
            ids = db.session.scalars(sa.select(Participant.id).order_by(Participant.id)).all()
            wave = study.current_wave
            db.session.execute(sa.insert(Response), [
                {"wave_id": wave.id, "participant_id": pid, "account_id": account.id,
                 "status": "submitted", "language": t.language}
                for pid, t in zip(ids, texts, strict=True)])
            responses = db.session.scalars(sa.select(Response.id).order_by(Response.id)).all()
            db.session.execute(sa.insert(Answer), [
                {"response_id": rid, "item_id": "one_thing", "value_text": t.text}
                for rid, t in zip(responses, texts, strict=True)])
            db.session.commit()
            with warnings.catch_warnings():
                from sklearn.exceptions import ConvergenceWarning

                warnings.simplefilter("ignore", ConvergenceWarning)
                _, propose_s = timed(lambda: propose_frame(study))
            counts, suggest_s = timed(lambda: suggest(study))
            _, commit_s = timed(db.session.commit)
            rerun, rerun_s = timed(lambda: suggest(study))
            db.session.commit()
        print(f"database   propose_frame              {propose_s:7.3f} s   "
              f"{propose_s / reference:5.1f}× the reference")
        print(f"database   suggest (+ commit)         {suggest_s + commit_s:7.3f} s   "
              f"{(suggest_s + commit_s) / reference:5.1f}× the reference "
              f"({counts['suggested']:,} codes written)")
        print(f"database   suggest again              {rerun_s:7.3f} s   "
              f"({rerun['suggested']:,} codes)")


if __name__ == "__main__":
    main()
