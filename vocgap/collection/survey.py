"""One participant's survey for one account: its pages, stored answers and what is missing."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import sqlalchemy as sa
from flask_babel import gettext

from ..extensions import db
from ..instruments import Instrument, Section
from ..instruments.loader import render_wording
from ..models import Account, Participant, Response
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
        """The survey in ``language`` (the instrument's source language when it is not offered)."""
        instrument = instrument.in_language(language)
        side = participant.side
        wording = {"vendor": account.study.vendor.name, "account": account.name}
        contacts = []
        if side == "vendor":
            people = db.session.scalars(sa.select(Participant).where(
                Participant.account_id == account.id, Participant.side == "customer",
                Participant.token_revoked_at.is_(None)).order_by(Participant.name))
            contacts = [Contact(p.id, p.name, p.role_label) for p in people]
        pages = []
        for section in instrument.sections:
            questions = section_questions(section, side, wording, contacts)
            if not questions:
                continue
            pages.append(Page(
                number=len(pages) + 1, section=section,
                title=render_wording(section.heading(side), **wording),
                intro=render_wording(section.intro(side), **wording),
                questions=questions, wording=wording))
        return cls(instrument, participant, account, pages, wording, instrument.language)

    def page(self, number: int) -> Page | None:
        return self.pages[number - 1] if 1 <= number <= len(self.pages) else None


def stored_form_data(response: Response | None) -> dict[str, object]:
    """Stored answers as form field values, so a page re-opens exactly as it was left."""
    data: dict[str, object] = {}
    if response is None:
        return data
    for answer in response.answers:
        value = form_value(StoredValue(answer.value_num, answer.value_text, answer.dont_know))
        if value is not None:
            data[answer.item_id] = value
    for rating in response.power_map:
        for kind in ("support", "influence"):
            score = getattr(rating, kind)
            if getattr(rating, f"{kind}_dont_know"):
                data[f"pm_{rating.contact_id}_{kind}"] = DONT_KNOW
            elif score is not None:
                item = response.wave.instrument.item_by_role(f"stance_{kind}")
                data[f"pm_{rating.contact_id}_{kind}"] = option_value(item, score)
    return data


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
