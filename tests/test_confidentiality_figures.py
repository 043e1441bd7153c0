"""Vendor-edition figures that rest on people other than the group the figure is shown for:
r_wg(J) over items, derived importance and the priorities' crosshairs (portfolio figures),
reliability and buying-team breakdowns. Each is checked against an independent computation, and
by changing answers the vendor edition does not show and watching that nothing shown moves."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from vocgap.analysis import AnalysisInput, analyse
from vocgap.analysis.confidentiality.gate import shown_breakdown
from vocgap.instruments import parse_instrument

from .confidentiality_data import (
    ALIGN,
    CURRENT,
    HIDDEN,
    PREVIOUS,
    SPARSE,
    THIN_TEAM,
    TRUST,
    instrument,
    wave,
)
from .conftest import ROOT


def without_importance():
    """The relationship instrument without its importance page: importance is then derived."""
    lines = (ROOT / "surveys" / "b2b-relationship.yaml").read_text().splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("  - id: importance"))
    end = next(i for i, line in enumerate(lines) if line.startswith("  - id: comments"))
    return parse_instrument("".join(lines[:start] + lines[end:]), "no-importance.yaml")


def analysed(data: AnalysisInput, edition: str, tool=None, min_group: int = 3):
    return analyse(data, tool or instrument(), min_group=min_group, edition=edition,
                   previous=wave(8, PREVIOUS), workers=1)


def accounts(result) -> dict[str, dict]:
    return {a["account"]: a for a in result.to_json()["accounts"]}


# --- r_wg(J): every item variance behind it needs the minimum --------------------------------

def _agreement_data(guarded_answers: int) -> AnalysisInput:
    """One account, 6 staff and 5 customers; ``guarded_answers`` customers answer
    trust_guarded, the others say "don't know"."""
    rows = []
    staff = [[5, 4, 2], [4, 4, 1], [5, 5, 2], [4, 5, 1], [5, 4, 2], [4, 4, 2]]
    customers = [[2, 3, 4], [3, 3, 5], [2, 2, 4], [4, 3, 2], [3, 2, 5]]
    for side, people in (("vendor", staff), ("customer", customers)):
        for r, values in enumerate(people):
            for item, value in zip(TRUST, values, strict=True):
                missing = side == "customer" and item == "trust_guarded" and r >= guarded_answers
                rows.append(("Agreeing", side, f"{side}{r}", item,
                             np.nan if missing else float(value)))
    frame = pd.DataFrame(rows, columns=["account", "side", "respondent", "item", "value"])
    return AnalysisInput(frame, frame[["respondent", "account", "side"]].drop_duplicates())


def _rwg_j(frame: pd.DataFrame, side: str) -> float:
    """James, Demaree & Wolf's r_wg(J) on a 1–5 scale (σ²_EU = 2), trust_guarded reversed."""
    part = frame[frame["side"] == side].copy()
    part.loc[part["item"] == "trust_guarded", "value"] = 6 - part["value"]
    m = part.groupby("item")["value"].var(ddof=1).mean() / 2
    j = part["item"].nunique()
    return j * (1 - m) / (j * (1 - m) + m)


@pytest.mark.parametrize("guarded_answers, shown", [(3, False), (4, True), (5, True)])
def test_dimension_agreement_needs_min_group_answers_on_every_item(guarded_answers, shown):
    """Five customers have a trust score, but only ``guarded_answers`` answered one of its items:
    at min_group 4, r_wg(J) may not use a variance resting on three of them."""
    data = _agreement_data(guarded_answers)
    full = analyse(data, instrument(), min_group=4, workers=1).gaps.set_index("unit")
    vendor = analyse(data, instrument(), min_group=4, workers=1,
                     edition="vendor").gaps.set_index("unit")
    expected = _rwg_j(data.answers.dropna(subset=["value"]), "customer")
    assert full.loc["trust", "n_customer"] == 5
    assert full.loc["trust", "rwg_customer"] == pytest.approx(expected)  # the target
    assert vendor.loc["trust", "mean_customer"] == pytest.approx(full.loc["trust",
                                                                          "mean_customer"])
    if shown:
        assert vendor.loc["trust", "rwg_customer"] == pytest.approx(expected)
    else:
        assert np.isnan(vendor.loc["trust", "rwg_customer"])
    staff = _rwg_j(data.answers, "vendor")
    assert vendor.loc["trust", "rwg_vendor"] == pytest.approx(staff)  # the other side stays


