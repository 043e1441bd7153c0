"""Instrument translations: companion files checked to the line, the translator's spreadsheet
round trip, and waves that keep the translations they opened with."""

from __future__ import annotations

import shutil

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from vocgap.cli import main
from vocgap.extensions import db
from vocgap.instruments import load_instrument
from vocgap.instruments.translation_sheet import read_sheet, write_sheet
from vocgap.instruments.translations import source_texts
from vocgap.models import Wave

from .factories import gen_account, gen_customer, gen_study
from .helpers import open_survey
from .languages import declare, translated_surveys, write_translation


@pytest.fixture
def surveys(tmp_path):
    return translated_surveys(tmp_path / "surveys", ("en", "de", "fr"))


def check(*paths) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["instrument", "check", *map(str, paths)])
    return result.exit_code, result.output


def line_of(path, text: str) -> int:
    """The 1-based line of the first line containing ``text``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def test_complete_translations_pass_the_check(surveys):
    """Do complete companion files pass, and does the check name the languages?"""
    code, output = check(surveys / "b2b-relationship.yaml", surveys / "pulse.yaml")
    assert code == 0, output
    assert "languages: en, de, fr" in output


def test_every_text_of_the_instrument_has_a_key(surveys):
    """Are help texts, option labels, stage descriptions, scale labels, "don't know", section
    titles and intros, dimension names and both wordings all translatable?"""
    keys = source_texts(load_instrument(surveys / "b2b-relationship.yaml"))
    for key in ("title", "description", "scales.agree5.labels.3", "scales.agree5.dont_know",
                "dimensions.trust.name", "dimensions.trust.description",
                "sections.influence.title_vendor", "sections.overall.intro_vendor",
                "items.stance_support.mirror", "items.relationship_stage.options.basic",
                "items.relationship_stage.option_descriptions.basic", "items.imp_trust.customer"):
        assert key in keys, key
    assert "items.imp_trust.mirror" not in keys  # asked of customers only


def test_check_reports_missing_extra_and_placeholder_problems_by_line(surveys):
    """Does the check name the file, line, item and language of each missing or extra
    translation and of a placeholder that differs from the source?"""
    path = surveys / "b2b-relationship.yaml"
    companion = write_translation(path, "de", drop=("items.trust_promises.mirror",), replace={
        "items.superior_experience.customer": "{vendr} bietet ein überlegenes Erlebnis.",
        "items.stance_support.mirror": "Wie steht {account} zu unserem Angebot?",
        "items.no_such_item.customer": "Gibt es nicht.",
    })
    text = companion.read_text(encoding="utf-8")
    code, output = check(path)
    assert code == 1
    name = str(companion)
    missing_at = line_of(companion, "trust_promises:")
    assert (f"{name}: line {missing_at}, item 'trust_promises' [de]: missing translation of "
            "'items.trust_promises.mirror'") in output
    assert (f"{name}: line {line_of(companion, '{vendr}')}, item 'superior_experience' [de]: "
            "'items.superior_experience.customer': placeholders {vendr} do not match the "
            "source's {vendor}") in output
    assert (f"{name}: line {line_of(companion, 'Wie steht')}, item 'stance_support' [de]: "
            "'items.stance_support.mirror': placeholders {account} do not match the source's "
            "{account}, {contact}") in output
    assert (f"{name}: line {line_of(companion, 'Gibt es nicht')}, item 'no_such_item' [de]: "
            "extra translation 'items.no_such_item.customer'") in output
    assert "[fr]" not in output
    assert text == companion.read_text(encoding="utf-8")  # the check never rewrites a file


def test_check_reports_wrong_instrument_version_and_undeclared_languages(surveys):
    """Are a file for another instrument, an outdated version, a declared language without a
    file and a file for an undeclared language each reported?"""
    path = surveys / "pulse.yaml"
    fr = surveys / "translations" / "pulse.fr.yaml"
    fr.write_text(fr.read_text(encoding="utf-8").replace("instrument: pulse",
                                                         "instrument: b2b-relationship"))
    de = surveys / "translations" / "pulse.de.yaml"
    de.write_text(de.read_text(encoding="utf-8").replace("translated_from_version: '1.0'",
                                                         "translated_from_version: '0.9'"))
    shutil.copy(de, surveys / "translations" / "pulse.it.yaml")
    declare(path, ["en", "de", "fr", "es"])
    code, output = check(path)
    assert code == 1
    assert (f"{fr}: line 4, translation [fr]: instrument is 'b2b-relationship', expected "
            "'pulse'") in output
    assert (f"{de}: line 6, translation [de]: translated_from_version is '0.9' but the "
            "instrument is version '1.0'") in output
    assert "pulse.es.yaml: translation [es]: the instrument declares this language but the " \
           "file does not exist" in output
    assert "pulse.it.yaml: translation [it]: language not declared" in output
    inst = load_instrument(path)
    assert inst.languages == ("en", "de")  # only usable files are offered to respondents


def test_a_missing_text_falls_back_to_the_source_but_fails_the_check(surveys):
    """While a translation is incomplete, does the survey show the source text for the missing
    one (never an empty question), and the check still fail?"""
    path = surveys / "pulse.yaml"
    write_translation(path, "de", drop=("items.expect_met.customer",))
    german = load_instrument(path).in_language("de")
    assert german.item("expect_met").customer == load_instrument(path).item("expect_met").customer
    assert german.item("trust_right_thing").customer.startswith("DE: ")
    assert check(path)[0] == 1


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_then_import_round_trips(surveys, tmp_path, suffix):
    """Does a spreadsheet exported and imported unchanged write the same texts back, one row per
    text and one column per language?"""
    path = surveys / "b2b-relationship.yaml"
    before = load_instrument(path)
    sheet = tmp_path / f"texts.{suffix}"
    result = CliRunner().invoke(main, ["instrument", "export-translations", str(path),
                                       "--out", str(sheet)])
    assert result.exit_code == 0, result.output
    cells = read_sheet(sheet)
    assert cells[0] == ["key", "en", "de", "fr"]
    assert len(cells) == 1 + len(source_texts(before))
    shutil.rmtree(surveys / "translations")
    result = CliRunner().invoke(main, ["instrument", "import-translations", str(path),
                                       str(sheet)])
    assert result.exit_code == 0, result.output
    after = load_instrument(path)
    assert after.translations == before.translations
    assert not after.translation_problems


def test_an_edited_sheet_is_written_to_the_companion_file(surveys, tmp_path):
    """Does a translator's edit land in the companion file, keeping its leading comment?"""
    path = surveys / "pulse.yaml"
    companion = surveys / "translations" / "pulse.de.yaml"
    companion.write_text("# Reviewed by Anna, Berlin office\n" + companion.read_text())
    sheet = tmp_path / "texts.csv"
    write_sheet(load_instrument(path), sheet)
    text = sheet.read_text(encoding="utf-8").replace(
        "DE: Relationship pulse", "Beziehungs-Puls")
    sheet.write_text(text, encoding="utf-8")
    CliRunner().invoke(main, ["instrument", "import-translations", str(path), str(sheet)])
    assert load_instrument(path).in_language("de").title == "Beziehungs-Puls"
    assert companion.read_text(encoding="utf-8").startswith("# Reviewed by Anna, Berlin office\n")


