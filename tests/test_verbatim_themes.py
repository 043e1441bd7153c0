"""Theme proposal, suggested codes and tone on verbatims written here in four languages."""

from __future__ import annotations

import random
import warnings

import pytest

from vocgap.verbatims import ThemeProfile, Verbatim, propose_themes, suggest_codes, tokens
from vocgap.verbatims.text import free_text_tokens, language_family
from vocgap.verbatims.tone import tone

from .theme_data import corpus_verbatims


@pytest.fixture(autouse=True)
def converged_enough():
    """NMF's iteration cap is a time bound (the service silences it the same way)."""
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@pytest.mark.parametrize(("language", "text", "expected", "absent"), [
    ("en", "The deliveries are late and nobody warns us.", {"deliveri", "late", "warn"},
     {"the", "and", "us"}),
    ("de", "Die Lieferungen kommen zu spät und niemand informiert uns.",
     {"liefer", "spat", "informiert"}, {"die", "und", "zu", "uns"}),
    ("fr", "Les livraisons arrivent en retard et personne ne nous prévient.",
     {"livraison", "retard", "prévient"}, {"les", "et", "ne", "nous"}),
    ("es", "Las entregas llegan tarde y nadie nos avisa del retraso.",
     {"entreg", "tard", "retras"}, {"las", "y", "nos", "del"}),
])
def test_each_language_drops_its_own_stop_words_and_stems_with_its_own_rules(
        language, text, expected, absent):
    """Are stop words and stems those of the verbatim's language, not English rules?"""
    found = set(tokens(text, language))
    assert expected <= found, found
    assert not (absent & found)


def test_english_rules_are_not_applied_to_other_languages():
    """Does a German sentence keep 'die' out but 'also' (German 'so') is not an English word?"""
    german = tokens("Die Preise sind hoch, also bitte senken.", "de")
    assert "die" not in german and "preis" in german
    assert tokens("Prices are high", "de") != tokens("Prices are high", "en")


def test_elided_french_articles_and_unknown_languages():
    """Is "l'augmentation" read as 'augment', and a language without lists left unstemmed?"""
    assert tokens("L'augmentation des prix", "fr")[0].startswith("augment")
    assert tokens("Xyzzy words", "tlh") == ["xyzzy", "words"]
    assert language_family("de-CH") == "de" and language_family(None) == "en"


def test_the_proposed_frame_is_stable():
    """Same verbatims (in any order) → the same themes, names, keywords and examples."""
    verbatims, _ = corpus_verbatims()
    first = propose_themes(verbatims)
    shuffled = verbatims[:]
    random.Random(7).shuffle(shuffled)
    assert first, "no themes proposed"
    for _ in range(2):
        assert propose_themes(shuffled) == first
    assert [t.name for t in first] == [t.name for t in propose_themes(list(reversed(verbatims)))]


def test_themes_group_the_same_topic_across_languages_where_words_are_shared():
    """Do proposed themes keep topics apart, with the shared word 'support' in one theme?"""
    verbatims, topics = corpus_verbatims()
    themes = propose_themes(verbatims)
    purity = []
    for theme in themes:
        counts = {}
        for verbatim_id in theme.verbatim_ids:
            counts[topics[verbatim_id]] = counts.get(topics[verbatim_id], 0) + 1
        purity.append(max(counts.values()) / sum(counts.values()))
    assert sum(purity) / len(purity) >= 0.75, [(t.name, p) for t, p in zip(themes, purity,
                                                                         strict=True)]
    support = [t for t in themes if "support" in [k.lower() for k in t.keywords]]
    assert support, [t.keywords for t in themes]
    languages = {v.language for v in verbatims if v.id in support[0].verbatim_ids}
    assert len(languages) >= 3, languages
    for theme in themes:
        assert theme.name and theme.definition and 1 <= len(theme.examples) <= 3


def test_too_little_text_proposes_nothing():
    """Three answers, or answers of stop words only, give no frame rather than noise."""
    assert propose_themes([Verbatim(1, "late"), Verbatim(2, "slow"), Verbatim(3, "ok")]) == []
    assert propose_themes([Verbatim(i, "the and of", "en") for i in range(10)]) == []


def test_suggestions_follow_keywords_in_every_language_with_a_confidence():
    """Does a keyword theme find its verbatims in each language, confidence in (0, 1]?"""
    verbatims, topics = corpus_verbatims()
    profiles = [ThemeProfile(1, ["price", "Preis", "prix", "precio"]),
                ThemeProfile(2, ["delivery", "late", "Lieferung", "livraison", "entrega"])]
    found = suggest_codes(verbatims, profiles)
    assert all(0 < c <= 1 for _, _, c in found)
    by_theme = {1: set(), 2: set()}
    for verbatim_id, theme, _ in found:
        by_theme[theme].add(verbatim_id)
    price = {v for v, t in topics.items() if t == "price"}
    assert by_theme[1] <= price and len(by_theme[1]) >= 0.7 * len(price)
    languages = {v.language for v in verbatims if v.id in by_theme[2]}
    assert languages == {"en", "de", "fr", "es"}
    assert suggest_codes(verbatims, profiles) == found  # deterministic


def test_confirmed_verbatims_teach_the_profile():
    """A theme with no words of its own matches verbatims like the ones confirmed for it."""
    verbatims, topics = corpus_verbatims()
    confirmed = [v.id for v in verbatims if topics[v.id] == "support" and v.language == "en"][:2]
    found = suggest_codes(verbatims, [ThemeProfile(9, [], [], confirmed)])
    support = {v for v, t in topics.items() if t == "support"}
    hits = {v for v, _, _ in found}
    assert hits and hits <= support


def test_free_text_keywords_are_stemmed_in_each_study_language():
    assert {"deliveri", "delivery"} & set(free_text_tokens("delivery", ["en", "de"]))
    assert "preis" in free_text_tokens("Preise", ["de"])


def test_tone_is_a_hint_for_english_only():
    """VADER on English; no tone for German rather than English rules on German words."""
    assert tone("Support is quick and friendly, great work.", "en").label == "positive"
    assert tone("Terrible delays, awful support.", "en").label == "negative"
    assert tone("Der Support ist schlecht.", "de") is None
    assert tone("   ", "en") is None