# --- derived importance and crosshairs: portfolio figures from shown data only ---------------

def _shown_dimension_scores(data: AnalysisInput, tool, accounts_shown: set) -> pd.DataFrame:
    """Customers' dimension scores, computed here from the raw answers (reverse-coded items
    flipped, a score only with at least half the items answered)."""
    rows = []
    answers = data.answers[data.answers["account"].isin(accounts_shown)
                           & (data.answers["side"] == "customer")]
    for dim in tool.dimensions:
        items = {i.id: i for i in tool.dimension_items(dim.id)}
        part = answers[answers["item"].isin(items)].dropna(subset=["value"]).copy()
        flip = part["item"].map({k: i.low + i.high for k, i in items.items() if i.reverse})
        part["value"] = np.where(flip.notna(), flip - part["value"], part["value"])
        scores = part.groupby(["account", "respondent"])["value"].agg(["mean", "count"])
        scores = scores[scores["count"] >= math.ceil(len(items) / 2)]
        rows += [(dim.id, a, r, v) for (a, r), v in scores["mean"].items()]
    return pd.DataFrame(rows, columns=["unit", "account", "respondent", "score"])


def test_derived_importance_uses_shown_customers_only():
    """Spearman ρ with recommend over the customers whose dimension score and recommend answer
    the vendor edition shows; Sparse's lone recommender and the hidden accounts are left out."""
    tool = without_importance()
    data = wave(7, CURRENT)
    vendor = analysed(data, "vendor", tool).priorities
    consultant = analysed(data, "consultant", tool).priorities
    assert set(vendor["importance_source"]) == {"derived"}
    # Shown: every account but Sparse (recommend from 1 customer) and the two hidden ones.
    shown = set(CURRENT) - {SPARSE, HIDDEN, THIN_TEAM}
    scores = _shown_dimension_scores(data, tool, shown)
    recommend = data.answers[(data.answers["item"] == "recommend")
                             & (data.answers["side"] == "customer")].set_index(
        ["account", "respondent"])["value"]
    checked = 0
    for unit, group in scores.groupby("unit"):
        joined = group.set_index(["account", "respondent"])[["score"]].join(
            recommend, how="inner").dropna()
        assert len(joined) >= 30
        expected = max(0.0, stats.spearmanr(joined["score"], joined["value"]).statistic)
        got = vendor.loc[vendor["unit"] == unit, "importance"].dropna().unique()
        assert got == pytest.approx([expected]), unit
        checked += 1
    assert checked == 2  # the portfolio answered the trust and alignment items
    # The consultant's ρ includes the hidden customers: the test has something to tell apart.
    differs = [unit for unit in vendor["unit"].unique()
               if not np.isclose(vendor.loc[vendor["unit"] == unit, "importance"].iloc[0],
                                 consultant.loc[consultant["unit"] == unit,
                                                "importance"].iloc[0])]
    assert differs


def _crosshairs_quadrants(frame: pd.DataFrame) -> list:
    imp, perf = frame["importance"].astype(float), frame["performance"].astype(float)
    out = []
    for i, p in zip(imp, perf, strict=True):
        if pd.isna(i) or pd.isna(p):
            out.append(None)
        elif i >= imp.mean():
            out.append("concentrate_here" if p < perf.mean() else "keep_up_the_good_work")
        else:
            out.append("low_priority" if p < perf.mean() else "possible_overkill")
    return out


def test_priority_crosshairs_are_the_means_of_the_shown_rows():
    """The Martilla–James crosshairs are the grand means of the priorities the vendor sees;
    with the hidden accounts' rows in them, some shown row would change quadrant."""
    data = wave(7, CURRENT)
    vendor = analysed(data, "vendor").priorities
    consultant = analysed(data, "consultant").priorities
    assert not {HIDDEN, THIN_TEAM} & set(vendor["account"])
    assert [q if isinstance(q, str) else None for q in vendor["quadrant"]] == \
        _crosshairs_quadrants(vendor)
    # The attack's target: crosshairs that also count the hidden accounts' own rows.
    hidden_rows = consultant[consultant["account"].isin([HIDDEN, THIN_TEAM])]
    both = pd.concat([vendor, hidden_rows], ignore_index=True)
    leaky = _crosshairs_quadrants(both)[:len(vendor)]
    assert leaky != _crosshairs_quadrants(vendor)


