"""The portfolio object of the result, built from per-account frames by one function that both
editions call: the vendor edition passes it only what it shows (see ``confidentiality``)."""

from __future__ import annotations

import pandas as pd

from ..instruments import Instrument
from . import portfolio
from .codes import FEW_ACCOUNTS, TOO_FEW_ACCOUNTS


def records(frame: pd.DataFrame) -> list[dict]:
    """A frame as a list of plain row dicts."""
    return frame.to_dict(orient="records")


def summarise(gaps: pd.DataFrame, superior: pd.DataFrame, stages: pd.DataFrame,
              scored: pd.DataFrame, instrument: Instrument,
              trend: pd.DataFrame) -> dict:
    """Paired tests per dimension and item, the Bain-literal headline, stage agreement, the
    ranking, reliability and trend; Holm over the dimension and headline claims (METHODS §4).

    Returns
    -------
    dict
        ``accounts_compared, note, dimensions, items, bain_literal, stage_agreement, ranking,
        reliability, trend, trend_by_dimension`` as documented in docs/analysis-schema.md.
    """
    n_accounts = int(gaps.loc[gaps["gap"].notna(), "account"].nunique())
    dims = portfolio.paired_by_dimension(gaps)
    bain = portfolio.bain_literal(superior)
    stage_summary = portfolio.stage_agreement(stages)
    claims = {f"dimension:{u}": p for u, p in zip(dims["unit"], dims["p_value"], strict=True)}
    claims["headline:bain_literal"] = bain["p_value"]
    claims["headline:respondent_analogue"] = bain["respondent_p_value"]
    claims["headline:stage_sign_test"] = _number(stage_summary.get("sign_test_p"))
    adjusted = portfolio.holm(claims)
    dims["p_holm"] = [adjusted[f"dimension:{u}"] for u in dims["unit"]]
    bain["p_holm"] = adjusted["headline:bain_literal"]
    bain["respondent_p_holm"] = adjusted["headline:respondent_analogue"]
    if stage_summary.get("accounts"):
        stage_summary["sign_test_p_holm"] = adjusted["headline:stage_sign_test"]
    return {
        "accounts_compared": n_accounts,
        "note": _note(n_accounts),
        "dimensions": records(dims),
        "items": records(portfolio.paired_by_item(gaps)),
        "bain_literal": bain,
        "stage_agreement": stage_summary,
        "ranking": records(portfolio.account_ranking(gaps)),
        "reliability": records(portfolio.reliability(scored, instrument)),
        "trend": records(trend),
        "trend_by_dimension": records(trend.groupby("unit", observed=True)[
            ["gap", "previous_gap", "change"]].mean().reset_index()) if len(trend) else [],
    }


def _number(value) -> float:
    return float("nan") if value is None else float(value)


def _note(n: int) -> str | None:
    if n < portfolio.MIN_ACCOUNTS:
        return TOO_FEW_ACCOUNTS
    if n < portfolio.RECOMMENDED_ACCOUNTS:
        return FEW_ACCOUNTS
    return None
