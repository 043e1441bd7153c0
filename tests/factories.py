"""Test factories: small, explicit builders for studies, accounts and participants."""

from __future__ import annotations

from datetime import timedelta

from vocgap.extensions import db
from vocgap.instruments import Instrument
from vocgap.models import Account, Participant, Study, User, utcnow
from vocgap.studies import add_participant, create_study


def gen_study(instrument: Instrument, short_name: str = "acme", *, open_now: bool = True,
              min_group: int = 3) -> Study:
    now = utcnow()
    start = now - timedelta(days=1) if open_now else now - timedelta(days=30)
    end = now + timedelta(days=10) if open_now else now - timedelta(days=2)
    study = create_study(vendor_name=f"Vendor {short_name}", name=f"Study {short_name}",
                         short_name=short_name, instrument=instrument, opens_at=start,
                         closes_at=end, min_group=min_group)
    db.session.commit()
    return study


def gen_account(study: Study, name: str = "Globex", **fields) -> Account:
    account = Account(study=study, name=name, **fields)
    db.session.add(account)
    db.session.commit()
    return account


def gen_customer(study: Study, account: Account, name: str = "Casey Customer",
                 role: str = "executive", quartet: str = "business_buyer"
                 ) -> tuple[Participant, str]:
    person, token = add_participant(study, side="customer", name=name, account=account,
                                    email=f"{name.split()[0].lower()}@customer.test", role=role,
                                    quartet=quartet)
    db.session.commit()
    return person, token


def gen_vendor(study: Study, accounts: list[Account], name: str = "Vic Vendor",
               function: str = "account_manager") -> tuple[Participant, str]:
    person, token = add_participant(study, side="vendor", name=name, served=accounts,
                                    email=f"{name.split()[0].lower()}@vendor.test",
                                    function=function)
    db.session.commit()
    return person, token


def gen_user(email: str = "consultant@test.example", password: str = "correct horse battery",
             study: Study | None = None) -> User:
    from vocgap.models import StudyMember

    user = User(email=email, name=email.split("@")[0])
    user.set_password(password)
    db.session.add(user)
    if study is not None:
        db.session.add(StudyMember(study=study, user=user))
    db.session.commit()
    return user


def rated_accounts(instrument: Instrument, groups: dict[str, tuple[int, int]], seed: int = 1, *,
                   open_text: bool = True, power_map: bool = True,
                   functions: tuple[str, ...] = ("account_manager",)):
    """An ``AnalysisInput`` with every dimension answered: ``groups`` maps account → (customers,
    vendor staff). Customers write open text and describe their own stance; vendor staff rate
    every customer contact of their account (the power map). Values spread over the scale so
    that the exact test can reach p ≤ 0.05 with four or more a side.
    """
    import numpy as np
    import pandas as pd

    from vocgap.analysis import AnalysisInput

    rng = np.random.default_rng(seed)
    rated = [i for i in instrument.items if i.scale and {"customer", "vendor"} <= set(i.sides)
             and i.type in ("agreement", "likelihood")]  # dimensions, headline, recommend
    texts = [i.id for i in instrument.items if i.type == "open_text"]
    stance = [instrument.item_by_role("stance_support"), instrument.item_by_role(
        "stance_influence")]
    answers, people, ratings = [], [], []
    for account, (n_customer, n_vendor) in groups.items():
        shift = rng.normal(0, 0.8, size=len(rated))  # dimensions differ from account to account
        for side, n in (("customer", n_customer), ("vendor", n_vendor)):
            for r in range(n):
                respondent = f"{account}-{side[0]}{r + 1}"
                level = 2.6 if side == "customer" else 3.9
                for item, bump in zip(rated, shift, strict=True):
                    low, high = item.scale.min, item.scale.max
                    centre = low + (high - low) * (level - 1) / 4  # level is on a 1–5 scale
                    value = float(np.clip(round(rng.normal(centre + bump * (side == "customer"),
                                                           (high - low) / 4)), low, high))
                    answers.append((account, side, respondent, item.id, value, None))
                stage = instrument.item_by_role("stage")
                if stage is not None:
                    answers.append((account, side, respondent, stage.id,
                                    float(rng.integers(0, 4)), None))
                if open_text:
                    for item_id in texts:
                        answers.append((account, side, respondent, item_id, np.nan,
                                        f"{side} {r + 1} of {account} on {item_id}"))
                if power_map and side == "customer":
                    for item in stance:
                        answers.append((account, side, respondent, item.id,
                                        float(rng.integers(1, 6)), None))
                function = functions[r % len(functions)] if side == "vendor" else None
                people.append({"respondent": respondent, "account": account, "side": side,
                               "role": "executive" if side == "customer" else None,
                               "quartet": "business_buyer" if side == "customer" else None,
                               "function": function, "name": respondent,
                               "role_label": f"{account} role {r + 1}", "consent": True})
        if power_map:
            for v in range(n_vendor):
                for c in range(n_customer):
                    ratings.append((account, f"{account}-v{v + 1}", f"{account}-c{c + 1}",
                                    float(rng.integers(1, 6)), float(rng.integers(1, 6))))
    return AnalysisInput(
        pd.DataFrame(answers, columns=["account", "side", "respondent", "item", "value", "text"]),
        pd.DataFrame(people),
        pd.DataFrame(ratings, columns=["account", "rater", "contact", "support", "influence"]))
