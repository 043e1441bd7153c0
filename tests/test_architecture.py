"""Layers flow one way: instruments → collection → analysis → reporting → web/cli.

Every import in the package (including those inside functions) is read with ``ast`` and resolved
to an absolute module name, so a lower layer reaching up is caught however it is written.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import vocgap

PACKAGE = Path(vocgap.__file__).parent
UPPER = ("vocgap.findings", "vocgap.reporting", "vocgap.web", "vocgap.cli", "vocgap.demo")
STORAGE = ("vocgap.models", "vocgap.extensions", "vocgap.database", "vocgap.collection")
FRAMEWORKS = ("flask", "flask_wtf", "flask_login", "flask_sqlalchemy", "flask_migrate", "wtforms",
              "sqlalchemy", "alembic", "redis", "rq")

# layer → what it must never import (a name forbids the module and everything under it)
FORBIDDEN = {
    "vocgap.instruments": (*UPPER, *STORAGE, "vocgap.analysis", *FRAMEWORKS),
    "vocgap.analysis": (*UPPER, *STORAGE, *FRAMEWORKS),
    "vocgap.models": (*UPPER, "vocgap.collection", "vocgap.analysis"),
    "vocgap.collection": (*UPPER, "vocgap.analysis"),
    "vocgap.verbatims": (*UPPER, *STORAGE, "vocgap.themes", *FRAMEWORKS),
    "vocgap.themes": ("vocgap.reporting", "vocgap.web", "vocgap.cli"),
    "vocgap.findings": ("vocgap.reporting", "vocgap.web", "vocgap.cli"),
    "vocgap.reporting": ("vocgap.web", "vocgap.cli"),
    # Alerts read stored responses and run pure rules on them, beside vocgap.findings.
    "vocgap.alerts": ("vocgap.reporting", "vocgap.web", "vocgap.cli", "vocgap.demo"),
    "vocgap.alerts.rules": (*UPPER, *STORAGE, *FRAMEWORKS, "vocgap.alerts.evaluate",
                            "vocgap.alerts.notify"),
    "vocgap.alerts.owner": (*UPPER, *STORAGE, *FRAMEWORKS),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Absolute names of everything the file imports, relative imports resolved."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            found.add(stem)
            # ``from . import queue`` imports a module, not a name: count the submodule too
            found.update(f"{stem}.{alias.name}" for alias in node.names)
    return found


def violations(layer: str) -> list[str]:
    forbidden = FORBIDDEN[layer]
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        if name != layer and not name.startswith(layer + "."):
            continue
        for imported in sorted(imports_of(path)):
            if any(imported == f or imported.startswith(f + ".") for f in forbidden):
                out.append(f"{name} imports {imported}")
    return out


# Known arrows pointing the wrong way, each with the reason and who moves it. An entry that no
# longer occurs fails the test, so the list can only shrink.
TOLERATED = {
    "vocgap.collection.imports.long_file imports vocgap.analysis":
        "issue 12's file reader builds the analysis' AnalysisInput; it belongs in a service "
        "above analysis (like vocgap.findings), the reader returning plain frames",
    "vocgap.collection.imports.long_file imports vocgap.analysis.AnalysisInput":
        "the same import, named",
}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layers_only_import_downwards(layer):
    """Does each layer stay free of the layers above it (and the ground floors of frameworks)?"""
    assert [v for v in violations(layer) if v not in TOLERATED] == []


def test_tolerated_arrows_still_exist():
    """Is every tolerated wrong-way import still there (remove its entry once it is moved)?"""
    found = {v for layer in FORBIDDEN for v in violations(layer)}
    assert sorted(set(TOLERATED) - found) == []


def test_the_scanner_sees_relative_and_nested_imports():
    """The check is not vacuous: it resolves the imports that the layers really make."""
    run = imports_of(PACKAGE / "analysis" / "run.py")
    assert "vocgap.instruments" in run and "vocgap.analysis.gaps" in run
    reports = imports_of(PACKAGE / "cli" / "reports.py")
    assert "vocgap.reporting.queue" in reports
    init = imports_of(PACKAGE / "__init__.py")  # imports inside create_app count too
    assert "vocgap.reporting.queue" in init and "vocgap.web" in init
