"""Respondents answer in their own language: the language is chosen (participant, browser,
switch), pages and e-mails are worded in it, and the switch never loses a typed answer."""

from __future__ import annotations

import email
import re
from email import policy

import pytest
import sqlalchemy as sa
from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from vocgap.collection.imports import ImportFailed, import_participants
from vocgap.collection.invitations import send_batch
from vocgap.extensions import db
from vocgap.instruments import load_instrument
from vocgap.languages import CATALOGUES_DIR
from vocgap.models import Participant, Response

from .factories import gen_account, gen_customer, gen_study, gen_vendor
from .helpers import csrf_from, open_survey, post_page
from .languages import translated_surveys

# A few interface messages in German, so that the test does not depend on the shipped catalogue.
GERMAN = {
    "Save and continue": "Speichern und weiter",
    "Language": "Sprache",
    "Dear %(name)s,": "Guten Tag %(name)s,",
    "%(vendor)s would value your view: a short survey":
        "%(vendor)s bittet um Ihre Meinung: eine kurze Umfrage",
    "This answer is %(length)s characters long; the limit is %(limit)s.":
        "Diese Antwort ist %(length)s Zeichen lang; erlaubt sind %(limit)s.",
}


@pytest.fixture
def app_config(app_config, tmp_path):
    """Translated instruments (de, ar) and a small German interface catalogue of our own."""
    surveys = translated_surveys(tmp_path / "surveys", ("en", "de", "ar"))
    catalogue = Catalog(locale="de", domain="messages")
    for source, german in GERMAN.items():
        catalogue.add(source, german, flags=("python-format",) if "%(" in source else ())
    folder = tmp_path / "catalogues" / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "messages.mo", "wb") as handle:
        write_mo(handle, catalogue)
    return {**app_config, "SURVEYS_DIR": str(surveys),
            "BABEL_TRANSLATION_DIRECTORIES": f"{CATALOGUES_DIR};{tmp_path / 'catalogues'}"}


@pytest.fixture
def field(app, app_config):
    instrument = load_instrument(f"{app_config['SURVEYS_DIR']}/b2b-relationship.yaml")
    study = gen_study(instrument)
    globex = gen_account(study, "Globex")
    return {"study": study, "globex": globex}


def customer(field, language=None, name="Greta Kunde"):
    person, token = gen_customer(field["study"], field["globex"], name)
    person.language = language
    db.session.commit()
    return person, token


def page(client, account, number=1, **headers):
    response = client.get(f"/survey/a/{account.id}/p/{number}", headers=headers)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def html_lang(html: str) -> tuple[str, str]:
    match = re.search(r'<html lang="([^"]+)" dir="([^"]+)"', html)
    assert match, html[:200]
    return match.group(1), match.group(2)


def test_a_participant_set_to_german_gets_german_pages(client, field):
    """Does a participant whose language is de see the survey in German, whatever the browser?"""
    _, token = customer(field, "de")
    open_survey(client, token)
    html = page(client, field["globex"], 2, **{"Accept-Language": "en-GB,en;q=0.9"})
    assert html_lang(html) == ("de", "ltr")
    assert "DE: We trust Vendor acme to do the right thing for us, even when" in html
    assert "Speichern und weiter" in html and "Save and continue" not in html
    assert "DE: Strongly agree" in html


def test_the_invitation_is_in_the_participants_language(app, field, tmp_path):
    """Is the e-mail (subject, body, date, HTML lang) in German for a German participant, and
    in English for one with no language set?"""
    customer(field, "de", "Greta Kunde")
    customer(field, None, "Eve English")
    send_batch(field["study"], "invitation")
    messages = {m["To"]: m for m in (
        email.message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in sorted((tmp_path / "outbox").glob("*.eml")))}
    german = messages["greta@customer.test"]
    assert german["Subject"] == "Vendor acme bittet um Ihre Meinung: eine kurze Umfrage"
    text = german.get_body(("plain",)).get_content()
    html = german.get_body(("html",)).get_content()
    closes = field["study"].current_wave.closes_at
    assert text.startswith("Guten Tag Greta Kunde,")
    assert format_date(closes, "long", locale="de") in text
    assert '<html lang="de" dir="ltr">' in html
    english = messages["eve@customer.test"]
    assert english["Subject"] == "Vendor acme would value your view: a short survey"
    assert format_date(closes, "long", locale="en") in english.get_body(("plain",)).get_content()


