"""Survey pages kept per process: what depends only on the wave's frozen instrument, the language,
the side and the account's names is built once, not again on every request.

Entries are keyed on the instrument *object* a wave's frozen text and translations parse to
(``Wave.instrument`` returns the same object for the same frozen text) and on the language
it is worded in; the entry keeps that object alive, so its identity can never be reused by
another instrument while the entry exists. Editing an instrument file changes nothing here: a
wave's pages come from the text frozen in the database when the wave opened.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

Value = TypeVar("Value")

PAGE_PLANS = 256  # per instrument, language, side, account and contacts; up to ~0.2 MB each


class PageCache:
    """A bounded, thread-safe least-recently-used map from (instrument, key) to built pages."""

    def __init__(self, size: int = PAGE_PLANS):
        self.size = size
        self.hits = self.misses = 0
        self._entries: OrderedDict[tuple, tuple[object, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, instrument: object, key: Hashable, build: Callable[[], Value]) -> Value:
        """The value cached for this instrument and key, built (outside the lock) if missing."""
        slot = (id(instrument), key)
        with self._lock:
            entry = self._entries.get(slot)
            if entry is not None and entry[0] is instrument:
                self._entries.move_to_end(slot)
                self.hits += 1
                return entry[1]  # type: ignore[return-value]
        value = build()
        with self._lock:
            self.misses += 1
            self._entries[slot] = (instrument, value)
            self._entries.move_to_end(slot)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)


pages = PageCache()
