"""Suggested codes: how close each verbatim is to each theme of the frame as it stands now.

A theme is matched on its keywords (and name), its example phrases and the verbatims the
consultant has confirmed for it, all in the TF-IDF space of the study's stemmed words; a
verbatim's confidence (0 to 1) is explainable by the words they share (``similarities``). Edits to
the frame (renames, merges, new keywords) and every confirmation change the next suggestions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .frame import tfidf_matrix
from .text import Verbatim, free_text_tokens, language_family, tokens

THRESHOLD = 0.35  # the lowest confidence suggested; below it a verbatim gets no code
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
    """(verbatim ids, verbatims × themes confidences) in the order given.

    A confidence is the larger of two readings, each from 0 to 1: how much of the verbatim's
    TF-IDF weight falls on the theme's keywords (the length of its projection onto them), and
    its cosine similarity to the mean of the theme's example phrases and confirmed verbatims.
    """
    if not verbatims or not profiles:
        return [v.id for v in verbatims], np.zeros((len(verbatims), len(profiles)))
    from scipy import sparse

    languages = sorted({language_family(v.language) for v in verbatims})
    documents = [tokens(v.text, language_family(v.language)) for v in verbatims]
    keywords = [free_text_tokens(" ".join(p.keywords), languages) for p in profiles]
    examples = [[free_text_tokens(e, languages) for e in p.examples] for p in profiles]
    extra = [doc for group in examples for doc in group if doc]
    matrix, terms, vectorizer = tfidf_matrix(documents + extra + [k for k in keywords if k])
    docs = matrix[: len(documents)].tocsr()
    squared = docs.multiply(docs).tocsc()
    column = {term: i for i, term in enumerate(terms)}
    index = {v.id: i for i, v in enumerate(verbatims)}
    scores = np.zeros((len(verbatims), len(profiles)))
    for j, profile in enumerate(profiles):
        columns = sorted({column[t] for t in keywords[j] if t in column})
        if columns:
            scores[:, j] = np.sqrt(np.asarray(squared[:, columns].sum(axis=1)).ravel())
        rows = [vectorizer.transform([e]) for e in examples[j] if e]
        rows += [docs[index[i]] for i in profile.confirmed if i in index]
        if rows:
            centre = _unit_rows(sparse.csr_matrix(sparse.vstack(rows).mean(axis=0)))
            like = np.asarray((docs @ centre.T).todense()).ravel()
            scores[:, j] = np.maximum(scores[:, j], like)
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
