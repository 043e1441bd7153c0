"""Reports for a study in the database: the analysis once, then the documents."""

from __future__ import annotations

from ..findings import analyse_wave
from ..instruments.model import DEFAULT_LANGUAGE
from ..models import Study, Wave


def report_meta(study: Study, wave: Wave, edition: str) -> dict:
    return {"vendor": study.vendor.name, "study": study.name, "short_name": study.short_name,
            "wave": wave.number, "edition": edition, "min_group": study.min_group,
            "language": study.report_language or DEFAULT_LANGUAGE}


def study_report_data(study: Study, wave: Wave | None = None, edition: str = "consultant",
                      workers: int | None = None) -> tuple[dict, dict]:
    """(analysis JSON, report meta) for the wave."""
    wave = wave or study.current_wave
    data = analyse_wave(study, wave, edition=edition, workers=workers).to_json()
    return data, report_meta(study, wave, edition)
