"""Load a YAML instrument file and validate every part of it, naming file, line and item."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import yaml

from .item_rules import ID_PATTERN, Catalogue, ItemPlan, check_item
from .model import DEFAULT_LANGUAGE, LANGUAGE_CODE, Dimension, Instrument, Item, Scale, Section
from .scale_rules import ScalePlan, check_scale

SECTION_KEYS = {"id", "title", "title_vendor", "intro_customer", "intro_vendor", "items"}


class InstrumentError(ValueError):
    """Raised with every problem found in an instrument file, one per line of the message."""

    def __init__(self, path: str, problems: list[str]):
        self.path = path
        self.problems = problems
        super().__init__("\n".join(f"{path}: {p}" for p in problems))


class _Node(dict):
    """A mapping that remembers its own line and the line of each of its keys."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class _LineLoader(yaml.SafeLoader):
    """A safe loader whose mappings remember the line they start on."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Node:
    loader.flatten_mapping(node)
    mapping = _Node()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    seen: set = set()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
        mapping.key_lines[key] = key_node.start_mark.line + 1
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_instrument(path: str | Path) -> Instrument:
    """Read and validate an instrument file with its translations; raise on a bad source file.

    Problems in the companion translation files do not stop the instrument loading (a missing
    text falls back to the source language); they are listed on ``translation_problems`` and
    make ``vocgap instrument check`` fail.
    """
    from .translations import read_companions, with_translations

    path = Path(path)
    instrument = parse_instrument(read_text(path), str(path))
    return with_translations(instrument, read_companions(path, instrument))


def read_text(path: Path) -> str:
    """A file's UTF-8 text, or InstrumentError saying why it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InstrumentError(str(path), ["file not found"]) from None
    except UnicodeDecodeError as exc:
        raise InstrumentError(str(path), [f"not UTF-8 text ({exc.reason})"]) from None


def read_yaml(text: str, name: str) -> Any:
    """Parse YAML whose mappings know their lines; InstrumentError names the line on bad YAML."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InstrumentError(name, [f"{where}invalid YAML: {problem}"]) from None


def parse_instrument(text: str, name: str = "<instrument>") -> Instrument:
    """Validate instrument YAML text (the source language only); ``name`` is used in errors."""
    data = read_yaml(text, name)
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
                               "sections", "languages", "source_language"}
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
        source_language, languages = self.languages(data)
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
            source_language=source_language,
            declared_languages=languages,
            languages=(source_language,),
        )

    def languages(self, data: dict) -> tuple[str, tuple[str, ...]]:
        """The source language and every language the file declares (source first)."""
        raw = data.get("languages", [])
        if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
            self.fail(data, "languages", "must be a list of language codes, e.g. [en, de, fr]")
            raw = []
        source = data.get("source_language", raw[0] if raw else DEFAULT_LANGUAGE)
        declared: list[str] = []
        for code in [source, *raw]:
            if not isinstance(code, str) or not LANGUAGE_CODE.match(code):
                self.fail(data, "languages", f"'{code}' is not a language code (like en, de, "
                                             "pt-BR)")
            elif code in declared and code != source:
                self.fail(data, "languages", f"'{code}' is listed twice")
            elif code not in declared:
                declared.append(code)
        if raw and source not in raw:
            self.fail(data, "languages", f"the source language '{source}' is not listed")
        source_code = source if isinstance(source, str) else DEFAULT_LANGUAGE
        return source_code, tuple(declared)

    def scales(self, raw: Any) -> dict[str, Scale]:
        """Each well-formed scale by id; problems with any scale are reported (see .scale_rules)."""
        out: dict[str, Scale] = {}
        if not isinstance(raw, dict):
            self.fail(raw, "scales", "must be a mapping of scale id to definition")
            return out
        for sid, spec in raw.items():
            where = f"scale '{sid}'"
            if not isinstance(spec, dict):
                self.fail(raw, where, "must be a mapping with min, max and labels")
                continue
            scale, problems = check_scale(ScalePlan.read(sid, spec))
            for problem in problems:
                self.fail(spec, where, problem)
            if scale is not None:
                out[scale.id] = scale
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
        """The item, or None after reporting every rule it breaks (see :mod:`.item_rules`)."""
        if not isinstance(spec, dict):
            self.fail(spec, "item", "must be a mapping")
            return None
        plan = ItemPlan.read(spec)
        item, problems = check_item(plan, Catalogue(scales, frozenset(dims), seen))
        where = f"item '{plan.id}'" if plan.id else "item"
        for problem in problems:
            self.fail(spec, where, problem)
        return item

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


def render_wording(text: str, **values: str) -> str:
    """Fill ``{vendor}``/``{account}``/``{contact}`` placeholders; other braces stay literal."""
    return string.Formatter().vformat(text, (), _Defaulting(values))


class _Defaulting(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
