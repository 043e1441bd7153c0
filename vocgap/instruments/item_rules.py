"""The rules an instrument item must follow, one small function per concern, run in order.

An item is first read into an :class:`ItemPlan` (every key once, typed by name), then each rule in
:data:`ITEM_RULES` looks at one concern and yields the problems it finds, recording what it
resolved (sides, scale, options, length limit) on a :class:`Resolved`. Messages name the problem
only; the loader adds the file, line and item.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .model import (
    ITEM_TYPES,
    ROLES,
    SCALED_TYPES,
    SIDES,
    TEXT_LIMIT,
    TEXT_LIMIT_MAX,
    Item,
    Option,
    Scale,
)

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
PLACEHOLDERS = frozenset({"vendor", "account"})
POWER_MAP_PLACEHOLDERS = PLACEHOLDERS | {"contact"}
POWER_MAP_ROLES = ("stance_support", "stance_influence")
CHOICE_TYPES = ("single_choice", "multiple_choice", "stage")
ITEM_KEYS = frozenset({"id", "type", "customer", "mirror", "dimension", "scale", "options",
                       "ordinal", "reverse", "required", "role", "rates", "help", "max_length",
                       "sides"})
ROLE_TYPES = {
    "superior_experience": {"agreement"},
    "recommend": {"likelihood"},
    "stage": {"stage"},
    "stance_support": {"single_choice"},
    "stance_influence": {"single_choice"},
    "channel": {"single_choice", "multiple_choice"},
    "service_model": {"single_choice", "multiple_choice"},
    "one_thing": {"open_text"},
}


@dataclass(frozen=True)
class ItemPlan:
    """One item as the file states it: each key read once, before any rule judges it."""

    id: str
    type: Any
    role: Any
    sides: Any
    customer: Any
    mirror: Any
    dimension: Any
    scale: Any
    has_scale: bool
    reverse: Any
    options: Any
    ordinal: Any
    rates: Any
    max_length: Any
    required: Any
    help: Any
    keys: frozenset

    @classmethod
    def read(cls, spec: Mapping) -> ItemPlan:
        itype = spec.get("type")
        return cls(
            id=str(spec.get("id", "")), type=itype, role=spec.get("role"),
            sides=spec.get("sides", list(SIDES)), customer=spec.get("customer", ""),
            mirror=spec.get("mirror", ""), dimension=spec.get("dimension"),
            scale=spec.get("scale"), has_scale="scale" in spec,
            reverse=spec.get("reverse", False), options=spec.get("options"),
            ordinal=spec.get("ordinal", itype == "stage"), rates=spec.get("rates"),
            max_length=spec.get("max_length", TEXT_LIMIT),
            required=spec.get("required", itype != "open_text"), help=spec.get("help", ""),
            keys=frozenset(spec))

    @property
    def is_power_map(self) -> bool:
        return self.role in POWER_MAP_ROLES

    @property
    def is_scaled(self) -> bool:
        """A rated type (agreement, likelihood, importance); a list or mapping never is."""
        return isinstance(self.type, str) and self.type in SCALED_TYPES


@dataclass(frozen=True)
class Catalogue:
    """What an item may refer to: the file's scales and dimensions, and the ids already used."""

    scales: Mapping[str, Scale]
    dimensions: frozenset[str]
    seen: set[str] = field(default_factory=set)


@dataclass
class Resolved:
    """What the rules settled about an item, read back when the item is built."""

    sides: tuple[str, ...] = SIDES
    scale: Scale | None = None
    options: tuple[Option, ...] = ()
    max_length: int = TEXT_LIMIT


Rule = Callable[[ItemPlan, Catalogue, Resolved], Iterator[str]]


def identity(plan: ItemPlan, catalogue: Catalogue, _resolved: Resolved) -> Iterator[str]:
    """Ids are short snake_case names, unique across the instrument."""
    if not ID_PATTERN.match(plan.id):
        yield "id must start with a lowercase letter and use only a-z, 0-9 and _"
    elif plan.id in catalogue.seen:
        yield "duplicate item id"
    catalogue.seen.add(plan.id)


