"""What the test run may assume about its machine, and where a missing dependency is a failure.

On a developer machine a missing browser, queue or database server skips the tests that need it;
where ``VOCGAP_REQUIRE_ALL=1`` (``.ci/run`` sets it, and ``CI=true`` implies it) the same absence
fails the run, so that a green CI cannot hide a suite that silently skipped half of itself.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy.engine import make_url


def require_all() -> bool:
    """True where every dependency of the suite must be present (CI)."""
    flag = os.environ.get("VOCGAP_REQUIRE_ALL", "").strip().lower()
    ci = os.environ.get("CI", "").strip().lower()
    return flag in ("1", "true", "yes") or ci in ("1", "true", "yes")


def missing(what: str, hint: str) -> None:
    """Skip for a missing dependency on a developer machine; fail where all are required."""
    if require_all():
        pytest.fail(f"{what} is missing but VOCGAP_REQUIRE_ALL/CI requires it: {hint}",
                    pytrace=False)
    pytest.skip(f"{what} is missing ({hint})")


def database_url(default: str) -> str:
    """The database the suite runs on: VOCGAP_TEST_DATABASE_URL, else ``default`` (SQLite)."""
    return os.environ.get("VOCGAP_TEST_DATABASE_URL") or default


def expected_dialect() -> str:
    """The dialect this run must use: VOCGAP_TEST_DIALECT if set, else the URL's scheme."""
    declared = os.environ.get("VOCGAP_TEST_DIALECT", "").strip().lower()
    if declared:
        return declared
    url = os.environ.get("VOCGAP_TEST_DATABASE_URL", "")
    if not url:
        return "sqlite"
    backend = make_url(url).get_backend_name()
    return "postgresql" if backend == "postgres" else backend


def on_postgres() -> bool:
    return expected_dialect() == "postgresql"
