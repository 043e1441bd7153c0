"""A wave keeps the instrument text it opened with, even when the file is edited afterwards."""

from __future__ import annotations

import shutil

import pytest
import sqlalchemy as sa

from vocgap.extensions import db
from vocgap.instruments import load_instrument
from vocgap.models import Wave

from .conftest import ROOT
from .factories import gen_account, gen_customer, gen_study, gen_user
from .helpers import csrf_from, open_survey

FROZEN = "keeps the promises it makes to us."
EDITED = "has rewritten this question since the wave opened."


@pytest.fixture
def surveys(app, tmp_path):
    """A surveys folder of our own, so that the test can edit an instrument file."""
    folder = tmp_path / "surveys"
    shutil.copytree(ROOT / "surveys", folder)
    app.config["SURVEYS_DIR"] = str(folder)
    return folder


def edit_instrument(path) -> None:
    text = path.read_text(encoding="utf-8")
    assert FROZEN in text
    path.write_text(text.replace(FROZEN, EDITED), encoding="utf-8")
    assert load_instrument(path).item("trust_promises").customer.endswith(EDITED)


def test_editing_the_file_after_the_wave_opened_changes_nothing_in_it(app, auth, surveys):
    """Do the wave, its survey pages and a later wave each show the right wording?"""
    path = surveys / "b2b-relationship.yaml"
    study = gen_study(load_instrument(path))
    account = gen_account(study, "Globex")
    _, token = gen_customer(study, account)
    edit_instrument(path)

    db.session.expire_all()
    wave = db.session.scalar(sa.select(Wave).where(Wave.study_id == study.id))
    assert wave.instrument.item("trust_promises").customer.endswith(FROZEN)
    respondent = app.test_client()
    open_survey(respondent, token)
    page = respondent.get(f"/survey/a/{account.id}/p/2").get_data(as_text=True)
    assert FROZEN in page and EDITED not in page

    gen_user(study=study)  # the consultant opens wave 2: it freezes the edited file
    consultant = auth()
    url = f"/consultant/studies/{study.id}/waves/new"
    form = consultant.get(url).get_data(as_text=True)
    opened = consultant.post(url, data={"csrf_token": csrf_from(form),
                                        "instrument": "b2b-relationship",
                                        "opens": "2026-01-01", "closes": "2099-12-31"})
    assert opened.status_code == 302
    db.session.expire_all()
    first, second = db.session.scalars(sa.select(Wave).where(Wave.study_id == study.id)
                                       .order_by(Wave.number)).all()
    assert first.instrument.item("trust_promises").customer.endswith(FROZEN)
    assert second.instrument.item("trust_promises").customer.endswith(EDITED)
    assert first.instrument_source != second.instrument_source
    later = app.test_client()
    open_survey(later, token)
    page = later.get(f"/survey/a/{account.id}/p/2").get_data(as_text=True)
    assert EDITED in page and FROZEN not in page


def test_deleting_the_file_leaves_the_wave_working(app, surveys):
    path = surveys / "b2b-relationship.yaml"
    study = gen_study(load_instrument(path))
    account = gen_account(study, "Globex")
    _, token = gen_customer(study, account)
    path.unlink()
    client = app.test_client()
    open_survey(client, token)
    page = client.get(f"/survey/a/{account.id}/p/2")
    assert page.status_code == 200 and FROZEN in page.get_data(as_text=True)
