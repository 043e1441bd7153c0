"""Run the whole analysis on tidy inputs and return JSON-ready results and tidy tables."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..instruments import Instrument
from . import headline, portfolio
from .codes import INSUFFICIENT_DATA, OK, THIN
from .gaps import category_counts, compare_units, item_variances
from .output import by_account, clean, column_values, json_bytes, records
from .schema import TABLES, VENDOR_TABLES
from .scoring import Unit, scored_items, unit_frame, units
from .summary import summarise

SCHEMA = "vocgap.analysis/1"


@dataclass
class AnalysisInput:
    """Everything the analysis needs, as DataFrames (no database, no Flask).

    answers: account, side, respondent, item, value (NaN for don't know), text
    respondents: respondent, account, side, role, quartet, function, name, role_label, consent
    ratings: account, rater, contact, support, influence (the vendor's power map)
    accounts: account, segment, key_account, crm_stage
    """

    answers: pd.DataFrame
    respondents: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["respondent", "account", "side", "role", "quartet", "function"]))
    ratings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["account", "rater", "contact", "support", "influence"]))
    accounts: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["account"]))

    OPTIONAL = {"answers": ["text"],
                "respondents": ["role", "quartet", "function", "name", "role_label", "consent"]}

    def __post_init__(self) -> None:
        """Missing optional columns (a CSV has no roles, say) are added as empty."""
        for name, columns in self.OPTIONAL.items():
            frame = getattr(self, name)
            missing = [c for c in columns if c not in frame]
            if missing:
                setattr(self, name, frame.assign(**{c: None for c in missing}))


@dataclass
class Sources:
    """The respondent-level frames a result was computed from. Never serialised: the vendor
    edition recomputes portfolio figures from them using only the cells it shows."""

    instrument: Instrument
    unit_info: dict[str, Unit]
    answers: pd.DataFrame
    scored: pd.DataFrame
    units: pd.DataFrame  # account, side, respondent, unit, value, kind
    respondents: pd.DataFrame
    previous_gaps: pd.DataFrame | None = None
    previous_counts: pd.DataFrame | None = None


@dataclass
class Analysis:
    """One wave's result in one edition; ``to_json`` and ``tables`` are its only outputs."""

    meta: dict
    gaps: pd.DataFrame
    superior: pd.DataFrame
    recommend: pd.DataFrame
    stages: pd.DataFrame
    power_map: pd.DataFrame
    coverage: pd.DataFrame
    priorities: pd.DataFrame
    accuracy: pd.DataFrame
    verbatims: pd.DataFrame
    counts: pd.DataFrame
    portfolio: dict
    categories: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["account", "unit", "side", "value", "count"]))
    sources: Sources | None = field(default=None, repr=False, compare=False)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Tidy tables for CSV export, one file each, with the columns of ``schema.TABLES``."""
        layout = VENDOR_TABLES if self.meta.get("edition") == "vendor" else TABLES
        frames = {"gaps": self.gaps, "superior_experience": self.superior,
                  "recommend": self.recommend, "stages": self.stages,
                  "power_map": self.power_map, "priorities": self.priorities,
                  "prediction_accuracy": self.accuracy, "respondent_counts": self.counts,
                  "category_counts": self.categories,
                  "portfolio_dimensions": self.portfolio_frame("dimensions"),
                  "portfolio_items": self.portfolio_frame("items"),
                  "account_ranking": self.portfolio_frame("ranking"),
                  "reliability": self.portfolio_frame("reliability"),
                  "trend": self.portfolio_frame("trend")}
        return {name: frame.reindex(columns=layout[name]) for name, frame in frames.items()}

    def portfolio_frame(self, key: str) -> pd.DataFrame:
        return pd.DataFrame(self.portfolio.get(key, []))

    def to_json(self) -> dict:
        """The documented, stable JSON schema (see docs/analysis-schema.md); never NaN.

        Built column-wise (``output``): every table is cleaned once per column, not per value.
        """
        grouped = {name: by_account(getattr(self, name)) for name in (
            "superior", "recommend", "stages", "power_map", "coverage", "priorities",
            "verbatims")}
        counts = _category_lookup(self.categories)
        comparisons = self.gaps.assign(counts=[
            counts.get(key) for key in zip(column_values(self.gaps["account"]),
                                           column_values(self.gaps["unit"]), strict=True)])
        kind = comparisons["kind"].to_numpy()
        dims = by_account(comparisons[kind == "dimension"])
        items = by_account(comparisons[kind == "item"])
        accounts = [self._account(row, dims, items, grouped) for row in records(self.counts)]
        return {"schema": SCHEMA, **clean(self.meta), "accounts": accounts,
                "portfolio": clean(self.portfolio),
                "vendor_staff": records(self.accuracy)}

    def to_json_bytes(self, *, indent: bool = True) -> bytes:
        """``to_json`` as UTF-8 JSON text, written by orjson."""
        return json_bytes(self.to_json(), indent=indent)

    def _account(self, counts: dict, dims: dict, items: dict, grouped: dict) -> dict:
        name = counts["account"]
        stages = grouped["stages"].get(name, [])
        superior = grouped["superior"].get(name, [])
        return {
            "account": name,
            **{k: counts[k] for k in ("segment", "key_account", "crm_stage") if k in counts},
            "respondents": {"customer": int(counts["customer"]), "vendor": int(counts["vendor"])},
            "status": counts["status"],
            "confidential": bool(counts.get("confidential", False)),
            "dimensions": dims.get(name, []),
            "items": items.get(name, []),
            "superior_experience": superior[0] if superior else None,
            "recommend": {r["side"]: r for r in grouped["recommend"].get(name, [])},
            "stage": {"sides": {r["side"]: {k: r[k] for k in ("n", "median", "mode",
                                                             "distribution")} for r in stages},
                      "gap": stages[0].get("gap") if stages else None},
            "power_map": grouped["power_map"].get(name, []),
            "coverage": (grouped["coverage"].get(name) or [None])[0],
            "priorities": grouped["priorities"].get(name, []),
            "verbatims": grouped["verbatims"].get(name, []),
        }


def _category_lookup(categories: pd.DataFrame) -> dict[tuple, dict]:
    """(account, unit) → {side: [{value, count}, …]} for the comparison objects."""
    out: dict[tuple, dict] = {}
    columns = [column_values(categories[c]) for c in ("account", "unit", "side", "value",
                                                       "count")]
    for account, unit, side, value, count in zip(*columns, strict=True):
        sides = out.setdefault((account, unit), {"vendor": [], "customer": []})
        sides[side].append({"value": value, "count": count})
    return out


def respondent_counts(answers: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """Respondents per account and side; the status counts only those with a usable answer."""
    def per_side(frame: pd.DataFrame) -> pd.DataFrame:
        counts = frame.groupby(["account", "side"], observed=True)["respondent"].nunique()
        counts = counts.unstack("side", fill_value=0)
        return counts.reindex(columns=["customer", "vendor"], fill_value=0)

    counts = per_side(answers).reset_index()
    usable = per_side(answers.dropna(subset=["value"])).min(axis=1)
    if len(accounts) and "account" in accounts:
        counts = accounts.merge(counts, on="account", how="left").fillna(
            {"customer": 0, "vendor": 0})
    counts[["customer", "vendor"]] = counts[["customer", "vendor"]].astype(int)
    low = counts["account"].map(usable).fillna(0)
    counts["status"] = np.select([low == 0, low == 1], [INSUFFICIENT_DATA, THIN], OK)
    counts["confidential"] = False  # set by the vendor edition for accounts it shows as counts
    return counts


def analyse(data: AnalysisInput, instrument: Instrument, *, min_group: int = 3,
            edition: str = "consultant", previous: AnalysisInput | None = None,
            meta: dict | None = None, workers: int | None = None,
            wording: dict[str, str] | None = None) -> Analysis:
    """All per-account and portfolio results for one wave, in the edition asked for.

    The consultant edition is computed first; the vendor edition is derived from it by
    ``confidentiality.vendor_edition``, the one place where suppression happens.
    ``wording`` fills the instrument's placeholders in item labels (vendor, account).
    """
    if edition not in ("consultant", "vendor"):
        raise ValueError("edition is 'consultant' or 'vendor'")
    if min_group < MIN_GROUP_FLOOR:
        raise ValueError(f"min_group is at least {MIN_GROUP_FLOOR} (docs/methods.md, gate G1)")
    result = _consultant_edition(data, instrument, min_group, previous, meta, workers, wording)
    if edition == "vendor":
        from .confidentiality import vendor_edition

        return vendor_edition(result, min_group)
    result.sources = None  # respondent-level frames are needed only to derive the vendor edition
    return result


MIN_GROUP_FLOOR = 3


def _consultant_edition(data: AnalysisInput, instrument: Instrument, min_group: int,
                        previous: AnalysisInput | None, meta: dict | None,
                        workers: int | None, wording: dict[str, str] | None) -> Analysis:
    """Everything, for the consultant (marked confidential in every rendering)."""
    data, people = _encode_respondents(data)
    answers = data.answers
    unit_info = units(instrument, wording)
    scored = scored_items(answers, instrument)
    frame = unit_frame(scored, instrument)
    dimension_of = {i.id: d.id for d in instrument.dimensions
                    for i in instrument.dimension_items(d.id)}
    gaps = compare_units(frame, unit_info, item_variances(scored, dimension_of), workers)
    gaps["p_portfolio_bh"] = portfolio.flag_accounts(gaps)
    gaps.insert(2, "label", gaps["unit"].map({u: i.label for u, i in unit_info.items()}))
    superior = headline.superior_experience(answers, instrument)
    stages = headline.stages(answers, instrument)
    # In place rather than a copy: the unit frame is the largest frame the analysis holds.
    frame["kind"] = frame["unit"].map({u: i.kind for u, i in unit_info.items()})
    frame_with_kind = frame
    prior_gaps = prior_counts = None
    if previous is not None:
        prior = scored_items(previous.answers, instrument)
        prior_gaps = compare_units(unit_frame(prior, instrument), unit_info,
                                   item_variances(prior, dimension_of), workers=1)
        prior_counts = respondent_counts(previous.answers, previous.accounts)
    result = Analysis(
        meta={"instrument": {"id": instrument.id, "version": instrument.version},
              "edition": "consultant", "min_group": min_group, **(meta or {})},
        gaps=gaps, superior=superior, recommend=headline.recommend(answers, instrument),
        stages=stages,
        power_map=headline.power_map(answers, data.ratings, data.respondents, instrument),
        coverage=headline.coverage(data.respondents),
        priorities=headline.priorities(answers, frame, gaps, instrument),
        accuracy=headline.prediction_accuracy(frame_with_kind, data.respondents),
        verbatims=headline.verbatims(answers, data.respondents, instrument),
        counts=respondent_counts(answers, data.accounts),
        portfolio=summarise(gaps, superior, stages, scored, instrument,
                            portfolio.trend(gaps, prior_gaps)),
        categories=category_counts(frame, gaps),
        sources=Sources(instrument, unit_info, answers, scored, frame_with_kind,
                        data.respondents, prior_gaps, prior_counts))
    result.power_map["contact"] = _decode(result.power_map["contact"], people)
    result.accuracy["respondent"] = _decode(result.accuracy["respondent"], people)
    return result


def _encode_respondents(data: AnalysisInput) -> tuple[AnalysisInput, np.ndarray]:
    """Replace respondent ids by small integers: grouping on them is then several times faster
    than on strings. Returns the inputs and the original ids to decode outputs with."""
    parts = [data.answers["respondent"], data.respondents["respondent"], data.ratings["rater"],
             data.ratings["contact"]]
    codes, uniques = pd.factorize(pd.concat(parts, ignore_index=True))
    bounds = np.cumsum([0] + [len(p) for p in parts])
    piece = [codes[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    encoded = AnalysisInput(
        data.answers.assign(respondent=piece[0]),
        data.respondents.assign(respondent=piece[1]),
        data.ratings.assign(rater=piece[2], contact=piece[3]),
        data.accounts)
    return encoded, np.asarray(uniques, dtype=object)


def _decode(column: pd.Series, people: np.ndarray) -> pd.Series:
    if column.empty:
        return column
    values = pd.to_numeric(column, errors="coerce")
    return pd.Series([people[int(v)] if pd.notna(v) else None for v in values],
                     index=column.index, dtype=object)
