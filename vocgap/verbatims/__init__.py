"""Verbatim themes: tokens per language, a proposed coding frame, suggested codes and tone.

Pure like ``analysis/``: plain data in, plain data out; no Flask and no database.
"""

from .frame import ProposedTheme, propose_themes
from .suggest import ThemeProfile, suggest_codes
from .text import Verbatim, language_family, tokens

__all__ = ["ProposedTheme", "ThemeProfile", "Verbatim", "language_family", "propose_themes",
           "suggest_codes", "tokens"]
