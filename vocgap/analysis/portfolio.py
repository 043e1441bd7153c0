"""Portfolio level, where the account is the unit: paired tests, Bain-literal headline, stages.

References
----------
Kerby, D. S. (2014). The simple difference formula: an approach to teaching nonparametric
correlation. Comprehensive Psychology 3.
Holm, S. (1979). A simple sequentially rejective multiple test procedure.
Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate.
Cohen, J. (1968). Weighted kappa. Psychological Bulletin 70.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.contingency_tables import SquareTable, mcnemar
from statsmodels.stats.inter_rater import cohens_kappa
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from .codes import BLIND_SPOT, HIDDEN_STRENGTH, TOO_FEW_ACCOUNTS, TOO_FEW_RESPONDENTS
from .effects import cronbach_alpha
from .exact import signed_rank_p

MIN_ACCOUNTS = 6  # n = 5 cannot reach p < .05 in a two-sided signed-rank test
RECOMMENDED_ACCOUNTS = 10
MIN_ALPHA_RESPONDENTS = 30


def matched_rank_biserial(d: np.ndarray) -> float:
    """Kerby's r = (T+ − T−)/(n(n+1)/2), ranking |d| over all pairs, zeros included."""
    d = np.asarray(d, dtype=float)
    if len(d) == 0:
        return float("nan")
    ranks = stats.rankdata(np.abs(d))
    return float((ranks[d > 0].sum() - ranks[d < 0].sum()) / (len(d) * (len(d) + 1) / 2))


def _wilcoxon(d: np.ndarray) -> float:
    """Signed-rank p on per-account gaps (``wilcoxon(d, zero_method='zsplit')``)."""
    if len(d) < MIN_ACCOUNTS or np.all(d == 0):
        return float("nan")
    return signed_rank_p(d)


def paired_by_dimension(gaps: pd.DataFrame) -> pd.DataFrame:
    """Per dimension: Wilcoxon signed-rank on per-account gaps, Kerby r, mean gap with t-CI."""
    rows = []
    dims = gaps[(gaps["kind"] == "dimension") & gaps["gap"].notna()]
    for unit, group in dims.groupby("unit", observed=True, sort=False):
        d = group["gap"].round(9).to_numpy()
        n = len(d)
        mean = float(d.mean())
        if n >= 2 and d.std(ddof=1) > 0:
            half = stats.t.ppf(0.975, n - 1) * d.std(ddof=1) / np.sqrt(n)
            low, high = mean - half, mean + half
        else:
            low = high = float("nan")
        rows.append({"unit": unit, "accounts": n, "mean_gap": mean, "ci_low": low,
                     "ci_high": high, "p_value": _wilcoxon(d),
                     "rank_biserial": matched_rank_biserial(d),
                     "share_vendor_higher": float((d > 0).mean()),
                     "share_equal": float((d == 0).mean()),
                     "share_vendor_lower": float((d < 0).mean())})
    return pd.DataFrame(rows, columns=["unit", "accounts", "mean_gap", "ci_low", "ci_high",
                                       "p_value", "rank_biserial", "share_vendor_higher",
                                       "share_equal", "share_vendor_lower"])


def paired_by_item(gaps: pd.DataFrame) -> pd.DataFrame:
    """Item family: signed-rank per item across accounts, Benjamini–Hochberg adjusted."""
    items = gaps[(gaps["kind"] == "item") & gaps["gap"].notna()]
    rows = []
    for unit, group in items.groupby("unit", observed=True, sort=False):
        d = group["gap"].round(9).to_numpy()
        rows.append({"unit": unit, "accounts": len(d), "mean_gap": float(d.mean()),
                     "p_value": _wilcoxon(d), "rank_biserial": matched_rank_biserial(d)})
    frame = pd.DataFrame(rows, columns=["unit", "accounts", "mean_gap", "p_value",
                                        "rank_biserial"])
    frame["p_adjusted"] = np.nan
    tested = frame["p_value"].notna()
    if tested.any():
        frame.loc[tested, "p_adjusted"] = stats.false_discovery_control(
            frame.loc[tested, "p_value"].to_numpy(), method="bh")
    return frame


