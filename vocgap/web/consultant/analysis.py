"""The analysis in the browser: portfolio overview and one page per account."""

from __future__ import annotations

import threading

import sqlalchemy as sa
from flask import abort, render_template, request

from ...collection.fingerprint import analysis_fingerprint
from ...collection.progress import participant_statuses, status_counts, study_progress, totals
from ...extensions import db
from ...findings import analyse_wave
from ...models import Participant, Study
from ...reporting.render import account_figures, portfolio_figures
from ...reporting.revenue import study_revenue
from . import bp, study_view
from .actions import account_page_actions
from .people import study_account

_CACHE: dict[tuple, dict] = {}
_CACHE_SIZE = 16
_LOCK = threading.Lock()


def study_analysis(study: Study, edition: str) -> dict:
    """The wave's analysis JSON, recomputed whenever anything it shows has changed."""
    wave = study.current_wave
    key = (study.id, wave.id, edition, analysis_fingerprint(study, wave))
    found = _CACHE.get(key)
    if found is None:
        found = analyse_wave(study, wave, edition=edition, workers=1).to_json()
        with _LOCK:  # request threads share the cache
            while len(_CACHE) >= _CACHE_SIZE:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[key] = found
    return found


def requested_edition() -> str:
    """The ``?edition=`` of analysis and report pages: consultant unless vendor is asked for."""
    edition = request.args.get("edition", "consultant")
    return edition if edition in ("consultant", "vendor") else "consultant"


def account_result(study: Study, data: dict, account_id: int) -> dict:
    """One account's part of the analysis JSON; 404 for an account of another study."""
    account = study_account(study, account_id)
    found = next((a for a in data["accounts"] if a["account"] == account.name), None)
    if found is None:
        abort(404)
    return found


@bp.get("/studies/<int:study_id>/analysis/")
@study_view
def analysis(study: Study):
    edition = requested_edition()
    data = study_analysis(study, edition)
    ids = {a.name: a.id for a in study.accounts}
    wave = study.current_wave
    return render_template("consultant/analysis.html", study=study, data=data, edition=edition,
                           account_ids=ids, wave=wave,
                           progress_totals=totals(study_progress(study, wave)),
                           counts=status_counts(participant_statuses(study, wave)),
                           figures=portfolio_figures(data, fmt="svg"),
                           revenue=study_revenue(study, data))


def contact_names(study: Study, edition: str) -> dict[int, str]:
    """Customer contacts by name for the consultant edition; the vendor edition names nobody."""
    if edition != "consultant":
        return {}
    return dict(db.session.execute(sa.select(Participant.id, Participant.name).where(
        Participant.study_id == study.id, Participant.side == "customer")).all())


@bp.get("/studies/<int:study_id>/analysis/accounts/<int:account_id>")
@study_view
def account_analysis(study: Study, account_id: int):
    edition = requested_edition()
    data = study_analysis(study, edition)
    found = account_result(study, data, account_id)
    meta = {"vendor": study.vendor.name, "account": found["account"]}
    return render_template("consultant/account_analysis.html", study=study, data=data,
                           account=found, account_id=account_id, edition=edition,
                           wave=study.current_wave, contacts=contact_names(study, edition),
                           figures=account_figures(meta, found, fmt="svg"),
                           account_actions=account_page_actions(study, account_id, edition, data))
