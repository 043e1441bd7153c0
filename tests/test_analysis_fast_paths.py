"""Do the portfolio-scale fast paths (tie-pattern exact tests, packed-integer nulls, integer-key
grouping, column-wise JSON, pyarrow tables) give exactly what the straightforward per-cell and
per-row code gives, on seeded random portfolios?"""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import pytest

from vocgap.analysis import analyse
from vocgap.analysis.exact import _float_null, _null, _weights, exact_nulls, wmw_exact
from vocgap.analysis.exact_batch import exact_tests
from vocgap.analysis.gaps import _padded, sorted_cells
from vocgap.analysis.portfolio import _respondent_items
from vocgap.analysis.scoring import dimension_scores, scored_items, unit_frame, units
from vocgap.collection.export import neutralise_formulas
from vocgap.collection.fast_csv import write_csv
from vocgap.instruments import load_instrument

from .conftest import ROOT
from .portfolio_data import random_portfolio


@pytest.fixture(scope="module")
def instrument():
    return load_instrument(ROOT / "surveys" / "b2b-relationship.yaml")


def reference_clean(value):
    """The recursive cleaning the JSON was built with before it went column-wise."""
    if isinstance(value, dict):
        return {str(k): reference_clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [reference_clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return [reference_clean(v) for v in value.tolist()]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def reference_json(result) -> dict:
    """The result's JSON assembled the straightforward way: one dict per row from
    ``to_dict(orient="records")``, grouped per account, cleaned value by value at the end."""
    def by_account(frame):
        out = {}
        for row in frame.to_dict(orient="records"):
            out.setdefault(row.pop("account"), []).append(row)
        return out

    grouped = {name: by_account(getattr(result, name)) for name in (
        "superior", "recommend", "stages", "power_map", "coverage", "priorities", "verbatims")}
    counts = {}
    for a, u, side, value, count in result.categories[
            ["account", "unit", "side", "value", "count"]].itertuples(index=False):
        counts.setdefault((a, u), {"vendor": [], "customer": []})[side].append(
            {"value": value, "count": count})
    gaps = result.gaps.assign(counts=[counts.get(k) for k in zip(
        result.gaps["account"], result.gaps["unit"], strict=True)])
    dims, items = (by_account(gaps[gaps["kind"] == kind]) for kind in ("dimension", "item"))
    accounts = []
    for row in result.counts.to_dict(orient="records"):
        name = row["account"]
        stages, superior = grouped["stages"].get(name, []), grouped["superior"].get(name, [])
        accounts.append({
            "account": name,
            **{k: row[k] for k in ("segment", "key_account", "crm_stage") if k in row},
            "respondents": {"customer": int(row["customer"]), "vendor": int(row["vendor"])},
            "status": row["status"], "confidential": bool(row.get("confidential", False)),
            "dimensions": dims.get(name, []), "items": items.get(name, []),
            "superior_experience": superior[0] if superior else None,
            "recommend": {r["side"]: r for r in grouped["recommend"].get(name, [])},
            "stage": {"sides": {r["side"]: {k: r[k] for k in ("n", "median", "mode",
                                                             "distribution")} for r in stages},
                      "gap": stages[0].get("gap") if stages else None},
            "power_map": grouped["power_map"].get(name, []),
            "coverage": (grouped["coverage"].get(name) or [None])[0],
            "priorities": grouped["priorities"].get(name, []),
            "verbatims": grouped["verbatims"].get(name, [])})
    return reference_clean({"schema": "vocgap.analysis/1", **result.meta, "accounts": accounts,
                            "portfolio": result.portfolio,
                            "vendor_staff": result.accuracy.to_dict(orient="records")})


def same(a, b, path="") -> None:
    """Equal values of equal JSON types, with the first difference's path in the message."""
    assert type(a) is type(b), f"{path}: {a!r} vs {b!r}"
    if isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for key in a:
            same(a[key], b[key], f"{path}/{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{path}[{i}]")
    else:
        assert a == b, f"{path}: {a!r} vs {b!r}"


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("edition", ["consultant", "vendor"])
def test_column_wise_json_equals_the_per_row_assembly(instrument, seed, edition):
    """Is the column-wise JSON identical, value and type, to the per-row reference?"""
    previous = random_portfolio(instrument, seed + 50, accounts=20) if seed else None
    result = analyse(random_portfolio(instrument, seed, accounts=30), instrument,
                     edition=edition, previous=previous, workers=1)
    fast = result.to_json()
    same(fast, reference_json(result))
    import orjson

    assert orjson.loads(result.to_json_bytes()) == orjson.loads(orjson.dumps(fast))


def test_every_cell_matches_a_per_cell_computation(instrument):
    """Per account and unit, straightforwardly: counts, means, pairs and the exact p of each
    dimension cell by ``wmw_exact`` on that cell alone, against the portfolio pass."""
    data = random_portfolio(instrument, 3, accounts=30)
    result = analyse(data, instrument, workers=1)
    frame = unit_frame(scored_items(data.answers, instrument), instrument)
    checked = 0
    for row in result.gaps.itertuples(index=False):
        cell = frame[(frame["account"] == row.account) & (frame["unit"] == row.unit)].dropna(
            subset=["value"])
        v = cell.loc[cell["side"] == "vendor", "value"].to_numpy()
        c = cell.loc[cell["side"] == "customer", "value"].to_numpy()
        assert (row.n_vendor, row.n_customer) == (len(v), len(c))
        if len(v) and len(c):
            assert row.mean_vendor == pytest.approx(v.mean(), abs=1e-12)
            assert row.gap == pytest.approx(v.mean() - c.mean(), abs=1e-12)
            vr, cr = np.round(v, 9), np.round(c, 9)
            assert row.pairs_higher == (vr[:, None] > cr[None, :]).sum()
            assert row.pairs_tied == (vr[:, None] == cr[None, :]).sum()
        if row.kind == "dimension" and len(v) and len(c):
            _, p, min_p = wmw_exact(v, c)
            assert row.min_p == min_p
            assert (row.p_value == p) if min_p <= 0.05 else math.isnan(row.p_value)
            checked += 1
    assert checked > 50


def test_batched_exact_tests_equal_wmw_exact_cell_by_cell():
    """Grouping cells by tie pattern must not change a single p-value."""
    rng = np.random.default_rng(7)
    cells, width = 600, 9
    v = np.full((cells, width), np.nan)
    c = np.full((cells, width + 3), np.nan)
    for i in range(cells):
        n_v, n_c = rng.integers(1, width + 1), rng.integers(1, width + 4)
        grid = rng.choice([1.0, 2.0, 2.5, 3.0, 4.0, 4 + 1 / 3, 5.0], size=n_v + n_c)
        v[i, :n_v], c[i, :n_c] = grid[:n_v], grid[n_v:]
    out = exact_tests(v, c, workers=1)
    for i in range(cells):
        _, p, min_p = wmw_exact(v[i][~np.isnan(v[i])], c[i][~np.isnan(c[i])])
        assert (out[i, 0], out[i, 1]) == (p, min_p)


def test_packed_integer_nulls_equal_the_floating_recursion():
    """The shared, packed-integer subset counts give bit-identical nulls, large groups too."""
    rng = np.random.default_rng(11)
    patterns = [((1,) * 20, 8), ((20,), 8), ((5, 5, 5, 5), 10), ((3,), 0), ((1,), 1),
                ((30, 30), 30)]
    for _ in range(300):
        n = int(rng.integers(1, 40))
        cuts = np.sort(rng.choice(np.arange(1, n), size=int(rng.integers(0, n)),
                                  replace=False)) if n > 1 else []
        patterns.append((tuple(int(x) for x in np.diff(np.r_[0, cuts, n])),
                         int(rng.integers(0, n + 1))))
    for (counts, n_v), (support, probs) in zip(patterns, exact_nulls(patterns), strict=True):
        ref_support, ref_probs = _null(_float_null(_weights(counts), n_v), sum(counts), n_v)
        assert np.array_equal(support, ref_support) and np.array_equal(probs, ref_probs)


def test_integer_key_groupings_equal_pandas_string_groupings(instrument):
    """Dimension scores, the sorted cells, the padded matrices and the reliability matrix
    against the plain string-keyed pandas code they replace."""
    scored = scored_items(random_portfolio(instrument, 4, accounts=30).answers, instrument)
    membership = {i.id: i.dimension for d in instrument.dimensions
                  for i in instrument.dimension_items(d.id)}
    need = {d.id: math.ceil(len(instrument.dimension_items(d.id)) / 2)
            for d in instrument.dimensions}
    plain = (scored[scored["item"].isin(membership)]
             .assign(unit=lambda f: f["item"].map(membership))
             .groupby(["account", "side", "respondent", "unit"], sort=False)["value"]
             .agg(["mean", "count"]).reset_index())
    plain = plain[plain["count"] >= plain["unit"].map(need)]
    plain = plain.assign(value=plain["mean"].round(9))[
        ["account", "side", "respondent", "unit", "value"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(dimension_scores(scored, instrument), plain,
                                  check_dtype=False, check_exact=True)

    frame = unit_frame(scored, instrument)
    info = units(instrument)
    fast = sorted_cells(frame, info)
    slow = frame[frame["unit"].isin(info)].sort_values(["account", "unit", "side"])
    assert fast.index.equals(slow.index)
    for side in ("vendor", "customer"):
        cells = slow.drop_duplicates(["account", "unit"])[["account", "unit"]]
        rows = []
        for account, unit in cells.itertuples(index=False):
            rows.append(slow.loc[(slow["account"] == account) & (slow["unit"] == unit)
                                 & (slow["side"] == side), "value"].to_numpy())
        padded = _padded(fast, side)
        for i, values in enumerate(rows):
            assert np.array_equal(padded[i, :len(values)], values, equal_nan=True)
            assert np.isnan(padded[i, len(values):]).all()

    items = list(membership)
    wide, sides = _respondent_items(scored, items)
    pivot = scored[scored["item"].isin(items)].pivot_table(
        index=["side", "account", "respondent"], columns="item", values="value",
        aggfunc="first").reindex(columns=items)
    assert np.array_equal(wide, pivot.to_numpy(), equal_nan=True)
    assert list(sides) == list(pivot.index.get_level_values("side"))


def test_pyarrow_tables_read_back_as_pandas_wrote_them(instrument):
    """Every tidy table written by pyarrow reads back equal to ``neutralise_formulas`` +
    ``to_csv``, formula guard, CR inside a cell and non-Latin text included."""
    data = random_portfolio(instrument, 5, accounts=12)
    data.answers["account"] = data.answers["account"].replace(
        {"Account 001": "=HYPERLINK(1)", "Account 002": "Acme\r-2,\"x\" \u05e9\u05dc\u05d5\u05dd"})
    result = analyse(data, instrument, edition="vendor", workers=1)
    for name, table in result.tables().items():
        expected = pd.read_csv(io.StringIO(neutralise_formulas(table).to_csv(
            index=False, lineterminator="\r\n")))
        buffer = io.BytesIO()
        write_csv(table, buffer)
        raw = buffer.getvalue()
        assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
        pd.testing.assert_frame_equal(pd.read_csv(io.BytesIO(raw)), expected,
                                      check_dtype=False, check_exact=True, obj=name)
