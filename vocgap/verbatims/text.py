"""Words of a verbatim in its own language: lower-cased, stop words removed, stemmed.

Stop words come from the ``stop-words`` package's lists and stems from Snowball
(``snowballstemmer``), both offline and available for the same set of European and other
languages; a language either lacks is tokenised without that step rather than with English rules.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Snowball's algorithm names for ISO 639-1 codes; both packages cover these languages.
SNOWBALL = {"ar": "arabic", "ca": "catalan", "cs": "czech", "da": "danish", "de": "german",
            "el": "greek", "en": "english", "es": "spanish", "eu": "basque", "fi": "finnish",
            "fr": "french", "hi": "hindi", "hu": "hungarian", "id": "indonesian", "it": "italian",
            "lt": "lithuanian", "nb": "norwegian", "nl": "dutch", "no": "norwegian",
            "pl": "polish", "pt": "portuguese", "ro": "romanian", "ru": "russian",
            "sr": "serbian", "sv": "swedish", "ta": "tamil", "tr": "turkish", "ga": "irish",
            "hy": "armenian", "ne": "nepali"}
# Letters and digits (any script), with inner apostrophes or hyphens kept: "don't", "e-mail".
WORD = re.compile(r"[^\W_](?:[^\W_]|['’\-](?=[^\W_]))*", re.UNICODE)
MIN_LENGTH = 2
# Elided articles and pronouns at the front of a word ("l'équipe", "dell'ufficio", "qu'ils").
ELISION = re.compile(r"^(?:[cdjlmnst]|qu|dell|all|dall|nell|sull)['’]", re.IGNORECASE)


@dataclass(frozen=True)
class Verbatim:
    """One free-text answer as the theme code sees it: an id, its language and its text."""

    id: int
    text: str
    language: str = "en"


def language_family(code: str | None) -> str:
    """The base language of a tag: 'de-CH' → 'de', '' or None → 'en' (the source language)."""
    base = (code or "en").replace("_", "-").split("-")[0].strip().lower()
    return base or "en"


@lru_cache(maxsize=64)
def stop_words(language: str) -> frozenset[str]:
    """The packaged stop-word list of a language (empty when none ships), accents as typed."""
    from stop_words import LANGUAGE_MAPPING, get_stop_words

    if language not in LANGUAGE_MAPPING:
        return frozenset()
    return frozenset(_fold(w) for w in get_stop_words(language))


@lru_cache(maxsize=64)
def _stemmer(language: str):
    import snowballstemmer

    name = SNOWBALL.get(language)
    return snowballstemmer.stemmer(name) if name else None


def _fold(word: str) -> str:
    return unicodedata.normalize("NFC", word.lower().replace("’", "'"))


def words(text: str, language: str) -> list[str]:
    """The content words of ``text``, lower-cased, without stop words, elisions or numbers."""
    stops = stop_words(language)
    out = []
    for match in WORD.finditer(_fold(text or "")):
        word = ELISION.sub("", match.group(0))
        if len(word) < MIN_LENGTH or word in stops or word.isdigit():
            continue
        out.append(word)
    return out


@lru_cache(maxsize=200_000)
def _stem(word: str, language: str) -> str:
    stemmer = _stemmer(language)
    return stemmer.stemWord(word) if stemmer is not None else word


def tokens(text: str, language: str) -> list[str]:
    """Stemmed content words: the terms theme proposal and coding count."""
    return [_stem(word, language) for word in words(text, language)]


def surface_forms(verbatims: list[Verbatim]) -> dict[str, str]:
    """For each stem, the word most often written for it (ties: alphabetical), for theme names."""
    seen: dict[str, dict[str, int]] = {}
    for verbatim in verbatims:
        language = language_family(verbatim.language)
        for word in words(verbatim.text, language):
            stem = _stem(word, language)
            forms = seen.setdefault(stem, {})
            forms[word] = forms.get(word, 0) + 1
    return {stem: min(forms, key=lambda w: (-forms[w], len(w), w))
            for stem, forms in seen.items()}


def free_text_tokens(text: str, languages: list[str]) -> list[str]:
    """Tokens of consultant-typed text (keywords, example phrases) whose language is not
    recorded: stemmed in each of the study's languages, so a keyword matches answers in any."""
    out: list[str] = []
    for language in sorted(set(languages)) or ["en"]:
        for token in tokens(text, language):
            if token not in out:
                out.append(token)
    return out
