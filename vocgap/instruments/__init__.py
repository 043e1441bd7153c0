"""Survey instruments: YAML files in ``surveys/`` loaded into validated, immutable objects."""

from .loader import InstrumentError, load_instrument, parse_instrument, render_wording
from .model import STAGES, Dimension, Instrument, Item, Option, Scale, Section, agree_min
from .registry import available_instruments, find_instrument

__all__ = [
    "STAGES",
    "Dimension",
    "Instrument",
    "InstrumentError",
    "Item",
    "Option",
    "Scale",
    "Section",
    "agree_min",
    "available_instruments",
    "find_instrument",
    "load_instrument",
    "parse_instrument",
    "render_wording",
]
