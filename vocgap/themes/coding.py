"""Proposing the frame and coding verbatims: suggestions never touch a consultant's decisions.

A code the consultant made or confirmed (``confirmed``) is final: re-running the suggestions
replaces only unconfirmed suggestions, and never suggests a theme the consultant decided on for
that verbatim, whichever way.
"""

from __future__ import annotations

import warnings

import sqlalchemy as sa

from ..extensions import db
from ..models import Study, Theme, User, VerbatimCode, utcnow
from ..verbatims import ThemeProfile, propose_themes, suggest_codes
from .store import codes_by_answer, coding_frame, study_themes, study_verbatims


class FrameNotEmpty(ValueError):
    """Proposing a frame would replace themes the consultant already has."""


def propose_frame(study: Study) -> list[Theme]:
    """Add proposed themes from the study's verbatims to an empty frame; returns them."""
    if study_themes(study):
        raise FrameNotEmpty("the study already has a coding frame: edit it, or delete its "
                            "themes to propose a new one")
    verbatims = [row.as_verbatim() for row in study_verbatims(study)]
    with warnings.catch_warnings():
        # NMF's iteration cap is a time bound here, not an error: the factors are still usable.
        from sklearn.exceptions import ConvergenceWarning

        warnings.simplefilter("ignore", ConvergenceWarning)
        proposed = propose_themes(verbatims)
    themes = [Theme(study_id=study.id, name=p.name, definition=p.definition,
                    examples="\n".join(p.examples), keywords=", ".join(p.keywords),
                    position=i) for i, p in enumerate(proposed)]
    db.session.add_all(themes)
    coding_frame(study).proposed_at = utcnow()
    db.session.flush()
    return themes


def _decided(study: Study) -> list[tuple[int, int, bool]]:
    """(verbatim id, theme id, applies) of every confirmed code of the study."""
    return [tuple(row) for row in db.session.execute(
        sa.select(VerbatimCode.answer_id, VerbatimCode.theme_id, VerbatimCode.applies)
        .join(Theme, Theme.id == VerbatimCode.theme_id)
        .where(Theme.study_id == study.id, VerbatimCode.confirmed.is_(True)))]


def profiles(study: Study, themes: list[Theme]) -> list[ThemeProfile]:
    """What each theme is matched on: its keywords, examples and confirmed verbatims."""
    confirmed: dict[int, list[int]] = {}
    for answer_id, theme_id, applies in _decided(study):
        if applies:
            confirmed.setdefault(theme_id, []).append(answer_id)
    return [ThemeProfile(t.id, t.keyword_list + [t.name], t.example_list,
                         sorted(confirmed.get(t.id, []))) for t in themes]


def suggest(study: Study) -> dict[str, int]:
    """Re-run the suggestions over every verbatim; decided codes stay exactly as they are."""
    themes = study_themes(study)
    rows = study_verbatims(study)
    if themes:
        db.session.execute(sa.delete(VerbatimCode).where(
            VerbatimCode.theme_id.in_([t.id for t in themes]),
            VerbatimCode.confirmed.is_(False)))
    decided = {(answer, theme) for answer, theme, _ in _decided(study)}
    now = utcnow()
    new = [{"answer_id": answer_id, "theme_id": theme_id, "source": "suggested",
            "confidence": confidence, "applies": True, "confirmed": False, "coded_at": now}
           for answer_id, theme_id, confidence in suggest_codes(
               [row.as_verbatim() for row in rows], profiles(study, themes))
           if (answer_id, theme_id) not in decided]
    if new:
        db.session.execute(sa.insert(VerbatimCode), new)
    coding_frame(study).suggested_at = now
    db.session.flush()
    db.session.expire_all()  # codes loaded before the bulk statements are stale now
    return {"verbatims": len(rows), "suggested": len(new), "kept": len(decided)}


def decide(study: Study, answer_id: int, theme_ids: set[int], user: User | None, *,
           grouped: dict[int, list[VerbatimCode]] | None = None) -> None:
    """The consultant's codes for one verbatim: these themes apply, every other theme does not.

    ``grouped`` (the study's codes by verbatim) saves a query per verbatim in bulk decisions."""
    themes = {t.id for t in study_themes(study)}
    unknown = theme_ids - themes
    if unknown:
        raise ValueError(f"themes {sorted(unknown)} are not in this study's frame")
    grouped = codes_by_answer(study) if grouped is None else grouped
    current = {c.theme_id: c for c in (grouped.get(answer_id) or [])}
    now = utcnow()
    for theme_id in sorted(themes):
        applies = theme_id in theme_ids
        code = current.get(theme_id)
        if code is None:
            if not applies:
                code = VerbatimCode(answer_id=answer_id, theme_id=theme_id, source="manual",
                                    applies=False)
            else:
                code = VerbatimCode(answer_id=answer_id, theme_id=theme_id, source="manual",
                                    applies=True)
            db.session.add(code)
        elif code.applies != applies or code.source == "manual":
            code.source, code.applies = "manual", applies
        # An accepted suggestion keeps its source and confidence: it is confirmed, not remade.
        code.confirmed = True
        code.coded_by_id = user.id if user is not None else None
        code.coded_at = now
    db.session.flush()


def accept(study: Study, answer_ids: list[int], user: User | None) -> int:
    """Confirm the suggested themes of these verbatims as they stand; returns how many."""
    accepted = 0
    grouped = codes_by_answer(study)
    for answer_id in answer_ids:
        codes = grouped.get(answer_id) or []
        if not codes or all(c.confirmed for c in codes):
            continue
        decide(study, answer_id, {c.theme_id for c in codes if c.applies}, user,
               grouped=grouped)
        accepted += 1
    return accepted
