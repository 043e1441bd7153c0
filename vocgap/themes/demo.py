"""The demo's verbatim themes: varied answers, a proposed frame, suggestions, some confirmed."""

from __future__ import annotations

import numpy as np
import sqlalchemy as sa

from ..extensions import db
from ..models import Answer, Participant, Response, Study, User, Wave
from .coding import accept, propose_frame, suggest
from .demo_text import TEXTS, TRANSLATED
from .editing import add_theme, change_theme
from .store import study_themes, study_verbatims

CONFIRMED_SHARE = 0.4  # the consultant has reviewed the first 40% of the verbatims
# What the demo consultant called the proposed themes, found by one of their two top keywords;
# where no proposed theme matches, the consultant adds the theme by hand (ADDED).
RENAMES = [
    ("delivery", "Delivery dates", "Delivery dates kept, and warning early when they slip.",
     None),
    ("ideas", "Proactive ideas", "New ideas brought without being asked.", None),
    ("innovation", "Innovation and new features", "New features and an innovative product.",
     None),
    ("manager", "Account manager continuity",
     "The same account manager, and a personal relationship.", None),
    ("calls", "Decisions, not status calls", "Fewer status meetings; people who can decide.",
     None),
    ("support", "Quick, friendly support", "Support that answers fast and kindly.",
     "support, quick, friendly, fast, desk"),
    ("escalations", "Escalations", "How fast escalated problems are answered.", None),
    ("plan", "Joint planning", "A joint plan and roadmap a year ahead, not deal by deal.", None),
    ("operations", "Operations, not only purchasing",
     "Involving the people who use the product, not only the buyers.",
     "operations, purchasing, users"),
]
ADDED = [
    ("Invoices and billing", "Invoices that can be read and matched to the contract.",
     "invoices, billing, charge, contract, Rechnungen, Vertrag, factures, contrat, facturas, "
     "contrato"),
    ("Training", "Training for the customer's users and analysts.", "training, sessions"),
    ("Operations, not only purchasing",
     "Involving the people who use the product, not only the buyers.",
     "operations, purchasing, users"),
    ("Value in our numbers", "The vendor's value shown in the customer's own figures.",
     "savings, value, quantify, finance, CFO, Einsparungen, Zahlen, économies, chiffres, "
     "ahorro, cifras"),
]
# Keywords of a renamed topic when the consultant has to add it by hand.
FALLBACK = {"delivery": "delivery, dates, slip, late", "ideas": "ideas, proactive",
            "innovation": "innovation, features, innovative",
            "manager": "account manager, manager, changing",
            "calls": "status calls, calls, decide, decision",
            "support": "support, friendly, quick", "escalations": "escalations, escalated",
            "plan": "joint plan, roadmap, plan"}
# Words of the other languages the demo consultant added to proposed themes, by keyword.
ALSO = {"delivery": "Liefertermin, livraison, entrega",
        "support": "Support, freundlich, rapide, aimable, soporte, rápido, amable"}
# Of the other customer contacts, who answer in German, French or Spanish; contacts whose own
# language the demo sets answer in it.
FOREIGN_SHARE = 0.12


def add_demo_themes(study: Study, reviewer: User | None = None) -> None:
    """Give the demo's open-text answers varied wording, propose the frame and code it."""
    rng = np.random.default_rng(18)
    rows = db.session.execute(
        sa.select(Answer, Participant.side)
        .join(Response, Response.id == Answer.response_id)
        .join(Participant, Participant.id == Response.participant_id)
        .join(Wave, Wave.id == Response.wave_id)
        .where(Wave.study_id == study.id, Answer.value_text.is_not(None),
               Answer.item_id.in_([item for _side, item in TEXTS]))
        .order_by(Answer.id)).all()
    languages = {}
    for answer, side in rows:
        topics = TEXTS.get((side, answer.item_id))
        if not topics:
            continue
        response = answer.response
        if side == "customer" and response.participant_id not in languages:
            foreign = rng.random() < FOREIGN_SHARE
            chosen = response.participant.language  # set by the demo's languages, if any
            languages[response.participant_id] = chosen if chosen in ("de", "fr", "es") else (
                ("de", "fr", "es")[int(rng.integers(3))] if foreign else "en")
        language = languages.get(response.participant_id, "en")
        translated = TRANSLATED.get((side, answer.item_id), {}).get(language)
        if translated:
            response.language = language
            answer.value_text = translated[int(rng.integers(len(translated)))]
            continue
        names = sorted(topics)
        phrasings = topics[names[int(rng.integers(len(names)))]]
        answer.value_text = phrasings[int(rng.integers(len(phrasings)))]
    db.session.flush()
    if study_themes(study):
        return
    for theme in propose_frame(study):
        top = [k.lower() for k in theme.keyword_list[:2]]
        for key, name, meaning, keywords in RENAMES:
            if key in top and not any(t.name == name for t in study_themes(study)):
                keywords = keywords or theme.keywords
                if key in ALSO:
                    keywords += ", " + ALSO[key]
                change_theme(study, theme, name, meaning, theme.examples, keywords)
                break
    names = {t.name for t in study_themes(study)}
    for key, name, meaning, keywords in RENAMES:  # topics the proposal folded into others
        if name not in names:
            words = keywords or FALLBACK.get(key, key)
            add_theme(study, name, meaning,
                      keywords=words + (", " + ALSO[key] if key in ALSO else ""))
            names.add(name)
    for name, meaning, keywords in ADDED:
        if name not in names:
            add_theme(study, name, meaning, keywords=keywords)
    suggest(study)
    verbatims = study_verbatims(study)
    reviewed = [row.id for row in verbatims[: int(len(verbatims) * CONFIRMED_SHARE)]]
    accept(study, reviewed, reviewer)
    db.session.flush()
