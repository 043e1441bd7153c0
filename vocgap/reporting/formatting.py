"""How numbers are printed, the same in the browser and in the PDF reports."""

from __future__ import annotations

import math

DASH = "—"


def num(value, digits: int = 2, signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return DASH
    text = f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"
    return text.replace("-", "−")


NBSP = "\u00a0"


def pvalue(value) -> str:
    """APA style: p = .015, p < .001; a dash when no p-value may be shown.

    The spaces are non-breaking so that a line never ends between "p =" and its number.
    """
    if value is None:
        return DASH
    if value < 0.001:
        return f"p{NBSP}<{NBSP}.001"
    return f"p{NBSP}={NBSP}" + f"{value:.3f}".lstrip("0")


def plural(count, singular: str, many: str | None = None) -> str:
    """'1 contact', '2 contacts', '0 contacts': the count and the right form, never 'contact(s)'."""
    word = singular if count == 1 else (many or singular + "s")
    return f"{count}{NBSP}{word}"


def pct(value, digits: int = 0) -> str:
    if value is None:
        return DASH
    return f"{100 * value:.{digits}f}%"


def label(value: str | None) -> str:
    return DASH if not value else value.replace("_", " ")


def text_direction(text: str) -> str:
    """'rtl' when the first strong character is Hebrew or Arabic, else 'ltr'."""
    import unicodedata

    for ch in text or "":
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


from .wording import FILTERS as WORDING  # noqa: E402  (codes in words, same filters)

FILTERS = {"num": num, "pvalue": pvalue, "pct": pct, "label": label,
           "text_direction": text_direction, "plural": plural, **WORDING}
