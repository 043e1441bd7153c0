"""docs/security.md names a test for every promise: each named test must exist."""

from __future__ import annotations

import ast
import re

from .conftest import ROOT

REFERENCE = re.compile(r"`(tests/[a-z_0-9]+\.py)::([a-z_0-9]+)`")


def test_every_promise_names_a_test_that_exists():
    text = (ROOT / "docs" / "security.md").read_text()
    references = REFERENCE.findall(text)
    assert len(references) >= 40
    missing = []
    for path, name in references:
        tree = ast.parse((ROOT / path).read_text())
        if name not in {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}:
            missing.append(f"{path}::{name}")
    assert not missing, missing
