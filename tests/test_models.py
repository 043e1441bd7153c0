"""Model constraints: one response per participant, account and wave; tokens only as hashes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from vocgap.collection.tokens import (
    TOKEN_PATTERN,
    current_token,
    hash_token,
    issue_token,
    survey_link,
)
from vocgap.extensions import db
from vocgap.models import Answer, Participant, Response

from .factories import gen_account, gen_customer, gen_study, gen_vendor


def test_one_response_per_participant_account_and_wave(app, instrument):
    """Can a participant end up with two responses for the same account in one wave?"""
    study = gen_study(instrument)
    account = gen_account(study)
    person, _ = gen_customer(study, account)
    wave = study.current_wave
    db.session.add(Response(wave=wave, participant=person, account=account, status="submitted"))
    db.session.commit()
    db.session.add(Response(wave=wave, participant=person, account=account, status="draft"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Response.id))) == 1


def test_vendor_may_answer_once_per_served_account(app, instrument):
    study = gen_study(instrument)
    a, b = gen_account(study, "A"), gen_account(study, "B")
    vendor, _ = gen_vendor(study, [a, b])
    wave = study.current_wave
    db.session.add_all([Response(wave=wave, participant=vendor, account=a),
                        Response(wave=wave, participant=vendor, account=b)])
    db.session.commit()
    assert [x.name for x in vendor.accounts] == ["A", "B"]


def test_answer_once_per_item(app, instrument):
    study = gen_study(instrument)
    account = gen_account(study)
    person, _ = gen_customer(study, account)
    response = Response(wave=study.current_wave, participant=person, account=account)
    response.answers = [Answer(item_id="trust_promises", value_num=4),
                        Answer(item_id="trust_promises", value_num=5)]
    db.session.add(response)
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_tokens_are_long_unique_and_never_stored_in_clear(app, instrument):
    """Is any private token readable from the database?"""
    study = gen_study(instrument)
    account = gen_account(study)
    tokens = [gen_customer(study, account, name=f"P{i} X")[1] for i in range(20)]
    assert len(set(tokens)) == 20
    for token in tokens:
        assert TOKEN_PATTERN.match(token)  # 43 base64url characters = 256 bits
    dump = []
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for row in conn.execute(sa.select(table)):
                dump.extend(str(v) for v in row)
    text = "\n".join(dump)
    for token in tokens:
        assert token not in text
        assert hash_token(token) in text


def test_token_hash_is_unique(app, instrument):
    study = gen_study(instrument)
    account = gen_account(study)
    first, _ = gen_customer(study, account, name="A A")
    second, _ = gen_customer(study, account, name="B B")
    second.token_hash = first.token_hash
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_reissue_invalidates_the_old_link(app, instrument):
    study = gen_study(instrument)
    person, old = gen_customer(study, gen_account(study))
    secret = app.config["SECRET_KEY"]
    assert current_token(person, secret) == old
    new = issue_token(person, secret)
    db.session.commit()
    assert new != old
    assert current_token(person, secret) == new
    assert db.session.scalar(sa.select(Participant).where(
        Participant.token_hash == hash_token(old))) is None
    assert current_token(person, "another-secret") is None


def test_links_use_the_configured_base_url():
    assert survey_link("https://s.example/", "abc") == "https://s.example/s/abc"


def test_side_and_customer_account_are_enforced(app, instrument):
    study = gen_study(instrument)
    db.session.add(Participant(study=study, side="partner", name="X", token_nonce="n",
                               token_hash="h1"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(Participant(study=study, side="customer", name="Y", token_nonce="n",
                               token_hash="h2"))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_confidentiality_minimum_cannot_go_below_three(app, instrument):
    study = gen_study(instrument)
    study.min_group = 2
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_wave_freezes_the_instrument(app, instrument):
    study = gen_study(instrument)
    wave = study.current_wave
    assert wave.instrument_version == instrument.version
    assert wave.instrument.item("trust_promises").customer == instrument.item(
        "trust_promises").customer
