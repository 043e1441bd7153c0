"""A portfolio built to attack the vendor edition: a hidden account with distinctive answers, an
account where only one customer answered most questions, groups of exactly the minimum, open text,
power maps, buying-team roles and a previous wave."""

from __future__ import annotations

import numpy as np
import pandas as pd

from vocgap.analysis import AnalysisInput, analyse
from vocgap.instruments import load_instrument

from .conftest import ROOT

TRUST = ["trust_right_thing", "trust_promises", "trust_guarded"]
ALIGN = ["align_priorities", "align_understands", "align_pushes"]
ROLES = ["executive", "middle_management", "operational_user", "purchasing"]
QUARTET = ["business_user", "business_buyer", "tech_user", "tech_buyer"]
HIDDEN = "Hidden Holdings"          # 2 customers: counts only at min_group 3
SPARSE = "Sparse Systems"           # 3 customers, but one answers most questions alone
EXACT = "Exact Engineering"         # exactly 3 customers, all answering
THIN_TEAM = "Thin Team Traders"    # 8 customers but 2 vendor staff: hidden, yet testable
SECRET = "HIDDEN-SECRET-COMMENT"


def instrument():
    return load_instrument(ROOT / "surveys" / "b2b-relationship.yaml")


def wave(seed: int, sizes: dict[str, tuple[int, int]]) -> AnalysisInput:
    """Answers, respondents and the vendor's power map for accounts of the given sizes."""
    rng = np.random.default_rng(seed)
    rows, people, ratings = [], [], []
    for a, (account, (n_customer, n_vendor)) in enumerate(sizes.items()):
        customers = [f"{account[:3]}-c{i}" for i in range(n_customer)]
        vendors = [f"{account[:3]}-v{i}" for i in range(n_vendor)]
        for i, person in enumerate(customers):
            level = 1.0 if account in (HIDDEN, THIN_TEAM) else 2.6 + 0.15 * a
            answered_all = not (account == SPARSE and i > 0)
            # Sparse: c1 answers the trust and alignment items, c2 only the alignment ones, so
            # trust rests on 2 customers (testable against 8 staff) and alignment on 3.
            answered = {0: TRUST + ALIGN, 1: TRUST + ALIGN, 2: ALIGN}.get(i, TRUST + ALIGN)
            for item in TRUST + ALIGN:
                value = float(np.clip(round(rng.normal(level, 0.8)), 1, 5))
                if account == SPARSE and item not in answered:
                    value = np.nan  # don't know
                if account == SPARSE and i == 0 and item in TRUST:
                    value = 1.0 if item != "trust_guarded" else 5.0
                rows.append((account, "customer", person, item, value, None))
            for item, value in (("superior_experience", 1.0 if account in (HIDDEN, SPARSE)
                                 else float(rng.integers(2, 6))),
                                ("recommend", 0.0 if account in (HIDDEN, SPARSE)
                                 else float(rng.integers(3, 11))),
                                ("relationship_stage", 3.0 if account == SPARSE else
                                 0.0 if account == HIDDEN else float(rng.integers(0, 3))),
                                ("stance_support", float(rng.integers(1, 6))),
                                ("stance_influence", float(rng.integers(1, 6))),
                                ("imp_trust", float(rng.integers(1, 6)))):
                rows.append((account, "customer", person, item,
                             value if answered_all else np.nan, None))
            text = SECRET if account == HIDDEN else f"{account} comment {i}"
            rows.append((account, "customer", person, "one_thing", np.nan, text))
            people.append((person, account, "customer", ROLES[i % 4] if i < 4 else "executive",
                           QUARTET[i % 4], None, f"Customer {i}", f"role {i}", True))
        for i, person in enumerate(vendors):
            for item in TRUST + ALIGN:
                rows.append((account, "vendor", person, item,
                             float(np.clip(round(rng.normal(4.3, 0.6)), 1, 5)), None))
            for item, value in (("superior_experience", 5.0), ("recommend", 9.0),
                                ("relationship_stage", 2.0)):
                rows.append((account, "vendor", person, item, value, None))
            rows.append((account, "vendor", person, "one_thing", np.nan, f"vendor says {i}"))
            people.append((person, account, "vendor", None, None,
                           ["account_manager", "sales", "product"][i % 3], f"Staff {i}", "",
                           False))
            for contact in customers:
                ratings.append((account, person, contact, 5.0, 5.0))
    answers = pd.DataFrame(rows, columns=["account", "side", "respondent", "item", "value",
                                          "text"])
    respondents = pd.DataFrame(people, columns=["respondent", "account", "side", "role",
                                                "quartet", "function", "name", "role_label",
                                                "consent"])
    ratings = pd.DataFrame(ratings, columns=["account", "rater", "contact", "support",
                                             "influence"])
    return AnalysisInput(answers, respondents, ratings,
                         pd.DataFrame({"account": list(sizes)}))


CURRENT = {**{f"Visible {a}": (5, 4) for a in "ABC"}, **{f"Visible {a}": (4, 3) for a in "DEFG"},
           EXACT: (3, 3), SPARSE: (3, 8),
           HIDDEN: (2, 3), THIN_TEAM: (8, 2)}
# In the previous wave Visible G was below the minimum: its trend may not be shown now either.
PREVIOUS = {**CURRENT, "Visible G": (2, 3), HIDDEN: (4, 3)}


def run(edition: str, min_group: int = 3, sizes: dict | None = None):
    """The attack portfolio analysed in one edition, with the previous wave for trends."""
    return analyse(wave(7, sizes or CURRENT), instrument(), min_group=min_group,
                   edition=edition, previous=wave(8, PREVIOUS), workers=1,
                   meta={"study": {"id": 1, "short_name": "attack", "name": "Attack",
                                   "vendor": "Northwind"}, "wave": {"number": 2,
                                                                    "previous": 1}})