@pytest.mark.parametrize(("accept", "expected"), [
    ("de-CH,fr;q=0.9,en;q=0.5", "de"),      # a regional variant finds its language
    ("fr-FR,fr;q=0.9,ar;q=0.8", "ar"),      # French is not offered: the next one that is
    ("it,pt;q=0.5", "en"),                  # none offered: the instrument's source language
])
def test_without_a_set_language_the_browser_chooses_among_the_waves(client, field, accept,
                                                                     expected):
    """Does Accept-Language pick among the languages the wave offers, and only those?"""
    _, token = customer(field)
    open_survey(client, token)
    assert html_lang(page(client, field["globex"], 1, **{"Accept-Language": accept}))[0] == \
        expected


def test_arabic_pages_run_right_to_left(client, field):
    """Does an Arabic survey page say dir="rtl", and the switch name each language in itself?"""
    _, token = customer(field, "ar")
    open_survey(client, token)
    html = page(client, field["globex"], 2)
    assert html_lang(html) == ("ar", "rtl")
    assert "AR: We trust" in html
    assert 'lang="de" dir="ltr"' in html and ">Deutsch</button>" in html


def test_switching_language_keeps_typed_answers(client, field):
    """Are the answers typed on the page (not yet saved) kept when the respondent switches, and
    is the new language remembered, stored with the response and set for their e-mails?"""
    person, token = customer(field)
    open_survey(client, token)
    account = field["globex"]
    html = page(client, account, 2)
    assert html_lang(html)[0] == "en"
    assert 'name="language" value="de"' in html and 'form="survey-form"' in html
    switched = client.post(f"/survey/a/{account.id}/p/2", data={
        "csrf_token": csrf_from(html), "language": "de", "trust_right_thing": "4",
        "trust_promises": "dk"})
    assert switched.status_code == 302
    assert switched.headers["Location"].endswith(f"/survey/a/{account.id}/p/2")
    again = page(client, account, 2)
    assert html_lang(again)[0] == "de"
    assert re.search(r'name="trust_right_thing" type="radio" value="4"[^>]*checked', again) or \
        re.search(r'checked[^>]*name="trust_right_thing"[^>]*value="4"', again), again[:4000]
    response = db.session.scalar(sa.select(Response).where(Response.participant_id == person.id))
    assert response.language == "de" and response.status == "draft"
    assert db.session.get(Participant, person.id).language == "de"  # their reminders follow
    assert {a.item_id for a in response.answers} == {"trust_right_thing", "trust_promises"}
    # The last page (open text): a typed comment survives a switch too.
    last = len(field["study"].current_wave.instrument.sections)
    text_page = page(client, account, last)
    client.post(f"/survey/a/{account.id}/p/{last}", data={
        "csrf_token": csrf_from(text_page), "language": "ar",
        "one_thing": "Mehr zuhören, bitte."})
    assert "Mehr zuhören, bitte." in page(client, account, last)
    assert html_lang(page(client, account, 1))[0] == "ar"


def test_a_switch_with_an_answer_that_cannot_be_saved_shows_it_again(client, field):
    """When a typed answer is too long to save, does the switched page show it, with the error
    in the new language, instead of dropping it?"""
    _, token = customer(field)
    open_survey(client, token)
    account = field["globex"]
    last = len(field["study"].current_wave.instrument.sections)
    html = page(client, account, last)
    too_long = "x" * 20_001
    result = client.post(f"/survey/a/{account.id}/p/{last}", data={
        "csrf_token": csrf_from(html), "language": "de", "one_thing": too_long,
        "best_thing": "Der Service."})
    assert result.status_code == 422
    body = result.get_data(as_text=True)
    assert html_lang(body)[0] == "de"
    assert too_long in body and "Der Service." in body
    assert "Diese Antwort ist 20001 Zeichen lang; erlaubt sind 20000." in body


def test_the_switch_needs_a_valid_csrf_token(client, field):
    """Does a switch with a stale token change nothing and keep the typed answers on screen?"""
    _, token = customer(field)
    open_survey(client, token)
    account = field["globex"]
    result = post_page(client, f"/survey/a/{account.id}/p/2",
                       {"language": "de", "trust_right_thing": "2"}, csrf="stale")
    assert result.status_code == 400
    body = result.get_data(as_text=True)
    assert html_lang(body)[0] == "en"
    assert re.search(r'value="2"[^>]*checked|checked[^>]*value="2"', body)
    assert html_lang(page(client, account, 2))[0] == "en"


