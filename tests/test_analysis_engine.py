"""The whole analysis on generated portfolios: right numbers, honest gates, never NaN."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats

from vocgap.analysis import AnalysisInput, analyse
from vocgap.cli import main

from .conftest import ROOT

DIM_TRUST = ["trust_right_thing", "trust_promises", "trust_guarded"]


def portfolio(seed: int = 1, accounts: int = 8) -> pd.DataFrame:
    """Accounts with 1–6 respondents a side, ties, one unanimous account and don't-knows."""
    rng = np.random.default_rng(seed)
    rows = []
    for a in range(accounts):
        for side, n, level in (("vendor", int(rng.integers(1, 6)), 4.2),
                               ("customer", int(rng.integers(1, 7)), 3.1)):
            for r in range(n):
                for item in (*DIM_TRUST, "superior_experience", "align_priorities"):
                    value = float(np.clip(round(rng.normal(level, 0.9)), 1, 5))
                    if rng.random() < 0.05:
                        value = np.nan  # don't know
                    rows.append((f"acct{a}", side, f"{side[0]}{a}-{r}", item, value))
    frame = pd.DataFrame(rows, columns=["account", "side", "respondent", "item", "value"])
    unanimous = frame["account"] == "acct0"
    frame.loc[unanimous & (frame["side"] == "vendor"), "value"] = 5.0
    frame.loc[unanimous & (frame["side"] == "customer"), "value"] = 3.0
    return frame


def run(answers, **kwargs):
    from vocgap.instruments import load_instrument

    instrument = load_instrument(ROOT / "surveys" / "b2b-relationship.yaml")
    respondents = answers[["respondent", "account", "side"]].drop_duplicates()
    return analyse(AnalysisInput(answers, respondents), instrument, workers=1, **kwargs)


def trust_scores(answers: pd.DataFrame) -> pd.DataFrame:
    """Independent dimension scores: flip the reverse item, mean of ≥2 of 3 answers."""
    part = answers[answers["item"].isin(DIM_TRUST)].dropna(subset=["value"]).copy()
    flip = part["item"] == "trust_guarded"
    part.loc[flip, "value"] = 6 - part.loc[flip, "value"]
    grouped = part.groupby(["account", "side", "respondent"])["value"].agg(["mean", "count"])
    return grouped[grouped["count"] >= 2]["mean"].round(9).reset_index()


def test_dimension_results_match_independent_calculations():
    """Do gap, Welch CI, Cliff's δ and the exact p agree with SciPy/pingouin on each account?"""
    answers = portfolio()
    result = run(answers)
    scores = trust_scores(answers)
    checked = 0
    for account, group in scores.groupby("account"):
        v = group.loc[group["side"] == "vendor", "mean"].to_numpy()
        c = group.loc[group["side"] == "customer", "mean"].to_numpy()
        row = result.gaps[(result.gaps["account"] == account)
                          & (result.gaps["unit"] == "trust")].iloc[0]
        assert (row.n_vendor, row.n_customer) == (len(v), len(c))
        assert row.gap == pytest.approx(v.mean() - c.mean())
        if len(v) and len(c):
            assert row.cliffs_delta == pytest.approx(pg.mwu(v, c)["RBC"].iloc[0])
        if len(v) >= 2 and len(c) >= 2 and (v.var() > 0 or c.var() > 0):
            with warnings.catch_warnings():  # SciPy's own precision notice on near-ties
                warnings.simplefilter("ignore", RuntimeWarning)
                ci = stats.ttest_ind(v, c, equal_var=False).confidence_interval(0.95)
            assert row.ci_low == pytest.approx(max(ci.low, -4))
            assert row.ci_high == pytest.approx(min(ci.high, 4))
            assert row.hedges_g == pytest.approx(pg.compute_effsize(v, c, eftype="hedges"))
            checked += 1
        if np.isfinite(row.p_value):
            ref = stats.mannwhitneyu(v, c, method=stats.PermutationMethod(n_resamples=np.inf))
            assert row.p_value == pytest.approx(ref.pvalue, abs=1e-12)
        else:
            assert row.test_note == "too_few_to_test"
    assert checked >= 3


