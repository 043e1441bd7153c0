"""One cell of an imported file into a stored answer: recodes, don't-know codes, labels written any
way a tool writes them, long open text, and the export's formula guard undone."""

from __future__ import annotations

import json
import re

from ...instruments.model import TEXT_LIMIT, Item
from ..values import DONT_KNOW_WORDS, InvalidValue, StoredValue, clean_text, coerce_value
from .columns import norm, unguard
from .mapping import Recode, code_key

NUMBERED = re.compile(r"^\s*(-?\d+)\s*[-\u2013\u2014:=.)]\s*(.*)$", re.S)
CACHE_LIMIT = 50_000
DONT_KNOW = StoredValue(dont_know=True)


class AnswerReader:
    """Reads one item's cells, remembering each distinct cell so large files are read quickly."""

    def __init__(self, item: Item, recode: Recode | None = None):
        self.item = item
        self.recode = recode or Recode()
        self.limit = max(item.max_length, TEXT_LIMIT)  # imports take at least the default
        self.labels: dict[str, str] = {}
        if item.scale is not None:
            for point, label in item.scale.labels.items():
                self.labels.setdefault(norm(label), str(point))
        for option in item.options:
            self.labels.setdefault(norm(option.label), option.value)
            self.labels.setdefault(norm(option.value), option.value)
        self.dont_know = {norm(w) for w in DONT_KNOW_WORDS}
        if item.scale is not None and item.scale.dont_know:
            self.dont_know.add(norm(item.scale.dont_know))
        self._cache: dict[str, StoredValue | None | InvalidValue] = {}

    def read(self, raw: str) -> StoredValue | None:
        """The stored answer, None when blank; InvalidValue says what the item would accept."""
        if self.item.type == "open_text":
            text = clean_text(unguard(raw), self.limit)
            return StoredValue(value_text=text) if text else None
        cached = self._cache.get(raw)
        if cached is None and raw not in self._cache:
            try:
                cached = self._read(raw)
            except InvalidValue as exc:
                cached = exc
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            self._cache[raw] = cached
        if isinstance(cached, InvalidValue):
            raise cached
        return cached

    def _read(self, raw: str) -> StoredValue | None:
        text = unguard(raw).strip()
        if not text:
            return None
        key = code_key(text)
        if key in self.recode.dont_know:
            has_dk = self.item.scale is not None and self.item.scale.dont_know
            return DONT_KNOW if has_dk else None
        if key in self.recode.values:
            text = self.recode.values[key]
            key = code_key(text)
        if self.item.type == "multiple_choice":
            return coerce_value(self.item, self._choices(text))
        if key in self.dont_know:
            return coerce_value(self.item, "dk")
        return coerce_value(self.item, self._canonical(text, key))

    def _canonical(self, text: str, key: str) -> str:
        if key in self.labels:
            return self.labels[key]
        numbered = NUMBERED.match(text)
        if numbered is None:
            return text
        number, rest = numbered.group(1), norm(numbered.group(2))
        said = self.labels.get(rest)
        if rest and said is not None and said != number:
            raise InvalidValue(f"'{text[:60]}' says {number}, but '{numbered.group(2).strip()}' "
                               f"is {said} here; recode it with values: in a mapping file")
        return number

    def _choices(self, text: str) -> list[str]:
        """Codes or labels separated by ';' (labels that contain ';' are rejoined) or JSON."""
        if text.startswith("["):
            try:
                return [str(v) for v in json.loads(text)]
            except ValueError:
                raise InvalidValue(f"'{text[:40]}' is not a list of choices") from None
        out, pending = [], ""
        for part in text.split(";"):
            pending = f"{pending};{part}" if pending else part
            if norm(pending) in self.labels:
                out.append(self.labels[norm(pending)])
                pending = ""
        if pending.strip():
            parts = [p.strip() for p in pending.split(";") if p.strip()]
            out.extend(self.labels.get(norm(p), p) for p in parts)
        return out
