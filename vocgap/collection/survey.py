"""One participant's survey for one account: its pages, stored answers and what is missing."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property

import sqlalchemy as sa
from flask_babel import gettext

from ..extensions import db
from ..instruments import Instrument, Section
from ..instruments.loader import render_wording
from ..models import Account, Answer, Participant, PowerMapRating, Response
from . import page_cache
from .forms import (
    Contact,
    Question,
    build_form_class,
    power_map_field,
    section_questions,
)
from .values import (
    DONT_KNOW,
    StoredValue,
    choice_labels,
    form_value,
    option_value,
)


@dataclass
class Page:
    number: int
    section: Section
    title: str
    intro: str
    questions: list[Question]
    wording: dict[str, str] = field(repr=False)

    @cached_property
    def form_class(self) -> type:
        """Built on first use: a request needs one page's form, not the whole survey's."""
        return build_form_class(self.questions, self.wording)


@dataclass
class SurveyPlan:
    """The pages a participant sees for an account, worded for their side and language."""

    instrument: Instrument
    participant: Participant
    account: Account
    pages: list[Page]
    wording: dict[str, str]
    language: str = ""

    @classmethod
    def build(cls, instrument: Instrument, participant: Participant, account: Account,
              language: str | None = None) -> SurveyPlan:
        """The survey in ``language`` (the instrument's source language when it is not offered);
        its pages come from the per-process cache (see ``page_cache``)."""
        instrument = instrument.in_language(language)
        side = participant.side
        wording = {"vendor": account.study.vendor.name, "account": account.name}
        contacts: tuple[Contact, ...] = ()
        if side == "vendor":
            people = db.session.scalars(sa.select(Participant).where(
                Participant.account_id == account.id, Participant.side == "customer",
                Participant.token_revoked_at.is_(None)).order_by(Participant.name))
            contacts = tuple(Contact(p.id, p.name, p.role_in(gettext)) for p in people)
        key = (side, language or "", wording["vendor"], wording["account"], contacts)
        pages = page_cache.pages.get(
            instrument, key, lambda: survey_pages(instrument, side, dict(wording), contacts))
        return cls(instrument, participant, account, list(pages), wording, instrument.language)

    def page(self, number: int) -> Page | None:
        return self.pages[number - 1] if 1 <= number <= len(self.pages) else None


def survey_pages(instrument: Instrument, side: str, wording: dict[str, str],
                 contacts: tuple[Contact, ...]) -> tuple[Page, ...]:
    """Every page one side sees, worded for one account; the same for every request about it."""
    pages: list[Page] = []
    for section in instrument.sections:
        questions = section_questions(section, side, wording, list(contacts))
        if not questions:
            continue
        pages.append(Page(
            number=len(pages) + 1, section=section,
            title=render_wording(section.heading(side), **wording),
            intro=render_wording(section.intro(side), **wording),
            questions=questions, wording=wording))
    return tuple(pages)


def stored_form_data(response: Response | None) -> dict[str, object]:
    """Stored answers as form field values, so a page re-opens exactly as it was left: the
    answers and the power-map ratings in one query."""
    data: dict[str, object] = {}
    if response is None:
        return data
    scale_items = {}
    rows = db.session.execute(answer_rows(), {"response_id": response.id})
    for key, num, text, dont_know, kind in rows:
        if kind is None:
            value = form_value(StoredValue(num, text, dont_know))
            if value is not None:
                data[key] = value
        elif dont_know:
            data[key] = DONT_KNOW
        elif num is not None:
            if kind not in scale_items:
                scale_items[kind] = response.wave.instrument.item_by_role(f"stance_{kind}")
            data[key] = option_value(scale_items[kind], int(num))
    return data


@cache
def answer_rows() -> sa.CompoundSelect:
    """(field name, number, text, don't know, power-map kind or NULL) for every stored answer of
    the response ``:response_id``: its answers, then each power-map rating as one row per kind.
    Built once: constructing the statement cost more than running it."""
    response_id = sa.bindparam("response_id")
    none = sa.cast(sa.null(), sa.String)
    answers = sa.select(Answer.item_id, Answer.value_num, Answer.value_text, Answer.dont_know,
                        none).where(Answer.response_id == response_id)
    ratings = [sa.select(
        sa.literal("pm_") + sa.cast(PowerMapRating.contact_id, sa.String) + sa.literal(f"_{kind}"),
        sa.cast(getattr(PowerMapRating, kind), sa.Float), sa.cast(sa.null(), sa.Text),
        getattr(PowerMapRating, f"{kind}_dont_know"), sa.literal(kind))
        .where(PowerMapRating.response_id == response_id) for kind in ("support", "influence")]
    return sa.union_all(answers, *ratings)


def answer_label(question: Question, value: object, wording: dict[str, str]) -> str:
    """How a stored answer reads back to the respondent on the review page."""
    if value in (None, "", []):
        return ""
    if question.item.type == "open_text":
        return str(value)
    if question.contact is not None and value == DONT_KNOW:
        return gettext("I don't know this person")
    labels = choice_labels(question.item, wording)
    if isinstance(value, list):
        return "; ".join(labels.get(v, v) for v in value)
    return labels.get(str(value), str(value))


def missing_required(plan: SurveyPlan, data: dict[str, object]) -> list[tuple[Page, Question]]:
    """Required questions with no answer yet, in page order."""
    return [(page, q) for page in plan.pages for q in page.questions
            if q.item.required and data.get(q.name) in (None, "", [])]


def power_map_values(questions: list[Question], stored: dict[str, object]) -> dict[int, dict]:
    """Group the page's power-map answers by contact, as PowerMapRating columns; a "don't
    know this person" answer is stored as such, with no score."""
    out: dict[int, dict[str, int | bool | None]] = {}
    for q in questions:
        if q.contact is None:
            continue
        kind = q.name.rsplit("_", 1)[1]
        value = stored.get(q.name)
        score = getattr(value, "value_num", None)
        row = out.setdefault(q.contact.id, {"support": None, "influence": None,
                                            "support_dont_know": False,
                                            "influence_dont_know": False})
        row[kind] = int(score) if score is not None else None
        row[f"{kind}_dont_know"] = bool(getattr(value, "dont_know", False))
    return out


__all__ = ["Page", "SurveyPlan", "answer_label", "missing_required", "power_map_field",
           "power_map_values", "stored_form_data"]