# --- the general attack: change what is not shown, and nothing shown may move ---------------

def _perturbed(data: AnalysisInput) -> AnalysisInput:
    """Every answer the vendor edition withholds, turned around: the hidden accounts' answers and
    Sparse's trust items (two customers) and its lone answers to the headline questions."""
    answers = data.answers.copy()
    sparse = (answers["account"] == SPARSE) & (answers["side"] == "customer")
    lone = sparse & answers["item"].isin(["superior_experience", "recommend",
                                          "relationship_stage", "imp_trust"])
    withheld = answers["account"].isin([HIDDEN, THIN_TEAM]) | (
        sparse & answers["item"].isin(TRUST)) | lone
    numeric = withheld & answers["value"].notna() & ~answers["item"].isin(ALIGN + ["one_thing"])
    top = answers["item"].map({"recommend": 10.0, "relationship_stage": 3.0}).fillna(5.0)
    bottom = answers["item"].map({"recommend": 0.0, "relationship_stage": 0.0}).fillna(1.0)
    answers.loc[numeric, "value"] = top[numeric] + bottom[numeric] - answers.loc[numeric, "value"]
    hidden_align = answers["account"].isin([HIDDEN, THIN_TEAM]) & answers["item"].isin(ALIGN)
    answers.loc[hidden_align, "value"] = 6.0 - answers.loc[hidden_align, "value"]
    return AnalysisInput(answers, data.respondents, data.ratings, data.accounts)


def _shown(result) -> str:
    data = result.to_json()
    for account in data["accounts"]:  # the consultant-only counts of the withheld groups
        if account["account"] in (HIDDEN, THIN_TEAM):
            account.clear()
    return json.dumps(data, sort_keys=True)


@pytest.mark.parametrize("importance", ["stated", "derived"])
def test_no_withheld_answer_moves_a_shown_figure(importance):
    """Reliability, derived importance, crosshairs, reference SD, BH and Holm families: none may
    change when only answers the vendor cannot see change."""
    tool = instrument() if importance == "stated" else without_importance()
    data = wave(7, CURRENT)
    changed = _perturbed(data)
    assert _shown(analysed(data, "consultant", tool)) != _shown(analysed(changed, "consultant",
                                                                          tool))
    assert _shown(analysed(data, "vendor", tool)) == _shown(analysed(changed, "vendor", tool))


# --- breakdowns: nothing withheld comes back as total minus shown -------------------------------

@pytest.mark.parametrize("counts, total, expected", [
    # the remaining operational user would be 7 − 3 − 3 − 0: withhold another count with it
    ({"executive": 3, "middle": 3, "user": 1, "purchasing": 0}, 7,
     {"executive": None, "middle": 3, "user": None, "purchasing": 0}),
    # three people in three roles: every withheld count would be one, so nothing is shown
    ({"executive": 1, "middle": 1, "user": 1, "purchasing": 0}, 3,
     dict.fromkeys(["executive", "middle", "user", "purchasing"])),
    ({"executive": 3, "middle": 3, "user": 0, "purchasing": 0}, 6,
     {"executive": 3, "middle": 3, "user": 0, "purchasing": 0}),
    ({"executive": 4, "middle": 2, "user": 2, "purchasing": 0}, 8,
     {"executive": 4, "middle": None, "user": None, "purchasing": 0}),
])
def test_withheld_breakdown_counts_are_not_total_minus_shown(counts, total, expected):
    shown = shown_breakdown(counts, total, 3)
    assert shown == expected
    withheld = [k for k, v in shown.items() if v is None]
    rest = total - sum(v for v in shown.values() if v)
    everything = len(withheld) == len(counts)
    assert everything or not withheld or (len(withheld) >= 2 and rest >= 3
                                          and rest > len(withheld))


def test_vendor_coverage_gives_no_role_back_by_subtraction():
    """Seven customers: three executives, three managers, one operational user."""
    sizes = {**{f"Visible {a}": (5, 4) for a in "ABC"}, "Roles": (7, 3)}
    data = wave(7, sizes)
    roles = ["executive"] * 3 + ["middle_management"] * 3 + ["operational_user"]
    customers = (data.respondents["account"] == "Roles") & (
        data.respondents["side"] == "customer")
    data.respondents.loc[customers, "role"] = roles
    full = accounts(analyse(data, instrument(), workers=1))["Roles"]["coverage"]
    assert full["role_counts"]["operational_user"] == 1
    cover = accounts(analyse(data, instrument(), workers=1, edition="vendor"))["Roles"][
        "coverage"]
    counts = cover["role_counts"]
    shown = sum(v for v in counts.values() if v)
    assert counts["operational_user"] is None
    withheld = [k for k, v in counts.items() if v is None]
    assert len(withheld) >= 2 and cover["respondents"] - shown >= 3