def test_unanimous_sides_suppress_the_interval_in_words():
    result = run(portfolio())
    row = result.gaps[(result.gaps["account"] == "acct0")
                      & (result.gaps["unit"] == "trust_right_thing")].iloc[0]
    if row.n_vendor >= 2 and row.n_customer >= 2:
        assert row.ci_note == "unanimous"
        assert np.isnan(row.ci_low)
    assert row.gap == 2.0 and row.cliffs_delta == 1.0


def test_reverse_coded_items_are_flipped():
    answers = pd.DataFrame([
        ("A", "vendor", "v1", "trust_guarded", 1.0), ("A", "customer", "c1", "trust_guarded", 5.0)
    ], columns=["account", "side", "respondent", "item", "value"])
    row = run(answers).gaps.query("unit == 'trust_guarded'").iloc[0]
    assert (row.mean_vendor, row.mean_customer, row.gap) == (5.0, 1.0, 4.0)


def test_zero_one_and_all_dont_know_give_words_not_nan():
    answers = pd.DataFrame([
        ("Solo", "vendor", "v1", "trust_promises", 4.0),
        ("Solo", "customer", "c1", "trust_promises", 2.0),
        ("OnlyVendor", "vendor", "v2", "trust_promises", 5.0),
        ("Unknown", "vendor", "v3", "trust_promises", np.nan),
        ("Unknown", "customer", "c3", "trust_promises", np.nan),
    ], columns=["account", "side", "respondent", "item", "value"])
    result = run(answers)
    data = result.to_json()
    text = json.dumps(data, allow_nan=False)
    assert "NaN" not in text and "Infinity" not in text
    status = {a["account"]: a["status"] for a in data["accounts"]}
    assert status == {"OnlyVendor": "insufficient_data", "Solo": "thin",
                      "Unknown": "insufficient_data"}
    solo = next(a for a in data["accounts"] if a["account"] == "Solo")["items"][0]
    assert solo["ci_low"] is None and solo["ci_note"] == "too_few_for_interval"
    assert (solo["pairs_higher"], solo["pairs_lower"], solo["pairs_total"]) == (1, 0, 1)
    assert solo["counts"] == {"vendor": [{"value": 4.0, "count": 1}],
                              "customer": [{"value": 2.0, "count": 1}]}


def test_json_of_a_random_portfolio_is_finite_and_has_the_schema():
    result = run(portfolio(seed=3, accounts=12))
    data = result.to_json()
    json.dumps(data, allow_nan=False)
    assert data["schema"] == "vocgap.analysis/1"
    assert {"accounts", "portfolio", "vendor_staff", "instrument", "edition"} <= set(data)
    account = data["accounts"][0]
    assert {"dimensions", "items", "superior_experience", "recommend", "stage", "power_map",
            "coverage", "priorities", "verbatims", "status", "respondents"} <= set(account)
    dim = account["dimensions"][0]
    assert {"unit", "gap", "ci_low", "ci_high", "cliffs_delta", "magnitude", "p_value",
            "p_adjusted", "min_p", "test_note", "rwg_vendor", "rwg_customer", "gap_z", "class",
            "support", "quadrant", "counts"} <= set(dim)
    assert {"dimensions", "items", "bain_literal", "stage_agreement", "ranking",
            "reliability", "trend"} <= set(data["portfolio"])


def test_bh_within_account_over_dimensions():
    result = run(portfolio(seed=5, accounts=10))
    tested = result.gaps[result.gaps["p_value"].notna()]
    for _, group in tested.groupby("account"):
        assert group["p_adjusted"].to_numpy() == pytest.approx(
            stats.false_discovery_control(group["p_value"].to_numpy(), method="bh"))