def bain_literal(superior: pd.DataFrame) -> dict:
    """Share of accounts where most vendor staff vs most customers agree (McNemar, exact)."""
    both = superior[(superior["n_vendor"] > 0) & (superior["n_customer"] > 0)]
    n = len(both)
    v, c = both["vendor_majority"].astype(bool), both["customer_majority"].astype(bool)
    table = [[int((v & c).sum()), int((v & ~c).sum())], [int((~v & c).sum()),
                                                         int((~v & ~c).sum())]]
    p = float(mcnemar(table, exact=True).pvalue) if n >= MIN_ACCOUNTS else float("nan")
    delta = (both["share_vendor"] - both["share_customer"]).round(9).to_numpy()
    return {
        "accounts": n,
        "share_accounts_vendor_majority": float(v.mean()) if n else float("nan"),
        "share_accounts_customer_majority": float(c.mean()) if n else float("nan"),
        "table": table, "p_value": p,
        "respondent_mean_share_vendor": float(both["share_vendor"].mean()) if n else float(
            "nan"),
        "respondent_mean_share_customer": float(both["share_customer"].mean()) if n else float(
            "nan"),
        "respondent_p_value": _wilcoxon(delta),
    }


def stage_agreement(stages: pd.DataFrame) -> dict:
    """Linear-weighted κ on the 4×4 table of stages, direction of the gap and its sign test."""
    wide = stages.pivot(index="account", columns="side", values="median")
    if not {"vendor", "customer"} <= set(wide.columns):
        return {"accounts": 0}
    wide = wide.dropna(subset=["vendor", "customer"])
    n = len(wide)
    if n == 0:
        return {"accounts": 0}
    table = pd.crosstab(pd.Categorical(wide["vendor"].astype(int), categories=range(4)),
                        pd.Categorical(wide["customer"].astype(int), categories=range(4)),
                        dropna=False).to_numpy()
    ahead = int((wide["vendor"] > wide["customer"]).sum())
    behind = int((wide["vendor"] < wide["customer"]).sum())
    equal = n - ahead - behind
    out: dict = {"accounts": n, "table": table.tolist(), "ahead": ahead, "equal": equal,
                 "behind": behind}
    for name, k in (("ahead", ahead), ("equal", equal), ("behind", behind)):
        low, high = proportion_confint(k, n, method="wilson")
        out[f"share_{name}"] = k / n
        out[f"share_{name}_ci"] = [float(low), float(high)]
    if n < MIN_ACCOUNTS:  # G2 at portfolio level: no test or κ can mean anything yet
        return {**out, "note": TOO_FEW_ACCOUNTS, "sign_test_p": None, "kappa_linear": None,
                "kappa_linear_ci": None, "kappa_quadratic": None, "stuart_maxwell": None}
    out["note"] = None
    out["sign_test_p"] = float(stats.binomtest(ahead, ahead + behind).pvalue) if (
        ahead + behind) else float("nan")
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        # Sparse tables make Stuart–Maxwell's covariance singular: it is then reported as null.
        warnings.simplefilter("ignore")
        linear = cohens_kappa(table, wt="linear")
        quadratic = cohens_kappa(table, wt="quadratic")
        sm = SquareTable(table, shift_zeros=False).homogeneity()
    out["kappa_linear"] = float(linear.kappa)
    bounds = [float(linear.kappa_low), float(linear.kappa_upp)]
    # G3: an interval of zero width (no variance) is no interval.
    out["kappa_linear_ci"] = bounds if np.all(np.isfinite(bounds)) and bounds[0] < bounds[1] \
        else None
    out["kappa_quadratic"] = float(quadratic.kappa)
    out["stuart_maxwell"] = {"statistic": float(sm.statistic), "df": int(sm.df),
                             "p_value": float(sm.pvalue)}
    return out


def holm(claims: dict[str, float]) -> dict[str, float]:
    """Holm-adjusted p for the dimension and headline claims (NaN where nothing was tested)."""
    keys = [k for k, p in claims.items() if np.isfinite(p)]
    if not keys:
        return {k: float("nan") for k in claims}
    adjusted = multipletests([claims[k] for k in keys], method="holm")[1]
    out = {k: float("nan") for k in claims}
    out.update({k: float(p) for k, p in zip(keys, adjusted, strict=True)})
    return out


