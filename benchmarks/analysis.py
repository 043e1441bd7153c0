"""Benchmark: portfolio analysis of 5,000 accounts × 30 items × 20 respondents (~3M answers).

Prints, each as wall time and CPU time (this process and its workers; the CPU figure is the
steadier one on a shared machine): the full analysis, writing its results (the JSON as bytes and
the 14 tidy tables as CSV), and two references measured in the same run: a bare pandas groupby
of the same answers (the floor) and the obvious per-account loop of SciPy calls (measured on a
sample of accounts and scaled up); then the ratios and the peak memory.
Run by hand:  .venv/bin/python benchmarks/analysis.py [--accounts 5000] [--sample 100]
Targets (issue 16): analysis ≤ 3 s, results written ≤ 2 s, peak RSS ≤ 1 GB, ≥ 50× the loop.

Profile (cProfile, workers=1, on this benchmark; docs/performance.md has the whole story)
------------------------------------------------------------------------------------------
Before (issue 16 as filed): analysis 13.4 s wall, JSON 7.5 s; in the analysis, the exact tests
3.0 s (40,000 calls of ``wmw_exact``, 15,078 distinct nulls at 67 µs each), string-keyed
groupbys and pivots 6 s (dimension scores 1.4 s, reliability's pivot_table 1.3 s, the
compare_units string sort 0.45 s + get_indexer), superior experience 1.1 s, prediction accuracy
1.1 s; in the JSON, the recursive ``clean`` 20 s under the profiler and ``to_dict`` 8.8 s.
After: exact tests ≈ 0.8 s CPU (one vectorised pass to find tie patterns, one null per pattern
counted on packed Python integers and shared over common prefixes); JSON ≈ 1 s (column-wise,
orjson); tables via pyarrow ≈ 10× faster than ``to_csv``; integer-key dimension scores,
reliability and cell sorting. What remains is a long tail of string-keyed pandas passes over the
three million answers (0.3–1 s each: category counts, prediction accuracy, superior experience,
scored items, respondent counts, item variances), each of which needs the same integer-code
treatment; and peak memory is dominated by the several 3M-row copies (scored, unit frame,
sorted cells) kept for the vendor edition.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
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


def per_account_loop(answers: pd.DataFrame, instrument) -> Clock:
    """The obvious approach: for each account and unit, call SciPy once per statistic."""
    frame = unit_frame(scored_items(answers, instrument), instrument)
    with warnings.catch_warnings(), Clock() as clock:
        warnings.simplefilter("ignore")
        for (_, _), group in frame.groupby(["account", "unit"]):
            v = group.loc[group["side"] == "vendor", "value"].to_numpy()
            c = group.loc[group["side"] == "customer", "value"].to_numpy()
            stats.ttest_ind(v, c, equal_var=False).confidence_interval(0.95)
            stats.mannwhitneyu(v, c)
            stats.mannwhitneyu(v, c, method="exact")
    return clock


def peak_mb() -> float:
    """This process's own peak resident memory (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Clock:
    """Wall and CPU seconds (this process and its finished children) of a block."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), self._cpu()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, self._cpu() - self.cpu

    @staticmethod
    def _cpu() -> float:
        times = os.times()
        return times.user + times.system + times.children_user + times.children_system

    def __str__(self) -> str:
        return f"{self.wall:.2f} s wall, {self.cpu:.2f} s CPU"


def bare_groupby(answers: pd.DataFrame) -> None:
    """The floor: one pandas groupby of every answer by account, side and item."""
    answers.groupby(["account", "side", "item"], observed=True)["value"].agg(
        ["count", "mean", "var"])


def write_results(result) -> None:
    from vocgap.collection.fast_csv import write_csv

    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "analysis.json").write_bytes(result.to_json_bytes())
        for name, table in result.tables().items():
            write_csv(table, Path(folder, f"{name}.csv"))


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
    with Clock() as floor:
        bare_groupby(answers)
    print(f"reference, bare pandas groupby of the answers: {floor}")
    with Clock() as full:
        result = analyse(AnalysisInput(answers, respondents), instrument, workers=args.workers)
    cells = len(result.gaps)
    tested = int(result.gaps["p_value"].notna().sum())
    print(f"full analysis: {full} ({cells:,} account×unit cells, {tested:,} exact tests); "
          f"{full.cpu / floor.cpu:.1f}× the bare groupby (CPU)  [target ≤ 3 s]")
    with Clock() as written:
        write_results(result)
    print(f"results written (JSON bytes + 14 tidy CSV tables): {written}  [target ≤ 2 s]")
    sample = answers[answers["account"].astype(int) < args.sample]
    loop = per_account_loop(sample, instrument)
    scale = args.accounts / args.sample
    print(f"per-account SciPy loop (measured on {args.sample} accounts, scaled): "
          f"{loop.wall * scale:.1f} s wall, {loop.cpu * scale:.1f} s CPU")
    print(f"speed-up over the loop: {loop.wall * scale / full.wall:.1f}× wall, "
          f"{loop.cpu * scale / full.cpu:.1f}× CPU  [target ≥ 50×]")
    print(f"peak memory (VmHWM of this process): {peak_mb():.0f} MB  [target ≤ 1 GB]")


if __name__ == "__main__":
    main()
