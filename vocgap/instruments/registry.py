"""Find instrument files in the configured surveys folder by their id."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .loader import InstrumentError, load_instrument, parse_instrument
from .model import Instrument
from .translations import thaw_translations


def available_instruments(surveys_dir: str | Path) -> list[Instrument]:
    """Every valid instrument in the folder, sorted by id; invalid files are skipped."""
    found = []
    for path in sorted(Path(surveys_dir).glob("*.y*ml")):
        try:
            found.append(load_instrument(path))
        except InstrumentError:
            continue
    return sorted(found, key=lambda i: i.id)


def find_instrument(surveys_dir: str | Path, instrument_id: str) -> Instrument:
    """The instrument with this id, or KeyError naming the ids that exist."""
    for inst in available_instruments(surveys_dir):
        if inst.id == instrument_id:
            return inst
    known = ", ".join(i.id for i in available_instruments(surveys_dir)) or "none"
    raise KeyError(f"no instrument '{instrument_id}' in {surveys_dir} (found: {known})")


@lru_cache(maxsize=64)
def instrument_from_source(source: str, translations: str = "{}") -> Instrument:
    """Parse a wave's frozen instrument snapshot and its frozen translations once per process."""
    return thaw_translations(parse_instrument(source, "<wave snapshot>"), translations)
