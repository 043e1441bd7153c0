"""Small translation fixtures written by the tests themselves (the shipped ones are 15b's)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from vocgap.instruments import load_instrument, parse_instrument
from vocgap.instruments.translation_sheet import companion_yaml
from vocgap.instruments.translations import companion_path, source_texts

from .conftest import ROOT

PREFIX = {"de": "DE:", "fr": "FR:", "es": "ES:", "ar": "AR:", "it": "IT:"}


def pseudo(language: str, text: str) -> str:
    """A recognisable stand-in translation that keeps the text's placeholders."""
    return f"{PREFIX.get(language, language.upper() + ':')} {text}"


def declare(path: Path, languages: list[str]) -> None:
    """Make the instrument file at ``path`` declare exactly these languages."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^languages: .*\n", "", text)
    text = text.replace('\nversion: ', f"\nlanguages: [{', '.join(languages)}]\nversion: ", 1)
    path.write_text(text, encoding="utf-8")


def write_translation(path: Path, language: str, drop: tuple[str, ...] = (),
                      replace: dict[str, str] | None = None) -> Path:
    """Write a complete pseudo-translation of the instrument at ``path``, less ``drop``."""
    instrument = parse_instrument(path.read_text(encoding="utf-8"), str(path))
    texts = {k: pseudo(language, v) for k, v in source_texts(instrument).items()
             if k not in drop}
    texts.update(replace or {})
    target = companion_path(path, instrument.id, language)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(companion_yaml(instrument, language, texts), encoding="utf-8")
    return target


def translated_surveys(folder: Path, languages=("en", "de", "ar")) -> Path:
    """A copy of the shipped surveys, each declaring ``languages`` with pseudo-translations."""
    shutil.copytree(ROOT / "surveys", folder, dirs_exist_ok=True)
    shutil.rmtree(folder / "translations", ignore_errors=True)
    for path in sorted(folder.glob("*.yaml")):
        declare(path, list(languages))
        for language in languages[1:]:
            write_translation(path, language)
        assert not load_instrument(path).translation_problems
    return folder
