"""Suggested codes: how close each verbatim is to each theme of the frame as it stands now.

A theme's profile is a TF-IDF vector built from its keywords, its example phrases and the
verbatims the consultant has confirmed for it; a verbatim's confidence for a theme is the cosine
similarity of the two (0 to 1), so a suggestion is explainable by the words they share. Edits to
the frame (renames, merges, new keywords) and every confirmation change the next suggestions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .frame import tfidf_matrix
from .text import Verbatim, free_text_tokens, language_family, tokens

THRESHOLD = 0.2  # the lowest similarity suggested; below it a verbatim gets no code
MAX_CODES = 3  # themes suggested per verbatim at most


@dataclass(frozen=True)
class ThemeProfile:
    """What defines a theme for matching: keywords, example phrases, confirmed verbatim ids."""

    key: int
    keywords: list[str]
    examples: list[str] = field(default_factory=list)
    confirmed: list[int] = field(default_factory=list)


def _unit_rows(matrix):
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    from scipy import sparse

    return sparse.diags(1.0 / norms) @ matrix


def similarities(verbatims: list[Verbatim], profiles: list[ThemeProfile]
                 ) -> tuple[list[int], np.ndarray]:
    """(verbatim ids, verbatims × themes cosine similarities) in the order given."""
    if not verbatims or not profiles:
        return [v.id for v in verbatims], np.zeros((len(verbatims), len(profiles)))
    languages = sorted({language_family(v.language) for v in verbatims})
    documents = [tokens(v.text, language_family(v.language)) for v in verbatims]
    seeds = [[free_text_tokens(" ".join(p.keywords), languages)]
             + [free_text_tokens(e, languages) for e in p.examples] for p in profiles]
    extra = [doc for seed in seeds for doc in seed]
    matrix, _, vectorizer = tfidf_matrix(documents + extra)
    docs = matrix[: len(documents)]
    index = {v.id: i for i, v in enumerate(verbatims)}
    from scipy import sparse

    rows = []
    for profile, seed in zip(profiles, seeds, strict=True):
        parts = [vectorizer.transform([s]) for s in seed if s]
        keyword_part = parts[0] if seed[0] and parts else None
        example_parts = parts[1:] if keyword_part is not None else parts
        confirmed = [index[i] for i in profile.confirmed if i in index]
        pieces = []
        if keyword_part is not None:
            pieces.append(_unit_rows(keyword_part))
        if example_parts:
            pieces.append(_unit_rows(sparse.csr_matrix(
                sparse.vstack(example_parts).mean(axis=0))))
        if confirmed:
            pieces.append(_unit_rows(sparse.csr_matrix(docs[confirmed].mean(axis=0))))
        if pieces:
            total = pieces[0]
            for piece in pieces[1:]:
                total = total + piece
            rows.append(_unit_rows(sparse.csr_matrix(total)))
        else:
            rows.append(sparse.csr_matrix((1, docs.shape[1])))
    theme_matrix = sparse.vstack(rows).tocsr()
    scores = np.asarray((docs @ theme_matrix.T).todense())
    return [v.id for v in verbatims], np.clip(scores, 0.0, 1.0)


def suggest_codes(verbatims: list[Verbatim], profiles: list[ThemeProfile],
                  threshold: float = THRESHOLD, limit: int = MAX_CODES
                  ) -> list[tuple[int, int, float]]:
    """(verbatim id, theme key, confidence) for each suggestion, best first within a verbatim."""
    ids, scores = similarities(verbatims, profiles)
    out = []
    keys = [p.key for p in profiles]
    for row, verbatim_id in enumerate(ids):
        ranked = sorted(range(len(keys)), key=lambda j: (-round(float(scores[row, j]), 9),
                                                         keys[j]))
        for j in ranked[:limit]:
            confidence = round(float(scores[row, j]), 4)
            if confidence >= threshold:
                out.append((verbatim_id, keys[j], confidence))
    return out
