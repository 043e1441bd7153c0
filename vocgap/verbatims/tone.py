"""Tone of a verbatim as a hint: VADER for English, nothing where no offline lexicon exists.

VADER (Hutto & Gilbert 2014) is a rule-based lexicon for English; its compound score runs from
−1 to +1 and its authors call ≥ 0.05 positive and ≤ −0.05 negative. Other languages get no tone
rather than English rules applied to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

POSITIVE = 0.05
NEGATIVE = -0.05
TONE_LANGUAGES = frozenset({"en"})


@dataclass(frozen=True)
class Tone:
    """A word for the tone and the compound score behind it."""

    label: str
    score: float


@lru_cache(maxsize=1)
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def tone(text: str, language: str) -> Tone | None:
    """The tone of an English verbatim; None for other languages or empty text."""
    from .text import language_family

    if language_family(language) not in TONE_LANGUAGES or not (text or "").strip():
        return None
    score = float(_analyzer().polarity_scores(text)["compound"])
    label = "positive" if score >= POSITIVE else "negative" if score <= NEGATIVE else "neutral"
    return Tone(label, round(score, 2))
