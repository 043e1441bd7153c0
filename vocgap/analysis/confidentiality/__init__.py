"""Gate G1: the vendor edition, derived from the full (consultant) result in one place.

B2B studies promise customers confidentiality, not anonymity: the consultant sees everything
(marked confidential); the vendor sees a figure only when at least ``min_group`` people gave
an answer behind that figure ("don't know" does not count), and counts otherwise. Accounts with
a side below the minimum show counts only and are left out of every portfolio figure, which is
recomputed from the shown cells, so nothing hidden comes back by subtraction (see
docs/analysis-schema.md, "Vendor edition").
"""

from __future__ import annotations

from ..summary import summarise
from .comparisons import (
    shown_item_answers,
    vendor_categories,
    vendor_gaps,
    vendor_trend,
    withhold_thin_agreement,
)
from .gate import breakdown_shown, mark_hidden, too_small
from .headline import (
    fully_shown,
    vendor_priorities,
    vendor_recommend,
    vendor_stages,
    vendor_superior,
)
from .people import accuracy_by_function, power_map_counts, vendor_coverage, vendor_verbatims

__all__ = ["breakdown_shown", "too_small", "vendor_edition"]


def vendor_edition(full, min_group: int):
    """The vendor-facing ``Analysis`` of a consultant-edition result (which stays unchanged)."""
    from ..run import Analysis

    sources = full.sources
    if sources is None:
        raise ValueError("the vendor edition is derived from a fresh consultant result")
    counts = mark_hidden(full.counts, min_group)
    hidden = set(counts.loc[counts["confidential"], "account"])
    gaps = withhold_thin_agreement(
        vendor_gaps(full.gaps, sources.units, sources.unit_info, hidden, min_group),
        sources.scored, sources.instrument, min_group)
    superior = vendor_superior(full.superior, hidden, min_group)
    stages = vendor_stages(full.stages, hidden, min_group)
    scored = shown_item_answers(sources.scored, gaps, sources.instrument)
    trend = vendor_trend(gaps, sources.previous_gaps, sources.previous_counts, hidden,
                         min_group)
    recommend = vendor_recommend(full.recommend, hidden, min_group)
    return Analysis(
        meta={**full.meta, "edition": "vendor", "min_group": min_group},
        gaps=gaps, superior=superior,
        recommend=recommend,
        stages=stages,
        power_map=power_map_counts(full.power_map, hidden, min_group),
        coverage=vendor_coverage(full.coverage, hidden, min_group),
        priorities=vendor_priorities(sources, gaps, recommend, hidden, min_group),
        accuracy=accuracy_by_function(sources, gaps, min_group),
        verbatims=vendor_verbatims(full.verbatims, hidden),
        counts=counts,
        portfolio=summarise(gaps, fully_shown(superior), stages[stages["median"].notna()],
                            scored, sources.instrument, trend),
        categories=vendor_categories(full.categories, gaps),
        sources=None)