def known_keys(plan: ItemPlan, _catalogue: Catalogue, _resolved: Resolved) -> Iterator[str]:
    """A misspelt key is an error, not silently ignored."""
    for key in sorted(plan.keys - ITEM_KEYS, key=str):
        yield f"unknown key '{key}'"


def item_type(plan: ItemPlan, _catalogue: Catalogue, _resolved: Resolved) -> Iterator[str]:
    if plan.type not in ITEM_TYPES:
        yield f"unknown type {plan.type!r} (one of: {', '.join(ITEM_TYPES)})"


def role(plan: ItemPlan, _catalogue: Catalogue, _resolved: Resolved) -> Iterator[str]:
    """A role names a purpose the analysis looks for, and each purpose needs one kind of item."""
    if plan.role is None:
        return
    if plan.role not in ROLES:
        yield f"unknown role {plan.role!r} (one of: {', '.join(ROLES)})"
    elif plan.type in ITEM_TYPES and plan.type not in ROLE_TYPES[plan.role]:
        needed = " or ".join(sorted(ROLE_TYPES[plan.role]))
        yield f"role '{plan.role}' needs type {needed}, not {plan.type}"


def sides(plan: ItemPlan, _catalogue: Catalogue, resolved: Resolved) -> Iterator[str]:
    raw = plan.sides
    if not isinstance(raw, list) or not raw or any(s not in SIDES for s in raw):
        yield "sides must be a list drawn from customer, vendor"
        raw = list(SIDES)
    resolved.sides = tuple(s for s in SIDES if s in raw)


def wording(plan: ItemPlan, _catalogue: Catalogue, resolved: Resolved) -> Iterator[str]:
    """Each side that is asked needs its wording, with only the placeholders it can fill."""
    for key, label, side in (("customer", "customer wording", "customer"),
                             ("mirror", "mirror wording", "vendor")):
        if side not in resolved.sides:
            continue
        text = getattr(plan, key)
        if not isinstance(text, str) or not text.strip():
            yield f"missing {label} ('{key}')"
            continue
        power_map = key == "mirror" and plan.is_power_map
        problem = placeholder_problem(text, POWER_MAP_PLACEHOLDERS if power_map else PLACEHOLDERS)
        if problem:
            yield f"{label}: {problem}"
        if power_map and "{contact}" not in text:
            yield "mirror wording of a power-map item must name the {contact}"


def dimension(plan: ItemPlan, catalogue: Catalogue, _resolved: Resolved) -> Iterator[str]:
    if plan.dimension is not None and str(plan.dimension) not in catalogue.dimensions:
        yield f"unknown dimension '{plan.dimension}'"


def scale(plan: ItemPlan, catalogue: Catalogue, resolved: Resolved) -> Iterator[str]:
    """Rated items need a defined scale; likelihood (recommend) is always 0–10."""
    if plan.has_scale:
        resolved.scale = catalogue.scales.get(str(plan.scale))
        if resolved.scale is None:
            defined = ", ".join(catalogue.scales) or "none"
            yield f"unknown scale '{plan.scale}' (defined: {defined})"
    elif plan.is_scaled:
        yield f"a {plan.type} item needs a scale"
    found = resolved.scale
    if plan.type == "likelihood" and found is not None and (found.min, found.max) != (0, 10):
        yield f"a likelihood item needs a 0-10 scale, not {found.min}-{found.max}"


def agreement_dimension(plan: ItemPlan, _catalogue: Catalogue,
                        _resolved: Resolved) -> Iterator[str]:
    """Agreement items are compared per dimension; only the headline question stands alone."""
    if plan.type == "agreement" and plan.dimension is None and (
        plan.role != "superior_experience"
    ):
        yield "an agreement item needs a dimension"


