"""Editing the frame: add, change (rename), merge, split and delete themes, keeping decisions.

Merging keeps every consultant decision that says a verbatim belongs to either theme; splitting
leaves the consultant's codes on the original theme (they were made for it) and lets the next
suggestion run place verbatims in the new one.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import Study, Theme, VerbatimCode
from .store import study_theme, study_themes

NAME_LIMIT = 120


class FrameError(ValueError):
    """An edit the frame cannot take, in words for the consultant."""


def _clean_name(study: Study, name: str, keep: Theme | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise FrameError("A theme needs a name.")
    if ";" in name:
        raise FrameError("A theme name cannot contain ';' (it separates themes in coded files).")
    if len(name) > NAME_LIMIT:
        raise FrameError(f"A theme name has at most {NAME_LIMIT} characters.")
    for theme in study_themes(study):
        if theme is not keep and theme.name.lower() == name.lower():
            raise FrameError(f"There is already a theme called '{theme.name}'.")
    return name


def _lines(text: str) -> str:
    return "\n".join(line.strip() for line in (text or "").splitlines() if line.strip())


def _keywords(text: str) -> str:
    seen: list[str] = []
    for word in (text or "").replace("\n", ",").split(","):
        word = " ".join(word.split())
        if word and word.lower() not in (w.lower() for w in seen):
            seen.append(word)
    return ", ".join(seen)[:1000]


def add_theme(study: Study, name: str, definition: str = "", examples: str = "",
              keywords: str = "") -> Theme:
    """A new theme at the end of the frame."""
    themes = study_themes(study)
    theme = Theme(study_id=study.id, name=_clean_name(study, name),
                  definition=(definition or "").strip()[:1000], examples=_lines(examples),
                  keywords=_keywords(keywords),
                  position=max((t.position for t in themes), default=-1) + 1)
    db.session.add(theme)
    db.session.flush()
    return theme


def change_theme(study: Study, theme: Theme, name: str, definition: str, examples: str,
                 keywords: str) -> Theme:
    """Rename a theme or change its definition, example phrases and keywords."""
    theme.name = _clean_name(study, name, keep=theme)
    theme.definition = (definition or "").strip()[:1000]
    theme.examples = _lines(examples)
    theme.keywords = _keywords(keywords)
    db.session.flush()
    return theme


def merge_themes(study: Study, source: Theme, target: Theme) -> Theme:
    """Fold ``source`` into ``target``: its codes, examples and keywords; ``source`` goes."""
    if source.id == target.id:
        raise FrameError("Choose two different themes to merge.")
    target_codes = {c.answer_id: c for c in target.codes}
    for code in list(source.codes):
        other = target_codes.get(code.answer_id)
        if other is None:
            code.theme = target
            continue
        if code.confirmed or other.confirmed:
            # A decision that the verbatim belongs to either theme holds; a bare suggestion
            # does not outweigh a decision against it.
            applies = (code.confirmed and code.applies) or (other.confirmed and other.applies)
            other.applies, other.confirmed = bool(applies), True
            if other.source != "manual" and (code.source == "manual" or not other.applies):
                other.source = "manual"
            other.coded_by_id = other.coded_by_id or code.coded_by_id
        else:
            other.applies = other.applies or code.applies
            other.confidence = max(other.confidence or 0, code.confidence or 0)
        source.codes.remove(code)  # an orphan now: deleted with the flush
    target.examples = _lines("\n".join(dict.fromkeys(target.example_list
                                                     + source.example_list)))
    target.keywords = _keywords(", ".join(target.keyword_list + source.keyword_list))
    db.session.flush()
    db.session.delete(source)
    db.session.flush()
    return target


def split_theme(study: Study, theme: Theme, name: str, definition: str,
                moved_examples: list[str], moved_keywords: list[str]) -> Theme:
    """A new theme taking the chosen example phrases and keywords of ``theme`` with it."""
    moved_examples = [e for e in theme.example_list if e in set(moved_examples)]
    moved_keywords = [k for k in theme.keyword_list if k in set(moved_keywords)]
    if not moved_examples and not moved_keywords:
        raise FrameError("Choose at least one example phrase or keyword for the new theme.")
    new = add_theme(study, name, definition, "\n".join(moved_examples),
                    ", ".join(moved_keywords))
    theme.examples = "\n".join(e for e in theme.example_list if e not in moved_examples)
    theme.keywords = ", ".join(k for k in theme.keyword_list if k not in moved_keywords)
    # Unconfirmed suggestions of the old theme were made for the old definition.
    db.session.execute(sa.delete(VerbatimCode).where(VerbatimCode.theme_id == theme.id,
                                                     VerbatimCode.confirmed.is_(False)))
    db.session.flush()
    db.session.expire(theme, ["codes"])
    return new


def delete_theme(study: Study, theme: Theme) -> None:
    """Remove a theme and its codes (every verbatim keeps its other themes)."""
    if study_theme(study, theme.id) is None:
        raise FrameError("That theme is not in this study's frame.")
    db.session.delete(theme)
    db.session.flush()
