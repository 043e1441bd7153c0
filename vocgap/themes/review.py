"""What the review list and the frame page show: verbatims with their codes, themes counted."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import Study, VerbatimCode
from ..verbatims.tone import Tone, tone
from .store import VerbatimRow, codes_by_answer, study_verbatims

PAGE_SIZE = 25
FILTERS = {"unreviewed": "Not yet reviewed", "suggested": "With suggestions to review",
           "uncoded": "Without any theme", "reviewed": "Reviewed", "all": "All"}


@dataclass
class ReviewItem:
    """One verbatim on the review list, its codes by theme id and its tone hint."""

    row: VerbatimRow
    codes: dict[int, VerbatimCode]
    tone: Tone | None

    @property
    def reviewed(self) -> bool:
        return bool(self.codes) and all(c.confirmed for c in self.codes.values())

    @property
    def applied(self) -> set[int]:
        return {t for t, c in self.codes.items() if c.applies}


@dataclass
class ReviewPage:
    """One page of the filtered list, and how many verbatims the filter holds in all."""

    items: list[ReviewItem] = field(default_factory=list)
    number: int = 1
    pages: int = 1
    total: int = 0
    reviewed: int = 0
    verbatims: int = 0


def _keep(item: ReviewItem, show: str) -> bool:
    if show == "reviewed":
        return item.reviewed
    if show == "unreviewed":
        return not item.reviewed
    if show == "suggested":
        return not item.reviewed and bool(item.applied)
    if show == "uncoded":
        return not item.applied
    return True


def review_page(study: Study, show: str, number: int) -> ReviewPage:
    """The verbatims a filter selects, ``PAGE_SIZE`` a page, in id order."""
    show = show if show in FILTERS else "unreviewed"
    grouped = codes_by_answer(study)
    rows = study_verbatims(study)
    items = [ReviewItem(row, {c.theme_id: c for c in grouped.get(row.id, [])}, None)
             for row in rows]
    reviewed = sum(1 for item in items if item.reviewed)
    chosen = [item for item in items if _keep(item, show)]
    pages = max(1, -(-len(chosen) // PAGE_SIZE))
    number = min(max(1, number), pages)
    page = chosen[(number - 1) * PAGE_SIZE: number * PAGE_SIZE]
    for item in page:
        item.tone = tone(item.row.text, item.row.language)
    return ReviewPage(page, number, pages, len(chosen), reviewed, len(items))


def theme_counts(study: Study) -> dict[int, dict[str, int]]:
    """Per theme: verbatims it applies to per side, and how many of those are confirmed."""
    sides = {row.id: row.side for row in study_verbatims(study)}
    out: dict[int, dict[str, int]] = {}
    for answer_id, codes in codes_by_answer(study).items():
        for code in codes:
            if not code.applies or answer_id not in sides:
                continue
            counts = out.setdefault(code.theme_id, {"customer": 0, "vendor": 0,
                                                    "confirmed": 0})
            counts[sides[answer_id]] += 1
            counts["confirmed"] += int(code.confirmed)
    return out
