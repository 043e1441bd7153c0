"""Imports that validate every row first and write all or nothing."""

from .common import ImportFailed, ImportReport, RowError
from .participants import import_participants
from .responses import import_responses

__all__ = ["ImportFailed", "ImportReport", "RowError", "import_participants", "import_responses"]
