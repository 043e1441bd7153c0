"""Revenue at stake: sums by class and quadrant, the headline, renewals, and the vendor edition."""

from __future__ import annotations

from datetime import date

import pytest

from vocgap.analysis.revenue import revenue_at_stake
from vocgap.reporting.revenue import headline_sentence, money, revenue_section

TODAY = date(2026, 11, 23)


def dim(unit, cls, quadrant, gap=0.8, label=None):
    return {"unit": unit, "kind": "dimension", "label": label or unit.capitalize(),
            "class": cls, "quadrant": quadrant, "gap": gap}


def account(name, dims, confidential=False):
    return {"account": name, "confidential": confidential, "dimensions": dims}


@pytest.fixture
def portfolio():
    """Four accounts; D is confidential (counts only in the vendor edition)."""
    return [
        account("A", [dim("trust", "over_estimation", "blind_spot"),
                      dim("value", "agreement", "shared_weakness", 0.1)]),
        account("B", [dim("trust", "over_estimation", "shared_weakness", 0.9),
                      dim("value", "under_estimation", "hidden_strength", -0.9)]),
        account("C", [dim("trust", "agreement", "shared_strength", 0.0),
                      dim("value", None, None, None)]),
        account("D", [dim("trust", "over_estimation", "blind_spot", 1.4),
                      dim("value", "over_estimation", "blind_spot", 1.2)], confidential=True),
    ]


FACTS = {"A": {"revenue": 2_500_000.0, "renewal_date": date(2027, 1, 15)},
         "B": {"revenue": 1_600_000.0, "renewal_date": date(2027, 5, 22)},  # day 180
         "C": {"revenue": 300_000.0, "renewal_date": date(2026, 11, 1)},  # already past
         "D": {"revenue": 900_000.0, "renewal_date": date(2026, 12, 24)}}


def cells(result, table, unit):
    row = next(r for r in result[table] if r["unit"] == unit)
    return {code: (c["revenue"], c["accounts"]) for code, c in row["cells"].items()
            if c["accounts"]}


def test_consultant_sums_by_class_and_quadrant_are_the_hand_computed_ones(portfolio):
    """Trust over-estimated at A, B and D: 2.5M + 1.6M + 0.9M = 5.0M; value not compared at
    C: 0.3M; blind spots at A and D: 3.4M."""
    result = revenue_at_stake(portfolio, FACTS, vendor_edition=False, today=TODAY)
    assert result["total"] == 5_300_000 and result["accounts"] == 4
    assert cells(result, "by_class", "trust") == {
        "over_estimation": (5_000_000, 3), "agreement": (300_000, 1)}
    assert cells(result, "by_class", "value") == {
        "over_estimation": (900_000, 1), "agreement": (2_500_000, 1),
        "under_estimation": (1_600_000, 1), "not_compared": (300_000, 1)}
    assert cells(result, "by_quadrant", "trust") == {
        "blind_spot": (3_400_000, 2), "shared_weakness": (1_600_000, 1),
        "shared_strength": (300_000, 1)}
    assert result["headline"]["unit"] == "trust" and result["headline"]["revenue"] == 5_000_000
    assert (result["blind_spot_revenue"], result["blind_spot_accounts"]) == (3_400_000, 2)


def test_vendor_edition_leaves_a_hidden_account_out_of_every_sum(portfolio):
    """No quadrant, class, total or renewal includes D's 0.9M: trust over-estimation is
    4.1M, the total 4.4M, and D is only counted as withheld."""
    result = revenue_at_stake(portfolio, FACTS, vendor_edition=True, today=TODAY)
    assert result["total"] == 4_400_000 and result["withheld"] == 1
    assert cells(result, "by_class", "trust")["over_estimation"] == (4_100_000, 2)
    assert "over_estimation" not in cells(result, "by_class", "value")
    for table in ("by_class", "by_quadrant"):
        for row in result[table]:
            assert sum(c["revenue"] for c in row["cells"].values()) == 4_400_000
    assert [r["account"] for r in result["renewals"]] == ["A", "B"]
    assert result["renewals_withheld"] == 1
    assert result["blind_spot_revenue"] == 2_500_000


def test_renewals_list_blind_spots_first_within_180_days(portfolio):
    """D (blind spots, in 31 days) and A (53 days) before B (none, day 180, the last day
    counted); C renewed already and is left out."""
    result = revenue_at_stake(portfolio, FACTS, vendor_edition=False, today=TODAY)
    rows = [(r["account"], r["days"], len(r["blind_spots"])) for r in result["renewals"]]
    assert rows == [("D", 31, 2), ("A", 53, 1), ("B", 180, 0)]


def test_the_headline_sentence_in_the_issue_s_words(portfolio):
    """"€4.1M of annual revenue sits in accounts where your team over-estimates the
    relationship on trust" (vendor edition: A and B)."""
    result = revenue_at_stake(portfolio, FACTS, vendor_edition=True, today=TODAY)
    assert headline_sentence(result, "EUR", "Northwind") == (
        "€4.1M of annual revenue sits in 2 accounts where Northwind's team over-estimates "
        "the relationship on trust, of €4.4M in the accounts shown.")


def test_no_over_estimation_and_no_revenue_are_said_in_words():
    """No over-estimated dimension, or no revenue at all: a plain sentence, never '€0'."""
    calm = [account("A", [dim("trust", "agreement", "shared_strength", 0.1)])]
    result = revenue_at_stake(calm, {"A": {"revenue": 10.0, "renewal_date": None}},
                              vendor_edition=False, today=TODAY)
    assert "In no account" in headline_sentence(result, "EUR", "N")
    empty = revenue_at_stake(calm, {"A": {"revenue": None, "renewal_date": None}},
                             vendor_edition=False, today=TODAY)
    assert headline_sentence(empty, "EUR", "N").startswith("No compared account")
    assert empty["without_revenue"] == 1


@pytest.mark.parametrize(("value", "currency", "text"), [
    (4_100_000, "EUR", "€4.1M"), (640_000, "EUR", "€640k"), (950, "GBP", "£950"),
    (1_000_000, "USD", "$1M"), (2_345_000_000, "CHF", "CHF 2.3bn"), (None, "EUR", "—"),
    (125_000_000, "EUR", "€125M")])
def test_money_is_compact(value, currency, text):
    assert money(value, currency) == text


def test_the_section_is_left_out_when_no_account_has_revenue_or_renewal(portfolio):
    meta = {"revenue": {"currency": "EUR", "accounts": {
        "A": {"revenue": None, "renewal_date": None}}}, "vendor": "N"}
    assert revenue_section(meta, {"accounts": portfolio, "edition": "consultant"}) is None


def test_a_blind_spot_renewing_later_comes_before_a_clean_one_renewing_sooner():
    """Blind spots first, whatever the dates; soonest first within each group."""
    accounts = [account("Soon", [dim("trust", "agreement", "shared_strength", 0.0)]),
                account("Late", [dim("trust", "over_estimation", "blind_spot")]),
                account("Mid", [dim("trust", "over_estimation", "blind_spot")])]
    facts = {"Soon": {"revenue": 1.0, "renewal_date": date(2026, 11, 24)},
             "Late": {"revenue": 1.0, "renewal_date": date(2027, 4, 1)},
             "Mid": {"revenue": 1.0, "renewal_date": date(2027, 1, 1)}}
    result = revenue_at_stake(accounts, facts, vendor_edition=False, today=TODAY)
    assert [r["account"] for r in result["renewals"]] == ["Mid", "Late", "Soon"]
