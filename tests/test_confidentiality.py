"""The vendor edition keeps the confidentiality promise against a determined reader: in the JSON,
the tidy CSVs and the PDFs. Each attack is also run on the consultant edition, where it works,
to show that the test can see what it looks for."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep

from vocgap.analysis import AnalysisInput, analyse
from vocgap.analysis.confidentiality import breakdown_shown, vendor_edition
from vocgap.collection.export import neutralise_formulas
from vocgap.reporting.render import account_pdf, portfolio_pdf

from .confidentiality_data import (
    CURRENT,
    EXACT,
    HIDDEN,
    SECRET,
    SPARSE,
    THIN_TEAM,
    instrument,
    run,
)
from .conftest import ROOT
from .test_reports import pdf_text


@pytest.fixture(scope="module")
def vendor():
    return run("vendor")


@pytest.fixture(scope="module")
def consultant():
    return run("consultant")


def accounts(data: dict) -> dict[str, dict]:
    return {a["account"]: a for a in data["accounts"]}


def write_tables(result, folder) -> dict[str, pd.DataFrame]:
    """The tidy CSVs as ``vocgap analyse --csv`` writes them, read back."""
    folder.mkdir(exist_ok=True)
    for name, table in result.tables().items():
        neutralise_formulas(table).to_csv(folder / f"{name}.csv", index=False)
    return {p.stem: pd.read_csv(p) for p in folder.glob("*.csv")}


def meta(data: dict) -> dict:
    return {"vendor": "Northwind", "study": "Attack", "wave": 2, "edition": data["edition"],
            "min_group": data["min_group"]}


# --- attack 1: a hidden account ranked or trended ------------------------------------------

def test_hidden_account_is_never_ranked_or_trended(vendor, consultant, tmp_path):
    """Does any ranking or trend row of the vendor edition name an account it hides?"""
    mine, theirs = consultant.to_json(), vendor.to_json()
    assert HIDDEN in [r["account"] for r in mine["portfolio"]["ranking"]]  # the attack's target
    assert accounts(theirs)[HIDDEN]["confidential"] is True
    assert HIDDEN not in [r["account"] for r in theirs["portfolio"]["ranking"]]
    trended = {r["account"] for r in theirs["portfolio"]["trend"]}
    assert HIDDEN not in trended
    assert "Visible G" not in trended  # hidden in the previous wave: its old gap stays hidden
    assert {HIDDEN, "Visible G"} <= {r["account"] for r in mine["portfolio"]["trend"]}
    tables = write_tables(vendor, tmp_path / "vendor")
    assert HIDDEN not in set(tables["account_ranking"]["account"])
    assert not {HIDDEN, "Visible G"} & set(tables["trend"]["account"])
    assert tables["gaps"].loc[tables["gaps"]["account"] == HIDDEN, "gap"].isna().all()


def test_cli_vendor_csv_does_not_rank_a_hidden_account(tmp_path):
    """Through ``vocgap analyse --edition vendor --csv`` from a long file."""
    from click.testing import CliRunner

    from vocgap.cli import main

    from .confidentiality_data import wave

    answers = wave(7, CURRENT).answers.dropna(subset=["value"])
    answers = answers[answers["item"] != "one_thing"].drop(columns=["text"])
    answers["value"] = answers["value"].astype(int)
    path = tmp_path / "long.csv"
    answers.to_csv(path, index=False)
    out = tmp_path / "tables"
    result = CliRunner().invoke(main, [
        "analyse", "--instrument", str(ROOT / "surveys" / "b2b-relationship.yaml"),
        "--responses", str(path), "--edition", "vendor", "--csv", str(out), "--compact"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert HIDDEN not in [r["account"] for r in data["portfolio"]["ranking"]]
    assert HIDDEN not in set(pd.read_csv(out / "account_ranking.csv")["account"])
    hidden_rows = pd.read_csv(out / "gaps.csv").query("account == @HIDDEN")
    assert len(hidden_rows) and hidden_rows[["gap", "mean_customer", "cliffs_delta"]].isna().all(
        axis=None)


# --- attack 2: a figure from one customer -------------------------------------------------

def _customer_figures(account: dict) -> list[tuple[int, object]]:
    """(customers behind it, the figure) for every customer figure of an account."""
    out = []
    for row in account["dimensions"] + account["items"]:
        out += [(row["n_customer"], row[k]) for k in ("mean_customer", "gap", "ci_low",
                                                       "cliffs_delta", "p_value", "gap_z",
                                                       "quadrant", "top_customer")]
        out += [(row["n_customer"], row["counts"] and row["counts"]["customer"])]
    sup = account["superior_experience"]
    if sup:
        out += [(sup["n_customer"], sup[k]) for k in ("x_customer", "share_customer",
                                                       "difference", "ci_low")]
    rec = account["recommend"].get("customer")
    if rec:
        out += [(rec["n"], rec[k]) for k in ("nps", "mean", "promoters")]
    side = account["stage"]["sides"].get("customer")
    if side:
        out += [(side["n"], side[k]) for k in ("median", "distribution")]
        out += [(side["n"], account["stage"]["gap"])]
    out += [(p["n_performance"], p["performance"]) for p in account["priorities"]]
    out += [(p["n_importance"], p["importance"]) for p in account["priorities"]]
    return out


def test_no_customer_figure_rests_on_fewer_than_min_group(vendor, consultant, tmp_path):
    """Are the answers of the one customer who answered shown as the account's figures?"""
    shown = [n for a in accounts(consultant.to_json()).values() for n, v in _customer_figures(a)
             if 0 < (n or 0) < 3 and v not in (None, [])]
    assert shown  # the consultant edition has such figures: the attack has a target
    for account in accounts(vendor.to_json()).values():
        for n, value in _customer_figures(account):
            if 0 < (n or 0) < 3:
                assert value in (None, []), (account["account"], n, value)
    sparse = accounts(vendor.to_json())[SPARSE]
    assert sparse["confidential"] is False  # 3 customers: the account passes, its figures not
    trust = next(d for d in sparse["dimensions"] if d["unit"] == "trust")
    assert (trust["n_customer"], trust["mean_customer"], trust["test_note"]) == (
        2, None, "below_min_group")
    assert sparse["recommend"]["customer"]["n"] == 1
    assert sparse["recommend"]["customer"]["nps"] is None
    tables = write_tables(vendor, tmp_path / "vendor")
    for name, n_column, figure in (("gaps", "n_customer", "mean_customer"),
                                   ("superior_experience", "n_customer", "share_customer"),
                                   ("priorities", "n_performance", "performance")):
        frame = tables[name]
        small = frame[(frame[n_column] > 0) & (frame[n_column] < 3)]
        assert len(small) and small[figure].isna().all(), name
    recommend = tables["recommend"].query("side == 'customer' and n < 3")
    assert len(recommend) and recommend["nps"].isna().all()