def test_a_bad_sheet_writes_nothing_and_names_row_and_column(surveys, tmp_path):
    """Are unknown keys, unknown languages and placeholder mismatches reported by row and
    column, with no companion file touched?"""
    path = surveys / "pulse.yaml"
    sheet = tmp_path / "texts.csv"
    write_sheet(load_instrument(path), sheet)
    lines = sheet.read_text(encoding="utf-8").splitlines()
    row = next(n for n, line in enumerate(lines, 1)
               if line.startswith("items.superior_experience.customer,"))
    lines[row - 1] = lines[row - 1].replace("FR: {vendor}", "FR: {fournisseur}")
    lines[0] += ",xx"
    lines.append("items.nope.customer,a,b,c")
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    files = {p: p.read_bytes() for p in (surveys / "translations").iterdir()}
    result = CliRunner().invoke(main, ["instrument", "import-translations", str(path),
                                       str(sheet)])
    assert result.exit_code == 1
    assert (f"row {row}, column D: 'items.superior_experience.customer' [fr]: placeholders "
            "{fournisseur} do not match the source's {vendor}") in result.output
    assert "row 1, column E: language 'xx' is not one the instrument declares" in result.output
    assert f"row {len(lines)}, column A: unknown key 'items.nope.customer'" in result.output
    assert {p: p.read_bytes() for p in (surveys / "translations").iterdir()} == files


def test_a_wave_keeps_the_translations_it_opened_with(app, app_config, surveys):
    """After the companion file is edited, and then deleted, do the open wave's German pages
    still show the text it opened with?"""
    app.config["SURVEYS_DIR"] = str(surveys)
    path = surveys / "b2b-relationship.yaml"
    study = gen_study(load_instrument(path))
    account = gen_account(study, "Globex")
    person, token = gen_customer(study, account)
    person.language = "de"
    db.session.commit()
    companion = surveys / "translations" / "b2b-relationship.de.yaml"
    companion.write_text(companion.read_text(encoding="utf-8").replace(
        "DE: We trust {vendor}", "GEÄNDERT: We trust {vendor}"), encoding="utf-8")
    assert load_instrument(path).in_language("de").item("trust_right_thing").customer \
        .startswith("GEÄNDERT")
    companion.unlink()

    db.session.expire_all()
    wave = db.session.scalar(sa.select(Wave).where(Wave.study_id == study.id))
    assert wave.instrument.languages == ("en", "de", "fr")
    assert wave.instrument.in_language("de").item("trust_right_thing").customer.startswith("DE: ")
    client = app.test_client()
    open_survey(client, token)
    html = client.get(f"/survey/a/{account.id}/p/2").get_data(as_text=True)
    assert "DE: We trust Vendor acme" in html and "GEÄNDERT" not in html


def test_opening_a_wave_on_incomplete_translations_warns(app, auth, surveys):
    """Is the consultant told, when a wave opens, that its translations fail the check?"""
    from .factories import gen_user
    from .helpers import csrf_from

    app.config["SURVEYS_DIR"] = str(surveys)
    path = surveys / "b2b-relationship.yaml"
    study = gen_study(load_instrument(path))
    write_translation(path, "fr", drop=("items.trust_promises.customer",))
    gen_user(study=study)
    consultant = auth()
    url = f"/consultant/studies/{study.id}/waves/new"
    form = consultant.get(url).get_data(as_text=True)
    opened = consultant.post(url, data={"csrf_token": csrf_from(form),
                                        "instrument": "b2b-relationship",
                                        "opens": "2026-01-01", "closes": "2099-12-31"},
                             follow_redirects=True)
    page = opened.get_data(as_text=True)
    assert "The wave offers en, de, fr, but the instrument&#39;s translations have 1 problem(s)" \
        in page
    assert "missing translation of &#39;items.trust_promises.customer&#39;" in page
