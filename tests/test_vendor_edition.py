"""Gate G1 at its boundary: a group of exactly ``min_group`` is shown, one fewer shows counts only.

The fixture portfolio has open text, a power map and vendor-staff functions, so every part of the
vendor edition that could leak a small group's answers has something to leak.
"""

from __future__ import annotations

import json

import pytest

from vocgap.analysis import analyse

from .factories import rated_accounts

MIN_GROUP = 4
GROUPS = {
    "AtMinimum": (MIN_GROUP, MIN_GROUP),         # exactly the minimum on both sides: shown
    "FewCustomers": (MIN_GROUP - 1, 6),          # one customer short: counts only
    "FewVendors": (6, MIN_GROUP - 1),            # one vendor short: counts only
    "Large": (7, 6),
}


COUNTS_AND_CODES = {"n", "n_vendor", "n_customer", "side", "ci_note", "test_note"}


def only_counts(block: dict | None) -> bool:
    """True if a block shows nothing but group sizes and gate codes (or is absent)."""
    return block is None or all(value is None for key, value in block.items()
                                if key not in COUNTS_AND_CODES)


@pytest.fixture(scope="module")
def editions():
    from vocgap.instruments import load_instrument

    from .conftest import ROOT

    instrument = load_instrument(ROOT / "surveys" / "b2b-relationship.yaml")
    data = rated_accounts(instrument, GROUPS, seed=11,
                          functions=("account_manager",) * 3 + ("service",))
    consultant, vendor = (analyse(data, instrument, min_group=MIN_GROUP, edition=edition,
                                  workers=1).to_json() for edition in ("consultant", "vendor"))
    return ({a["account"]: a for a in consultant["accounts"]},
            {a["account"]: a for a in vendor["accounts"]}, consultant, vendor)


def test_a_group_of_exactly_the_minimum_is_shown(editions):
    """Is a group of exactly min_group treated as large enough (``<``, not ``<=``)?"""
    mine, theirs, _, _ = editions
    shown = theirs["AtMinimum"]
    assert shown["confidential"] is False
    assert shown["respondents"] == {"customer": MIN_GROUP, "vendor": MIN_GROUP}
    assert [d["gap"] for d in shown["dimensions"]] == [d["gap"] for d in
                                                       mine["AtMinimum"]["dimensions"]]
    assert all(d["gap"] is not None for d in shown["dimensions"])
    assert shown["superior_experience"] is not None and shown["stage"]["sides"]
    assert shown["coverage"]["respondents"] == MIN_GROUP
    texts = {v["text"] for v in shown["verbatims"]}
    assert texts == {v["text"] for v in mine["AtMinimum"]["verbatims"]} and texts
    assert all(v["attribution"] == "" for v in shown["verbatims"])  # never who said it
    views = {row["view"]: row["vendor_count"] for row in shown["power_map"]}
    assert sum(views.values()) == MIN_GROUP  # one view per customer contact, counts only
    assert all(set(row) == {"view", "vendor_count", "self_count"} for row in shown["power_map"])


@pytest.mark.parametrize("account", ["FewCustomers", "FewVendors"])
def test_one_fewer_than_the_minimum_shows_counts_only(editions, account):
    """Does a group of min_group − 1 on either side hide scores, verbatims and the power map?"""
    mine, theirs, _, vendor = editions
    hidden = theirs[account]
    assert hidden["confidential"] is True
    assert hidden["respondents"] == mine[account]["respondents"]  # the counts stay
    assert "counts" in hidden["status"]  # a code ("counts_only") that reporting words
    for row in hidden["dimensions"] + hidden["items"]:
        assert row["gap"] is None and row["mean_customer"] is None and row["p_value"] is None
    assert hidden["verbatims"] == []
    assert all(set(row) == {"view", "vendor_count", "self_count"} for row in hidden["power_map"])
    if account == "FewCustomers":  # customers' self-descriptions: not even counts
        assert hidden["power_map"] == []
    assert hidden["priorities"] == [] and hidden["coverage"] is None
    for block in (hidden["superior_experience"], *hidden["recommend"].values(),
                  *hidden["stage"]["sides"].values(), {"gap": hidden["stage"]["gap"]}):
        assert only_counts(block), block
    assert mine[account]["verbatims"], "the fixture must give the small group open text"
    everything = json.dumps(vendor)
    for verbatim in mine[account]["verbatims"]:
        assert verbatim["text"] not in everything


def test_small_customer_groups_lose_coverage_and_self_descriptions(editions):
    mine, theirs, _, _ = editions
    assert mine["FewCustomers"]["coverage"]["respondents"] == MIN_GROUP - 1
    assert theirs["FewCustomers"]["coverage"] is None
    assert mine["FewCustomers"]["power_map"][0]["self_view"]  # the consultant sees it all
    assert "self_support" not in json.dumps(theirs)


def test_vendor_staff_accuracy_only_for_functions_of_at_least_the_minimum(editions):
    """Is a vendor function with fewer than min_group people left out of the vendor edition?"""
    _, _, consultant, vendor = editions
    people = {}
    for row in consultant["vendor_staff"]:
        people[row["function"]] = people.get(row["function"], 0) + 1
    assert people["service"] < MIN_GROUP <= people["account_manager"]
    functions = {row["function"]: row for row in vendor["vendor_staff"]}
    assert set(functions) == {"account_manager"}
    shown = {a["account"] for a in vendor["accounts"] if not a["confidential"]}
    managers = [r for r in consultant["vendor_staff"] if r["function"] == "account_manager"]
    assert MIN_GROUP <= functions["account_manager"]["people"] <= len(managers)
    assert functions["account_manager"]["people"] >= sum(
        r["respondent"].split("-")[0] in shown for r in managers)
    assert all("respondent" not in row and "name" not in row for row in vendor["vendor_staff"])


def test_exactly_the_minimum_in_a_function_is_shown():
    """A vendor function of exactly min_group people is shown; one fewer is not."""
    from vocgap.instruments import load_instrument

    from .conftest import ROOT

    instrument = load_instrument(ROOT / "surveys" / "b2b-relationship.yaml")
    groups = {"A": (5, 4), "B": (5, 3)}  # 4 + 3 vendor staff: functions of 4 and 3 people
    data = rated_accounts(instrument, groups, seed=3, open_text=False, power_map=False)
    data.respondents.loc[data.respondents["respondent"].str.startswith("A-v"),
                         "function"] = "account_manager"
    data.respondents.loc[data.respondents["respondent"].str.startswith("B-v"),
                         "function"] = "service"
    vendor = analyse(data, instrument, min_group=4, edition="vendor", workers=1).to_json()
    assert [row["function"] for row in vendor["vendor_staff"]] == ["account_manager"]