# --- attack 3: a hidden number recovered by subtraction ---------------------------------

def _shown_gaps(data: dict, unit: str) -> dict[str, float]:
    return {a["account"]: d["gap"] for a in data["accounts"] for d in a["dimensions"]
            if d["unit"] == unit and d["gap"] is not None}


def test_hidden_gap_cannot_be_recovered_by_subtraction(vendor, consultant):
    """mean gap × accounts − the gaps shown = the hidden account's gap, in the old vendor
    edition; now every portfolio total is made of exactly the figures it shows."""
    mine = consultant.to_json()
    hidden_gap = next(d["gap"] for d in accounts(mine)[HIDDEN]["dimensions"]
                      if d["unit"] == "trust")
    row = next(d for d in mine["portfolio"]["dimensions"] if d["unit"] == "trust")
    others = [g for a, g in _shown_gaps(mine, "trust").items() if a != HIDDEN]
    assert row["mean_gap"] * row["accounts"] - sum(others) == pytest.approx(hidden_gap)

    theirs = vendor.to_json()
    for row in theirs["portfolio"]["dimensions"]:
        shown = _shown_gaps(theirs, row["unit"])
        assert row["accounts"] == len(shown)
        assert row["mean_gap"] * row["accounts"] == pytest.approx(sum(shown.values()), abs=1e-9)
    _assert_headline_totals_are_the_shown_ones(theirs)


