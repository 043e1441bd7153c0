"""Build one WTForms class per survey page from the instrument, as eq-survey-runner does."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField, TextAreaField, ValidationError, widgets
from wtforms.fields.choices import SelectChoice

from ..instruments.loader import render_wording
from ..instruments.model import Item, Section
from .values import (
    DONT_KNOW,
    InvalidValue,
    StoredValue,
    choice_labels,
    coerce_value,
)


@dataclass(frozen=True)
class Contact:
    """A customer contact the vendor participant rates on the power map."""

    id: int
    name: str
    role_label: str


@dataclass(frozen=True)
class Question:
    """What a template needs to show one field: the field name, its item and its wording."""

    name: str
    item: Item
    text: str
    contact: Contact | None = None


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form) -> None:
        """Choices are checked by the item's own validator, with a clearer message."""


def choices_for(item: Item, wording: dict[str, str]) -> list[SelectChoice]:
    """The item's radio or checkbox choices, labelled as :func:`choice_labels` words them."""
    return [SelectChoice(value, label) for value, label in choice_labels(item, wording).items()]


class AnswerCheck:
    """Validate one field with the same rules as imports; required only when the page says so."""

    def __init__(self, item: Item, about_contact: bool = False):
        self.item = item
        self.about_contact = about_contact

    def __call__(self, form, field) -> None:
        raw = field.data
        if self.about_contact and raw == DONT_KNOW:
            # A vendor who never met this contact says so instead of inventing a stance.
            field.stored = StoredValue(dont_know=True)
            return
        if isinstance(raw, str) and raw == DONT_KNOW:
            raw = self.item.scale.dont_know if self.item.scale else raw
        try:
            stored = coerce_value(self.item, raw if raw != [] else None)
        except InvalidValue as problem:
            raise ValidationError(refusal(problem)) from None
        field.stored = stored
        if stored is None and self.item.required and getattr(form, "enforce_required", False):
            raise ValidationError(_("Please answer this question."))


def refusal(problem: InvalidValue) -> str:
    """Why an answer cannot be kept, in the respondent's language."""
    details = problem.details
    if problem.kind == "too_long":
        return _("This answer is %(length)s characters long; the limit is %(limit)s.", **details)
    if problem.kind == "nul":
        return _("This answer contains a NUL character, which cannot be stored.")
    if problem.kind == "control":
        return _("This answer contains characters that cannot be stored, such as control "
                 "characters.")
    if problem.kind == "outside":
        return _("This answer %(value)s is outside the scale %(low)s to %(high)s.", **details)
    if problem.kind == "not_number":
        return _("This answer '%(value)s' is not a number from %(low)s to %(high)s.", **details)
    if problem.kind == "not_option":
        return _("This answer '%(value)s' is not one of: %(allowed)s.", **details)
    return _("This answer is not one of the choices offered.")


def section_questions(section: Section, side: str, wording: dict[str, str],
                      contacts: list[Contact]) -> list[Question]:
    """The page's questions in order; vendor power-map items repeat once per customer contact."""
    items = section.items_for(side)
    if side == "vendor":
        mapped = [i for i in items if i.is_power_map]
        items = tuple(i for i in items if not i.is_power_map)
    out = [Question(i.id, i, render_wording(i.wording(side), **wording)) for i in items]
    if side == "vendor":
        for contact in contacts:
            out.extend(
                Question(power_map_field(contact.id, item), item,
                         render_wording(item.mirror, contact=contact.name, **wording), contact)
                for item in mapped)
    return out


def power_map_field(contact_id: int, item: Item) -> str:
    kind = "support" if item.role == "stance_support" else "influence"
    return f"pm_{contact_id}_{kind}"


def build_form_class(questions: list[Question], wording: dict[str, str]) -> type[FlaskForm]:
    """A FlaskForm subclass with one field per question, validated by :class:`AnswerCheck`."""
    attrs: dict = {}
    for q in questions:
        validators = [AnswerCheck(q.item, about_contact=q.contact is not None)]
        if q.contact is not None:
            choices = [*choices_for(q.item, wording),
                       SelectChoice(DONT_KNOW, _("I don't know this person"))]
            attrs[q.name] = RadioField(q.text, choices=choices, validators=validators,
                                       validate_choice=False)
            continue
        if q.item.type == "open_text":
            field = TextAreaField(q.text, validators=validators,
                                  render_kw={"maxlength": q.item.max_length, "rows": 4})
        elif q.item.type == "multiple_choice":
            field = CheckboxesField(q.text, choices=choices_for(q.item, wording),
                                    validators=validators)
        else:
            field = RadioField(q.text, choices=choices_for(q.item, wording),
                               validators=validators, validate_choice=False)
        attrs[q.name] = field
    return type("SectionForm", (FlaskForm,), attrs)

