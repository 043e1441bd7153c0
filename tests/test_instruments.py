"""Instrument files: the shipped ones are valid, and every broken file says what is wrong."""

from __future__ import annotations

import json
import textwrap

import pytest
from click.testing import CliRunner

from vocgap.cli import main
from vocgap.instruments import InstrumentError, load_instrument, parse_instrument, render_wording

from .conftest import ROOT

SHIPPED = sorted((ROOT / "surveys").glob("*.yaml"))

HEADER = """\
id: broken
version: "1"
title: Broken
scales:
  agree5: {min: 1, max: 5, labels: {1: Strongly disagree, 5: Strongly agree}, dont_know: true}
dimensions:
  - {id: trust, name: Trust}
sections:
  - id: s1
    title: S1
    items:
"""
GOOD_ITEM = """\
      - id: trust_a
        type: agreement
        scale: agree5
        dimension: trust
        customer: "We trust {vendor}."
        mirror: "{account} trusts us."
"""


def broken(items: str) -> str:
    return HEADER + GOOD_ITEM + textwrap.indent(textwrap.dedent(items), "      ")


def problems(text: str) -> list[str]:
    with pytest.raises(InstrumentError) as info:
        parse_instrument(text, "surveys/broken.yaml")
    return info.value.problems


def test_shipped_instruments_are_valid():
    """Does every file in surveys/ load without a problem?"""
    assert len(SHIPPED) >= 2
    for path in SHIPPED:
        inst = load_instrument(path)
        assert inst.items and inst.dimensions


def test_default_instrument_covers_the_design(instrument):
    """Does the default instrument measure every block the design asks for, on both sides?"""
    dims = {d.id for d in instrument.dimensions}
    assert dims == {"trust", "alignment", "value", "resolution", "contacts", "breadth",
                    "expectations", "partnership"}
    for role in ("superior_experience", "recommend", "stage", "stance_support",
                 "stance_influence", "channel", "service_model", "one_thing"):
        assert instrument.item_by_role(role) is not None, role
    stage = instrument.item_by_role("stage")
    assert [o.label for o in stage.options] == ["Exploratory", "Basic", "Collaborative",
                                                "Interconnected"]
    assert all(o.description for o in stage.options)
    assert {i.rates for i in instrument.items if i.type == "importance"} == dims
    for item in instrument.items:
        if "vendor" in item.sides:
            assert item.mirror and item.mirror != item.customer, item.id
    assert any(i.reverse for i in instrument.items)
    assert instrument.item_by_role("recommend").scale.points == tuple(range(11))


def test_pulse_is_short_and_shares_item_ids(instrument):
    """Is the pulse 8-10 items, with ids that line up with the full instrument for trends?"""
    pulse = load_instrument(ROOT / "surveys" / "pulse.yaml")
    assert 8 <= len(pulse.items) <= 10
    full_ids = {i.id for i in instrument.items}
    assert {i.id for i in pulse.items} <= full_ids


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ("- {id: trust_b, type: agreement, scale: agree9, dimension: trust,"
         " customer: x, mirror: y}", "item 'trust_b': unknown scale 'agree9' (defined: agree5)"),
        ("- {id: trust_a, type: agreement, scale: agree5, dimension: trust,"
         " customer: x, mirror: y}", "item 'trust_a': duplicate item id"),
        ("- {id: trust_b, type: agreement, scale: agree5, dimension: trust, customer: x}",
         "item 'trust_b': missing mirror wording ('mirror')"),
        ("- {id: trust_b, type: agreement, scale: agree5, dimension: trust,"
         " customer: 'Is {vendr} good?', mirror: y}",
         "item 'trust_b': customer wording: bad placeholder {vendr} "
         "(allowed: {account}, {vendor})"),
        ("- {id: trust_b, type: agreement, scale: agree5, dimension: trust,"
         " customer: 'Is {vendor good?', mirror: y}",
         "item 'trust_b': customer wording: bad placeholder (expected '}' before end of string)"),
        ("- {id: open_b, type: open_text, reverse: true, customer: x, mirror: y}",
         "item 'open_b': reverse-coded item has no numeric scale to reverse"),
        ("- {id: trust_b, type: rating, customer: x, mirror: y}",
         "item 'trust_b': unknown type 'rating'"),
        ("- {id: trust_b, type: agreement, scale: agree5, dimension: honesty,"
         " customer: x, mirror: y}", "item 'trust_b': unknown dimension 'honesty'"),
        ("- {id: imp_b, type: importance, scale: agree5, customer: x, mirror: y}",
         "item 'imp_b': an importance item must name the dimension it 'rates'"),
        ("- {id: st, type: stage, customer: x, mirror: y, options: "
         "[{value: a, label: A, score: 1}, {value: b, label: B, score: 2}]}",
         "item 'st': stage options must be scored 0, 1, 2, … in order"),
        ("- {id: Trust-B, type: agreement, scale: agree5, dimension: trust,"
         " customer: x, mirror: y}", "item 'Trust-B': id must start with a lowercase letter"),
        ("- {id: rec, type: likelihood, scale: agree5, customer: x, mirror: y}",
         "item 'rec': a likelihood item needs a 0-10 scale, not 1-5"),
        ("- {id: pm, type: single_choice, ordinal: true, role: stance_support, customer: x,"
         " mirror: 'Does {account} like us?',"
         " options: [{value: a, label: A}, {value: b, label: B}]}",
         "item 'pm': mirror wording of a power-map item must name the {contact}"),
        ("- {id: ch, type: single_choice, customer: x, mirror: y,"
         " options: [{value: a, label: A}]}",
         "item 'ch': needs a list of at least two options"),
        ("- {id: trust_b, type: agreement, scale: agree5, dimension: trust, customer: x,"
         " mirror: y, colour: red}", "item 'trust_b': unknown key 'colour'"),
    ],
)
def test_broken_items_are_reported(items, expected):
    """Does each kind of broken item produce a message naming the item and the problem?"""
    found = problems(broken(items))
    assert any(expected in p for p in found), found


