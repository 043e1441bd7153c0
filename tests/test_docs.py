"""Documents the code points at exist, so a docstring never sends a reader to a missing file."""

from __future__ import annotations

import re

from .conftest import ROOT

DOC_LINK = re.compile(r"\bdocs/[\w.-]+\.md\b")


def test_every_docs_file_named_in_the_code_exists():
    """Does each ``docs/….md`` named in the package, the tests or the README exist?"""
    sources = [*(ROOT / "vocgap").rglob("*.py"), *(ROOT / "tests").rglob("*.py"),
               ROOT / "README.md"]
    named = {(path.name, link) for path in sources
             for link in DOC_LINK.findall(path.read_text(encoding="utf-8"))}
    assert ("__init__.py", "docs/methods.md") in named  # the analysis package points at it
    assert [(name, link) for name, link in sorted(named) if not (ROOT / link).is_file()] == []


def test_nothing_points_at_a_methods_file_outside_the_repository():
    """Is every pointer to the methods the project's own docs/methods.md?"""
    stale = [str(path.relative_to(ROOT)) for path in
             [*(ROOT / "vocgap").rglob("*.py"), *(ROOT / "docs").glob("*.md"), ROOT / "README.md"]
             if re.search(r"\bMETHODS\b", path.read_text(encoding="utf-8"))]
    assert stale == []


def test_methods_page_covers_what_the_analysis_implements():
    """Does docs/methods.md describe each method the analysis runs, with its source?"""
    text = (ROOT / "docs" / "methods.md").read_text(encoding="utf-8")
    for method, source in [("Welch", "Welch, B. L."), ("Cliff's δ", "Cliff, N."),
                           ("Hedges g", "Hedges, L. V."), ("Newcombe", "Newcombe, R. G."),
                           ("Boschloo", "Boschloo, R. D."), ("McNemar", "McNemar, Q."),
                           ("weighted Cohen's κ", "Cohen, J."), ("Stuart–Maxwell", "Stuart, A."),
                           ("Kerby", "Kerby, D. S."), ("Benjamini–Hochberg", "Benjamini, Y."),
                           ("Holm", "Holm, S."), ("Cronbach's α", "Cronbach, L. J."),
                           ("r_wg", "James, L. R."), ("Martilla", "Martilla, J. A."),
                           ("Atwater", "Atwater, L. E."), ("Wilcoxon", "Wilcoxon, F.")]:
        assert method in text and source in text, method
