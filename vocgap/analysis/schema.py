"""The analysis contract (``vocgap.analysis/1``) as types: every object of the JSON and the columns
of every tidy table, so that code, docs/analysis-schema.md and the tests name the same fields.

Numbers that cannot be computed, and figures the vendor edition withholds, are ``None``. Fields
ending in ``_note``, ``status``, ``class``, ``support`` and ``quadrant`` hold codes from
``vocgap.analysis.codes``; ``vocgap.reporting.wording`` turns them into words.
"""

from __future__ import annotations

from typing import TypedDict

Number = float | None
Count = int | None  # None: withheld by the vendor edition (fewer than min_group behind it)


class CategoryCount(TypedDict):
    value: float
    count: int


class Comparison(TypedDict):
    """One account × unit (dimension or item): both sides, the gap and how sure we are."""

    unit: str
    label: str
    kind: str  # "dimension" | "item"
    scale_low: int
    scale_high: int
    n_vendor: int
    n_customer: int
    mean_vendor: Number
    mean_customer: Number
    var_vendor: Number
    var_customer: Number
    sd_vendor: Number
    sd_customer: Number
    top_vendor: Count
    top_customer: Count
    gap: Number
    ci_low: Number
    ci_high: Number
    ci_df: Number
    ci_note: str | None  # unanimous | too_few_for_interval | below_min_group
    pairs_higher: Count
    pairs_tied: Count
    pairs_lower: Count
    pairs_total: int
    u_vendor: Number
    cliffs_delta: Number
    magnitude: str | None  # negligible | small | medium | large
    hedges_g: Number
    p_value: Number
    min_p: Number
    testable: bool
    p_adjusted: Number
    test_note: str | None  # too_few_to_test | item_not_tested | insufficient_data | below_min_group
    rwg_vendor: Number
    rwg_customer: Number
    sd_ref: Number
    gap_z: Number
    p_portfolio_bh: Number
    counts: dict[str, list[CategoryCount]] | None  # per side, only where a gate failed


# "class" is a keyword: the rest of the comparison is declared in the functional form.
Classification = TypedDict("Classification", {"class": str | None, "support": str | None,
                                              "quadrant": str | None})


class SuperiorExperience(TypedDict):
    x_vendor: Count
    n_vendor: int
    x_customer: Count
    n_customer: int
    share_vendor: Number
    share_customer: Number
    difference: Number
    ci_low: Number
    ci_high: Number
    ci_note: str | None
    p_value: Number
    min_p: Number
    test_note: str | None
    vendor_majority: bool | None
    customer_majority: bool | None


class RecommendSide(TypedDict):
    side: str
    n: int
    mean: Number
    promoters: Count
    passives: Count
    detractors: Count
    nps: Number


class StageSide(TypedDict):
    n: int
    median: Count
    mode: list[int] | None
    distribution: list[int] | None


class Stage(TypedDict):
    sides: dict[str, StageSide]
    gap: Number


class PowerMapContact(TypedDict):
    """Consultant edition only: one customer contact, confidential."""

    contact: str
    vendor_support: Number
    vendor_influence: Number
    vendor_raters: int
    self_support: Number
    self_influence: Number
    vendor_view: str
    self_view: str
    match: bool | None
    misread_champion: bool
    hidden_champion: bool


class PowerMapCounts(TypedDict):
    """Vendor edition only: contacts per stance."""

    view: str
    vendor_count: int
    self_count: Count


class Coverage(TypedDict):
    respondents: int
    role_counts: dict[str, Count]
    roles_present: list[str]
    roles_missing: list[str]
    quartet_counts: dict[str, Count]
    quartet_present: list[str]
    quartet_missing: list[str]
    buyers: Count
    buyer_heard: bool | None


class Priority(TypedDict):
    unit: str
    performance: Number
    n_performance: int
    importance: Number
    n_importance: Count
    priority: Number
    gap_z: Number
    quadrant: str | None
    importance_source: str  # stated | derived


class Verbatim(TypedDict):
    side: str
    item: str
    text: str
    language: str
    attribution: str


class Account(TypedDict, total=False):
    account: str
    segment: str | None
    key_account: bool | None
    crm_stage: int | None
    respondents: dict[str, int]
    status: str  # ok | thin | insufficient_data | counts_only
    confidential: bool
    dimensions: list[Comparison]
    items: list[Comparison]
    superior_experience: SuperiorExperience | None
    recommend: dict[str, RecommendSide]
    stage: Stage
    power_map: list[PowerMapContact] | list[PowerMapCounts]
    coverage: Coverage | None
    priorities: list[Priority]
    verbatims: list[Verbatim]


