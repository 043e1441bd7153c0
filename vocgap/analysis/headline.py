"""Per-account headline measures: superior experience, recommend, stage, power map, coverage.

References
----------
Allen, J. et al. (2005). Closing the delivery gap. Bain & Company (the 80% vs 8% finding).
Newcombe, R. G. (1998). Interval estimation for the difference between independent proportions.
Boschloo, R. D. (1970). Raised conditional level of significance for the 2×2-table.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep

from ..instruments import Instrument
from .codes import (
    CONCENTRATE_HERE,
    INSUFFICIENT_DATA,
    KEEP_UP,
    LOW_PRIORITY,
    POSSIBLE_OVERKILL,
    TOO_FEW_FOR_INTERVAL,
    TOO_FEW_TO_TEST,
    UNANIMOUS,
)

CUSTOMER_ROLES = ("executive", "middle_management", "operational_user", "purchasing")
QUARTET = ("business_user", "business_buyer", "tech_user", "tech_buyer")
ALPHA = 0.05


@lru_cache(maxsize=20_000)
def boschloo_p(x_v: int, n_v: int, x_c: int, n_c: int) -> float:
    """Two-sided Boschloo p; 1 where everyone or no one agrees on both sides (SciPy gives NaN)."""
    p = stats.boschloo_exact([[x_v, n_v - x_v], [x_c, n_c - x_c]]).pvalue
    return 1.0 if not np.isfinite(p) else float(p)


def superior_experience(answers: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Share agreeing that the vendor delivers a superior experience, per account and side."""
    item = instrument.item_by_role("superior_experience")
    columns = ["account", "x_vendor", "n_vendor", "x_customer", "n_customer", "share_vendor",
               "share_customer", "difference", "ci_low", "ci_high", "ci_note", "p_value",
               "min_p", "test_note", "vendor_majority", "customer_majority"]
    if item is None:  # an instrument without the headline question: same columns, no rows
        return pd.DataFrame(columns=columns)
    rows = answers[(answers["item"] == item.id)].dropna(subset=["value"])
    agree = rows["value"] >= item.scale.agree_min
    table = rows.assign(agree=agree).groupby(["account", "side"], observed=True)["agree"].agg(
        ["sum", "count"]).unstack("side", fill_value=0)
    out = pd.DataFrame(index=table.index)
    for side in ("vendor", "customer"):
        out[f"x_{side}"] = table[("sum", side)].astype(int) if ("sum", side) in table else 0
        out[f"n_{side}"] = table[("count", side)].astype(int) if ("count", side) in table else 0
    out = out.reset_index()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share_vendor"] = out["x_vendor"] / out["n_vendor"].replace(0, np.nan)
        out["share_customer"] = out["x_customer"] / out["n_customer"].replace(0, np.nan)
    out["difference"] = out["share_vendor"] - out["share_customer"]
    out["ci_low"], out["ci_high"], out["p_value"], out["min_p"] = np.nan, np.nan, np.nan, np.nan
    ok = (out["n_vendor"] > 0) & (out["n_customer"] > 0)
    out["ci_note"] = _interval_gate(out)
    with_ci = ok & out["ci_note"].isna()
    if with_ci.any():
        sub = out[with_ci]
        low, high = confint_proportions_2indep(
            sub["x_vendor"].to_numpy(), sub["n_vendor"].to_numpy(), sub["x_customer"].to_numpy(),
            sub["n_customer"].to_numpy(), method="newcomb", compare="diff")
        out.loc[with_ci, "ci_low"], out.loc[with_ci, "ci_high"] = low, high
    if ok.any():
        sub = out[ok]
        # Boschloo takes one table at a time: run it once per distinct table (memoised).
        sizes = list(zip(sub["n_vendor"], sub["n_customer"], strict=True))
        extreme = {s: boschloo_p(int(s[0]), int(s[0]), 0, int(s[1])) for s in set(sizes)}
        out.loc[ok, "min_p"] = [extreme[s] for s in sizes]
        tables = list(zip(sub["x_vendor"], sub["n_vendor"], sub["x_customer"], sub["n_customer"],
                          strict=True))
        out.loc[ok, "p_value"] = [boschloo_p(*map(int, t)) if extreme[(t[1], t[3])] <= ALPHA
                                  else np.nan for t in tables]
    out["test_note"] = np.where(~ok, INSUFFICIENT_DATA,
                                np.where(out["p_value"].isna(), TOO_FEW_TO_TEST, None))
    out["vendor_majority"] = out["share_vendor"] > 0.5
    out["customer_majority"] = out["share_customer"] > 0.5
    return out[columns]


