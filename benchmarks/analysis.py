"""Benchmark: portfolio analysis of 5,000 accounts × 30 items × 20 respondents (~3M answers).

Prints the time of the full vectorised analysis, the time of the obvious per-account loop of
SciPy calls (measured on a sample of accounts and scaled up), and peak memory.
Run by hand:  .venv/bin/python benchmarks/analysis.py [--accounts 5000] [--sample 100]
Target (DESIGN.md §7): ≤ 10 s, and ≥ 10× faster than the loop.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vocgap.analysis import AnalysisInput, analyse  # noqa: E402
from vocgap.analysis.scoring import scored_items, unit_frame, units  # noqa: E402
from vocgap.instruments import load_instrument  # noqa: E402

VENDOR, CUSTOMER = 8, 12


def generate(instrument, accounts: int, seed: int = 42) -> pd.DataFrame:
    """Integer answers for every numeric item both sides are asked, vendor rosier by ~0.8."""
    rng = np.random.default_rng(seed)
    items = [i for i in instrument.items if i.is_numeric and "vendor" in i.sides
             and "customer" in i.sides]
    extra = [i for i in instrument.items if i.type == "importance"][: max(0, 30 - len(items))]
    columns = []
    for side, n, shift in (("vendor", VENDOR, 0.8), ("customer", CUSTOMER, 0.0)):
        for item in items + (extra if side == "customer" else []):
            low, high = item.low, item.high
            level = rng.normal(0.55, 0.12, accounts)[:, None] + shift / (high - low) * 0.9
            mood = rng.normal(0, 0.08, (accounts, n))
            values = np.clip(np.rint(low + (high - low) * (level + mood + rng.normal(
                0, 0.15, (accounts, n)))), low, high)
            columns.append(pd.DataFrame({
                "account": np.repeat(np.arange(accounts), n).astype(str),
                "side": side,
                "respondent": [f"{side[0]}{a}-{r}" for a in range(accounts) for r in range(n)],
                "item": item.id, "value": values.ravel()}))
    return pd.concat(columns, ignore_index=True)


def per_account_loop(answers: pd.DataFrame, instrument) -> float:
    """The obvious approach: for each account and unit, call SciPy once per statistic."""
    frame = unit_frame(scored_items(answers, instrument), instrument)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for (_, _), group in frame.groupby(["account", "unit"]):
            v = group.loc[group["side"] == "vendor", "value"].to_numpy()
            c = group.loc[group["side"] == "customer", "value"].to_numpy()
            stats.ttest_ind(v, c, equal_var=False).confidence_interval(0.95)
            stats.mannwhitneyu(v, c)
            stats.mannwhitneyu(v, c, method="exact")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    instrument = load_instrument(ROOT / "surveys" / "b2b-relationship.yaml")
    answers = generate(instrument, args.accounts)
    items = answers["item"].nunique()
    print(f"data: {args.accounts} accounts × {items} items × {VENDOR + CUSTOMER} respondents "
          f"= {len(answers):,} answers; {len(units(instrument))} compared units")
    respondents = answers[["respondent", "account", "side"]].drop_duplicates()
    start = time.perf_counter()
    result = analyse(AnalysisInput(answers, respondents), instrument, workers=args.workers)
    full = time.perf_counter() - start
    cells = len(result.gaps)
    tested = int(result.gaps["p_value"].notna().sum())
    print(f"full analysis: {full:.2f} s ({cells:,} account×unit cells, {tested:,} exact tests)")
    start = time.perf_counter()
    result.to_json()
    print(f"JSON assembly: {time.perf_counter() - start:.2f} s")
    sample = answers[answers["account"].astype(int) < args.sample]
    loop = per_account_loop(sample, instrument) * args.accounts / args.sample
    print(f"per-account SciPy loop (measured on {args.sample} accounts, scaled): {loop:.1f} s")
    print(f"speed-up: {loop / full:.1f}×")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS of this process): {peak:.0f} MB")


if __name__ == "__main__":
    main()
