"""Coercing raw answers: what is accepted, and the message for what is not."""

from __future__ import annotations

import json

import pytest

from vocgap.collection.values import InvalidValue, StoredValue, coerce_value


@pytest.mark.parametrize(("raw", "expected"), [
    ("4", StoredValue(value_num=4.0)),
    (" 5 ", StoredValue(value_num=5.0)),
    ("Strongly agree", StoredValue(value_num=5.0)),
    ("strongly disagree", StoredValue(value_num=1.0)),
    ("Don't know / not applicable", StoredValue(dont_know=True)),
    ("n/a", StoredValue(dont_know=True)),
    ("", None),
    (None, None),
])
def test_agreement_values(instrument, raw, expected):
    assert coerce_value(instrument.item("trust_promises"), raw) == expected


@pytest.mark.parametrize(("raw", "message"), [
    ("6", "6 is outside the scale 1 to 5"),
    ("0", "0 is outside the scale 1 to 5"),
    ("3.5", "3.5 is outside the scale 1 to 5"),
    ("nan", "nan is outside the scale 1 to 5"),
    ("inf", "inf is outside the scale 1 to 5"),
    ("lots", "'lots' is not a number from 1 to 5"),
    ("4\x00", "contains a NUL character"),
    ("x" * 201, "is 201 characters long; the limit is 200"),
])
def test_agreement_rejections(instrument, raw, message):
    with pytest.raises(InvalidValue, match=message.replace("(", r"\(").replace(")", r"\)")):
        coerce_value(instrument.item("trust_promises"), raw)


def test_recommend_has_no_dont_know(instrument):
    with pytest.raises(InvalidValue, match="has no \"don't know\" option"):
        coerce_value(instrument.item("recommend"), "don't know")
    assert coerce_value(instrument.item("recommend"), "0") == StoredValue(value_num=0.0)
    assert coerce_value(instrument.item("recommend"), "10") == StoredValue(value_num=10.0)


def test_stage_and_ordinal_choices_store_their_score(instrument):
    stage = instrument.item("relationship_stage")
    assert coerce_value(stage, "collaborative") == StoredValue(2.0, "collaborative")
    assert coerce_value(stage, "Interconnected") == StoredValue(3.0, "interconnected")
    support = instrument.item("stance_support")
    assert coerce_value(support, "strongly_for") == StoredValue(5.0, "strongly_for")


def test_nominal_choice_has_no_number(instrument):
    channel = instrument.item("channel_preferred")
    assert coerce_value(channel, "Video call") == StoredValue(None, "video")
    with pytest.raises(InvalidValue, match="'fax' is not one of: in_person, video, phone, email"):
        coerce_value(channel, "fax")


def test_open_text_limits_and_control_characters(instrument):
    item = instrument.item("one_thing")
    assert coerce_value(item, "  <script>alert(1)</script>  ") == StoredValue(
        value_text="<script>alert(1)</script>")
    assert coerce_value(item, "שלום\u200b עולם").value_text == "שלום\u200b עולם"
    assert coerce_value(item, "a" * 20_000).value_text == "a" * 20_000
    with pytest.raises(InvalidValue, match="the limit is 20000"):
        coerce_value(item, "a" * 20_001)
    with pytest.raises(InvalidValue, match="control characters"):
        coerce_value(item, "bell\x07")


def test_multiple_choice_rejects_repeats(instrument):
    from dataclasses import replace

    multi = replace(instrument.item("channel_preferred"), type="multiple_choice")
    stored = coerce_value(multi, ["phone", "in_person"])
    assert json.loads(stored.value_text) == ["in_person", "phone"]
    with pytest.raises(InvalidValue, match="'phone' is chosen twice"):
        coerce_value(multi, ["phone", "phone"])
    with pytest.raises(InvalidValue, match="takes one value, not several"):
        coerce_value(instrument.item("channel_preferred"), ["phone", "video"])