class PortfolioDimension(TypedDict):
    unit: str
    accounts: int
    mean_gap: float
    ci_low: Number
    ci_high: Number
    p_value: Number
    p_holm: Number
    rank_biserial: Number
    share_vendor_higher: float
    share_equal: float
    share_vendor_lower: float


class PortfolioItem(TypedDict):
    unit: str
    accounts: int
    mean_gap: float
    p_value: Number
    p_adjusted: Number
    rank_biserial: Number


class BainLiteral(TypedDict):
    accounts: int
    share_accounts_vendor_majority: Number
    share_accounts_customer_majority: Number
    table: list[list[int]]
    p_value: Number
    p_holm: Number
    respondent_mean_share_vendor: Number
    respondent_mean_share_customer: Number
    respondent_p_value: Number
    respondent_p_holm: Number


class StuartMaxwell(TypedDict):
    statistic: Number
    df: int
    p_value: Number


class StageAgreement(TypedDict, total=False):
    accounts: int
    table: list[list[int]]
    ahead: int
    equal: int
    behind: int
    share_ahead: float
    share_ahead_ci: list[float]
    share_equal: float
    share_equal_ci: list[float]
    share_behind: float
    share_behind_ci: list[float]
    note: str | None  # too_few_accounts: no sign test, κ or Stuart–Maxwell below six
    sign_test_p: Number
    sign_test_p_holm: Number
    kappa_linear: Number
    kappa_linear_ci: list[float] | None
    kappa_quadratic: Number
    stuart_maxwell: StuartMaxwell | None


class RankingRow(TypedDict):
    account: str
    rank: int
    mean_gap: float
    max_gap: float
    dimensions: int
    blind_spots: int
    hidden_strengths: int


class ReliabilityRow(TypedDict):
    dimension: str
    side: str
    respondents: int
    alpha: Number
    note: str | None
    low: bool


class TrendRow(TypedDict):
    account: str
    unit: str
    gap: Number
    previous_gap: Number
    change: Number


class TrendByDimension(TypedDict):
    unit: str
    gap: Number
    previous_gap: Number
    change: Number


class Portfolio(TypedDict):
    accounts_compared: int
    note: str | None  # too_few_accounts | few_accounts
    dimensions: list[PortfolioDimension]
    items: list[PortfolioItem]
    bain_literal: BainLiteral
    stage_agreement: StageAgreement
    ranking: list[RankingRow]
    reliability: list[ReliabilityRow]
    trend: list[TrendRow]
    trend_by_dimension: list[TrendByDimension]


class StaffAccuracy(TypedDict):
    """Consultant edition: one vendor participant."""

    respondent: str
    name: str | None
    function: str | None
    accounts: int
    items: int
    mae: float
    bias: float


class FunctionAccuracy(TypedDict):
    """Vendor edition: one vendor function with at least min_group people."""

    function: str
    people: int
    mae: Number
    bias: Number


class Result(TypedDict, total=False):
    schema: str
    instrument: dict
    edition: str  # consultant | vendor
    min_group: int
    study: dict
    wave: dict
    source: str
    accounts: list[Account]
    portfolio: Portfolio
    vendor_staff: list[StaffAccuracy] | list[FunctionAccuracy]


def fields(kind: type) -> set[str]:
    """The field names a TypedDict declares (``Comparison`` includes its classification)."""
    names = set(kind.__annotations__)
    return names | set(Classification.__annotations__) if kind is Comparison else names


# Columns of the tidy tables ``Analysis.tables()`` writes (``--csv DIR``), one file each.
TABLES: dict[str, list[str]] = {
    "gaps": ["account", *[f for f in Comparison.__annotations__ if f != "counts"],
             *Classification.__annotations__],
    "superior_experience": ["account", *SuperiorExperience.__annotations__],
    "recommend": ["account", *RecommendSide.__annotations__],
    "stages": ["account", "side", "n", "median", "gap"],
    "power_map": ["account", *PowerMapContact.__annotations__],
    "priorities": ["account", *Priority.__annotations__],
    "prediction_accuracy": list(StaffAccuracy.__annotations__),
    "respondent_counts": ["account", "segment", "key_account", "crm_stage", "customer",
                          "vendor", "status", "confidential"],
    "category_counts": ["account", "unit", "side", "value", "count"],
    "portfolio_dimensions": list(PortfolioDimension.__annotations__),
    "portfolio_items": list(PortfolioItem.__annotations__),
    "account_ranking": list(RankingRow.__annotations__),
    "reliability": list(ReliabilityRow.__annotations__),
    "trend": list(TrendRow.__annotations__),
}
VENDOR_TABLES = {**TABLES, "power_map": ["account", *PowerMapCounts.__annotations__],
                 "prediction_accuracy": list(FunctionAccuracy.__annotations__)}