def test_problems_carry_line_numbers():
    """Does an error point at the line where the bad item starts?"""
    text = broken("- {id: trust_b, type: agreement, scale: nope, dimension: trust,"
                  " customer: x, mirror: y}\n")
    line = text.splitlines().index(
        "      - {id: trust_b, type: agreement, scale: nope, dimension: trust,"
        " customer: x, mirror: y}") + 1
    assert problems(text) == [f"line {line}, item 'trust_b': unknown scale 'nope' "
                              "(defined: agree5)"]


def test_every_problem_is_listed_not_just_the_first():
    text = broken("""\
        - {id: a1, type: agreement, scale: zz, dimension: trust, customer: x, mirror: y}
        - {id: a2, type: agreement, scale: agree5, dimension: trust, customer: x}
        """)
    found = problems(text)
    assert len(found) == 2


def test_invalid_yaml_names_the_line():
    with pytest.raises(InstrumentError) as info:
        parse_instrument("id: x\nsections: [\n  - a: b\n", "surveys/bad.yaml")
    message = str(info.value)
    assert message.startswith("surveys/bad.yaml: line ")
    assert "invalid YAML" in message


def test_duplicate_yaml_keys_are_an_error():
    with pytest.raises(InstrumentError, match="duplicate key 'scale'"):
        parse_instrument(HEADER + GOOD_ITEM + "        scale: agree5\n", "x.yaml")


def test_missing_file_is_named(tmp_path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(InstrumentError, match="nope.yaml: file not found"):
        load_instrument(missing)


def test_dimension_without_items():
    text = HEADER.replace("  - {id: trust, name: Trust}",
                          "  - {id: trust, name: Trust}\n  - {id: empty, name: Empty}") + GOOD_ITEM
    assert any("dimension 'empty': has no items" in p for p in problems(text))


def test_render_wording_fills_placeholders_and_keeps_other_braces():
    assert render_wording("{account} rates {vendor}", vendor="V", account="A") == "A rates V"
    assert render_wording("{contact} at {account}", account="A") == "{contact} at A"


def test_cli_check_ok_and_failure(tmp_path):
    """Does `vocgap instrument check` exit 0 on good files and 1 with the message on bad?"""
    runner = CliRunner()
    ok = runner.invoke(main, ["instrument", "check", *map(str, SHIPPED)])
    assert ok.exit_code == 0, ok.output
    assert "b2b-relationship" in ok.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(broken("- {id: trust_b, type: agreement, scale: agree9, dimension: trust,"
                          " customer: x, mirror: y}\n"), encoding="utf-8")
    result = runner.invoke(main, ["instrument", "check", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}: line " in result.output
    assert "unknown scale 'agree9'" in result.output


def test_cli_show_json():
    """Does `vocgap instrument show --json` describe ids, scales and labels?"""
    result = CliRunner().invoke(
        main, ["instrument", "show", str(ROOT / "surveys" / "b2b-relationship.yaml"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["id"] == "b2b-relationship" and data["version"] == "1.0"
    items = {i["id"]: i for i in data["items"]}
    assert items["trust_right_thing"]["scale"]["points"] == [1, 2, 3, 4, 5]
    assert items["trust_right_thing"]["scale"]["labels"]["5"] == "Strongly agree"
    assert items["trust_guarded"]["reverse"] is True
    assert items["relationship_stage"]["options"][0] == {"value": "exploratory",
                                                         "label": "Exploratory", "score": 0}
    trust = next(d for d in data["dimensions"] if d["id"] == "trust")
    assert trust["items"] == ["trust_right_thing", "trust_promises", "trust_guarded"]
