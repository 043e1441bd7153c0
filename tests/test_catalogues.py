"""The interface catalogues: every message translated, placeholders and markup kept, up to date."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from .conftest import ROOT

CATALOGUES = ROOT / "vocgap" / "translations"
SHIPPED = ("de", "fr", "es", "ar")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
TAG = re.compile(r"</?[a-z][^>]*>")


def template():
    with open(CATALOGUES / "messages.pot", "rb") as f:
        return read_po(f)


def catalogue(language: str):
    with open(CATALOGUES / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=language)


def messages(language: str):
    """(forms of msgid, forms of msgstr) for every message of the language's catalogue."""
    for message in catalogue(language):
        if message.id:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            yield ids, strings


def names(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("language", SHIPPED)
def test_every_message_of_the_template_is_translated(language):
    """Does the catalogue translate every msgid of messages.pot, with no fuzzy or empty entry?"""
    translated = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalogue(language)
                  if m.id}
    missing, fuzzy, empty = [], [], []
    for message in template():
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        found = translated.get(key)
        if found is None:
            missing.append(key)
        elif found.fuzzy:
            fuzzy.append(key)
        elif not all(found.string if isinstance(found.string, tuple) else (found.string,)):
            empty.append(key)
    assert not missing, f"[{language}] not in the catalogue: {missing}"
    assert not fuzzy, f"[{language}] still fuzzy: {fuzzy}"
    assert not empty, f"[{language}] untranslated: {empty}"
    assert not catalogue(language).fuzzy, f"[{language}] the catalogue header is marked fuzzy"


@pytest.mark.parametrize("language", SHIPPED)
def test_placeholders_and_markup_are_kept(language):
    """Does every translation use exactly the source's %(name)s placeholders and HTML tags?

    A plural form may leave out %(count)s where the language names the number in words
    (Arabic "حسابان", two accounts); every other placeholder must be in every form.
    """
    problems = []
    for ids, strings in messages(language):
        expected = set().union(*(names(i) for i in ids))
        for index, text in enumerate(strings):
            found = names(text)
            optional = {"count"} if len(ids) > 1 else set()
            if found - expected or expected - optional - found:
                problems.append(f"{ids[0]!r} form {index}: {sorted(found)} vs {sorted(expected)}")
            if sorted(TAG.findall(text)) != sorted(TAG.findall(ids[min(index, len(ids) - 1)])):
                problems.append(f"{ids[0]!r} form {index}: markup differs: {text!r}")
            try:
                text % {name: "x" for name in expected}
            except (KeyError, ValueError, TypeError) as exc:
                problems.append(f"{ids[0]!r} form {index}: does not format ({exc!r})")
    assert not problems, f"[{language}]\n" + "\n".join(problems)


@pytest.mark.parametrize("language", SHIPPED)
def test_plural_messages_have_every_form_the_language_needs(language):
    """Has each plural message as many forms as the language's plural rule (Arabic: six)?"""
    po = catalogue(language)
    plural = [(m.id[0], len(m.string)) for m in po if m.id and isinstance(m.id, tuple)]
    assert plural, "no plural messages: is ngettext extracted with both arguments?"
    wrong = [(msgid, count) for msgid, count in plural if count != po.num_plurals]
    assert not wrong, f"[{language}] expected {po.num_plurals} forms: {wrong}"
    assert po.num_plurals == {"ar": 6}.get(language, 2)


def test_the_template_holds_every_message_in_the_code(tmp_path):
    """Is messages.pot up to date with the code and templates (run `make translations` if not)?"""
    fresh = tmp_path / "messages.pot"
    CommandLineInterface().run([
        "pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_", "-k", "gettext",
        "-k", "ngettext:1,2", "-k", "lazy_gettext", "-o", str(fresh), str(ROOT)])
    with open(fresh, "rb") as f:
        in_code = {m.id for m in read_po(f) if m.id}
    shipped = {m.id for m in template() if m.id}
    assert in_code - shipped == set(), "new interface text not in messages.pot"
    assert shipped - in_code == set(), "messages.pot holds text the code no longer uses"


def test_french_typography_uses_no_break_spaces():
    """Do French messages put a no-break space, never a plain one, before ? ! : ; and »?"""
    plain = [strings for _, strings in messages("fr")
             if any(re.search(r" [?!:;»]|« ", text) for text in strings)]
    assert not plain, plain


def test_compiled_catalogues_translate_at_runtime(app):
    """Does Flask-Babel serve the catalogues: German, French, Spanish and Arabic by locale?"""
    from flask_babel import force_locale, gettext, ngettext

    expected = {"de": "Speichern und weiter", "fr": "Enregistrer et continuer",
                "es": "Guardar y continuar", "ar": "احفظ وتابع"}
    with app.test_request_context():
        for language, text in expected.items():
            with force_locale(language):
                assert gettext("Save and continue") == text
                assert ngettext("%(count)s account left", "%(count)s accounts left", 3,
                                count=3) != "3 accounts left"
        with force_locale("ar"):
            assert ngettext("%(count)s account left", "%(count)s accounts left", 2,
                            count=2) == "يتبقى حسابان"
    assert Path(CATALOGUES / "de" / "LC_MESSAGES" / "messages.mo").exists()


def test_each_app_loads_its_own_catalogues(app_config, tmp_path):
    """Does a second app translate from its own catalogues, not from those an earlier app in the
    same process loaded (Flask-Babel keeps its cache on the shared Babel object)?"""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from flask_babel import force_locale, gettext

    from vocgap import create_app

    override = Catalog(locale="de", domain="messages")
    override.add("Save and continue", "Weiter (eigener Katalog)")
    folder = tmp_path / "own" / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "messages.mo", "wb") as handle:
        write_mo(handle, override)
    first = create_app({**app_config, "BABEL_TRANSLATION_DIRECTORIES":
                        f"{CATALOGUES};{tmp_path / 'own'}"})
    with first.test_request_context(), force_locale("de"):
        assert gettext("Save and continue") == "Weiter (eigener Katalog)"
    second = create_app(app_config)
    with second.test_request_context(), force_locale("de"):
        assert gettext("Save and continue") == "Speichern und weiter"