def test_classification_uses_the_half_sd_band_around_zero():
    result = run(portfolio(seed=2))
    g = result.gaps.dropna(subset=["gap_z"])
    assert (g.loc[g["gap_z"] > 0.5, "class"] == "over_estimation").all()
    assert (g.loc[g["gap_z"] < -0.5, "class"] == "under_estimation").all()
    assert (g.loc[g["gap_z"].abs() <= 0.5, "class"] == "agreement").all()
    blind = g[g["quadrant"] == "blind_spot"]
    assert ((blind["mean_vendor"] >= 4) & (blind["mean_customer"] < 4)).all()


def test_vendor_edition_shows_counts_only_below_the_minimum():
    """Can the vendor see scores of a group smaller than the confidentiality minimum?"""
    answers = portfolio(seed=4, accounts=6)
    consultant = run(answers, min_group=3).to_json()
    vendor = run(answers, min_group=3, edition="vendor").to_json()
    for mine, theirs in zip(consultant["accounts"], vendor["accounts"], strict=True):
        small = min(mine["respondents"].values()) < 3
        assert theirs["confidential"] is small
        if small:
            assert all(d["gap"] is None and d["mean_customer"] is None
                       for d in theirs["dimensions"] + theirs["items"])
            assert theirs["verbatims"] == [] and theirs["power_map"] == []
            assert theirs["respondents"] == mine["respondents"]  # counts stay
        else:
            assert [d["gap"] for d in theirs["dimensions"]] == [d["gap"] for d in
                                                                mine["dimensions"]]


def test_cli_analyse_from_a_csv_without_database(tmp_path):
    answers = portfolio(seed=6, accounts=7).dropna(subset=["value"])
    answers["value"] = answers["value"].astype(int)
    path = tmp_path / "long.csv"
    answers.to_csv(path, index=False)
    from click.testing import CliRunner

    instrument = str(ROOT / "surveys" / "b2b-relationship.yaml")
    result = CliRunner().invoke(main, ["analyse", "--instrument", instrument, "--responses",
                                       str(path), "--csv", str(tmp_path / "tables")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)  # the table count goes to stderr, the JSON alone to stdout
    assert "wrote 14 tables" in result.stderr
    assert len(data["accounts"]) == 7
    gaps = pd.read_csv(tmp_path / "tables" / "gaps.csv")
    assert {"account", "unit", "gap", "ci_low", "cliffs_delta", "quadrant"} <= set(gaps.columns)
    bad = tmp_path / "bad.csv"
    bad.write_text("account,side,respondent,item,value\nA,customer,c,trust_promises,9\n")
    failed = CliRunner().invoke(main, ["analyse", "--instrument", instrument, "--responses",
                                       str(bad)])
    assert failed.exit_code == 1
    assert "line 2, column 'value': item 'trust_promises': value 9 is outside" in failed.output



def test_cli_analyse_tables_keep_a_carriage_return_inside_its_cell(tmp_path):
    """Can a CR in an account name split a row of the --csv tables in a spreadsheet?"""
    answers = portfolio(seed=6, accounts=7).dropna(subset=["value"])
    answers["value"] = answers["value"].astype(int)
    first = answers["account"].iloc[0]
    answers["account"] = answers["account"].replace(first, "Acme\r=HYPERLINK(1)")
    path = tmp_path / "long.csv"
    answers.to_csv(path, index=False, lineterminator="\r\n")
    from click.testing import CliRunner

    instrument = str(ROOT / "surveys" / "b2b-relationship.yaml")
    result = CliRunner().invoke(main, ["analyse", "--instrument", instrument, "--responses",
                                       str(path), "--csv", str(tmp_path / "tables")])
    assert result.exit_code == 0, result.output
    raw = (tmp_path / "tables" / "gaps.csv").read_bytes()
    assert b'"Acme\r=HYPERLINK(1)"' in raw
    assert b"\r=HYPERLINK" not in raw.replace(b'"Acme\r=HYPERLINK(1)"', b"")