def reverse(plan: ItemPlan, _catalogue: Catalogue, resolved: Resolved) -> Iterator[str]:
    if not isinstance(plan.reverse, bool):
        yield "reverse must be true or false"
    elif plan.reverse and (not plan.is_scaled or resolved.scale is None):
        yield "reverse-coded item has no numeric scale to reverse"


def options(plan: ItemPlan, _catalogue: Catalogue, resolved: Resolved) -> Iterator[str]:
    """Choice items list two or more distinct options; stages are scored 0, 1, 2, … in order."""
    raw = plan.options
    if plan.type not in CHOICE_TYPES:
        if raw is not None:
            yield f"a {plan.type} item takes no options"
        return
    if not isinstance(raw, list) or len(raw) < 2:
        yield "needs a list of at least two options"
        return
    out: list[Option] = []
    values: set[str] = set()
    for index, spec in enumerate(raw):
        if not isinstance(spec, dict) or "value" not in spec or "label" not in spec:
            yield f"option {index + 1} needs a value and a label"
            continue
        value = str(spec["value"])
        if value in values:
            yield f"duplicate option value '{value}'"
        values.add(value)
        score = spec.get("score")
        if score is None and plan.ordinal:
            score = index if plan.type == "stage" else index + 1
        if score is not None and (not isinstance(score, int) or isinstance(score, bool)):
            yield f"option '{value}': score must be a whole number"
            score = None
        out.append(Option(value, str(spec["label"]), str(spec.get("description", "")), score))
    if plan.type == "stage" and [o.score for o in out] != list(range(len(out))):
        yield "stage options must be scored 0, 1, 2, … in order"
    resolved.options = tuple(out)


def rates(plan: ItemPlan, catalogue: Catalogue, _resolved: Resolved) -> Iterator[str]:
    """An importance item says which dimension's importance it asks about."""
    if plan.type != "importance":
        return
    if plan.rates is None:
        yield "an importance item must name the dimension it 'rates'"
    elif str(plan.rates) not in catalogue.dimensions:
        yield f"rates unknown dimension '{plan.rates}'"


def max_length(plan: ItemPlan, _catalogue: Catalogue, resolved: Resolved) -> Iterator[str]:
    limit = plan.max_length
    if not isinstance(limit, int) or not 1 <= limit <= TEXT_LIMIT_MAX:
        yield f"max_length must be a whole number from 1 to {TEXT_LIMIT_MAX}"
        return
    resolved.max_length = limit


# In the order their messages are listed for the person fixing the file.
ITEM_RULES: tuple[Rule, ...] = (identity, known_keys, item_type, role, sides, wording, dimension,
                                scale, agreement_dimension, reverse, options, rates, max_length)


def check_item(plan: ItemPlan, catalogue: Catalogue) -> tuple[Item | None, list[str]]:
    """The item, or None with every problem the rules found in it."""
    resolved = Resolved()
    problems = [problem for rule in ITEM_RULES for problem in rule(plan, catalogue, resolved)]
    if problems:
        return None, problems
    return Item(
        id=plan.id,
        type=plan.type,
        customer=str(plan.customer),
        mirror=str(plan.mirror),
        dimension=str(plan.dimension) if plan.dimension is not None else None,
        scale=resolved.scale,
        options=resolved.options,
        ordinal=bool(plan.ordinal),
        reverse=plan.reverse,
        required=bool(plan.required),
        role=plan.role,
        rates=str(plan.rates) if plan.rates is not None else None,
        help=str(plan.help),
        max_length=resolved.max_length,
        sides=resolved.sides,
    ), problems


def placeholder_problem(text: str, allowed: frozenset[str]) -> str | None:
    """Why the wording's ``{placeholders}`` cannot be filled, or None when they can."""
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError as exc:
        return f"bad placeholder ({exc})"
    for name in fields:
        if name not in allowed:
            names = ", ".join("{" + a + "}" for a in sorted(allowed))
            return f"bad placeholder {{{name}}} (allowed: {names})"
    return None
