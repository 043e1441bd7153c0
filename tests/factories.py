"""Test factories: small, explicit builders for studies, accounts and participants."""

from __future__ import annotations

from datetime import timedelta

from vocgap.collection.studies import add_participant, create_study
from vocgap.extensions import db
from vocgap.instruments import Instrument
from vocgap.models import Account, Participant, Study, User, utcnow


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
