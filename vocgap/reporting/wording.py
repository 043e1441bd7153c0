"""Words for the codes the analysis returns (``vocgap.analysis.codes``), in one place so that pages
and PDFs say the same thing and a translation has one catalogue to replace."""

from __future__ import annotations

from ..analysis import codes

WORDS = {
    codes.OK: "ok",
    codes.THIN: "thin: one respondent on a side",
    codes.INSUFFICIENT_DATA: "insufficient data: a side has no usable answer",
    codes.COUNTS_ONLY: "counts only: fewer than {min_group} respondents on a side",
    codes.UNANIMOUS: "unanimous on both sides",
    codes.TOO_FEW_FOR_INTERVAL: "too few responses for an interval",
    codes.TOO_FEW_TO_TEST: "too few responses to test",
    codes.ITEM_NOT_TESTED: "items: effect size only",
    codes.BELOW_MIN_GROUP: "confidential: fewer than {min_group} answers",
    codes.TOO_FEW_ACCOUNTS: "portfolio tests need at least 6 accounts before p < .05 is "
                            "possible, so none is shown",
    codes.FEW_ACCOUNTS: "portfolio tests are possible but weak (10 or more accounts advised)",
    codes.TOO_FEW_RESPONDENTS: "fewer than 30 complete respondents",
    codes.OVER_ESTIMATION: "over-estimation",
    codes.UNDER_ESTIMATION: "under-estimation",
    codes.AGREEMENT: "agreement",
    codes.SUPPORTED: "supported",
    codes.INDICATIVE: "indicative",
    codes.BLIND_SPOT: "blind spot",
    codes.HIDDEN_STRENGTH: "hidden strength",
    codes.SHARED_STRENGTH: "shared strength",
    codes.SHARED_WEAKNESS: "shared weakness",
    codes.CONCENTRATE_HERE: "Concentrate here",
    codes.KEEP_UP: "Keep up the good work",
    codes.LOW_PRIORITY: "Low priority",
    codes.POSSIBLE_OVERKILL: "Possible overkill",
}


def words(code: str | None, min_group: int | None = None) -> str:
    """The reader's words for an analysis code; a dash for none, the code itself if unknown."""
    if not code:
        from .formatting import DASH  # formatting registers these filters: import it late

        return DASH
    text = WORDS.get(code, code.replace("_", " "))
    return text.format(min_group=min_group if min_group is not None else "the minimum")


def dominance(row: dict) -> str:
    """Pair counts in words: "vendor higher in 31 of 35 pairs, lower in 0"."""
    total, higher, lower = (row.get(k) for k in ("pairs_total", "pairs_higher", "pairs_lower"))
    if not total or higher is None or lower is None:
        return ""
    return f"vendor higher in {higher} of {total} pairs, lower in {lower}"


def category_counts(counts: dict | None) -> str:
    """Answers per category and side, shown where a gate leaves no statistic: "V 4×2, 5×1 · C …"."""
    if not counts:
        return ""
    parts = []
    for side, letter in (("vendor", "V"), ("customer", "C")):
        cells = counts.get(side) or []
        if cells:
            parts.append(letter + " " + ", ".join(
                f"{_value(c['value'])}×{c['count']}" for c in cells))
    return " · ".join(parts)


def _value(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


FILTERS = {"words": words, "dominance": dominance, "category_counts": category_counts}
