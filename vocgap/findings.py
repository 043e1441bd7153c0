"""A wave's findings: its submitted responses read into the analysis, for web, CLI and reports."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from .analysis import Analysis, AnalysisInput, analyse
from .collection.store import submitted_responses
from .extensions import db
from .models import Answer, Participant, PowerMapRating, Response, Study, Wave


def load_wave(study: Study, wave: Wave) -> AnalysisInput:
    """Submitted answers, respondents, the power map and account facts of one wave.

    Rows come in the order they were written (response, then answer), on every database: a
    report lists comments in that order, and the same answers must make the same report.
    """
    submitted = submitted_responses(wave)
    answers = pd.DataFrame(db.session.execute(
        submitted.add_columns(Answer.item_id.label("item"), Answer.value_num.label("value"),
                              Answer.value_text.label("text"))
        .join(Answer, Answer.response_id == Response.id)
        .order_by(Response.id, Answer.id)).mappings().all(),
        columns=["account", "side", "respondent_id", "item", "value", "text",
                 "language"]).rename(
        columns={"respondent_id": "respondent"})
    answers["value"] = pd.to_numeric(answers["value"], errors="coerce")
    ratings = pd.DataFrame(db.session.execute(
        submitted.add_columns(PowerMapRating.contact_id.label("contact"),
                              PowerMapRating.support, PowerMapRating.influence)
        .join(PowerMapRating, PowerMapRating.response_id == Response.id)
        .order_by(Response.id, PowerMapRating.id)).mappings().all(),
        columns=["account", "respondent_id", "contact", "support", "influence"])
    ratings = ratings.rename(columns={"respondent_id": "rater"}).astype(
        {"support": float, "influence": float})
    people = {p.id: p for p in db.session.scalars(sa.select(Participant).where(
        Participant.study_id == study.id))}
    pairs = answers[["respondent", "account", "side"]].drop_duplicates()
    respondents = pairs.assign(
        role=pairs["respondent"].map(lambda r: people[r].role),
        quartet=pairs["respondent"].map(lambda r: people[r].quartet),
        function=pairs["respondent"].map(lambda r: people[r].function),
        name=pairs["respondent"].map(lambda r: people[r].name),
        role_label=pairs["respondent"].map(lambda r: people[r].role_label),
        consent=pairs["respondent"].map(lambda r: people[r].consent_attribution))
    accounts = pd.DataFrame([{"account": a.name, "segment": a.segment,
                              "key_account": a.key_account, "crm_stage": a.crm_stage}
                             for a in study.accounts],
                            columns=["account", "segment", "key_account", "crm_stage"])
    return AnalysisInput(answers, respondents.reset_index(drop=True), ratings, accounts)


def analyse_wave(study: Study, wave: Wave | None = None, *, edition: str = "consultant",
                 workers: int | None = None) -> Analysis:
    """The full analysis of a wave, with the previous wave for trends when there is one."""
    wave = wave or study.current_wave
    earlier = [w for w in study.waves if w.number < wave.number]
    previous = load_wave(study, earlier[-1]) if earlier else None
    return analyse(load_wave(study, wave), wave.instrument, min_group=study.min_group,
                   edition=edition, previous=previous, workers=workers,
                   wording={"vendor": study.vendor.name, "account": "the customer"},
                   meta={"study": {"id": study.id, "short_name": study.short_name,
                                   "name": study.name, "vendor": study.vendor.name},
                         "wave": {"number": wave.number,
                                  "previous": earlier[-1].number if earlier else None}})
