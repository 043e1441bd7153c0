"""The statistics: pure pandas/SciPy functions, no Flask, no database (see docs/methods.md)."""

from .exact import wmw_exact
from .run import SCHEMA, Analysis, AnalysisInput, analyse, clean

__all__ = ["SCHEMA", "Analysis", "AnalysisInput", "analyse", "clean", "wmw_exact"]
