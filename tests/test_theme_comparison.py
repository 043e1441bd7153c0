"""The mirror comparison of themes: counts, intervals, findings, quotes and the vendor edition."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from vocgap.analysis.themes import (
    COLUMNS,
    INTERVAL_MIN,
    ThemeInput,
    account_themes,
    portfolio_themes,
    wilson,
)

DELIVERY, SUPPORT, TRAINING = 1, 2, 3
NAMES = {DELIVERY: "Late deliveries", SUPPORT: "Slow support", TRAINING: "Training"}


def rows(account, side, themes_per_person, item="one_thing", start=0):
    """One verbatim per person; ``themes_per_person`` is a list of theme tuples."""
    out = []
    for i, themes in enumerate(themes_per_person):
        person = f"{account}-{side}-{start + i}"
        out.append({"account": account, "side": side, "respondent": person, "item": item,
                    "verbatim": hash((person, item)) % 10**8,
                    "text": f"{side} {i} of {account} says {'/'.join(map(str, themes))}",
                    "themes": tuple(themes), "attribution": f"Role of {person}",
                    "tone": ""})
    return out


def data(records, **options):
    return ThemeInput(pd.DataFrame(records, columns=COLUMNS), NAMES, ["one_thing"], **options)


def reference_wilson(x, n, z=1.959963984540054):
    """Wilson (1927) score interval, written out independently of statsmodels."""
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


@pytest.mark.parametrize(("x", "n"), [(0, 10), (3, 10), (10, 10), (7, 23), (1, 40)])
def test_wilson_matches_an_independent_calculation(x, n):
    low, high = wilson(x, n)
    ref_low, ref_high = reference_wilson(x, n)
    assert low == pytest.approx(max(0.0, ref_low), abs=1e-12)
    assert high == pytest.approx(min(1.0, ref_high), abs=1e-12)


def test_wilson_reference_values():
    """3 of 10: 10.8% to 60.3% (published Wilson interval, e.g. Newcombe 1998 table I style)."""
    low, high = wilson(3, 10)
    assert (round(low, 4), round(high, 4)) == (0.1078, 0.6032)


def test_small_groups_show_counts_and_large_ones_an_interval():
    """Under INTERVAL_MIN people a side shows 'x of n'; from it on, a share with its interval."""
    small = rows("Acme", "customer", [(DELIVERY,), (DELIVERY, SUPPORT), (), (SUPPORT,)])
    staff = rows("Acme", "vendor", [(TRAINING,)] * 3 + [(SUPPORT,)] * (INTERVAL_MIN - 3))
    result = account_themes(data(small + staff))["Acme"]["questions"][0]
    by_name = {r["name"]: r for r in result["themes"]}
    assert by_name["Late deliveries"]["customer"] == {"n": 4, "x": 2, "shown": True,
                                                      "text": "2 of 4"}
    support = by_name["Slow support"]["vendor"]
    assert support["x"] == INTERVAL_MIN - 3 and support["n"] == INTERVAL_MIN
    assert (support["ci_low"], support["ci_high"]) == pytest.approx(
        reference_wilson(INTERVAL_MIN - 3, INTERVAL_MIN))
    assert "ci_low" not in by_name["Late deliveries"]["customer"]


def test_a_person_with_two_answers_counts_once():
    records = rows("Acme", "customer", [(DELIVERY,)]) + rows("Acme", "customer", [(DELIVERY,)])
    records[1]["respondent"] = records[0]["respondent"]
    result = account_themes(data(records))["Acme"]["questions"][0]
    assert result["n"]["customer"] == 1 and result["themes"][0]["customer"]["x"] == 1


def test_findings_name_themes_missed_either_way_with_quotes():
    """Raised but not predicted, and predicted but never mentioned, each with ≤ 3 quotes."""
    customers = rows("Acme", "customer", [(DELIVERY,)] * 4 + [(SUPPORT,)])
    staff = rows("Acme", "vendor", [(TRAINING,), (SUPPORT,), (TRAINING,)])
    q = account_themes(data(customers + staff))["Acme"]["questions"][0]
    assert [f["name"] for f in q["unpredicted"]] == ["Late deliveries"]
    assert [f["name"] for f in q["unmentioned"]] == ["Training"]
    quotes = q["unpredicted"][0]["quotes"]
    assert len(quotes) == 3 and all("customer" in x["text"] for x in quotes)
    assert quotes[0]["attribution"].startswith("Role of")  # consultant edition
    assert len(q["unmentioned"][0]["quotes"]) == 2


def test_vendor_edition_hides_small_groups_and_hidden_accounts():
    """Below min_group: size only; a count that would single out people: a range; a hidden
    account: nothing at all."""
    customers = rows("Acme", "customer", [(DELIVERY,), (DELIVERY,), (DELIVERY,), (SUPPORT,),
                                          ()])
    staff = rows("Acme", "vendor", [(TRAINING,), (TRAINING,)])
    other = rows("Hidden", "customer", [(DELIVERY,)] * 5) + rows("Hidden", "vendor",
                                                                 [()] * 3)
    result = account_themes(data(customers + staff + other, edition="vendor", min_group=3,
                                 hidden=frozenset({"Hidden"})))
    assert set(result) == {"Acme"}
    q = result["Acme"]["questions"][0]
    by_name = {r["name"]: r for r in q["themes"]}
    # 3 of 5 would leave 2 people who did not say it: a range that pins neither group.
    assert by_name["Late deliveries"]["customer"] == {"n": 5, "x": None, "shown": False,
                                                      "range": [3, 4], "text": "3–4 of 5"}
    assert by_name["Slow support"]["customer"]["text"] == "1–2 of 5"
    assert all(r["vendor"] == {"n": 2, "x": None, "shown": False,
                               "text": "fewer than 3 answered"} for r in q["themes"])
    assert q["unpredicted"] == [] and q["unmentioned"] == []  # staff group too small to say
    assert all(not r["vendor"].get("x") for r in q["themes"])


def test_vendor_edition_counts_follow_the_remainder_rule():
    customers = rows("Acme", "customer", [(DELIVERY,)] * 3 + [(SUPPORT,)] + [()] * 2)
    staff = rows("Acme", "vendor", [(TRAINING,)] * 3)
    q = account_themes(data(customers + staff, edition="vendor", min_group=3))["Acme"][
        "questions"][0]
    by_name = {r["name"]: r for r in q["themes"]}
    assert by_name["Late deliveries"]["customer"]["text"] == "3 of 6"  # 3 and the other 3
    support = by_name["Slow support"]["customer"]
    assert support["x"] is None and support["text"] == "1–2 of 6"
    assert by_name["Training"]["vendor"]["text"] == "3 of 3"  # everyone: nothing to subtract
    assert by_name["Training"]["customer"]["text"] == "0 of 6"
    quotes = q["unpredicted"][0]["quotes"] + q["unmentioned"][0]["quotes"]
    assert quotes and all(x["attribution"] == "" for x in quotes)
    no_quotes = account_themes(data(customers + staff, edition="vendor", min_group=3,
                                    quotes=False))["Acme"]["questions"][0]
    assert all(f["quotes"] == [] for f in no_quotes["unpredicted"] + no_quotes["unmentioned"])


def test_vendor_edition_order_does_not_rank_withheld_counts():
    """Two withheld counts (1 and 2 of 7) sort by name, so the order reveals neither."""
    customers = rows("Acme", "customer", [(SUPPORT,), (DELIVERY,), (DELIVERY,)] + [()] * 4)
    staff = rows("Acme", "vendor", [()] * 3)
    q = account_themes(data(customers + staff, edition="vendor", min_group=3))["Acme"][
        "questions"][0]
    assert [r["name"] for r in q["themes"]] == ["Late deliveries", "Slow support"]
    assert [f["name"] for f in q["unpredicted"]] == ["Late deliveries", "Slow support"]
    swapped = rows("Acme", "customer", [(DELIVERY,), (SUPPORT,), (SUPPORT,)] + [()] * 4)
    q2 = account_themes(data(swapped + staff, edition="vendor", min_group=3))["Acme"][
        "questions"][0]
    assert [r["name"] for r in q2["themes"]] == [r["name"] for r in q["themes"]]
    assert [r["customer"]["text"] for r in q2["themes"]] == [r["customer"]["text"]
                                                             for r in q["themes"]]


def test_portfolio_counts_accounts_and_leaves_small_groups_out_of_the_vendor_edition():
    """The account is the unit; the vendor edition drops groups below the minimum and pooled
    people counts (which would give a withheld cell back by subtraction)."""
    records = []
    for name, raised in (("A", True), ("B", True), ("C", False)):
        records += rows(name, "customer", [(DELIVERY,) if raised else ()] + [()] * 3)
        records += rows(name, "vendor", [(TRAINING,)] * 3)
    records += rows("D", "customer", [(DELIVERY,)] * 2) + rows("D", "vendor", [()] * 3)
    full = portfolio_themes(data(records))["questions"][0]
    delivery = next(r for r in full["themes"] if r["name"] == "Late deliveries")
    assert delivery["raised"]["text"] == "3 of 4" and delivery["not_predicted"] == 3
    assert delivery["people"]["customer"]["text"] == "4 of 14"
    training = next(r for r in full["themes"] if r["name"] == "Training")
    assert training["predicted"]["text"] == "3 of 4"
    assert [f["name"] for f in full["unmentioned"]] == ["Training"]
    vendor = portfolio_themes(data(records, edition="vendor", min_group=3))["questions"][0]
    delivery = next(r for r in vendor["themes"] if r["name"] == "Late deliveries")
    assert delivery["raised"]["text"] == "2 of 3"  # D's two customers are below the minimum
    assert "people" not in delivery
    quotes = [q for f in vendor["unpredicted"] for q in f["quotes"]]
    assert quotes and {q["account"] for q in quotes} <= {"A", "B"}
    assert all(q["attribution"] == "" for q in quotes)


def test_no_themes_or_no_verbatims_give_empty_results():
    assert account_themes(data([])) == {}
    assert portfolio_themes(data([])) == {"questions": []}


def test_the_same_words_are_quoted_once():
    customers = rows("Acme", "customer", [(DELIVERY,)] * 3)
    for record in customers:
        record["text"] = "Late  again."
    q = account_themes(data(customers + rows("Acme", "vendor", [()])))["Acme"]["questions"][0]
    assert [x["text"] for x in q["unpredicted"][0]["quotes"]] == ["Late  again."]