def _assert_headline_totals_are_the_shown_ones(data: dict) -> None:
    listed = accounts(data)
    both = [a["superior_experience"] for a in listed.values()
            if a["superior_experience"] and a["superior_experience"]["difference"] is not None]
    bain = data["portfolio"]["bain_literal"]
    assert bain["accounts"] == len(both) == sum(map(sum, bain["table"]))
    assert bain["respondent_mean_share_customer"] * len(both) == pytest.approx(
        sum(s["share_customer"] for s in both))
    staged = [(a["stage"]["sides"]["vendor"]["median"], a["stage"]["sides"]["customer"]["median"])
              for a in listed.values() if a["stage"]["gap"] is not None]
    table = np.zeros((4, 4), dtype=int)
    for v, c in staged:
        table[v, c] += 1
    assert data["portfolio"]["stage_agreement"]["table"] == table.tolist()
    trend = pd.DataFrame(data["portfolio"]["trend"])
    for row in data["portfolio"]["trend_by_dimension"]:
        assert row["change"] == pytest.approx(trend.loc[trend["unit"] == row["unit"],
                                                        "change"].mean())


def test_subtraction_finds_nothing_in_the_csv_tables(vendor, tmp_path):
    tables = write_tables(vendor, tmp_path / "vendor")
    gaps = tables["gaps"][tables["gaps"]["kind"] == "dimension"].dropna(subset=["gap"])
    for row in tables["portfolio_dimensions"].itertuples():
        shown = gaps.loc[gaps["unit"] == row.unit, "gap"]
        assert row.accounts == len(shown)
        assert row.mean_gap * row.accounts == pytest.approx(shown.sum(), abs=1e-9)
    assert HIDDEN not in set(gaps["account"])


# --- the same three attacks on the PDFs ---------------------------------------------------

def _dimension_row(text: str, name: str) -> tuple[int, float]:
    match = re.search(rf"{name} (\d+) ([+−-]\d+\.\d\d)", text)
    assert match, text[:2000]
    return int(match.group(1)), float(match.group(2).replace("−", "-"))


@pytest.mark.parametrize("edition", ["consultant", "vendor"])
def test_vendor_pdfs_rank_no_hidden_account_and_add_up(edition, vendor, consultant):
    """Portfolio PDF: the ranking table names no hidden account, and each dimension's account
    count and mean gap are those of the gaps the edition shows."""
    data = (vendor if edition == "vendor" else consultant).to_json()
    text = pdf_text(portfolio_pdf(meta(data), data))
    ranking = text.split("Accounts ranked by gap", 1)[1].split("Accounts × dimensions", 1)[0]
    ranked_part = ranking.split("Not ranked", 1)[0]
    assert (HIDDEN in ranked_part) is (edition == "consultant")
    n, mean_gap = _dimension_row(text, "Trust")
    shown = _shown_gaps(data, "trust")
    assert n == len(shown)
    assert mean_gap == pytest.approx(np.mean(list(shown.values())), abs=0.005)
    if edition == "vendor":
        assert "every figure rests on at least 3 answers" in text


@pytest.mark.parametrize("edition", ["consultant", "vendor"])
def test_vendor_account_pdf_shows_no_single_customer_figure(edition, vendor, consultant):
    """Sparse: one customer's NPS of −100 and '0 of 1' agreeing; Hidden: its comment."""
    data = (vendor if edition == "vendor" else consultant).to_json()
    sparse = pdf_text(account_pdf(meta(data), accounts(data)[SPARSE]))
    hidden = pdf_text(account_pdf(meta(data), accounts(data)[HIDDEN]))
    leaked = ["−100" in sparse, "0 of 1" in sparse, SECRET in hidden]
    assert leaked == ([True] * 3 if edition == "consultant" else [False] * 3)


# --- the boundary of the minimum ------------------------------------------------------------

