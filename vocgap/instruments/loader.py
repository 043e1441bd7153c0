"""Load a YAML instrument file and validate every part of it, naming file, line and item."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

import yaml

from .model import (
    ITEM_TYPES,
    ROLES,
    SCALED_TYPES,
    SIDES,
    Dimension,
    Instrument,
    Item,
    Option,
    Scale,
    Section,
)

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
PLACEHOLDERS = {"vendor", "account"}
POWER_MAP_PLACEHOLDERS = PLACEHOLDERS | {"contact"}
SECTION_KEYS = {"id", "title", "title_vendor", "intro_customer", "intro_vendor", "items"}
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


class InstrumentError(ValueError):
    """Raised with every problem found in an instrument file, one per line of the message."""

    def __init__(self, path: str, problems: list[str]):
        self.path = path
        self.problems = problems
        super().__init__("\n".join(f"{path}: {p}" for p in problems))


class _Node(dict):
    line: int = 0


class _LineLoader(yaml.SafeLoader):
    """A safe loader whose mappings remember the line they start on."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Node:
    loader.flatten_mapping(node)
    mapping = _Node()
    mapping.line = node.start_mark.line + 1
    seen: set = set()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_instrument(path: str | Path) -> Instrument:
    """Read, parse and validate an instrument file; raise InstrumentError listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InstrumentError(str(path), ["file not found"]) from None
    except UnicodeDecodeError as exc:
        raise InstrumentError(str(path), [f"not UTF-8 text ({exc.reason})"]) from None
    return parse_instrument(text, str(path))


def parse_instrument(text: str, name: str = "<instrument>") -> Instrument:
    """Validate instrument YAML text; ``name`` is used in error messages."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InstrumentError(name, [f"{where}invalid YAML: {problem}"]) from None
    builder = _Builder(name)
    instrument = builder.build(data, text)
    if builder.problems:
        raise InstrumentError(name, builder.problems)
    assert instrument is not None
    return instrument