def test_the_welcome_page_switch_is_its_own_form(client, field):
    """On a page with nothing typed, does the switch post (with CSRF) and come back to it?"""
    person, token = customer(field)
    open_survey(client, token)
    welcome = client.get("/survey/").get_data(as_text=True)
    assert 'action="/survey/language"' in welcome
    refused = client.post("/survey/language", data={"language": "de", "next": "/survey/"})
    assert html_lang(client.get("/survey/").get_data(as_text=True))[0] == "en"
    assert refused.status_code == 302
    moved = client.post("/survey/language", data={
        "csrf_token": csrf_from(welcome), "language": "de", "next": "https://evil.example/"})
    assert moved.headers["Location"] == "/survey/"
    assert html_lang(client.get("/survey/").get_data(as_text=True))[0] == "de"
    assert db.session.get(Participant, person.id).language == "de"


def test_vendor_power_map_wording_is_translated(client, field):
    """Does the vendor's mirror survey, power map included, come in the vendor's language?"""
    gen_customer(field["study"], field["globex"], "Carl Contact")
    vendor, token = gen_vendor(field["study"], [field["globex"]])
    vendor.language = "de"
    db.session.commit()
    open_survey(client, token)
    sections = field["study"].current_wave.instrument.sections
    number = [s.id for s in sections].index("influence") + 1
    html = page(client, field["globex"], number)
    assert "DE: How does Carl Contact feel about Globex using more of our offering?" in html
    assert "DE: Power map: who drives change at Globex" in html


def test_participants_csv_language_column(field):
    """Is a language column read, matched to the survey's languages and refused by row and
    column when the survey does not offer it?"""
    study = field["study"]
    import_participants(study, "name,side,account,language,email\n"
                               "Dora,customer,Globex,DE,dora@x.example\n"
                               "Adil,customer,Globex,العربية,adil@x.example\n"
                               "Eve,customer,Globex,,eve@x.example\n")
    languages = {p.name: p.language for p in db.session.scalars(sa.select(Participant))}
    assert languages == {"Dora": "de", "Adil": "ar", "Eve": None}
    with pytest.raises(ImportFailed) as info:
        import_participants(study, "name,side,account,language\nFlo,customer,Globex,fr\n",
                            "people.csv")
    assert [str(e) for e in info.value.errors] == [
        "line 2, column 'language': 'fr' is not one of the survey's languages: en, de, ar"]


def test_participant_form_offers_the_surveys_languages(app, auth, field):
    """Does the participant form offer the survey's languages, store one, and refuse others?"""
    from .factories import gen_user

    gen_user(study=field["study"])
    consultant = auth()
    study, globex = field["study"], field["globex"]
    url = f"/consultant/studies/{study.id}/participants/new"
    form = consultant.get(url).get_data(as_text=True)
    assert '<option value="de">Deutsch (de)</option>' in form
    data = {"csrf_token": csrf_from(form), "side": "customer", "name": "Dieter",
            "account": str(globex.id), "language": "de"}
    assert consultant.post(url, data=data).status_code == 302
    assert db.session.scalar(sa.select(Participant.language).where(
        Participant.name == "Dieter")) == "de"
    refused = consultant.post(url, data={**data, "name": "Fabien", "language": "fr"})
    assert refused.status_code == 422


def answered(field, name, language, comment, person=None):
    """A submitted response in ``language`` with one comment (a new customer's by default)."""
    from vocgap.collection.store import get_or_create_response, save_answers, submit_response
    from vocgap.collection.values import StoredValue

    person = person or customer(field, language, name)[0]
    response = get_or_create_response(field["study"].current_wave.id, person.id,
                                      field["globex"].id)
    response.language = language or "en"
    save_answers(response, {"trust_right_thing": StoredValue(value_num=4.0),
                            "one_thing": StoredValue(value_text=comment)})
    submit_response(response)
    db.session.commit()
    return response