# --- differencing: an item's group and its dimension's group ----------------------------------

def _differencing_data(fourth_answers_all: bool) -> AnalysisInput:
    """Four customers with a trust score; the fourth says "don't know" to trust_promises
    unless ``fourth_answers_all``."""
    values = {"c0": [4, 2, 3], "c1": [3, 3, 2], "c2": [5, 4, 1], "c3": [1, 5, 4]}
    rows = [("Diff", "vendor", f"v{r}", item, float(4 + (r + i) % 2))
            for r in range(3) for i, item in enumerate(TRUST)]
    for person, answers in values.items():
        for item, value in zip(TRUST, answers, strict=True):
            dont_know = person == "c3" and item == "trust_promises" and not fourth_answers_all
            rows.append(("Diff", "customer", person, item, np.nan if dont_know else float(value)))
    frame = pd.DataFrame(rows, columns=["account", "side", "respondent", "item", "value"])
    return AnalysisInput(frame, frame[["respondent", "account", "side"]].drop_duplicates())


def _fourth_score(result) -> float | None:
    """The attack: x₄A + x₄B = 24·dimension − 8·A − 8·B − 6·C (C answered by the other three)."""
    rows = {d["unit"]: d["mean_customer"] for a in result.to_json()["accounts"]
            for d in a["dimensions"] + a["items"]}
    a, b, c = rows["trust_right_thing"], rows["trust_guarded"], rows["trust_promises"]
    if None in (rows["trust"], a, b, c):
        return None
    return (24 * rows["trust"] - 8 * a - 8 * b - 6 * c) / 2


def test_item_mean_cannot_give_back_one_customers_score_by_differencing():
    """The fourth customer's trust score (their mean of trust_right_thing and the reversed
    trust_guarded: (1 + 2)/2) comes back from the consultant's means, not the vendor's."""
    data = _differencing_data(fourth_answers_all=False)
    assert _fourth_score(analyse(data, instrument(), workers=1)) == pytest.approx(1.5)
    vendor = analyse(data, instrument(), workers=1, edition="vendor")
    assert _fourth_score(vendor) is None
    gaps = vendor.gaps.set_index("unit")
    assert gaps.loc["trust_promises", "n_customer"] == 3  # its own group reaches the minimum
    assert np.isnan(gaps.loc["trust_promises", "mean_customer"])
    assert np.isnan(gaps.loc["trust_promises", "gap"])
    assert gaps.loc["trust_promises", "test_note"] == "below_min_group"
    assert gaps.loc["trust_promises", "mean_vendor"] == pytest.approx(14 / 3)  # staff: shown
    # trust_guarded reversed (6 − x): the dimension mean itself stays.
    assert gaps.loc["trust", "mean_customer"] == pytest.approx(
        np.mean([(4 + 2 + 3) / 3, (3 + 3 + 4) / 3, (5 + 4 + 5) / 3, 1.5]))
    assert not vendor.categories.query("unit == 'trust_promises' and side == 'customer'").shape[0]
    complete = analyse(_differencing_data(fourth_answers_all=True), instrument(), workers=1,
                       edition="vendor").gaps.set_index("unit")
    assert complete["mean_customer"].notna().all()  # the same groups: nothing to withhold


@pytest.mark.parametrize("edition", ["consultant", "vendor"])
def test_account_pdf_says_withheld_roles_are_withheld(edition):
    """Exact Engineering: three customers in three roles. The vendor PDF may neither count them
    nor claim that no role is missing."""
    from vocgap.reporting.render import account_pdf

    from .test_confidentiality import meta
    from .test_reports import pdf_text

    data = analyse(wave(7, CURRENT), instrument(), edition=edition, workers=1).to_json()
    exact = next(a for a in data["accounts"] if a["account"] == "Exact Engineering")
    text = " ".join(pdf_text(account_pdf(meta(data), exact)).split())
    if edition == "vendor":
        assert "Missing: withheld; quartet positions missing: withheld." in text
    else:
        assert "Missing: purchasing; quartet positions missing: tech buyer." in text
