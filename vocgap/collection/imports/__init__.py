"""Imports that read any common file, validate every row first and write all or nothing."""

from .accounts import import_accounts
from .common import ImportFailed, ImportReport, RowError
from .mapping import Mapping
from .participants import import_participants
from .responses import import_responses

__all__ = ["ImportFailed", "ImportReport", "Mapping", "RowError", "import_accounts",
           "import_participants", "import_responses"]
