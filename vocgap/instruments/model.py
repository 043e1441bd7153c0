"""The survey instrument as immutable data: scales, dimensions, sections and items."""

from __future__ import annotations

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
        return (self.min + self.max) // 2 + 1

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
    max_length: int = 20_000
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

    def describe(self) -> dict:
        """The JSON-ready summary printed by ``vocgap instrument show --json``."""
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
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
