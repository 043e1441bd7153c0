"""The analysis contract: the JSON, the tidy tables, the TypedDicts of ``analysis/schema.py`` and
docs/analysis-schema.md name the same fields, and explanations are codes, not sentences."""

from __future__ import annotations

import re

import pytest

from vocgap.analysis import codes, schema
from vocgap.reporting.wording import WORDS, words

from .confidentiality_data import run
from .conftest import ROOT

DOCS = (ROOT / "docs" / "analysis-schema.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module", params=["consultant", "vendor"])
def result(request):
    return run(request.param)


def test_json_objects_have_exactly_the_declared_fields(result):
    data = result.to_json()
    vendor = data["edition"] == "vendor"
    assert set(data) <= schema.fields(schema.Result)
    assert set(data["portfolio"]) == schema.fields(schema.Portfolio)
    for key, kind in (("dimensions", schema.PortfolioDimension), ("items", schema.PortfolioItem),
                      ("ranking", schema.RankingRow), ("reliability", schema.ReliabilityRow),
                      ("trend", schema.TrendRow),
                      ("trend_by_dimension", schema.TrendByDimension)):
        assert data["portfolio"][key], key
        assert all(set(row) == schema.fields(kind) for row in data["portfolio"][key]), key
    assert set(data["portfolio"]["bain_literal"]) == schema.fields(schema.BainLiteral)
    assert set(data["portfolio"]["stage_agreement"]) == schema.fields(schema.StageAgreement)
    staff = schema.FunctionAccuracy if vendor else schema.StaffAccuracy
    assert all(set(s) == schema.fields(staff) for s in data["vendor_staff"])
    contact = schema.PowerMapCounts if vendor else schema.PowerMapContact
    for account in data["accounts"]:
        assert set(account) - {"segment", "key_account", "crm_stage"} <= schema.fields(
            schema.Account)
        for row in account["dimensions"] + account["items"]:
            assert set(row) == schema.fields(schema.Comparison)
        if account["superior_experience"]:
            assert set(account["superior_experience"]) == schema.fields(
                schema.SuperiorExperience)
        assert all(set(r) == schema.fields(schema.RecommendSide)
                   for r in account["recommend"].values())
        assert set(account["stage"]) == schema.fields(schema.Stage)
        assert all(set(s) == schema.fields(schema.StageSide)
                   for s in account["stage"]["sides"].values())
        assert all(set(p) == schema.fields(contact) for p in account["power_map"])
        if account["coverage"]:
            assert set(account["coverage"]) == schema.fields(schema.Coverage)
        assert all(set(p) == schema.fields(schema.Priority) for p in account["priorities"])
        assert all(set(v) == schema.fields(schema.Verbatim) for v in account["verbatims"])


def test_tables_have_the_declared_columns_and_frames_nothing_undeclared(result):
    layout = schema.VENDOR_TABLES if result.meta["edition"] == "vendor" else schema.TABLES
    tables = result.tables()
    assert set(tables) == set(layout)
    for name, frame in tables.items():
        assert list(frame.columns) == layout[name], name
    # The frames behind the tables carry no column the schema does not declare.
    for name, frame in (("gaps", result.gaps), ("superior_experience", result.superior),
                        ("priorities", result.priorities), ("recommend", result.recommend),
                        ("power_map", result.power_map),
                        ("prediction_accuracy", result.accuracy),
                        ("respondent_counts", result.counts)):
        assert set(frame.columns) <= set(layout[name]), (name, set(frame.columns) -
                                                         set(layout[name]))


def test_every_field_and_code_is_documented():
    declared = set()
    for kind in vars(schema).values():
        if isinstance(kind, type) and hasattr(kind, "__annotations__") and kind.__module__ == \
                schema.__name__:
            declared |= schema.fields(kind)
    for columns in schema.TABLES.values():
        declared |= set(columns)
    missing = sorted(f for f in declared if not re.search(rf"\b{re.escape(f)}\b", DOCS))
    assert not missing
    assert not sorted(c for c in codes.ALL if f"`{c}`" not in DOCS)


def test_codes_are_codes_and_reports_word_every_one():
    assert codes.ALL == set(WORDS)
    assert all(re.fullmatch(r"[a-z_]+", c) for c in codes.ALL)
    assert words("counts_only", 5) == "counts only: fewer than 5 respondents on a side"
    assert words(None) == "—"


def test_explanations_in_the_json_are_codes(result):
    data = result.to_json()
    seen = set()
    for account in data["accounts"]:
        seen.add(account["status"])
        for row in account["dimensions"] + account["items"]:
            seen |= {row["ci_note"], row["test_note"], row["class"], row["support"],
                     row["quadrant"]}
        seen |= {p["quadrant"] for p in account["priorities"]}
    seen |= {r["note"] for r in data["portfolio"]["reliability"]}
    seen |= {data["portfolio"]["note"], data["portfolio"]["stage_agreement"]["note"]}
    assert seen - {None} <= codes.ALL
    assert {"too_few_to_test", "item_not_tested"} <= seen