class _Builder:
    def __init__(self, name: str):
        self.name = name
        self.problems: list[str] = []

    def fail(self, node: Any, where: str, message: str) -> None:
        line = getattr(node, "line", 0)
        prefix = f"line {line}, " if line else ""
        self.problems.append(f"{prefix}{where}: {message}")

    def build(self, data: Any, text: str) -> Instrument | None:
        if not isinstance(data, dict):
            self.problems.append("the file must be a YAML mapping with id, version, sections")
            return None
        for key in ("id", "version", "title", "scales", "dimensions", "sections"):
            if key not in data:
                self.fail(data, "instrument", f"missing required key '{key}'")
        unknown = set(data) - {"id", "version", "title", "description", "scales", "dimensions",
                               "sections"}
        for key in sorted(unknown, key=str):
            self.fail(data, "instrument", f"unknown key '{key}'")
        inst_id = str(data.get("id", ""))
        if "id" in data and not ID_PATTERN.match(inst_id.replace("-", "_")):
            self.fail(data, "instrument",
                      f"id '{inst_id}' must be lowercase letters, digits, - or _")
        scales = self.scales(data.get("scales") or {})
        dimensions = self.dimensions(data.get("dimensions") or [])
        sections = self.sections(data.get("sections") or [], scales, {d.id for d in dimensions})
        items = [i for s in sections for i in s.items]
        self.check_whole(data, dimensions, items)
        return Instrument(
            id=inst_id,
            version=str(data.get("version", "")),
            title=str(data.get("title", "")),
            description=str(data.get("description", "")),
            scales=scales,
            dimensions=tuple(dimensions),
            sections=tuple(sections),
            source=text,
            path=self.name,
        )

    def scales(self, raw: Any) -> dict[str, Scale]:
        out: dict[str, Scale] = {}
        if not isinstance(raw, dict):
            self.fail(raw, "scales", "must be a mapping of scale id to definition")
            return out
        for sid, spec in raw.items():
            where = f"scale '{sid}'"
            if not isinstance(spec, dict):
                self.fail(raw, where, "must be a mapping with min, max and labels")
                continue
            lo, hi = spec.get("min"), spec.get("max")
            if not isinstance(lo, int) or not isinstance(hi, int) or isinstance(lo, bool):
                self.fail(spec, where, "min and max must be whole numbers")
                continue
            if not lo < hi or hi - lo > 10:
                self.fail(spec, where, f"needs min < max and at most 11 points (got {lo}..{hi})")
                continue
            labels_raw = spec.get("labels") or {}
            labels: dict[int, str] = {}
            if not isinstance(labels_raw, dict):
                self.fail(spec, where, "labels must map scale points to text")
            else:
                for point, label in labels_raw.items():
                    if not isinstance(point, int) or not lo <= point <= hi:
                        self.fail(spec, where, f"label for {point!r} is outside {lo}..{hi}")
                    else:
                        labels[point] = str(label)
            dont_know = spec.get("dont_know")
            if dont_know is True:
                dont_know = "Don't know / not applicable"
            out[str(sid)] = Scale(str(sid), lo, hi, labels, str(dont_know) if dont_know else None)
        return out

    def dimensions(self, raw: Any) -> list[Dimension]:
        out: list[Dimension] = []
        if not isinstance(raw, list):
            self.fail(raw, "dimensions", "must be a list")
            return out
        seen: set[str] = set()
        for spec in raw:
            if not isinstance(spec, dict) or "id" not in spec or "name" not in spec:
                self.fail(spec, "dimensions", "each dimension needs an id and a name")
                continue
            did = str(spec["id"])
            if did in seen:
                self.fail(spec, f"dimension '{did}'", "duplicate dimension id")
            seen.add(did)
            out.append(Dimension(did, str(spec["name"]), str(spec.get("description", ""))))
        return out

    def sections(self, raw: Any, scales: dict[str, Scale], dims: set[str]) -> list[Section]:
        out: list[Section] = []
        if not isinstance(raw, list) or not raw:
            self.fail(raw, "sections", "must be a non-empty list")
            return out
        seen: set[str] = set()
        for spec in raw:
            if not isinstance(spec, dict) or "id" not in spec or "items" not in spec:
                self.fail(spec, "sections", "each section needs an id, a title and items")
                continue
            for key in sorted(set(spec) - SECTION_KEYS, key=str):
                self.fail(spec, f"section '{spec['id']}'", f"unknown key '{key}'")
            items = []
            for item_spec in spec.get("items") or []:
                item = self.item(item_spec, scales, dims, seen)
                if item is not None:
                    items.append(item)
            out.append(
                Section(
                    id=str(spec["id"]),
                    title=str(spec.get("title", spec["id"])),
                    items=tuple(items),
                    intro_customer=str(spec.get("intro_customer", "")),
                    intro_vendor=str(spec.get("intro_vendor", "")),
                    title_vendor=str(spec.get("title_vendor", "")),
                )
            )
        return out

    def item(self, spec: Any, scales: dict[str, Scale], dims: set[str], seen: set[str]):
        if not isinstance(spec, dict):
            self.fail(spec, "item", "must be a mapping")
            return None
        iid = str(spec.get("id", ""))
        where = f"item '{iid}'" if iid else "item"
        ok = True

        def bad(message: str) -> None:
            nonlocal ok
            ok = False
            self.fail(spec, where, message)

        if not ID_PATTERN.match(iid):
            bad("id must start with a lowercase letter and use only a-z, 0-9 and _")
        elif iid in seen:
            bad("duplicate item id")
        seen.add(iid)
        allowed = {"id", "type", "customer", "mirror", "dimension", "scale", "options", "ordinal",
                   "reverse", "required", "role", "rates", "help", "max_length", "sides"}
        for key in sorted(set(spec) - allowed, key=str):
            bad(f"unknown key '{key}'")
        itype = spec.get("type")
        if itype not in ITEM_TYPES:
            bad(f"unknown type {itype!r} (one of: {', '.join(ITEM_TYPES)})")
        role = spec.get("role")
        if role is not None and role not in ROLES:
            bad(f"unknown role {role!r} (one of: {', '.join(ROLES)})")
        elif role is not None and itype in ITEM_TYPES and itype not in ROLE_TYPES[role]:
            bad(f"role '{role}' needs type {' or '.join(sorted(ROLE_TYPES[role]))}, not {itype}")
        sides = spec.get("sides", list(SIDES))
        if not isinstance(sides, list) or not sides or set(sides) - set(SIDES):
            bad("sides must be a list drawn from customer, vendor")
            sides = list(SIDES)
        for side_key, label in (("customer", "customer wording"), ("mirror", "mirror wording")):
            if side_key == "mirror" and "vendor" not in sides:
                continue
            if side_key == "customer" and "customer" not in sides:
                continue
            wording = spec.get(side_key)
            if not isinstance(wording, str) or not wording.strip():
                bad(f"missing {label} ('{side_key}')")
                continue
            allowed_ph = POWER_MAP_PLACEHOLDERS if (
                side_key == "mirror" and role in ("stance_support", "stance_influence")
            ) else PLACEHOLDERS
            problem = _placeholder_problem(wording, allowed_ph)
            if problem:
                bad(f"{label}: {problem}")
            if side_key == "mirror" and role in ("stance_support", "stance_influence") and (
                "{contact}" not in wording
            ):
                bad("mirror wording of a power-map item must name the {contact}")
        dimension = spec.get("dimension")
        if dimension is not None and str(dimension) not in dims:
            bad(f"unknown dimension '{dimension}'")
        scale = None
        if "scale" in spec:
            scale = scales.get(str(spec["scale"]))
            if scale is None:
                bad(f"unknown scale '{spec['scale']}' (defined: {', '.join(scales) or 'none'})")
        elif itype in SCALED_TYPES:
            bad(f"a {itype} item needs a scale")
        if itype == "likelihood" and scale is not None and (scale.min, scale.max) != (0, 10):
            bad(f"a likelihood item needs a 0-10 scale, not {scale.min}-{scale.max}")
        if itype == "agreement" and dimension is None and role != "superior_experience":
            bad("an agreement item needs a dimension")
        reverse = spec.get("reverse", False)
        if not isinstance(reverse, bool):
            bad("reverse must be true or false")
        elif reverse and (itype not in SCALED_TYPES or scale is None):
            bad("reverse-coded item has no numeric scale to reverse")
        options = self.options(spec, itype, bad)
        rates = spec.get("rates")
        if itype == "importance":
            if rates is None:
                bad("an importance item must name the dimension it 'rates'")
            elif str(rates) not in dims:
                bad(f"rates unknown dimension '{rates}'")
        max_length = spec.get("max_length", 20_000)
        if not isinstance(max_length, int) or not 1 <= max_length <= 100_000:
            bad("max_length must be a whole number from 1 to 100000")
            max_length = 20_000
        if not ok:
            return None
        return Item(
            id=iid,
            type=itype,
            customer=str(spec.get("customer", "")),
            mirror=str(spec.get("mirror", "")),
            dimension=str(dimension) if dimension is not None else None,
            scale=scale,
            options=options,
            ordinal=bool(spec.get("ordinal", itype == "stage")),
            reverse=reverse,
            required=bool(spec.get("required", itype != "open_text")),
            role=role,
            rates=str(rates) if rates is not None else None,
            help=str(spec.get("help", "")),
            max_length=max_length,
            sides=tuple(s for s in SIDES if s in sides),
        )

    def options(self, spec: dict, itype: Any, bad) -> tuple[Option, ...]:
        raw = spec.get("options")
        if itype not in ("single_choice", "multiple_choice", "stage"):
            if raw is not None:
                bad(f"a {itype} item takes no options")
            return ()
        if not isinstance(raw, list) or len(raw) < 2:
            bad("needs a list of at least two options")
            return ()
        out: list[Option] = []
        values: set[str] = set()
        ordinal = spec.get("ordinal", itype == "stage")
        for index, opt in enumerate(raw):
            if not isinstance(opt, dict) or "value" not in opt or "label" not in opt:
                bad(f"option {index + 1} needs a value and a label")
                continue
            value = str(opt["value"])
            if value in values:
                bad(f"duplicate option value '{value}'")
            values.add(value)
            score = opt.get("score")
            if score is None and ordinal:
                score = index if itype == "stage" else index + 1
            if score is not None and (not isinstance(score, int) or isinstance(score, bool)):
                bad(f"option '{value}': score must be a whole number")
                score = None
            out.append(Option(value, str(opt["label"]), str(opt.get("description", "")), score))
        if itype == "stage" and [o.score for o in out] != list(range(len(out))):
            bad("stage options must be scored 0, 1, 2, … in order")
        return tuple(out)

    def check_whole(self, data: dict, dimensions: list[Dimension], items: list[Item]) -> None:
        roles: dict[str, str] = {}
        for item in items:
            if item.role is None:
                continue
            if item.role in roles:
                self.fail(data, f"item '{item.id}'",
                          f"role '{item.role}' is already taken by item '{roles[item.role]}'")
            roles[item.role] = item.id
        for dim in dimensions:
            if not any(i.dimension == dim.id and i.type != "importance" for i in items):
                self.fail(data, f"dimension '{dim.id}'", "has no items")


def _placeholder_problem(text: str, allowed: set[str]) -> str | None:
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError as exc:
        return f"bad placeholder ({exc})"
    for name in fields:
        if name not in allowed:
            names = ", ".join("{" + a + "}" for a in sorted(allowed))
            return f"bad placeholder {{{name}}} (allowed: {names})"
    return None


def render_wording(text: str, **values: str) -> str:
    """Fill ``{vendor}``/``{account}``/``{contact}`` placeholders; other braces stay literal."""
    return string.Formatter().vformat(text, (), _Defaulting(values))


class _Defaulting(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