def _interval_gate(out: pd.DataFrame) -> pd.Series:
    """Gate G3 for two proportions: two answers a side and someone disagreeing with the rest
    on at least one side; otherwise the code of the reason (null when the interval is shown)."""
    def varied(side: str) -> pd.Series:
        return (out[f"x_{side}"] > 0) & (out[f"x_{side}"] < out[f"n_{side}"])

    enough = (out["n_vendor"] >= 2) & (out["n_customer"] >= 2)
    some = (out["n_vendor"] > 0) & (out["n_customer"] > 0)
    note = np.select([~some, ~enough, ~(varied("vendor") | varied("customer"))],
                     [INSUFFICIENT_DATA, TOO_FEW_FOR_INTERVAL, UNANIMOUS], None)
    return pd.Series(note, index=out.index, dtype=object)


def recommend(answers: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Net promoter score per account: customers' own vs the vendor staff's prediction."""
    item = instrument.item_by_role("recommend")
    if item is None:
        return pd.DataFrame(columns=["account", "side", "n", "mean", "promoters", "detractors",
                                     "passives", "nps"])
    rows = answers[answers["item"] == item.id].dropna(subset=["value"])
    grouped = rows.assign(promoter=rows["value"] >= 9, detractor=rows["value"] <= 6).groupby(
        ["account", "side"], observed=True).agg(n=("value", "count"), mean=("value", "mean"),
                                                promoters=("promoter", "sum"),
                                                detractors=("detractor", "sum")).reset_index()
    grouped["passives"] = grouped["n"] - grouped["promoters"] - grouped["detractors"]
    grouped["nps"] = 100 * (grouped["promoters"] - grouped["detractors"]) / grouped["n"]
    return grouped


def stages(answers: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Stage each side sees (lower median, mode, distribution) and the vendor − customer gap."""
    item = instrument.item_by_role("stage")
    if item is None:
        return pd.DataFrame(columns=["account", "side", "n", "median", "mode", "distribution",
                                     "gap"])
    rows = answers[answers["item"] == item.id].dropna(subset=["value"])
    rows = rows.assign(stage=rows["value"].astype(int).clip(0, 3))
    grouped = rows.groupby(["account", "side"], observed=True)["stage"]
    counts = pd.crosstab([rows["account"], rows["side"]],
                         pd.Categorical(rows["stage"], categories=range(4)), dropna=False)
    counts = counts[counts.sum(axis=1) > 0]
    frame = grouped.quantile(0.5, interpolation="lower").astype(int).rename(
        "median").to_frame()
    frame["n"] = grouped.size()
    matrix = counts.reindex(frame.index).to_numpy()
    frame["distribution"] = [list(map(int, r)) for r in matrix]
    frame["mode"] = [list(map(int, np.flatnonzero(r == r.max()))) for r in matrix]
    frame = frame.reset_index()[["account", "side", "n", "median", "mode", "distribution"]]
    wide = frame.pivot(index="account", columns="side", values="median")
    if not {"vendor", "customer"} <= set(wide.columns):
        return frame.assign(gap=np.nan)
    gap = (wide["vendor"] - wide["customer"]).rename("gap").rename_axis("account")
    return frame.merge(gap.reset_index(), on="account", how="left")


def stance(support: float, influence: float) -> str:
    """Champion, influencer, blocker or detractor: attitude × capacity to drive change."""
    if not (np.isfinite(support) and np.isfinite(influence)):
        return "unknown"
    if 2 < support < 4:
        return "undecided"
    positive, powerful = support >= 4, influence >= 4
    if positive:
        return "champion" if powerful else "influencer"
    return "blocker" if powerful else "detractor"


def power_map(answers: pd.DataFrame, ratings: pd.DataFrame, respondents: pd.DataFrame,
              instrument: Instrument) -> pd.DataFrame:
    """Per customer contact: how the vendor sees them vs how they describe themselves."""
    support_item = instrument.item_by_role("stance_support")
    influence_item = instrument.item_by_role("stance_influence")
    columns = ["account", "contact", "vendor_support", "vendor_influence", "vendor_raters",
               "self_support", "self_influence", "vendor_view", "self_view", "match",
               "misread_champion", "hidden_champion"]
    if support_item is None or influence_item is None:
        return pd.DataFrame(columns=columns)
    own = answers[answers["item"].isin([support_item.id, influence_item.id])].pivot_table(
        index=["account", "respondent"], columns="item", values="value", aggfunc="first")
    own = own.rename(columns={support_item.id: "self_support",
                              influence_item.id: "self_influence"}).reset_index().rename(
        columns={"respondent": "contact"})
    # A rating with neither part known ("I don't know this person") places nobody on the map.
    ratings = ratings.dropna(subset=["support", "influence"], how="all")
    believed = (ratings.groupby(["account", "contact"], observed=True)
                .agg(vendor_support=("support", "mean"), vendor_influence=("influence", "mean"),
                     vendor_raters=("rater", "nunique")).reset_index()
                if len(ratings) else pd.DataFrame(columns=["account", "contact"]))
    frame = believed.merge(own, on=["account", "contact"], how="outer")
    for column in columns[2:7]:
        if column not in frame:
            frame[column] = np.nan
    frame["vendor_view"] = [stance(round(s, 6), round(i, 6)) if pd.notna(s) and pd.notna(i)
                            else "unknown" for s, i in zip(frame["vendor_support"],
                                                           frame["vendor_influence"],
                                                           strict=True)]
    frame["self_view"] = [stance(s, i) for s, i in zip(
        frame["self_support"].astype(float), frame["self_influence"].astype(float),
        strict=True)]
    known = (frame["vendor_view"] != "unknown") & (frame["self_view"] != "unknown")
    frame["match"] = np.where(known, frame["vendor_view"] == frame["self_view"], None)
    frame["misread_champion"] = (frame["vendor_view"] == "champion") & frame["self_view"].isin(
        ["blocker", "detractor"])
    # The opposite miss: a self-declared champion the vendor sees as undecided.
    frame["hidden_champion"] = (frame["vendor_view"] == "undecided") & (
        frame["self_view"] == "champion")
    frame["vendor_raters"] = frame["vendor_raters"].fillna(0).astype(int)
    return frame[columns]


COVERAGE_COLUMNS = ["account", "respondents", "role_counts", "roles_present", "roles_missing",
                    "quartet_counts", "quartet_present", "quartet_missing", "buyers",
                    "buyer_heard"]


def coverage(respondents: pd.DataFrame) -> pd.DataFrame:
    """Which buying-team roles and quartet positions answered, per account (customers only).

    Returns
    -------
    DataFrame
        ``account, respondents, role_counts, roles_present, roles_missing, quartet_counts,
        quartet_present, quartet_missing, buyers, buyer_heard``; the counts are dicts of
        respondents per role or quartet position, ``buyers`` counts business or technical buyers
        and purchasing.
    """
    customers = respondents[respondents["side"] == "customer"].drop_duplicates(
        ["account", "respondent"])
    if customers.empty:
        return pd.DataFrame(columns=COVERAGE_COLUMNS)
    heard = {}
    for field, codes in (("role", CUSTOMER_ROLES), ("quartet", QUARTET)):
        table = pd.crosstab(customers["account"], pd.Categorical(customers[field],
                                                                 categories=codes),
                            dropna=False).reindex(columns=list(codes), fill_value=0)
        heard[field] = table
    index = heard["role"].index.union(heard["quartet"].index)
    role_n = heard["role"].reindex(index, fill_value=0).to_numpy()
    quartet_n = heard["quartet"].reindex(index, fill_value=0).to_numpy()
    role, quartet = role_n > 0, quartet_n > 0
    sizes = customers.groupby("account", observed=True).size().reindex(index, fill_value=0)
    is_buyer = (customers["quartet"].isin(["business_buyer", "tech_buyer"])
                | (customers["role"] == "purchasing"))
    buyers = customers[is_buyer].groupby("account", observed=True).size().reindex(
        index, fill_value=0)
    roles_arr, quartet_arr = np.array(CUSTOMER_ROLES), np.array(QUARTET)
    return pd.DataFrame({
        "account": index, "respondents": sizes.to_numpy(),
        "role_counts": [dict(zip(CUSTOMER_ROLES, map(int, r), strict=True)) for r in role_n],
        "roles_present": [list(roles_arr[r]) for r in role],
        "roles_missing": [list(roles_arr[~r]) for r in role],
        "quartet_counts": [dict(zip(QUARTET, map(int, q), strict=True)) for q in quartet_n],
        "quartet_present": [list(quartet_arr[q]) for q in quartet],
        "quartet_missing": [list(quartet_arr[~q]) for q in quartet],
        "buyers": buyers.to_numpy().astype(int),
        "buyer_heard": buyers.to_numpy() > 0}, columns=COVERAGE_COLUMNS)


def prediction_accuracy(scored_units: pd.DataFrame, respondents: pd.DataFrame) -> pd.DataFrame:
    """Each vendor participant's mean absolute error and bias against their customers' means."""
    items = scored_units[scored_units["kind"] == "item"]
    customer_mean = items[items["side"] == "customer"].groupby(
        ["account", "unit"], observed=True)["value"].mean().rename("customer_mean")
    vendor = items[items["side"] == "vendor"].join(customer_mean, on=["account", "unit"])
    vendor = vendor.dropna(subset=["customer_mean"])
    vendor = vendor.assign(error=vendor["value"] - vendor["customer_mean"])
    vendor = vendor.assign(absolute=vendor["error"].abs())
    summary = vendor.groupby("respondent", observed=True).agg(
        accounts=("account", "nunique"), items=("error", "count"),
        mae=("absolute", "mean"), bias=("error", "mean")).reset_index()
    attributes = respondents.drop_duplicates("respondent").set_index("respondent")
    for column in ("name", "function"):
        summary[column] = summary["respondent"].map(attributes[column]) if (
            column in attributes) else None
    return summary.sort_values("mae", kind="stable").reset_index(drop=True)


PRIORITY_COLUMNS = ["account", "unit", "performance", "n_performance", "importance",
                    "n_importance", "priority", "gap_z", "quadrant", "importance_source"]


def priorities(answers: pd.DataFrame, unit_scores: pd.DataFrame, gaps: pd.DataFrame,
               instrument: Instrument) -> pd.DataFrame:
    """Importance × (1 − performance) per account and dimension, both rescaled to 0–1.

    Returns
    -------
    DataFrame
        ``account, unit, performance, n_performance, importance, n_importance, priority, gap_z,
        quadrant, importance_source``; ``n_importance`` is null for derived importance, which is
        a portfolio figure.
    """
    dims = {d.id: d for d in instrument.dimensions}
    customers = unit_scores[(unit_scores["side"] == "customer") & unit_scores["unit"].isin(dims)]
    scale = {d: instrument.dimension_items(d)[0].scale for d in dims}
    perf = customers.groupby(["account", "unit"], observed=True)["value"].agg(
        performance="mean", n_performance="count").reset_index()
    perf["performance"] = [(p - scale[u].min) / (scale[u].max - scale[u].min)
                           for p, u in zip(perf["performance"], perf["unit"], strict=True)]
    rating_items = {i.id: i for i in instrument.items if i.type == "importance"}
    if rating_items:
        rated = answers[answers["item"].isin(rating_items) & (answers["side"] == "customer")]
        low = rated["item"].map({k: i.scale.min for k, i in rating_items.items()})
        high = rated["item"].map({k: i.scale.max for k, i in rating_items.items()})
        rated = rated.assign(unit=rated["item"].map({k: i.rates for k, i in rating_items.items()}),
                             importance=(rated["value"] - low) / (high - low)).dropna(
            subset=["importance"])
        importance = rated.groupby(["account", "unit"], observed=True)["importance"].agg(
            importance="mean", n_importance="count").reset_index()
        source = "stated"
    else:
        importance = derived_importance(answers, customers, instrument)
        source = "derived"
    frame = perf.merge(importance, on=[c for c in ("account", "unit") if c in importance],
                       how="left")
    if "n_importance" not in frame:
        frame["n_importance"] = np.nan
    frame["priority"] = frame["importance"] * (1 - frame["performance"])
    gap_z = gaps[gaps["kind"] == "dimension"].set_index(["account", "unit"])["gap_z"]
    frame["gap_z"] = gap_z.reindex(pd.MultiIndex.from_frame(frame[["account", "unit"]])).to_numpy()
    frame["quadrant"] = priority_quadrants(frame)
    frame["importance_source"] = source
    return order_priorities(frame[PRIORITY_COLUMNS])


def priority_quadrants(frame: pd.DataFrame) -> np.ndarray:
    """Martilla–James quadrant of each row, crosshairs at the grand means of the rows given."""
    imp, perf = frame["importance"].astype(float), frame["performance"].astype(float)
    grand_i, grand_p = imp.mean(), perf.mean()
    return np.select(
        [imp.isna() | perf.isna(), (imp >= grand_i) & (perf < grand_p), imp >= grand_i,
         perf < grand_p],
        [None, CONCENTRATE_HERE, KEEP_UP, LOW_PRIORITY], POSSIBLE_OVERKILL)


def order_priorities(frame: pd.DataFrame) -> pd.DataFrame:
    """Highest priority first within each account, ties broken by gap_z (blind spots first)."""
    return frame.sort_values(["account", "priority", "gap_z"], ascending=[True, False, False],
                             na_position="last", kind="stable").reset_index(drop=True)


def derived_importance(answers, customers, instrument) -> pd.DataFrame:
    """Spearman ρ of each dimension with likelihood to recommend (n ≥ 30), negatives set to 0;
    a respondent is matched within their account, since ids need only be unique there."""
    item = instrument.item_by_role("recommend")
    if item is None:
        return pd.DataFrame(columns=["unit", "importance"])
    key = ["account", "respondent"]
    rec = answers[(answers["item"] == item.id) & (answers["side"] == "customer")].dropna(
        subset=["value"]).drop_duplicates(key).set_index(key)["value"]
    rows = []
    for unit, group in customers.groupby("unit", observed=True):
        joined = group.set_index(key)["value"].to_frame("score").join(rec, how="inner")
        if len(joined) >= 30 and joined["score"].nunique() > 1 and joined["value"].nunique() > 1:
            rho = stats.spearmanr(joined["score"], joined["value"]).statistic
            rows.append({"unit": unit, "importance": max(0.0, float(rho))})
    return pd.DataFrame(rows, columns=["unit", "importance"])


def verbatims(answers: pd.DataFrame, respondents: pd.DataFrame,
              instrument: Instrument) -> pd.DataFrame:
    """Open-text answers per account and side, in the language they were written in (where the
    answers say), with the role label only where consented."""
    texts = {i.id for i in instrument.items if i.type == "open_text"}
    if "text" not in answers:
        return pd.DataFrame(columns=["account", "side", "item", "text", "language",
                                     "attribution"])
    rows = answers[answers["item"].isin(texts) & answers["text"].notna()]
    rows = rows[rows["text"].astype(str).str.strip() != ""]
    attributes = respondents.drop_duplicates("respondent").set_index("respondent")
    consent = rows["respondent"].map(attributes["consent"]) if "consent" in attributes else False
    label = rows["respondent"].map(attributes["role_label"]) if "role_label" in attributes else ""
    out = rows[["account", "side", "item", "text"]].copy()
    out["language"] = rows["language"].fillna("") if "language" in rows else ""
    out["attribution"] = np.where(pd.Series(consent, index=rows.index).fillna(False).astype(bool),
                                  label, "")
    return out.reset_index(drop=True)
