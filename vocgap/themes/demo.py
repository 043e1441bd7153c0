"""The demo's verbatim themes: varied answers, a proposed frame, suggestions, some confirmed."""

from __future__ import annotations

import numpy as np
import sqlalchemy as sa

from ..extensions import db
from ..models import Answer, Participant, Response, Study, User, Wave
from .coding import accept, propose_frame, suggest
from .demo_text import TEXTS
from .editing import add_theme, change_theme
from .store import study_themes, study_verbatims

CONFIRMED_SHARE = 0.4  # the consultant has reviewed the first 40% of the verbatims
# What the demo consultant called the proposed themes, found by their leading keyword.
RENAMES = {
    "delivery": ("Delivery dates", "Delivery dates kept, and warning early when they slip."),
    "ideas": ("Proactive ideas", "New ideas and innovation brought without being asked."),
    "manager": ("Account manager continuity",
                "The same account manager, and a personal relationship."),
    "calls": ("Decisions, not status calls", "Fewer status meetings; people who can decide."),
    "support": ("Quick, friendly support", "Support that answers fast and kindly."),
    "escalations": ("Escalations", "How fast escalated problems are answered."),
    "team": ("Operations, not only purchasing",
             "Involving the people who use the product, not only the buyers."),
}
# Keywords the demo consultant rewrote where the proposal mixed two topics.
REWORDED = {"team": "operations, purchasing, users, every day"}
ADDED = [
    ("Invoices and billing", "Invoices that can be read and matched to the contract.",
     "invoices, billing, charge, contract"),
    ("Training", "Training for the customer's users and analysts.", "training, sessions"),
    ("Value in our numbers", "The vendor's value shown in the customer's own figures.",
     "savings, value, quantify, finance, CFO"),
]


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
    for answer, side in rows:
        topics = TEXTS.get((side, answer.item_id))
        if not topics:
            continue
        names = sorted(topics)
        phrasings = topics[names[int(rng.integers(len(names)))]]
        answer.value_text = phrasings[int(rng.integers(len(phrasings)))]
    db.session.flush()
    if study_themes(study):
        return
    for theme in propose_frame(study):
        lead = theme.keyword_list[0].lower() if theme.keyword_list else ""
        if lead in RENAMES and not any(t.name == RENAMES[lead][0] for t in study_themes(study)):
            name, meaning = RENAMES[lead]
            change_theme(study, theme, name, meaning, theme.examples,
                         REWORDED.get(lead, theme.keywords))
    for name, meaning, keywords in ADDED:
        add_theme(study, name, meaning, keywords=keywords)
    suggest(study)
    verbatims = study_verbatims(study)
    reviewed = [row.id for row in verbatims[: int(len(verbatims) * CONFIRMED_SHARE)]]
    accept(study, reviewed, reviewer)
    db.session.flush()
