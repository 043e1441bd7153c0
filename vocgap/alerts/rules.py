"""The alert rules as pure functions over one account's submitted answers in one wave.

Each rule looks at one customer response against what the vendor's team said about the same
account: (1) a detractor on the 0–10 recommend item; (2) a *false champion*, a contact who
describes themselves as a blocker or detractor while the vendor's power map, averaged over the
staff who rated them, counts them as a champion or supporter; (3) a dimension on which the
respondent's score is at least ``below_points`` under the vendor team's prediction (the mean of
the vendor staff's dimension scores for the account). Stances and dimension scores come from the
analysis' own functions, so an alert and the report never disagree on who is a champion.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..analysis.headline import stance
from ..analysis.scoring import dimension_scores, scored_items
from ..instruments import Instrument

DETRACTOR = "detractor"
FALSE_CHAMPION = "false_champion"
BELOW_PREDICTION = "below_prediction"
RULES = (DETRACTOR, FALSE_CHAMPION, BELOW_PREDICTION)
SUPPORTER_VIEWS = ("champion", "influencer")  # support ≥ 4: "supporter" in the product's words
RESISTING_VIEWS = ("blocker", "detractor")
ANSWER_COLUMNS = ["response", "side", "item", "value"]
RATING_COLUMNS = ["response", "contact", "support", "influence"]


@dataclass(frozen=True)
class RuleSettings:
    """Which rules run and their thresholds (defaults documented in docs/alerts.md)."""

    detractor: bool = True
    detractor_max: int = 6
    false_champion: bool = True
    below_prediction: bool = True
    below_points: float = 2.0


@dataclass(frozen=True)
class Signal:
    """A rule that fired: for which customer response, about what, with the figures behind it."""

    rule: str
    response: int
    subject: str = ""
    details: dict = field(default_factory=dict, compare=False)


def detractors(answers: pd.DataFrame, instrument: Instrument, highest: int) -> list[Signal]:
    """Customers whose likelihood to recommend is 0 … ``highest`` (6 in the NPS convention)."""
    item = instrument.item_by_role("recommend")
    if item is None:
        return []
    rows = answers[(answers["side"] == "customer") & (answers["item"] == item.id)
                   & answers["value"].notna()]
    return [Signal(DETRACTOR, int(r.response), "", {"score": int(r.value)})
            for r in rows.itertuples() if r.value <= highest]


def believed_stances(ratings: pd.DataFrame) -> dict[int, dict]:
    """Per customer contact, the vendor's averaged power-map view (raters who answered "I don't
    know this person" left out), keyed by the contact's participant id."""
    # One account's power map is a few dozen rows: plain Python beats pandas' overhead here,
    # and this runs in the respondent's submit request.
    by_contact: dict[int, list[tuple[int, float, float]]] = {}
    for response, contact, support, influence in ratings[
            ["response", "contact", "support", "influence"]].itertuples(index=False):
        if np.isfinite(support) and np.isfinite(influence):
            by_contact.setdefault(int(contact), []).append((response, support, influence))
    out = {}
    for contact, rows in by_contact.items():
        support = sum(r[1] for r in rows) / len(rows)
        influence = sum(r[2] for r in rows) / len(rows)
        out[contact] = {"view": stance(round(support, 6), round(influence, 6)),
                        "support": float(support), "influence": float(influence),
                        "raters": len({r[0] for r in rows})}
    return out


def self_stances(answers: pd.DataFrame, instrument: Instrument) -> dict[int, str]:
    """Per customer response, how the respondent describes themselves (or "unknown")."""
    support, influence = (instrument.item_by_role("stance_support"),
                          instrument.item_by_role("stance_influence"))
    if support is None or influence is None:
        return {}
    own = answers[(answers["side"] == "customer")
                  & answers["item"].isin([support.id, influence.id])]
    values: dict[int, dict[str, float]] = {}
    for response, item, value in own[["response", "item", "value"]].itertuples(index=False):
        values.setdefault(int(response), {}).setdefault(item, float(value))
    nan = float("nan")
    return {r: stance(v.get(support.id, nan), v.get(influence.id, nan))
            for r, v in values.items()}


def false_champions(answers: pd.DataFrame, ratings: pd.DataFrame, contacts: dict[int, int],
                    instrument: Instrument) -> list[Signal]:
    """Customers who resist (blocker, detractor) while the vendor counts them as supporters.

    ``contacts`` maps each customer response to the participant the power map rates."""
    believed = believed_stances(ratings)
    out = []
    for response, own in self_stances(answers, instrument).items():
        view = believed.get(contacts.get(response, -1))
        if own in RESISTING_VIEWS and view and view["view"] in SUPPORTER_VIEWS:
            out.append(Signal(FALSE_CHAMPION, response, "", {
                "self_view": own, "vendor_view": view["view"], "raters": view["raters"],
                "vendor_support": round(view["support"], 2)}))
    return out


def below_prediction(answers: pd.DataFrame, instrument: Instrument,
                     points: float) -> list[Signal]:
    """Customer dimension scores ``points`` or more below the vendor staff's mean score."""
    frame = answers.rename(columns={"response": "respondent"}).assign(account="account")
    scores = dimension_scores(scored_items(frame, instrument), instrument)
    if scores.empty:
        return []
    sides, units = scores["side"].to_numpy(), scores["unit"].to_numpy()
    values, people = scores["value"].to_numpy(dtype=float), scores["respondent"].to_numpy()
    team: dict[str, list[float]] = {}
    for side, unit, value in zip(sides, units, values, strict=True):
        if side == "vendor":
            team.setdefault(unit, []).append(value)
    out = []
    for side, unit, value, person in zip(sides, units, values, people, strict=True):
        if side != "customer" or unit not in team:
            continue
        prediction = sum(team[unit]) / len(team[unit])
        if np.round(prediction - value, 9) >= points:
            out.append(Signal(BELOW_PREDICTION, int(person), str(unit), {
                "score": round(float(value), 2), "prediction": round(prediction, 2),
                "vendor_raters": len(team[unit])}))
    return out


def evaluate(answers: pd.DataFrame, ratings: pd.DataFrame, contacts: dict[int, int],
             instrument: Instrument, settings: RuleSettings) -> list[Signal]:
    """Every enabled rule over one account's submitted responses, in a stable order.

    ``answers``: response, side, item, value (NaN for "don't know"); ``ratings``: the vendor
    responses' power map as response, contact, support, influence; ``contacts``: customer
    response → participant id."""
    answers = answers.reindex(columns=ANSWER_COLUMNS).astype({"value": float})
    ratings = ratings.reindex(columns=RATING_COLUMNS).astype(
        {"support": float, "influence": float})
    found: list[Signal] = []
    if settings.detractor:
        found += detractors(answers, instrument, settings.detractor_max)
    if settings.false_champion:
        found += false_champions(answers, ratings, contacts, instrument)
    if settings.below_prediction:
        found += below_prediction(answers, instrument, settings.below_points)
    return sorted(found, key=lambda s: (s.response, RULES.index(s.rule), s.subject))
