"""Interface languages: Flask-Babel set-up, choosing a respondent's language, text direction.

Instrument texts are translated by companion files (``vocgap.instruments.translations``); the
interface (buttons, messages, e-mails, dates) by the gettext catalogues in
``vocgap/translations/<language>/LC_MESSAGES/``. The locale of a request is the language a view
chose and put on ``g.language`` (see :func:`use_language`); pages that choose none are English.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from flask import Flask, g, request
from flask_babel import Babel

from ..instruments.model import DEFAULT_LANGUAGE

CATALOGUES_DIR = Path(__file__).resolve().parent.parent / "translations"
# Scripts written right to left: Arabic, Hebrew, Persian, Urdu, Pashto, Sindhi, Yiddish, Dhivehi.
RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "ps", "sd", "yi", "dv"})
# Each language named in itself, as a language switch shows it.
NATIVE_NAMES = {
    "ar": "العربية", "da": "Dansk", "de": "Deutsch", "en": "English", "es": "Español",
    "fi": "Suomi", "fr": "Français", "he": "עברית", "it": "Italiano", "ja": "日本語",
    "nl": "Nederlands", "no": "Norsk", "pl": "Polski", "pt": "Português", "sv": "Svenska",
    "tr": "Türkçe", "zh": "中文",
}

babel = Babel()


def init_app(app: Flask) -> None:
    """Bind Flask-Babel with vocgap's catalogues and the per-request language."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    babel.init_app(app, locale_selector=current_language,
                   default_translation_directories=str(CATALOGUES_DIR))
    # Flask-Babel caches loaded catalogues in a Domain cached on the shared Babel object, keyed by
    # language only: drop it, so each app loads its own directories, not an earlier app's.
    vars(babel).pop("domain_instance", None)
    app.jinja_env.globals.update(text_direction=direction, language_name=native_name)
    app.context_processor(lambda: {"lang": current_language()})


def current_language() -> str:
    """The language of this request: the one a view chose, else the source language."""
    return g.get("language") or DEFAULT_LANGUAGE


def use_language(language: str) -> str:
    """Make ``language`` the language of the rest of this request (pages, messages, dates)."""
    g.language = language
    from flask_babel import refresh

    refresh()
    return language


def base_language(code: str) -> str:
    """The primary subtag: pt-BR and pt_BR -> pt."""
    return code.replace("_", "-").split("-")[0].lower()


def direction(code: str | None) -> str:
    """``rtl`` for languages written right to left, else ``ltr``."""
    return "rtl" if code and base_language(code) in RTL_LANGUAGES else "ltr"


def native_name(code: str) -> str:
    """The language's own name for itself (the code when vocgap does not know it)."""
    return NATIVE_NAMES.get(base_language(code), code)


def interface_languages() -> tuple[str, ...]:
    """Languages with an interface catalogue, English (the source) first."""
    found = sorted(p.name for p in CATALOGUES_DIR.iterdir()
                   if (p / "LC_MESSAGES" / "messages.po").is_file()) if CATALOGUES_DIR.is_dir() \
        else []
    return (DEFAULT_LANGUAGE, *[c for c in found if c != DEFAULT_LANGUAGE])


def report_languages() -> tuple[str, ...]:
    """Languages a report may be written in: those whose catalogue translates the reports.

    English only for now; a language joins when its catalogue carries the report headings and
    its name is added here (see docs/translations.md, "A new report language").
    """
    return (DEFAULT_LANGUAGE,)


def match_language(value: str, offered: Iterable[str]) -> str | None:
    """The offered language a consultant meant: a code in any case or spelling (de, DE, de-DE
    when only de is offered, pt_BR for pt-BR) or its own name (Deutsch); None if none."""
    wanted = value.strip().replace("_", "-").lower()
    offered = list(offered)
    for code in offered:
        if code.replace("_", "-").lower() == wanted or native_name(code).lower() == wanted:
            return code
    bases = [c for c in offered if base_language(c) == base_language(wanted)]
    return bases[0] if len(bases) == 1 else None


def browser_choice(offered: Iterable[str]) -> str | None:
    """The offered language the browser's Accept-Language prefers, matching pt-BR to pt too."""
    offered = list(offered)
    exact = {c.replace("_", "-").lower(): c for c in offered}
    bases = {base_language(c): c for c in reversed(offered)}
    for code, _quality in request.accept_languages:  # best first
        code = code.replace("_", "-").lower()
        if code in exact:
            return exact[code]
        if base_language(code) in bases:
            return bases[base_language(code)]
    return None


def choose_language(offered: tuple[str, ...], *, chosen: str | None = None,
                    preferred: str | None = None) -> str:
    """A respondent's language: the one they chose on the page, the one set for them, the
    browser's choice among those offered, or the first offered (the instrument's source)."""
    for code in (chosen, preferred):
        if code and code in offered:
            return code
    return browser_choice(offered) or offered[0]