@pytest.mark.parametrize("min_group, shown", [(3, True), (4, False)])
def test_group_of_exactly_min_group_is_shown_and_one_less_is_not(min_group, shown):
    """Exact Engineering has exactly 3 customers and 3 vendor staff, all answering."""
    data = run("vendor", min_group=min_group).to_json()
    exact = accounts(data)[EXACT]
    assert exact["confidential"] is (not shown)
    assert exact["status"] == ("ok" if shown else "counts_only")
    assert (next(d for d in exact["dimensions"] if d["unit"] == "trust")["gap"] is not None) \
        is shown
    assert bool(exact["verbatims"]) is shown
    assert (EXACT in [r["account"] for r in data["portfolio"]["ranking"]]) is shown
    sparse_item = next(d for d in accounts(data)[SPARSE]["items"]
                       if d["unit"] == "align_priorities")
    assert sparse_item["n_customer"] == 3
    assert (sparse_item["mean_customer"] is not None) is shown


def test_remainder_rule_for_breakdowns():
    """A count may show only when it, and the rest of its group, both reach the minimum."""
    assert breakdown_shown(3, 6, 3) and breakdown_shown(0, 4, 3) and breakdown_shown(4, 4, 3)
    assert not breakdown_shown(3, 4, 3)  # the remaining 1 would be exposed by subtraction
    assert not breakdown_shown(2, 6, 3)


# --- people: verbatims, power map, roles ------------------------------------------------

def test_verbatims_power_map_and_roles_in_the_vendor_edition(vendor, consultant):
    mine, theirs = accounts(consultant.to_json()), accounts(vendor.to_json())
    text = json.dumps(vendor.to_json())
    assert SECRET not in text and SECRET in json.dumps(consultant.to_json())
    assert theirs[HIDDEN]["verbatims"] == [] and theirs[HIDDEN]["power_map"] == []
    assert theirs[EXACT]["verbatims"] and all(v["attribution"] == ""
                                              for v in theirs[EXACT]["verbatims"])
    assert any(v["attribution"] for v in mine[EXACT]["verbatims"])
    # Nobody's own stance is shown: no contact ids, and no self counts from 1 describer.
    assert not re.search(r'"(Exa|Spa|Hid|Vis)-c\d', text)
    assert all(set(p) == {"view", "vendor_count", "self_count"}
               for a in theirs.values() for p in a["power_map"])
    assert theirs[SPARSE]["power_map"] and all(p["self_count"] is None
                                               for p in theirs[SPARSE]["power_map"])
    assert any(p["self_count"] for p in theirs[EXACT]["power_map"])  # 3 describers: counts
    # Roles: one executive, one manager, one user among three: each count would be one person.
    assert mine[EXACT]["coverage"]["role_counts"]["executive"] == 1
    cover = theirs[EXACT]["coverage"]
    assert cover["role_counts"]["executive"] is None and cover["roles_present"] == []
    # Nor the zero: with it, three withheld roles among three people would each be one person.
    assert cover["buyer_heard"] is None and cover["role_counts"]["purchasing"] is None
    assert theirs[HIDDEN]["coverage"] is None


def test_vendor_staff_accuracy_leaves_hidden_customers_out(vendor):
    """A function's bias is a sum: measured against hidden customers it would give them back."""
    staff = vendor.to_json()["vendor_staff"]
    assert staff and all(set(s) == {"function", "people", "mae", "bias"} for s in staff)
    only_shown = run("vendor", sizes={k: v for k, v in CURRENT.items()
                                      if k not in (HIDDEN, THIN_TEAM)})
    assert staff == only_shown.to_json()["vendor_staff"]


# --- gates G1–G3 -------------------------------------------------------------------------

def _answers(rows) -> AnalysisInput:
    frame = pd.DataFrame(rows, columns=["account", "side", "respondent", "item", "value"])
    return AnalysisInput(frame, frame[["respondent", "account", "side"]].drop_duplicates())


