"""Item and scale rules: each concern reported once, in a fixed order; odd YAML never crashes."""

from __future__ import annotations

import pytest

from vocgap.instruments import InstrumentError, parse_instrument
from vocgap.instruments.item_rules import ITEM_RULES, Catalogue, ItemPlan, check_item

from .test_instruments import broken, problems

SCALES = parse_instrument(broken(""), "x.yaml").scales


def test_one_broken_item_lists_every_problem_in_rule_order():
    """Does an item breaking several rules get one line per rule, ordered as the rules run?"""
    found = problems(broken("""\
        - id: Bad
          type: likelihood
          scale: agree5
          reverse: "yes"
          sides: [customer, partner]
          colour: blue
          customer: "Hello {someone}"
          max_length: 0
    """))
    assert found == [
        "line 18, item 'Bad': id must start with a lowercase letter and use only a-z, 0-9 and _",
        "line 18, item 'Bad': unknown key 'colour'",
        "line 18, item 'Bad': sides must be a list drawn from customer, vendor",
        "line 18, item 'Bad': customer wording: bad placeholder {someone} "
        "(allowed: {account}, {vendor})",
        "line 18, item 'Bad': missing mirror wording ('mirror')",
        "line 18, item 'Bad': a likelihood item needs a 0-10 scale, not 1-5",
        "line 18, item 'Bad': reverse must be true or false",
        "line 18, item 'Bad': max_length must be a whole number from 1 to 100000",
    ]


@pytest.mark.parametrize("odd", [
    {"type": "[{a: 1}]"}, {"type": "{a: 1}", "reverse": "true"}, {"type": "[x]", "scale": None},
    {"sides": "[{a: 1}]"}, {"role": "[x]"}, {"sides": "[[customer]]"},
])
def test_lists_and_mappings_where_a_word_belongs_are_reported_not_crashed(odd):
    """Does a list or mapping in place of a type, role or side give a clear error, not a crash?"""
    item = {"id": "odd", "type": "agreement", "scale": "agree5", "dimension": "trust",
            "customer": "x", "mirror": "y", **odd}
    item = {k: v for k, v in item.items() if v is not None}
    lines = "\n".join(f"  {k}: {v}" if k != "id" else f"- {k}: {v}" for k, v in item.items())
    with pytest.raises(InstrumentError) as info:
        parse_instrument(broken(lines + "\n"), "surveys/broken.yaml")
    assert any("item 'odd'" in p for p in info.value.problems), info.value.problems


def test_a_valid_plan_builds_the_item_with_resolved_parts():
    """Do the rules hand their resolved scale, sides and options to the built item?"""
    plan = ItemPlan.read({"id": "stage", "type": "stage", "customer": "c", "mirror": "m",
                          "sides": ["vendor", "customer"],
                          "options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]})
    item, found = check_item(plan, Catalogue(SCALES, frozenset({"trust"})))
    assert found == [] and item is not None
    assert item.sides == ("customer", "vendor") and item.ordinal
    assert [(o.value, o.score) for o in item.options] == [("a", 0), ("b", 1)]


def test_every_rule_is_small_and_documents_its_concern_by_name():
    """Is each rule a named function of its own (one concern each), run exactly once?"""
    names = [rule.__name__ for rule in ITEM_RULES]
    assert len(names) == len(set(names)) >= 10


@pytest.mark.parametrize("bounds, problem", [
    ("{min: 1, max: true}", "min and max must be whole numbers"),
    ("{min: false, max: 5}", "min and max must be whole numbers"),
    ("{min: 1, max: 1.5}", "min and max must be whole numbers"),
    ("{min: 5, max: 1}", "needs min < max and at most 11 points (got 5..1)"),
    ("{min: 0, max: 11}", "needs min < max and at most 11 points (got 0..11)"),
])
def test_scale_bounds_are_whole_numbers_in_a_sensible_range(bounds, problem):
    """Is a yes/no or fractional bound refused, rather than read as the number 1 or 0?"""
    text = broken("").replace("agree5: {min: 1, max: 5, labels: {1: Strongly disagree, "
                              "5: Strongly agree}, dont_know: true}", f"odd: {bounds}")
    assert f"line 5, scale 'odd': {problem}" in problems(text)


def test_stray_scale_labels_are_each_reported():
    text = broken("").replace("labels: {1: Strongly disagree, 5: Strongly agree}",
                              "labels: {0: Nothing, 1: Low, 6: Beyond}")
    assert [p for p in problems(text) if "scale" in p] == [
        "line 5, scale 'agree5': label for 0 is outside 1..5",
        "line 5, scale 'agree5': label for 6 is outside 1..5"]