def account_ranking(gaps: pd.DataFrame) -> pd.DataFrame:
    """Accounts ordered by their mean dimension gap (largest vendor over-estimation first)."""
    dims = gaps[(gaps["kind"] == "dimension") & gaps["gap"].notna()]
    dims = dims.assign(blind=dims["quadrant"] == BLIND_SPOT,
                       hidden=dims["quadrant"] == HIDDEN_STRENGTH)
    ranking = dims.groupby("account", observed=True).agg(
        mean_gap=("gap", "mean"), max_gap=("gap", "max"), dimensions=("gap", "count"),
        blind_spots=("blind", "sum"), hidden_strengths=("hidden", "sum")).reset_index()
    ranking = ranking.sort_values("mean_gap", ascending=False, kind="stable")
    ranking["rank"] = np.arange(1, len(ranking) + 1)
    return ranking.reset_index(drop=True)


def flag_accounts(gaps: pd.DataFrame) -> pd.Series:
    """BH across accounts within each dimension, for flagging accounts portfolio-wide."""
    tested = gaps[(gaps["kind"] == "dimension") & gaps["p_value"].notna()]
    if tested.empty:
        return pd.Series(np.nan, index=gaps.index)
    adjusted = tested.groupby("unit", observed=True)["p_value"].transform(
        lambda p: stats.false_discovery_control(p.to_numpy(), method="bh"))
    return adjusted.reindex(gaps.index)


def reliability(scored: pd.DataFrame, instrument) -> pd.DataFrame:
    """Cronbach's α per dimension and side (and pooled) on ≥ 30 complete respondents."""
    dims = [(d.id, [i.id for i in instrument.dimension_items(d.id)])
            for d in instrument.dimensions]
    wanted = [i for _, ids in dims for i in ids]
    wide, sides = _respondent_items(scored, wanted)
    column = {item: i for i, item in enumerate(wanted)}
    rows = []
    for dim, ids in dims:
        if len(ids) < 2:
            continue
        block = wide[:, [column[i] for i in ids]]
        for side in ("vendor", "customer", "pooled"):
            data = block if side == "pooled" else block[sides == side]
            alpha, complete = cronbach_alpha(data)
            ok = complete >= MIN_ALPHA_RESPONDENTS and np.isfinite(alpha)
            rows.append({"dimension": dim, "side": side, "respondents": complete,
                         "alpha": alpha if ok else float("nan"),
                         "note": None if ok else TOO_FEW_RESPONDENTS,
                         "low": bool(ok and alpha < 0.70)})
    return pd.DataFrame(rows, columns=["dimension", "side", "respondents", "alpha", "note",
                                       "low"])


def _respondent_items(scored: pd.DataFrame, items: list[str]) -> tuple[np.ndarray,
                                                                       np.ndarray]:
    """Respondents × ``items`` matrix of answers (NaN where none), rows ordered by side, account
    and respondent, each cell the first answer given; and each row's side. This is what
    ``pivot_table(index=[side, account, respondent], columns=item, aggfunc="first")`` gives,
    filled from integer codes instead of a grouped pivot."""
    part = scored[scored["item"].isin(items) & scored["value"].notna()]
    part = part[part[["side", "account", "respondent"]].notna().all(axis=1)]
    keys = [pd.factorize(part[name], sort=True) for name in ("side", "account", "respondent")]
    combined = np.zeros(len(part), dtype=np.int64)
    for codes, uniques in keys:
        combined = combined * len(uniques) + codes
        combined = pd.factorize(combined, sort=True)[0]  # keeps the order, bounds the numbers
    row = combined
    col = pd.Index(items).get_indexer(part["item"])
    people = int(row.max()) + 1 if len(row) else 0
    wide = np.full((people, len(items)), np.nan)
    # Written last to first, so that the first answer of a repeated item is the one kept.
    wide[row[::-1], col[::-1]] = part["value"].to_numpy()[::-1]
    side_of = np.empty(people, dtype=object)
    side_of[row] = np.asarray(keys[0][1], dtype=object)[keys[0][0]]
    return wide, side_of


def trend(current: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    """Change of each account's dimension gap since the previous wave."""
    columns = ["account", "unit", "gap", "previous_gap", "change"]
    if previous is None or previous.empty:
        return pd.DataFrame(columns=columns)
    now = current[current["kind"] == "dimension"][["account", "unit", "gap"]]
    before = previous[previous["kind"] == "dimension"][["account", "unit", "gap"]].rename(
        columns={"gap": "previous_gap"})
    merged = now.merge(before, on=["account", "unit"], how="inner")
    merged["change"] = merged["gap"] - merged["previous_gap"]
    return merged[columns]
