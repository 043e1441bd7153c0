"""Reports for a study in the database: the analysis once, then the documents."""

from __future__ import annotations

from ..actions.tracking import report_actions
from ..findings import analyse_wave
from ..instruments.model import DEFAULT_LANGUAGE
from ..models import Study, Wave
from ..themes.results import report_themes
from .revenue import account_facts


def report_meta(study: Study, wave: Wave, edition: str, data: dict | None = None) -> dict:
    """What every report of the wave shows besides the analysis ``data`` (when at hand, the
    actions are judged against it instead of analysing the wave again)."""
    return {"vendor": study.vendor.name, "study": study.name, "short_name": study.short_name,
            "wave": wave.number, "edition": edition, "min_group": study.min_group,
            "language": study.report_language or DEFAULT_LANGUAGE,
            "actions": report_actions(study, wave, edition, data),
            "revenue": account_facts(study),
            "themes": report_themes(study, wave, edition)}


def study_report_data(study: Study, wave: Wave | None = None, edition: str = "consultant",
                      workers: int | None = None) -> tuple[dict, dict]:
    """(analysis JSON, report meta) for the wave."""
    wave = wave or study.current_wave
    data = analyse_wave(study, wave, edition=edition, workers=workers).to_json()
    return data, report_meta(study, wave, edition, data)