def test_newcombe_interval_only_where_gate_g3_passes():
    rows = [("OneOne", "vendor", "v1", "superior_experience", 5.0),
            ("OneOne", "customer", "c1", "superior_experience", 1.0)]
    rows += [("Unanimous", "vendor", f"v{i}", "superior_experience", 5.0) for i in range(2)]
    rows += [("Unanimous", "customer", f"c{i}", "superior_experience", 2.0) for i in range(2)]
    rows += [("Varied", "vendor", f"v{i}", "superior_experience", x)
             for i, x in enumerate((5.0, 5.0, 2.0))]
    rows += [("Varied", "customer", f"c{i}", "superior_experience", x)
             for i, x in enumerate((1.0, 4.0, 2.0))]
    result = analyse(_answers(rows), instrument(), workers=1)
    sup = result.superior.set_index("account")
    assert sup.loc["OneOne", "ci_note"] == "too_few_for_interval"
    assert sup.loc["Unanimous", "ci_note"] == "unanimous"
    assert np.isnan(sup.loc["OneOne", "ci_low"]) and np.isnan(sup.loc["Unanimous", "ci_high"])
    low, high = confint_proportions_2indep(2, 3, 1, 3, method="newcomb", compare="diff")
    assert (sup.loc["Varied", "ci_low"], sup.loc["Varied", "ci_high"]) == pytest.approx(
        (low, high))
    assert sup.loc["Unanimous", "x_vendor"] == 2 and sup.loc["Unanimous", "x_customer"] == 0


@pytest.mark.parametrize("n_accounts, tested", [(3, False), (5, False), (6, True)])
def test_stage_tests_and_kappa_need_six_accounts(n_accounts, tested):
    rows = []
    for a in range(n_accounts):
        for side, stage in (("vendor", 2.0 + (a % 2)), ("customer", float(a % 3))):
            rows += [(f"A{a}", side, f"{side}{a}-{r}", "relationship_stage", stage)
                     for r in range(3)]
    stage = analyse(_answers(rows), instrument(), workers=1).to_json()["portfolio"][
        "stage_agreement"]
    assert sum(map(sum, stage["table"])) == n_accounts  # the counts are always there
    assert (stage["sign_test_p"] is not None) is tested
    assert (stage["kappa_linear"] is not None) is tested
    assert stage["note"] == (None if tested else "too_few_accounts")


def test_respondent_analogue_p_is_in_the_holm_family(consultant):
    portfolio = consultant.to_json()["portfolio"]
    bain, stage = portfolio["bain_literal"], portfolio["stage_agreement"]
    family = [d["p_value"] for d in portfolio["dimensions"]] + [
        bain["p_value"], bain["respondent_p_value"], stage["sign_test_p"]]
    tested = [p for p in family if p is not None]
    assert bain["respondent_p_value"] is not None and len(tested) >= 4
    adjusted = dict(zip(tested, multipletests(tested, method="holm")[1], strict=False))
    assert bain["respondent_p_holm"] == pytest.approx(adjusted[bain["respondent_p_value"]])
    assert bain["p_holm"] == pytest.approx(adjusted[bain["p_value"]])


def test_failed_gate_gives_counts_per_category_per_side(consultant):
    """Exact Engineering (3 vs 3): no exact test can reach .05, so its counts are given."""
    trust = next(d for d in accounts(consultant.to_json())[EXACT]["dimensions"]
                 if d["unit"] == "trust")
    assert trust["p_value"] is None and trust["test_note"] == "too_few_to_test"
    assert sum(c["count"] for c in trust["counts"]["customer"]) == trust["n_customer"] == 3
    assert sum(c["count"] for c in trust["counts"]["vendor"]) == trust["n_vendor"] == 3


# --- one layer, consultant untouched ---------------------------------------------------

def test_vendor_edition_leaves_the_consultant_result_untouched(consultant, monkeypatch):
    """The vendor edition is derived from the full result without changing it."""
    from vocgap.analysis import confidentiality

    seen = []
    derive = confidentiality.vendor_edition

    def spy(full, min_group):
        before = json.dumps(full.to_json(), sort_keys=True)
        derived = derive(full, min_group)
        seen.append((before, json.dumps(full.to_json(), sort_keys=True)))
        return derived

    monkeypatch.setattr(confidentiality, "vendor_edition", spy)
    assert run("vendor").meta["edition"] == "vendor"
    (before, after), = seen
    assert before == after == json.dumps(consultant.to_json(), sort_keys=True)
    assert consultant.sources is None  # nothing respondent-level is kept in a finished result
    with pytest.raises(ValueError, match="fresh consultant result"):
        vendor_edition(consultant, 3)


def test_min_group_has_a_floor_of_three():
    with pytest.raises(ValueError, match="at least 3"):
        analyse(_answers([("A", "vendor", "v", "trust_promises", 4.0)]), instrument(),
                min_group=2)


