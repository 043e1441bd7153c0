"""Companion translation files: one per language beside the instrument, keyed by stable ids.

``surveys/translations/<instrument-id>.<language>.yaml`` holds, for one language, every text of
the instrument under the same ids the source uses (see docs/translations.md). Each text has a
*key*: its path in that file joined by dots, e.g. ``items.superior_experience.customer``; the
export/import spreadsheet uses the same keys. Problems name the file, line, item and language.
"""

from __future__ import annotations

import dataclasses
import json
import string
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .loader import InstrumentError, read_yaml
from .model import Instrument

TRANSLATIONS_DIR = "translations"
HEADER_KEYS = ("instrument", "language", "translated_from_version")
TEXT_SECTIONS = ("title", "description", "scales", "dimensions", "sections", "items")
# What a key's first two parts name in a message, e.g. items.x.customer -> "item 'x'".
WHAT = {"scales": "scale", "dimensions": "dimension", "sections": "section", "items": "item"}


def source_texts(instrument: Instrument) -> dict[str, str]:
    """Every non-empty text of the instrument by key (ends trimmed), in the order a translator
    reads them."""
    texts: dict[str, str] = {}

    def put(key: str, text: str | None) -> None:
        if text and text.strip():
            texts[key] = text.strip()

    put("title", instrument.title)
    put("description", instrument.description)
    for scale in instrument.scales.values():
        for point, label in scale.labels.items():
            put(f"scales.{scale.id}.labels.{point}", label)
        put(f"scales.{scale.id}.dont_know", scale.dont_know)
    for dim in instrument.dimensions:
        put(f"dimensions.{dim.id}.name", dim.name)
        put(f"dimensions.{dim.id}.description", dim.description)
    for section in instrument.sections:
        put(f"sections.{section.id}.title", section.title)
        put(f"sections.{section.id}.title_vendor", section.title_vendor)
        put(f"sections.{section.id}.intro_customer", section.intro_customer)
        put(f"sections.{section.id}.intro_vendor", section.intro_vendor)
    for item in instrument.items:
        if "customer" in item.sides:
            put(f"items.{item.id}.customer", item.customer)
        if "vendor" in item.sides:
            put(f"items.{item.id}.mirror", item.mirror)
        put(f"items.{item.id}.help", item.help)
        for option in item.options:
            put(f"items.{item.id}.options.{option.value}", option.label)
            put(f"items.{item.id}.option_descriptions.{option.value}", option.description)
    return texts


def companion_path(instrument_path: str | Path, instrument_id: str, language: str) -> Path:
    """Where the translation of an instrument into one language lives."""
    return Path(instrument_path).parent / TRANSLATIONS_DIR / f"{instrument_id}.{language}.yaml"


@dataclasses.dataclass(frozen=True)
class Companion:
    """One language's companion file as read: its name, its text (None if absent), or why not."""

    name: str
    text: str | None
    unreadable: str = ""


