"""One place for each fact: stage names, the agree threshold, stored values, submitted responses,
the queue setting and the database check each have one definition that every user shares."""

from __future__ import annotations

import re

import pytest
from flask_migrate import upgrade

from vocgap import create_app
from vocgap.analysis.scoring import Unit
from vocgap.collection.export import tidy_responses
from vocgap.collection.values import (
    StoredValue,
    choice_labels,
    coerce_value,
    form_value,
    value_label,
)
from vocgap.database import database_ok, migrations_current
from vocgap.findings import analyse_wave, load_wave
from vocgap.instruments import STAGES, agree_min
from vocgap.reporting.queue import report_queue

from .factories import gen_study, gen_user
from .test_analysis_web import DEMO_EMAIL, DEMO_PASSWORD, demo
from .test_mail_and_export import _answered, study  # noqa: F401  (fixture)
from .test_migrations_and_demo import _empty_database

WORDING = {"vendor": "Acme", "account": "Globex"}


@pytest.mark.parametrize("low, high, expected", [(1, 5, 4), (1, 7, 5), (0, 10, 6), (1, 4, 3)])
def test_one_agree_threshold_for_scales_units_and_reports(low, high, expected):
    """Do the instrument's scales and the analysis' units count agreement from the same point?"""
    assert agree_min(low, high) == expected
    assert Unit("u", "dimension", "U", low, high).agree_min == expected


def test_shipped_stage_items_use_the_stage_names(instrument):
    """Are the stage options of the instrument the stages the reports and pages name?"""
    stage = instrument.item_by_role("stage")
    assert tuple(o.label for o in stage.options) == STAGES
    assert [o.score for o in stage.options] == list(range(len(STAGES)))


def test_every_storable_answer_decodes_to_what_was_entered(instrument):
    """Does each choice of every item survive encode → store → decode for the form and label?"""
    checked = 0
    for item in instrument.items:
        if item.type == "open_text":
            stored = coerce_value(item, "  Faster answers, please.  ")
            assert form_value(stored) == "Faster answers, please."
            assert value_label(item, None, stored.value_text, WORDING) == "Faster answers, please."
            continue
        labels = choice_labels(item, WORDING)
        for raw, label in labels.items():
            entered = [raw] if item.type == "multiple_choice" else raw
            stored = coerce_value(item, entered)
            assert form_value(stored) == entered, (item.id, raw)
            assert coerce_value(item, form_value(stored)) == stored, (item.id, raw)
            number = None if stored.value_num is None else float(stored.value_num)
            shown = value_label(item, number, stored.value_text, WORDING)
            assert shown == (label if not stored.dont_know else "Don't know / not applicable")
            checked += 1
    assert checked > 100


def test_form_value_of_nothing_stored_is_none():
    assert form_value(StoredValue()) is None


def test_analysis_and_export_read_the_same_submitted_responses(study):  # noqa: F811
    """Do the analysis and the export count exactly the submitted responses, never a draft?"""
    ann, vic = _answered(study)
    data = load_wave(study, study.current_wave)
    exported = tidy_responses(study)
    answers = exported[~exported["item"].str.startswith("power_map_")]
    assert sorted(data.answers["respondent"]) == sorted(answers["respondent_id"])
    assert set(data.answers["respondent"]) == {ann.id, vic.id}  # Bob's draft is in neither
    assert sorted(data.answers["item"]) == sorted(answers["item"])
    assert list(data.ratings[["rater", "contact", "support", "influence"]].itertuples(
        index=False, name=None)) == [(vic.id, ann.id, 5.0, 4.0)]


def test_queue_url_is_read_once_when_the_app_starts(app_config):
    """Is the queue bound at start, so a later change of config cannot half-switch the app?"""
    plain = create_app(app_config)
    assert report_queue(plain) is None
    queued = create_app({**app_config, "QUEUE_URL": "redis://127.0.0.1:1/0"})
    assert report_queue(queued).url == "redis://127.0.0.1:1/0"
    queued.config["QUEUE_URL"] = ""
    assert report_queue(queued).url == "redis://127.0.0.1:1/0"


def test_without_a_queue_the_workspace_names_none_and_finds_no_queued_batch(app, auth,
                                                                             instrument):
    """Without QUEUE_URL at start: the app has no queue, the page offers none (batches run on
    the local pool), and an unknown batch id is not looked up on a queue."""
    own = gen_study(instrument)
    gen_user(study=own)
    client = auth("consultant@test.example", "correct horse battery")
    assert report_queue(app) is None
    page = client.get(f"/consultant/studies/{own.id}/reports/").get_data(as_text=True)
    assert "on the report queue" not in page
    assert client.get(f"/consultant/studies/{own.id}/reports/batches/"
                      "0123456789ab").status_code == 404


def test_database_check_reports_reachable_and_current(app):
    """Does the one database check say the database answers, and whether it is migrated?"""
    assert database_ok() == (True, "ok")
    _empty_database()
    current, detail = migrations_current()
    assert not current and detail.startswith("database at nothing, code at ")
    upgrade()
    current, detail = migrations_current()
    assert current and detail == "at " + detail.rsplit(" ", 1)[1]


def test_database_check_names_the_error_class_when_unreachable(app_config, tmp_path):
    broken = create_app({**app_config,
                         "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/no/such/dir/x.db"})
    with broken.app_context():
        ok, detail = database_ok()
    assert not ok and detail == "OperationalError"


def test_pages_and_reports_name_stages_from_the_one_list(app, auth):
    """Do the analysis page and the account report name each side's stage from STAGES?"""
    built = demo(app)
    client = auth(DEMO_EMAIL, DEMO_PASSWORD)
    result = analyse_wave(built, workers=1).to_json()
    account = next(a for a in built.accounts if a.name == "Dunmore Steel")
    found = next(a for a in result["accounts"] if a["account"] == account.name)
    seen = {side: STAGES[s["median"]] for side, s in found["stage"]["sides"].items()}
    page = client.get(f"/consultant/studies/{built.id}/analysis/accounts/{account.id}")
    rows = re.findall(r"<tr><td>(Customers|Vendor prediction)</td><td>([^<]*)</td>",
                      page.get_data(as_text=True))
    assert dict(rows) == {"Customers": seen["customer"], "Vendor prediction": seen["vendor"]}
    report = client.get(f"/consultant/studies/{built.id}/reports/accounts/{account.id}.html")
    assert " / ".join(STAGES) in report.get_data(as_text=True)
