"""Seeded random portfolios with everything that makes analysis code branch: accounts of every
size from nobody to twenty-odd people a side, don't-knows, unanimous groups, open text, roles,
power maps and a previous wave; for checking fast paths against straightforward ones."""

from __future__ import annotations

import numpy as np
import pandas as pd

from vocgap.analysis import AnalysisInput

ROLES = ["executive", "middle_management", "operational_user", "purchasing", None]
QUARTET = ["business_user", "business_buyer", "tech_user", "tech_buyer", None]
FUNCTIONS = ["account_manager", "sales", "customer_success", "product", None]


def _value(rng, item, level: float, unanimous: bool) -> float:
    if rng.random() < 0.06:
        return np.nan  # don't know
    if item.type == "stage":
        return float(rng.integers(0, 4)) if not unanimous else 2.0
    if item.role in ("stance_support", "stance_influence"):
        return float(rng.integers(1, 6))
    low, high = item.scale.min, item.scale.max
    if unanimous:
        return float(high - 1)
    return float(np.clip(round(low + (high - low) * (level + rng.normal(0, 0.2))), low, high))


def random_portfolio(instrument, seed: int, accounts: int = 40) -> AnalysisInput:
    """A wave of ``accounts`` accounts whose sizes, answers and gaps vary with ``seed``."""
    rng = np.random.default_rng(seed)
    numeric = [i for i in instrument.items if i.is_numeric]
    texts = [i for i in instrument.items if i.type == "open_text"]
    rows, people, ratings = [], [], []
    for a in range(accounts):
        account = f"Account {a:03d} <&\u00e9>" if a % 7 == 3 else f"Account {a:03d}"
        sizes = {"customer": int(rng.choice([0, 1, 2, 3, 4, 6, 9, 14, 22])),
                 "vendor": int(rng.choice([0, 1, 2, 3, 5, 8]))}
        unanimous = rng.random() < 0.08
        customers = []
        for side, n in sizes.items():
            level = rng.uniform(0.3, 0.8) + (0.15 if side == "vendor" else 0.0)
            for r in range(n):
                person = f"{a}-{side[0]}{r}" if rng.random() < 0.9 else f"{side[0]}{r}"
                if side == "customer":
                    customers.append(person)
                skip = rng.random() < 0.05  # someone who answered only open text
                for item in numeric:
                    if side not in item.sides or skip or rng.random() < 0.04:
                        continue
                    rows.append((account, side, person, item.id,
                                 _value(rng, item, level, unanimous), None))
                for item in texts:
                    if rng.random() < 0.4:
                        rows.append((account, side, person, item.id, np.nan,
                                     f"{side} {r} says <b>{a}</b>"))
                people.append((person, account, side,
                               ROLES[r % 5] if side == "customer" else None,
                               QUARTET[(r + a) % 5] if side == "customer" else None,
                               FUNCTIONS[(r + a) % 5] if side == "vendor" else None,
                               f"Person {person}", f"role {r}", bool(r % 2)))
        for person in [p for p in people if p[1] == account and p[2] == "vendor"]:
            for contact in customers:
                if rng.random() < 0.6:
                    known = rng.random() < 0.9
                    ratings.append((account, person[0], contact,
                                    float(rng.integers(1, 6)) if known else np.nan,
                                    float(rng.integers(1, 6)) if known else np.nan))
    answers = pd.DataFrame(rows, columns=["account", "side", "respondent", "item", "value",
                                          "text"])
    respondents = pd.DataFrame(people, columns=["respondent", "account", "side", "role",
                                                "quartet", "function", "name", "role_label",
                                                "consent"]).drop_duplicates(
        ["respondent", "account", "side"])
    power_map = pd.DataFrame(ratings, columns=["account", "rater", "contact", "support",
                                               "influence"])
    names = sorted({r[0] for r in rows} | {f"Account {accounts:03d} (no answers)"})
    facts = pd.DataFrame({"account": names, "segment": ["A", "B"] * (len(names) // 2)
                          + ["A"] * (len(names) % 2), "key_account": [i % 3 == 0 for i in
                                                                     range(len(names))],
                          "crm_stage": [i % 4 for i in range(len(names))]})
    return AnalysisInput(answers, respondents.reset_index(drop=True), power_map, facts)
