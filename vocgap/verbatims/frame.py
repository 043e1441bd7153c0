"""A proposed coding frame: NMF over TF-IDF of stemmed words, one model across languages.

Every verbatim is tokenised in its own language (its stop words, its stemmer) and all of them go
into one TF-IDF matrix, factorised by scikit-learn's NMF with a fixed initialisation. Themes are
therefore language-independent wherever the answers share vocabulary (product names, loanwords,
cognates); otherwise a theme may be proposed per language and the consultant merges them
(docs/verbatims.md). Same verbatims in, same themes out: documents are ordered by id, NMF is seeded,
and every ordering breaks ties by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import sqrt

import numpy as np

from .text import Verbatim, language_family, surface_forms, tokens

MIN_VERBATIMS = 4
MAX_THEMES = 12
TOP_TERMS = 5
EXAMPLES = 3
SEED = 2026


@dataclass(frozen=True)
class ProposedTheme:
    """A theme the frame proposes: a name from its top words, a definition, phrases and ids."""

    name: str
    definition: str
    keywords: list[str]
    examples: list[str]
    verbatim_ids: list[int] = field(default_factory=list)
    weight: float = 0.0


def theme_count(n_verbatims: int, vocabulary: int) -> int:
    """About √n themes, at least 2 and at most 12, never more than words or answers allow."""
    wanted = int(round(sqrt(n_verbatims)))
    return max(1, min(MAX_THEMES, max(2, wanted), vocabulary, n_verbatims - 1))


def identity(tokens_of_one: list[str]) -> list[str]:
    """The analyzer of pre-tokenised documents (module level so that it pickles)."""
    return tokens_of_one


def tfidf_matrix(documents: list[list[str]], min_df: int = 1):
    """(matrix, terms) of sublinear TF-IDF over token lists, rows L2-normalised."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer=identity, min_df=min_df, sublinear_tf=True,
                                 dtype=np.float64)
    matrix = vectorizer.fit_transform(documents)
    return matrix, vectorizer.get_feature_names_out(), vectorizer


def propose_themes(verbatims: list[Verbatim], max_themes: int | None = None
                   ) -> list[ProposedTheme]:
    """Themes for a study's verbatims, heaviest first; [] when there is too little text."""
    ordered = sorted(verbatims, key=lambda v: v.id)
    documents = [(v, tokens(v.text, language_family(v.language))) for v in ordered]
    documents = [(v, t) for v, t in documents if t]
    # The same words said twice add no evidence of which words go together, yet would pull a
    # factor towards themselves: each distinct wording counts once (the first by id stands).
    distinct: dict[tuple[str, ...], tuple[Verbatim, list[str]]] = {}
    for verbatim, words_of_one in documents:
        distinct.setdefault(tuple(sorted(words_of_one)), (verbatim, words_of_one))
    documents = list(distinct.values())
    if len(documents) < MIN_VERBATIMS:
        return []
    from sklearn.decomposition import NMF

    # With many answers a word used once cannot define a theme; with few, every word counts.
    min_df = 2 if len(documents) >= 200 else 1
    matrix, terms, _ = tfidf_matrix([t for _, t in documents], min_df)
    if matrix.shape[1] < 2:
        return []
    k = theme_count(len(documents), matrix.shape[1])
    if max_themes:
        k = min(k, max_themes)
    model = NMF(n_components=k, init="nndsvda", random_state=SEED, max_iter=500, tol=1e-5)
    weights = model.fit_transform(matrix)
    components = model.components_
    forms = surface_forms([v for v, _ in documents])
    best = weights.argmax(axis=1)
    strongest = weights.max(axis=1) > 0
    themes = []
    for j in range(k):
        members = np.flatnonzero((best == j) & strongest)
        if not len(members):
            continue  # absorbed by other themes: nothing to show for it
        order = np.lexsort((terms, -np.round(components[j], 12)))
        top = [str(terms[i]) for i in order[:TOP_TERMS] if components[j, i] > 0]
        if not top:
            continue
        words = [forms.get(t, t) for t in top]
        ranked = sorted(members, key=lambda i: (-round(float(weights[i, j]), 12),
                                                documents[i][0].id))
        examples = []
        for i in ranked:
            text = " ".join(documents[i][0].text.split())
            if text not in examples:
                examples.append(text)
            if len(examples) == EXAMPLES:
                break
        themes.append(ProposedTheme(
            name=theme_name(words), definition=definition(words),
            keywords=words, examples=examples,
            verbatim_ids=[documents[i][0].id for i in members],
            weight=float(weights[:, j].sum())))
    themes.sort(key=lambda t: (-round(t.weight, 9), t.name))
    return unique_names(themes)


def theme_name(words: list[str]) -> str:
    """'Delivery, date and slip': the top three words, the first capitalised."""
    top = words[:3]
    text = top[0] if len(top) == 1 else ", ".join(top[:-1]) + " and " + top[-1]
    return (text[:1].upper() + text[1:]).replace(";", ",")[:120]


def definition(words: list[str]) -> str:
    """A starting definition the consultant rewrites: which words the answers use."""
    listed = ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0]
    return f"Answers that mention {listed} (proposed from the answers' own words)."


def unique_names(themes: list[ProposedTheme]) -> list[ProposedTheme]:
    """Themes with a suffix where two proposed names coincide (names are unique per study)."""
    seen: dict[str, int] = {}
    out = []
    for theme in themes:
        count = seen.get(theme.name.lower(), 0)
        seen[theme.name.lower()] = count + 1
        if count:
            theme = ProposedTheme(f"{theme.name} ({count + 1})", theme.definition,
                                  theme.keywords, theme.examples, theme.verbatim_ids,
                                  theme.weight)
        out.append(theme)
    return out
