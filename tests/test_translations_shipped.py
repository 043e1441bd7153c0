"""The shipped instrument translations: complete, checked, faithful to the source's form."""

from __future__ import annotations

import re

import pytest

from vocgap.cli import main
from vocgap.instruments import load_instrument
from vocgap.instruments.translations import source_texts

from .conftest import ROOT

SURVEYS = ROOT / "surveys"
SHIPPED = {"b2b-relationship": ("de", "fr", "es"), "pulse": ("de", "fr", "es", "ar")}
# Words a language really shares with English; anything else equal to the source is untranslated.
SAME_AS_ENGLISH = {"Neutral", "Collaborative"}
# Informal address a formal B2B survey must not use (the respondent is "Sie", "vous", "usted").
INFORMAL = {"de": r"\b(du|dich|dir|dein\w*|euch|euer|eure\w*|ihr)\b",
            "fr": r"\b(tu|toi|ton|ta|tes|t['’])\b",
            "es": r"\b(tú|tu|tus|te|ti|vosotros|vuestr\w*)\b"}


def instruments():
    return [load_instrument(SURVEYS / f"{name}.yaml") for name in SHIPPED]


def translated_texts():
    """(instrument, language, key, source text, translation) for every shipped text."""
    for instrument in instruments():
        source = source_texts(instrument)
        for language in SHIPPED[instrument.id]:
            texts = instrument.translations[language]
            for key, text in source.items():
                yield instrument.id, language, key, text, texts.get(key)


def test_instrument_check_passes_for_every_shipped_translation(app):
    """Does `vocgap instrument check` accept every instrument with all its companion files?"""
    paths = sorted(str(p) for p in SURVEYS.glob("*.yaml"))
    result = app.test_cli_runner().invoke(main, ["instrument", "check", *paths])
    assert result.exit_code == 0, result.output
    for name, languages in SHIPPED.items():
        assert f"{name} v1.0" in result.output
        assert f"languages: en, {', '.join(languages)}" in result.output, result.output


def test_every_companion_file_belongs_to_a_declared_language():
    """Is every file in surveys/translations/ one the instruments declare, and none missing?"""
    present = {p.name for p in (SURVEYS / "translations").glob("*.yaml")}
    expected = {f"{name}.{lang}.yaml" for name, langs in SHIPPED.items() for lang in langs}
    assert present == expected
    for instrument in instruments():
        assert instrument.declared_languages == ("en", *SHIPPED[instrument.id])
        assert not instrument.translation_problems, instrument.translation_problems
        assert set(instrument.translations) == set(SHIPPED[instrument.id])


def test_no_text_is_left_in_english():
    """Is every text of every shipped language translated, not copied from the source?"""
    copied = [f"{name} [{lang}] {key}: {text!r}"
              for name, lang, key, text, translation in translated_texts()
              if translation is None or (translation == text and text not in SAME_AS_ENGLISH)]
    assert not copied, "\n".join(copied)


def test_placeholders_appear_as_often_as_in_the_source():
    """Does each translation name {vendor}, {account} and {contact} exactly as often as the source?

    The check compares the set of names; a wording that drops the second {vendor} of a sentence
    reads oddly once the name is filled in, so the shipped files are held to the count too.
    """
    def counts(text):
        return sorted(re.findall(r"\{(\w+)\}", text))

    wrong = [f"{name} [{lang}] {key}: {counts(text)} vs {counts(translation)}"
             for name, lang, key, text, translation in translated_texts()
             if counts(text) != counts(translation)]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("language", sorted(INFORMAL))
def test_respondents_are_addressed_formally(language):
    """Does no German, French or Spanish text slip into the informal "du", "tu" or "tú"?"""
    informal = re.compile(INFORMAL[language], re.IGNORECASE)
    found = [f"{name} {key}: {translation!r}"
             for name, lang, key, _, translation in translated_texts()
             if lang == language and informal.search(translation)]
    assert not found, "\n".join(found)


def test_language_typography():
    """French questions take a no-break space before ? : ; !, Spanish ones open with ¿."""
    problems = []
    for name, lang, key, _, translation in translated_texts():
        if lang == "fr" and re.search(r"[ \t][?:;!]", translation):
            problems.append(f"{name} [fr] {key}: a plain space before punctuation")
        if lang == "es" and "?" in translation and "¿" not in translation:
            problems.append(f"{name} [es] {key}: a question without ¿")
        if lang == "ar" and "?" in translation:
            problems.append(f"{name} [ar] {key}: a Latin ? instead of ؟")
    assert not problems, "\n".join(problems)


def test_pulse_shares_the_full_instruments_wording():
    """Where the pulse asks the full survey's question in the same English, is it translated the
    same way too, so that trends between a pulse and a full wave compare like with like?"""
    full, pulse = (load_instrument(SURVEYS / f"{name}.yaml") for name in SHIPPED)
    full_source, pulse_source = source_texts(full), source_texts(pulse)
    shared = [key for key, text in pulse_source.items()
              if key.startswith(("items.", "scales.", "dimensions.")) and key.endswith(
                  (".customer", ".mirror", ".name")) or ".labels." in key or "dont_know" in key
              if full_source.get(key) == text]
    assert len(shared) > 20
    different = [f"[{lang}] {key}" for lang in SHIPPED["b2b-relationship"] for key in shared
                 if pulse.translations[lang][key] != full.translations[lang][key]]
    assert not different, "\n".join(different)