def test_no_hidden_answer_moves_a_figure_the_vendor_sees(vendor, consultant):
    """The vendor edition equals the vendor edition of the same study without the hidden
    account at all: no total, reference SD, class, BH or Holm family, crosshair or accuracy
    carries anything of it (differencing across editions or studies finds nothing)."""
    hidden = {HIDDEN, THIN_TEAM}
    assert consultant.gaps.query("account == @THIN_TEAM")["p_value"].notna().any()
    without = run("vendor", sizes={k: v for k, v in CURRENT.items() if k not in hidden})
    mine = vendor.to_json()
    mine["accounts"] = [a for a in mine["accounts"] if a["account"] not in hidden]
    without = without.to_json()
    assert json.dumps(mine, sort_keys=True) == json.dumps(without, sort_keys=True)


def test_vendor_pages_and_downloads_of_the_demo(app, auth):
    """Through the web: the vendor-edition analysis page ranks no hidden account, the hidden
    account's page shows counts only, and the downloaded vendor PDF ranks none either."""
    import sqlalchemy as sa

    from vocgap.demo import DEMO_EMAIL, DEMO_PASSWORD
    from vocgap.extensions import db
    from vocgap.models import Account

    from .test_analysis_web import demo

    study = demo(app)
    client = auth(DEMO_EMAIL, DEMO_PASSWORD)
    hidden = ["Iverson &amp; Pike Legal", "Juniper Municipal Council"]
    base = f"/consultant/studies/{study.id}"
    page = client.get(f"{base}/analysis/?edition=vendor").get_data(as_text=True)
    ranked = page.split("Accounts ranked by gap", 1)[1]
    for name in hidden:
        row = next(r for r in ranked.split("<tr>") if name in r)
        assert '<td class="num">—</td>' in row and "counts only" in row
    consultant = client.get(f"{base}/analysis/").get_data(as_text=True)
    juniper_row = next(r for r in consultant.split("Accounts ranked by gap", 1)[1].split("<tr>")
                       if hidden[1] in r)
    assert '<td class="num">—</td>' not in juniper_row  # ranked in the consultant edition
    account = db.session.scalar(sa.select(Account).where(
        Account.name == "Juniper Municipal Council"))
    detail = client.get(f"{base}/analysis/accounts/{account.id}?edition=vendor").get_data(
        as_text=True)
    assert "counts only" in detail and "confidential: fewer than 3 answers" in detail
    assert "(BH)" not in detail and "blind spot" not in detail
    pdf = client.get(f"{base}/reports/portfolio.pdf?edition=vendor")
    assert pdf.status_code == 200
    text = pdf_text(pdf.data)
    ranking = text.split("Accounts ranked by gap", 1)[1].split("Not ranked", 1)
    assert "Juniper" not in ranking[0] and "Juniper" in ranking[1]


def test_within_account_bh_family_holds_only_shown_dimensions():
    """A suppressed dimension's p-value may not move the adjusted p of a shown one."""
    trust = ["trust_right_thing", "trust_promises", "trust_guarded"]
    align = ["align_priorities", "align_understands", "align_pushes"]
    rows = [("Mixed", "vendor", f"v{i}", item, 1.0 if item in ("trust_guarded", "align_pushes")
             else 5.0) for i in range(8) for item in trust + align]
    rows += [("Mixed", "customer", f"c{i}", item, 5.0 if item in ("trust_guarded",
                                                                  "align_pushes") else 1.0)
             for i in range(2) for item in trust + align]
    rows += [("Mixed", "customer", "c2", item, 4.0 if item == "align_pushes" else 2.0)
             for item in align]
    data = _answers(rows)
    full = analyse(data, instrument(), workers=1).gaps.set_index("unit")
    shown = analyse(data, instrument(), workers=1, edition="vendor").gaps.set_index("unit")
    assert full.loc["trust", "p_value"] == pytest.approx(2 / 45)  # testable, but 2 customers
    assert full.loc["alignment", "p_adjusted"] > full.loc["alignment", "p_value"]
    assert np.isnan(shown.loc["trust", "p_value"])
    assert shown.loc["alignment", "p_adjusted"] == pytest.approx(
        full.loc["alignment", "p_value"])
