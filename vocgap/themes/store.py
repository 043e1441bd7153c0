"""Reading a study's verbatims and its frame: the one place that knows where each lives."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    Account,
    Answer,
    CodingFrame,
    Participant,
    Response,
    Study,
    Theme,
    VerbatimCode,
    Wave,
)
from ..models.people import CUSTOMER_ROLES, QUARTET, VENDOR_FUNCTIONS
from ..verbatims import Verbatim, language_family

SOURCE_LANGUAGE = "en"


def language_column():
    """A verbatim's language is its response's (issue 15a's ``Response.language``)."""
    return sa.func.coalesce(Response.language, sa.literal(SOURCE_LANGUAGE))


@dataclass(frozen=True)
class VerbatimRow:
    """A submitted free-text answer with what coding and reports need to know about it."""

    id: int
    text: str
    language: str
    item: str
    side: str
    account: str
    account_id: int
    respondent: int
    wave: int
    role_label: str
    consent: bool

    def as_verbatim(self) -> Verbatim:
        return Verbatim(self.id, self.text, self.language)


def open_text_items(study: Study) -> list[str]:
    """Ids of the open-text items of the study's waves, in instrument order."""
    seen: list[str] = []
    for wave in study.waves:
        for item in wave.instrument.items:
            if item.type == "open_text" and item.id not in seen:
                seen.append(item.id)
    return seen


def study_verbatims(study: Study, wave: Wave | None = None) -> list[VerbatimRow]:
    """Submitted, non-blank free-text answers of the study (or one wave), ordered by id."""
    items = open_text_items(study)
    if not items:
        return []
    query = (sa.select(Answer.id, Answer.value_text, language_column().label("language"),
                       Answer.item_id, Participant.side, Account.name, Account.id.label("aid"),
                       Participant.id.label("pid"), Wave.number, Participant.role,
                       Participant.quartet, Participant.function,
                       Participant.consent_attribution)
             .join(Response, Response.id == Answer.response_id)
             .join(Participant, Participant.id == Response.participant_id)
             .join(Account, Account.id == Response.account_id)
             .join(Wave, Wave.id == Response.wave_id)
             .where(Wave.study_id == study.id, Response.status == "submitted",
                    Answer.item_id.in_(items), Answer.value_text.is_not(None))
             .order_by(Answer.id))
    if wave is not None:
        query = query.where(Response.wave_id == wave.id)
    rows = []
    for row in db.session.execute(query):
        if not (row.value_text or "").strip():
            continue
        rows.append(VerbatimRow(row.id, row.value_text, language_family(row.language),
                                row.item_id, row.side, row.name, row.aid, row.pid, row.number,
                                role_label(row), bool(row.consent_attribution)))
    return rows


def role_label(row) -> str:
    """The respondent's role in words, as ``Participant.role_label`` spells it."""
    if row.side == "customer":
        parts = [CUSTOMER_ROLES.get(row.role or "", ""), QUARTET.get(row.quartet or "", "")]
        return ", ".join(p for p in parts if p)
    return VENDOR_FUNCTIONS.get(row.function or "", "")


def coding_frame(study: Study) -> CodingFrame:
    """The study's frame settings, created on first use."""
    frame = db.session.get(CodingFrame, study.id)
    if frame is None:
        frame = CodingFrame(study_id=study.id)
        db.session.add(frame)
        db.session.flush()
    return frame


def frame_settings(study: Study) -> CodingFrame:
    """The study's frame settings for reading: the stored row, or the defaults unsaved."""
    return db.session.get(CodingFrame, study.id) or CodingFrame(vendor_quotes=True)


def study_themes(study: Study) -> list[Theme]:
    """The frame's themes in the consultant's order."""
    return list(db.session.scalars(sa.select(Theme).where(Theme.study_id == study.id)
                                   .order_by(Theme.position, Theme.id)))


def study_theme(study: Study, theme_id: int) -> Theme | None:
    """One theme of this study (None for another study's theme id)."""
    return db.session.scalar(sa.select(Theme).where(Theme.study_id == study.id,
                                                    Theme.id == theme_id))


def study_codes(study: Study) -> list[VerbatimCode]:
    """Every code of the study's themes."""
    return list(db.session.scalars(sa.select(VerbatimCode).join(Theme).where(
        Theme.study_id == study.id).order_by(VerbatimCode.answer_id, Theme.position,
                                             Theme.id)))


def codes_by_answer(study: Study) -> dict[int, list[VerbatimCode]]:
    """Codes grouped by verbatim id."""
    out: dict[int, list[VerbatimCode]] = {}
    for code in study_codes(study):
        out.setdefault(code.answer_id, []).append(code)
    return out


def applied_themes(study: Study) -> dict[int, list[int]]:
    """Verbatim id → ids of the themes that apply (confirmed, or suggested and not rejected)."""
    return {answer: [c.theme_id for c in codes if c.applies]
            for answer, codes in codes_by_answer(study).items()}
