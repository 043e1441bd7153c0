"""The import pages: the size limit is stated and enforced kindly, workbooks are accepted, and
"check only" shows the plan without writing."""

from __future__ import annotations

import io

import openpyxl
import pytest
import sqlalchemy as sa

from vocgap.extensions import db
from vocgap.models import Answer, Response

from .factories import gen_account, gen_customer, gen_study, gen_user
from .helpers import csrf_from


@pytest.fixture
def signed_in(app, auth, instrument):
    study = gen_study(instrument)
    globex = gen_account(study, "Globex")
    gen_customer(study, globex, "Ann Exec")
    gen_user(study=study)
    client = auth()
    return client, f"/consultant/studies/{study.id}/import/responses"


def _post(client, url, data: bytes, name: str, **fields):
    form = {"csrf_token": csrf_from(client.get(url).get_data(as_text=True)), "layout": "auto",
            "file": (io.BytesIO(data), name), **fields}
    return client.post(url, data=form, content_type="multipart/form-data")


def test_page_states_the_upload_limit(signed_in):
    client, url = signed_in
    html = client.get(url).get_data(as_text=True)
    assert "up to 16 MB through this page" in html
    assert "vocgap import responses FILE --study" in html


def test_upload_over_the_limit_says_so_and_reads_nothing(app, signed_in):
    client, url = signed_in
    app.config["MAX_CONTENT_LENGTH"] = 2048
    big = b"account,side,respondent,recommend\n" + b"Globex,customer,ann@customer.test,7\n" * 200
    response = _post(client, url, big, "big.csv")
    assert response.status_code == 303 and response.headers["Location"].endswith(url)
    page = client.get(url).get_data(as_text=True)
    assert "That file is larger than the 2 KB upload limit, so nothing was imported" in page
    assert db.session.scalar(sa.select(sa.func.count(Response.id))) == 0


def test_workbook_upload_and_dry_run(signed_in):
    client, url = signed_in
    book = openpyxl.Workbook()
    book.active.append(["account", "side", "respondent", "recommend", "one_thing"])
    book.active.append(["Globex", "customer", "ann@customer.test", 9,
                        "Answer calls within a day, please"])
    buffer = io.BytesIO()
    book.save(buffer)
    plan = _post(client, url, buffer.getvalue(), "answers.xlsx", dry_run="y")
    html = plan.get_data(as_text=True)
    assert plan.status_code == 200
    assert "Check only: would import 1 responses, 2 answers (dry run: nothing was written)" \
        in html
    assert "read as an Excel workbook, sheet &#39;Sheet&#39;" in html
    assert db.session.scalar(sa.select(sa.func.count(Answer.id))) == 0
    done = _post(client, url, buffer.getvalue(), "answers.xlsx")
    assert done.status_code == 302
    assert sorted(db.session.execute(sa.select(Answer.item_id, Answer.value_num,
                                               Answer.value_text)).all()) == [
        ("one_thing", None, "Answer calls within a day, please"), ("recommend", 9.0, None)]