def test_comments_keep_their_language_in_reports_and_exports(field):
    """Is a German comment tagged [de] (and marked lang="de") in the English report, an English
    one left untagged, and is the language a column of the export?"""
    from vocgap.collection.export import tidy_responses
    from vocgap.reporting.render import _env, account_context, render_html
    from vocgap.reporting.study_reports import study_report_data

    answered(field, "Greta Kunde", "de", "Schneller liefern.")
    answered(field, "Eve English", None, "Deliver faster.")
    vendor, _ = gen_vendor(field["study"], [field["globex"]])
    answered(field, None, "es", "Entregar antes.", person=vendor)
    data, meta = study_report_data(field["study"])
    assert meta["language"] == "en"
    (account,) = data["accounts"]
    assert {(v["text"], v["language"]) for v in account["verbatims"]} == {
        ("Schneller liefern.", "de"), ("Deliver faster.", "en"), ("Entregar antes.", "es")}
    assert '<html lang="en">' in render_html("report/account.html",
                                             account_context(meta, account))
    # The report's block for comments (shown once both sides have enough answers to compare).
    html = _env("en").from_string('{% from "analysis/_blocks.html" import verbatims %}'
                                  '{{ verbatims(a, "Globex", "Vendor staff", "en") }}'
                                  ).render(a=account)
    assert re.search(r'<li dir="ltr" lang="de"><span class="verbatim-language" dir="ltr">\[de\]'
                     r'</span> Schneller liefern\.', html)
    assert re.search(r'<li dir="ltr" lang="en">Deliver faster\.', html)
    rows = tidy_responses(field["study"])
    assert dict(zip(rows["value_label"], rows["language"], strict=True))[
        "Schneller liefern."] == "de"


def test_the_data_dictionary_lists_every_languages_wording(field):
    """Does the XLSX export's dictionary give each item's wording in every language the wave
    offers, and every text (options, scale labels) on a wording sheet?"""
    import io

    from openpyxl import load_workbook

    from vocgap.collection.export import tidy_responses, to_xlsx_bytes

    answered(field, "Greta Kunde", "de", "Schneller liefern.")
    instrument = field["study"].current_wave.instrument
    book = load_workbook(io.BytesIO(to_xlsx_bytes(tidy_responses(field["study"]), instrument)))
    items = list(book["items"].iter_rows(values_only=True))
    header = items[0]
    for column in ("customer_wording", "customer_wording_de", "mirror_wording_ar"):
        assert column in header
    row = next(r for r in items if r[0] == "trust_right_thing")
    assert row[header.index("customer_wording_de")].startswith("DE: We trust {vendor}")
    wording = list(book["wording"].iter_rows(values_only=True))
    assert wording[0] == ("key", "en", "de", "ar")
    assert ("scales.agree5.labels.5", "Strongly agree", "DE: Strongly agree",
            "AR: Strongly agree") in wording


def test_reports_are_written_in_the_studys_report_language(app, auth, field):
    """Does the settings page offer only languages with a report catalogue (English now), and
    refuse another?"""
    from .factories import gen_user

    gen_user(study=field["study"])
    consultant = auth()
    url = f"/consultant/studies/{field['study'].id}/settings"
    form = consultant.get(url).get_data(as_text=True)
    assert '<option selected value="en">English (en)</option>' in form
    assert 'value="de"' not in form.split('name="report_language"')[1].split("</select>")[0]
    refused = consultant.post(url, data={"csrf_token": csrf_from(form), "report_language": "de"})
    assert refused.status_code == 422
    assert field["study"].report_language == "en"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_keeps_each_responses_language(app, field, tmp_path, fmt):
    """Does vocgap's own export carry each response's language back in on import?"""
    from vocgap.cli import main

    answered(field, "Greta Kunde", "de", "Schneller liefern.")
    answered(field, "Eve English", None, "Deliver faster.")
    out = tmp_path / f"export.{fmt}"
    runner = app.test_cli_runner()
    assert runner.invoke(main, ["export", "--study", "acme", "--format", fmt,
                                "--out", str(out)]).exit_code == 0
    db.session.execute(sa.delete(Response))
    db.session.commit()
    result = runner.invoke(main, ["import", "responses", str(out), "--study", "acme"])
    assert result.exit_code == 0, result.output
    languages = dict(db.session.execute(sa.select(Participant.name, Response.language).join(
        Response, Response.participant_id == Participant.id)).all())
    assert languages == {"Greta Kunde": "de", "Eve English": "en"}


def test_the_next_person_at_a_shared_computer_does_not_inherit_the_choice(client, field):
    """After one respondent switches to German, does the next private link opened in the same
    browser start from that person's own language, while the first keeps German?"""
    _, first = customer(field, None, "Anna Erste")
    _, second = customer(field, None, "Ben Second")
    open_survey(client, first)
    welcome = client.get("/survey/").get_data(as_text=True)
    client.post("/survey/language", data={"csrf_token": csrf_from(welcome), "language": "de",
                                          "next": "/survey/"})
    assert html_lang(client.get("/survey/").get_data(as_text=True))[0] == "de"
    open_survey(client, first)
    assert html_lang(client.get("/survey/").get_data(as_text=True))[0] == "de"
    open_survey(client, second)
    assert html_lang(client.get("/survey/").get_data(as_text=True))[0] == "en"
