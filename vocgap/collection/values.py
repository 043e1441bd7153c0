"""Stored answers both ways: a raw answer (form field, CSV cell) in, and back as a person saw it.

Encoding (:func:`coerce_value`) and decoding (:func:`form_value`, :func:`value_label`,
:func:`option_value`) sit side by side so that a change to how values are stored changes both.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from ..instruments.loader import render_wording
from ..instruments.model import DONT_KNOW_LABEL, Item

DONT_KNOW = "dk"  # the form value of the "don't know" choice
DONT_KNOW_PERSON = "I don't know this person"  # a power-map rater's "don't know"
DONT_KNOW_WORDS = {DONT_KNOW, "don't know", "dont know", "n/a", "na", "not applicable",
                   DONT_KNOW_LABEL.lower()}


@dataclass(frozen=True)
class StoredValue:
    """The three columns of an Answer row."""

    value_num: float | None = None
    value_text: str | None = None
    dont_know: bool = False


class InvalidValue(ValueError):
    """A value that the item cannot take; the message says what would be accepted.

    ``kind`` and ``details`` let a survey page say the same in the respondent's language.
    """

    def __init__(self, message: str, kind: str = "", **details: object):
        super().__init__(message)
        self.kind, self.details = kind, details


def clean_text(raw: str, limit: int) -> str:
    """Reject NUL and other control characters that no person types, and oversized text."""
    if "\x00" in raw:
        raise InvalidValue("contains a NUL character", "nul")
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in raw):
        raise InvalidValue("contains control characters", "control")
    text = raw.replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise InvalidValue(f"is {len(text)} characters long; the limit is {limit}", "too_long",
                           length=len(text), limit=limit)
    return text


def coerce_value(item: Item, raw: object, *, labels: bool = True) -> StoredValue | None:
    """Validate one answer for ``item``; None means "not answered".

    Numbers, option values and (with ``labels``) scale or option labels such as "Strongly agree"
    are accepted, so exports from survey tools can be read without recoding.
    """
    if raw is None:
        return None
    if isinstance(raw, list):
        return _multiple(item, [str(r) for r in raw])
    text = clean_text(str(raw), item.max_length if item.type == "open_text" else 200)
    if text == "":
        return None
    if item.type == "open_text":
        return StoredValue(value_text=text)
    if item.type == "multiple_choice":
        parts = json.loads(text) if text.startswith("[") else [p for p in text.split(";")]
        return _multiple(item, [str(p).strip() for p in parts if str(p).strip()])
    if item.scale is not None:
        return _scaled(item, text, labels)
    return _choice(item, text, labels)


def _scaled(item: Item, text: str, labels: bool) -> StoredValue:
    scale = item.scale
    assert scale is not None
    if text.lower() in DONT_KNOW_WORDS or (
        scale.dont_know and text.lower() == scale.dont_know.lower()
    ):
        if not scale.dont_know:
            raise InvalidValue("has no \"don't know\" option")
        return StoredValue(dont_know=True)
    if labels:
        for point, label in scale.labels.items():
            if text.lower() == label.lower():
                return StoredValue(value_num=float(point))
    try:
        number = float(text)
    except ValueError:
        raise InvalidValue(
            f"'{text[:40]}' is not a number from {scale.min} to {scale.max}", "not_number",
            value=text[:40], low=scale.min, high=scale.max,
        ) from None
    if not math.isfinite(number) or number != int(number) or not (
        scale.min <= number <= scale.max
    ):
        raise InvalidValue(f"{text[:40]} is outside the scale {scale.min} to {scale.max}",
                           "outside", value=text[:40], low=scale.min, high=scale.max)
    return StoredValue(value_num=float(int(number)))


def _choice(item: Item, text: str, labels: bool) -> StoredValue:
    option = item.option(text)
    if option is None and labels:
        option = next((o for o in item.options if o.label.lower() == text.lower()), None)
    if option is None and item.ordinal:
        option = next((o for o in item.options if o.score is not None and _number(text) == o.score),
                      None)
    if option is None:
        allowed = ", ".join(o.value for o in item.options)
        raise InvalidValue(f"'{text[:40]}' is not one of: {allowed}", "not_option",
                           value=text[:40], allowed=allowed)
    score = float(option.score) if option.score is not None and item.is_numeric else None
    return StoredValue(value_num=score, value_text=option.value)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _multiple(item: Item, values: list[str]) -> StoredValue | None:
    if item.type != "multiple_choice":
        raise InvalidValue("takes one value, not several")
    chosen = []
    for value in values:
        stored = _choice(item, clean_text(value, 200), True)
        if stored.value_text in chosen:
            raise InvalidValue(f"'{stored.value_text}' is chosen twice")
        chosen.append(stored.value_text)
    if not chosen:
        return None
    order = [o.value for o in item.options]
    return StoredValue(value_text=json.dumps(sorted(chosen, key=order.index)))


def choice_labels(item: Item, wording: dict[str, str]) -> dict[str, str]:
    """Each value a form or file may give the item, with the label a person sees for it."""
    if item.scale is not None:
        out = {str(p): item.scale.label(p) for p in item.scale.points}
        if item.scale.dont_know:
            out[DONT_KNOW] = item.scale.dont_know
        return out
    return {o.value: render_wording(o.label, **wording) for o in item.options}


def form_value(stored: StoredValue) -> str | list[str] | None:
    """The form field value a stored answer came from, so a page re-opens exactly as left."""
    if stored.dont_know:
        return DONT_KNOW
    if stored.value_text is not None and stored.value_text.startswith("[") and (
        stored.value_num is None
    ):
        return json.loads(stored.value_text)
    if stored.value_text is not None:
        return stored.value_text
    if stored.value_num is not None:
        return str(int(stored.value_num))
    return None


def value_label(item: Item, value: float | None, text: str | None,
                wording: dict[str, str]) -> str:
    """How a stored answer reads to a person: the option or scale label, or the open text."""
    if item.type == "open_text":
        return text or ""
    labels = choice_labels(item, wording)
    if item.type == "multiple_choice":
        return "; ".join(labels.get(v, v) for v in json.loads(text or "[]"))
    if text is not None:
        return labels.get(text, text)
    if value is None or math.isnan(value):
        return DONT_KNOW_LABEL
    return labels.get(str(int(value)), str(value))


def option_value(item: Item | None, score: int) -> str:
    """The option a stored power-map score stands for (the score itself when none matches)."""
    option = next((o for o in item.options if o.score == score), None) if item else None
    return option.value if option else str(score)
