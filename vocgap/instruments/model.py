"""The survey instrument as immutable data: scales, dimensions, sections and items."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

SIDES = ("customer", "vendor")

ITEM_TYPES = (
    "agreement",
    "likelihood",
    "single_choice",
    "multiple_choice",
    "open_text",
    "stage",
    "importance",
)
NUMERIC_TYPES = frozenset({"agreement", "likelihood", "importance", "stage"})
SCALED_TYPES = frozenset({"agreement", "likelihood", "importance"})

# The relationship stages from least to most intertwined; a stage item scores them 0, 1, 2, 3.
STAGES = ("Exploratory", "Basic", "Collaborative", "Interconnected")

# Open text: the length an answer may have unless the item sets its own, and the most it may set.
TEXT_LIMIT = 20_000
TEXT_LIMIT_MAX = 100_000

# What a scale's "don't know" option says unless the instrument words it otherwise.
DONT_KNOW_LABEL = "Don't know / not applicable"

# The language an instrument is written in unless it says otherwise, and what a code looks like
# (a BCP 47 tag such as de, pt-BR, or the gettext spelling pt_BR).
DEFAULT_LANGUAGE = "en"
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}([-_][A-Za-z0-9]{2,8})?$")

# Items the analysis looks for by purpose rather than by id, so a consultant may rename them.
ROLES = (
    "superior_experience",
    "recommend",
    "stage",
    "stance_support",
    "stance_influence",
    "channel",
    "service_model",
    "one_thing",
)


def agree_min(low: int, high: int) -> int:
    """Lowest point counted as agreement, above the midpoint (4 on 1–5, 5 on 1–7, 6 on 0–10).

    The one agree threshold: headline shares, top-box shares, classification and the report's
    quadrant lines all count agreement from here.
    """
    return (low + high) // 2 + 1


@dataclass(frozen=True)
class Scale:
    """A numbered response scale with labelled points and an optional "don't know"."""

    id: str
    min: int
    max: int
    labels: dict[int, str]
    dont_know: str | None = None

    @property
    def points(self) -> tuple[int, ...]:
        return tuple(range(self.min, self.max + 1))

    @property
    def agree_min(self) -> int:
        """Lowest value counted as agreement: above the midpoint (4 on 1–5, 5 on 1–7)."""
        return agree_min(self.min, self.max)

    def label(self, point: int) -> str:
        return self.labels.get(point, str(point))


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    description: str = ""
    score: int | None = None


@dataclass(frozen=True)
class Dimension:
    id: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class Item:
    """One question, worded for the customer and mirrored for the vendor's staff."""

    id: str
    type: str
    customer: str
    mirror: str
    dimension: str | None = None
    scale: Scale | None = None
    options: tuple[Option, ...] = ()
    ordinal: bool = False
    reverse: bool = False
    required: bool = True
    role: str | None = None
    rates: str | None = None
    help: str = ""
    max_length: int = TEXT_LIMIT
    sides: tuple[str, ...] = SIDES

    @property
    def is_numeric(self) -> bool:
        return self.type in NUMERIC_TYPES or (self.type == "single_choice" and self.ordinal)

    @property
    def is_power_map(self) -> bool:
        return self.role in ("stance_support", "stance_influence")

    @property
    def low(self) -> int:
        if self.scale is not None:
            return self.scale.min
        return min(o.score for o in self.options if o.score is not None)

    @property
    def high(self) -> int:
        if self.scale is not None:
            return self.scale.max
        return max(o.score for o in self.options if o.score is not None)

    def wording(self, side: str) -> str:
        return self.customer if side == "customer" else self.mirror

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    items: tuple[Item, ...]
    intro_customer: str = ""
    intro_vendor: str = ""
    title_vendor: str = ""

    def intro(self, side: str) -> str:
        return self.intro_customer if side == "customer" else self.intro_vendor

    def heading(self, side: str) -> str:
        return self.title_vendor if side == "vendor" and self.title_vendor else self.title

    def items_for(self, side: str) -> tuple[Item, ...]:
        return tuple(i for i in self.items if side in i.sides)


@dataclass(frozen=True)
class Instrument:
    """A validated survey instrument; build it with :func:`vocgap.instruments.load_instrument`."""

    id: str
    version: str
    title: str
    description: str
    scales: dict[str, Scale]
    dimensions: tuple[Dimension, ...]
    sections: tuple[Section, ...]
    source: str = field(default="", repr=False, compare=False)
    path: str = ""
    # The language of the texts above; the languages the file declares (source first); those a
    # respondent can be offered (declared, with a usable companion file).
    source_language: str = DEFAULT_LANGUAGE
    declared_languages: tuple[str, ...] = (DEFAULT_LANGUAGE,)
    languages: tuple[str, ...] = (DEFAULT_LANGUAGE,)
    # Per language, the translated texts by key (see instruments.translations), the companion
    # files' text as read (what a wave freezes), and every problem found in them.
    translations: Mapping[str, Mapping[str, str]] = field(
        default_factory=dict, repr=False, compare=False)
    translation_sources: Mapping[str, str] = field(
        default_factory=dict, repr=False, compare=False)
    translation_problems: tuple[str, ...] = field(default=(), repr=False, compare=False)
    # The language this copy's texts are in: the source's unless made by in_language().
    text_language: str = ""
    _localized: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(i for s in self.sections for i in s.items)

    def item(self, item_id: str) -> Item:
        for i in self.items:
            if i.id == item_id:
                return i
        raise KeyError(item_id)

    def item_by_role(self, role: str) -> Item | None:
        return next((i for i in self.items if i.role == role), None)

    def dimension(self, dim_id: str) -> Dimension:
        return next(d for d in self.dimensions if d.id == dim_id)

    def dimension_items(self, dim_id: str) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.dimension == dim_id and i.type != "importance")

    def in_language(self, language: str | None) -> Instrument:
        """This instrument worded in ``language`` (the source wording for an unoffered one)."""
        base = self._localized.setdefault(self.source_language, self)
        if not language or language not in self.languages:
            language = self.source_language
        found = self._localized.get(language)
        if found is None:
            from .translations import localize

            found = self._localized[language] = localize(base, language)
        return found

    @property
    def language(self) -> str:
        """The language this instrument's texts are in."""
        return self.text_language or self.source_language

    def wording_in(self, item_id: str, side: str, language: str | None) -> str:
        """One item's wording for one side in one language (the source where none is offered)."""
        return self.in_language(language).item(item_id).wording(side)

    def describe(self) -> dict:
        """The JSON-ready summary printed by ``vocgap instrument show --json``."""
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "source_language": self.source_language,
            "languages": list(self.languages),
            "dimensions": [
                {"id": d.id, "name": d.name, "items": [i.id for i in self.dimension_items(d.id)]}
                for d in self.dimensions
            ],
            "items": [_describe_item(i) for i in self.items],
        }


def _describe_item(item: Item) -> dict:
    out: dict = {
        "id": item.id,
        "type": item.type,
        "dimension": item.dimension,
        "role": item.role,
        "reverse": item.reverse,
        "required": item.required,
        "customer": item.customer,
        "mirror": item.mirror,
    }
    if item.scale is not None:
        out["scale"] = {
            "id": item.scale.id,
            "points": list(item.scale.points),
            "labels": {str(k): v for k, v in item.scale.labels.items()},
            "dont_know": item.scale.dont_know,
        }
    if item.options:
        out["options"] = [
            {"value": o.value, "label": o.label, "score": o.score} for o in item.options
        ]
        out["ordinal"] = item.ordinal
    if item.rates:
        out["rates"] = item.rates
    return out