def read_companions(path: str | Path, instrument: Instrument) -> dict[str, Companion]:
    """Each declared or present language's companion file, read but not yet judged."""
    found: dict[str, Companion] = {}
    folder = Path(path).parent / TRANSLATIONS_DIR
    languages = [c for c in instrument.declared_languages if c != instrument.source_language]
    present = sorted(folder.glob(f"{instrument.id}.*.yaml")) if folder.is_dir() else []
    languages += [p.name[len(instrument.id) + 1:-len(".yaml")] for p in present]
    for language in dict.fromkeys(languages):
        file = companion_path(path, instrument.id, language)
        try:
            found[language] = Companion(str(file), file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            found[language] = Companion(str(file), None)
        except UnicodeDecodeError as exc:
            found[language] = Companion(str(file), None, f"not UTF-8 text ({exc.reason})")
    return found


def with_translations(instrument: Instrument, companions: Mapping[str, Companion]) -> Instrument:
    """The instrument carrying every usable translation, and every problem with any of them."""
    translations: dict[str, dict[str, str]] = {}
    sources: dict[str, str] = {}
    problems: list[str] = []
    for language, companion in companions.items():
        check = CompanionCheck(instrument, language, companion.name)
        texts = check.read(companion)
        problems.extend(check.problems)
        if texts is not None:
            translations[language] = texts
            sources[language] = companion.text or ""
    offered = (instrument.source_language,) + tuple(
        c for c in instrument.declared_languages if c in translations)
    return dataclasses.replace(instrument, translations=translations, languages=offered,
                               translation_sources=sources,
                               translation_problems=tuple(problems), _localized={})


def frozen_translations(instrument: Instrument) -> str:
    """What a wave stores: the companion files' text by language, as JSON."""
    return json.dumps(dict(instrument.translation_sources), ensure_ascii=False, sort_keys=True)


def thaw_translations(instrument: Instrument, frozen: str) -> Instrument:
    """The instrument with the translations a wave froze (see :func:`frozen_translations`)."""
    stored = json.loads(frozen or "{}")
    return with_translations(instrument, {
        language: Companion(f"<wave snapshot> {instrument.id}.{language}.yaml", text)
        for language, text in stored.items()})


class CompanionCheck:
    """Reads one companion file against its instrument, collecting every problem in it."""

    def __init__(self, instrument: Instrument, language: str, name: str):
        self.instrument, self.language, self.name = instrument, language, name
        self.problems: list[str] = []

    def fail(self, line: int, where: str, message: str) -> None:
        at = f"line {line}, " if line else ""
        self.problems.append(f"{self.name}: {at}{where} [{self.language}]: {message}")

    def read(self, companion: Companion) -> dict[str, str] | None:
        """The file's texts by key, or None when the language cannot be offered at all."""
        inst, text = self.instrument, companion.text
        if companion.unreadable:
            self.fail(0, "translation", companion.unreadable)
            return None
        if text is None:
            self.fail(0, "translation", "the instrument declares this language but the file "
                                        "does not exist")
            return None
        if self.language not in inst.declared_languages:
            self.fail(0, "translation", f"language not declared in the instrument's languages "
                                        f"({', '.join(inst.declared_languages)})")
            return None
        try:
            data = read_yaml(text, self.name)
        except InstrumentError as exc:
            self.problems.extend(f"{exc.path}: {p}" for p in exc.problems)
            return None
        if not isinstance(data, dict):
            self.fail(0, "translation", "the file must be a YAML mapping")
            return None
        if not self.header(data):
            return None
        texts = self.texts(data)
        self.completeness(data, texts)
        return {k: v for k, (v, _) in texts.items()}

    def header(self, data: dict) -> bool:
        """The file names its instrument, language and the version it translates."""
        inst, usable = self.instrument, True
        if str(data.get("instrument", "")) != inst.id:
            self.fail(data.line_of("instrument"), "translation",
                      f"instrument is '{data.get('instrument', '')}', expected '{inst.id}'")
            usable = False
        if str(data.get("language", "")) != self.language:
            self.fail(data.line_of("language"), "translation",
                      f"language is '{data.get('language', '')}' but the file name says "
                      f"'{self.language}'")
            usable = False
        version = data.get("translated_from_version")
        if version is None or str(version) != inst.version:
            self.fail(data.line_of("translated_from_version"), "translation",
                      f"translated_from_version is '{version or ''}' but the instrument is "
                      f"version '{inst.version}': review the changed texts, then update it")
        for key in data:
            if key not in HEADER_KEYS and key not in TEXT_SECTIONS:
                self.fail(data.line_of(key), "translation", f"unknown key '{key}'")
        return usable

    def texts(self, data: dict) -> dict[str, tuple[str, int]]:
        """Every text leaf by key with its line; a leaf that is not text is reported."""
        out: dict[str, tuple[str, int]] = {}
        for key, value, line in flatten({k: data[k] for k in TEXT_SECTIONS if k in data}, data):
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                self.fail(line, where_of(key), f"'{key}' must be text")
                continue
            out[key] = (str(value).strip(), line)
        return out

    def completeness(self, data: dict, texts: dict[str, tuple[str, int]]) -> None:
        """Every source text translated, nothing extra, and the same placeholders in each."""
        source = source_texts(self.instrument)
        for key, (text, line) in texts.items():
            if key not in source:
                self.fail(line, where_of(key), f"extra translation '{key}': the instrument has "
                                               "no such text")
                continue
            if not text.strip():
                self.fail(line, where_of(key), f"empty translation of '{key}'")
                continue
            expected, found = placeholder_names(source[key]), placeholder_names(text)
            if found is None:
                self.fail(line, where_of(key), f"'{key}': unbalanced braces in the translation")
            elif expected != found:
                self.fail(line, where_of(key), f"'{key}': placeholders {fmt(found)} do not "
                                               f"match the source's {fmt(expected)}")
        for key in source:
            if key not in texts:
                self.fail(nearest_line(data, key), where_of(key), f"missing translation of "
                                                                  f"'{key}'")


def flatten(node: Any, parent: Any, prefix: str = "") -> Iterator[tuple[str, Any, int]]:
    """(key, value, line) for every leaf of nested mappings, keys joined by dots."""
    for name, value in node.items():
        key = f"{prefix}{name}"
        line = parent.line_of(name) if hasattr(parent, "line_of") else 0
        if isinstance(value, dict):
            yield from flatten(value, value, key + ".")
        else:
            yield key, value, line


def nearest_line(data: Any, key: str) -> int:
    """The line of the deepest mapping on the key's path that the file has."""
    line, node = 0, data
    for part in key.split("."):
        if not isinstance(node, dict):
            break
        match = next((k for k in node if str(k) == part), None)
        if match is None:
            return line or node.line
        line, node = node.line_of(match), node[match]
    return line


def where_of(key: str) -> str:
    """The thing a key belongs to, as messages name it: item 'x', scale 'y' or the instrument."""
    parts = key.split(".")
    if parts[0] in WHAT and len(parts) > 1:
        return f"{WHAT[parts[0]]} '{parts[1]}'"
    return "instrument"


def fmt(names: frozenset[str]) -> str:
    return ", ".join("{" + n + "}" for n in sorted(names)) or "none"


def localize(instrument: Instrument, language: str) -> Instrument:
    """A copy of the instrument with every text in ``language``, the source's where none is."""
    texts = instrument.translations.get(language, {})

    def text(key: str, default: str | None) -> Any:
        return texts.get(key, default)

    scales = {
        sid: dataclasses.replace(
            scale,
            labels={p: text(f"scales.{sid}.labels.{p}", lab) for p, lab in scale.labels.items()},
            dont_know=text(f"scales.{sid}.dont_know", scale.dont_know))
        for sid, scale in instrument.scales.items()}
    dimensions = tuple(
        dataclasses.replace(d, name=text(f"dimensions.{d.id}.name", d.name),
                            description=text(f"dimensions.{d.id}.description", d.description))
        for d in instrument.dimensions)
    sections = tuple(
        dataclasses.replace(
            s,
            title=text(f"sections.{s.id}.title", s.title),
            title_vendor=text(f"sections.{s.id}.title_vendor", s.title_vendor),
            intro_customer=text(f"sections.{s.id}.intro_customer", s.intro_customer),
            intro_vendor=text(f"sections.{s.id}.intro_vendor", s.intro_vendor),
            items=tuple(_localize_item(i, scales, text) for i in s.items))
        for s in instrument.sections)
    return dataclasses.replace(
        instrument, title=text("title", instrument.title),
        description=text("description", instrument.description), scales=scales,
        dimensions=dimensions, sections=sections, text_language=language)


def _localize_item(item, scales, text):
    key = f"items.{item.id}"
    return dataclasses.replace(
        item,
        customer=text(f"{key}.customer", item.customer),
        mirror=text(f"{key}.mirror", item.mirror),
        help=text(f"{key}.help", item.help),
        scale=scales.get(item.scale.id) if item.scale is not None else None,
        options=tuple(
            dataclasses.replace(
                o, label=text(f"{key}.options.{o.value}", o.label),
                description=text(f"{key}.option_descriptions.{o.value}", o.description))
            for o in item.options))


def unflatten(texts: Mapping[str, str]) -> dict:
    """Nested mappings from dotted keys, in the order given (the inverse of :func:`flatten`)."""
    out: dict = {}
    for key, value in texts.items():
        node = out
        *parents, last = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[int(last) if last.lstrip("-").isdigit() and parents[-1:] == ["labels"]
             else last] = value
    return out


def placeholder_names(text: str) -> frozenset[str] | None:
    """The ``{names}`` a text uses, or None when its braces are unbalanced."""
    try:
        return frozenset(f for _, f, _, _ in string.Formatter().parse(text) if f is not None)
    except ValueError:
        return None
