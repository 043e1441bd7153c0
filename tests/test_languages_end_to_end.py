"""Done when (issue 15): a German, a French and a Spanish customer and a Spanish vendor employee
each complete the demo survey in their language, and the analysis and the reports are identical
to the same answers given in English.

Two copies of the demo study are built, one per database. In the first, the four people take the
survey through the real pages and forms in their own language; in the second, the same people give
the same answers in English. Everything downstream is then compared: the analysis JSON, the report
contexts and the text of the PDFs. The only difference allowed is the language tag of the open-text
answers those four wrote.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from markupsafe import Markup, escape

from vocgap import create_app
from vocgap.demo import build_demo
from vocgap.extensions import db
from vocgap.instruments import render_wording
from vocgap.instruments.translations import localize
from vocgap.models import Participant, Response, Study
from vocgap.reporting.render import account_context, account_pdf, portfolio_context, portfolio_pdf
from vocgap.reporting.study_reports import study_report_data

from . import environment
from .conftest import ROOT, TEST_SECRET, FreshContextClient, reset_schema
from .page_forms import Form, Page, read_page

QUESTION_PAGE = r"/survey/a/\d+/p/\d+$"


@dataclass(frozen=True)
class Person:
    """A demo participant who has not answered the current wave yet, and how they answer."""

    name: str
    language: str
    accounts: tuple[str, ...]
    one_thing: str
    best_thing: str
    by_browser: bool = False  # language from Accept-Language rather than the participant record


PEOPLE = (
    Person("Farid Dubois", "de", ("Altamira Foods",),
           "Bitte kündigen Sie früher an, wenn sich ein Liefertermin verschiebt.",
           "Der Support reagiert schnell und kompetent."),
    Person("Rosa Andersen", "fr", ("Castellan Insurance",),
           "Montrez-nous les économies dans nos propres chiffres, pas dans une étude générique.",
           "Une équipe support réactive et aimable."),
    Person("Pavel Garcia", "es", ("Greywell Pharma",),
           "Menos reuniones de seguimiento y más personas que puedan decidir.",
           "La formación para nuestros equipos técnicos."),
    Person("Yuki Tanaka", "es", ("Altamira Foods", "Castellan Insurance", "Greywell Pharma"),
           "Nos pedirían ideas más proactivas.", "La rapidez del soporte técnico.",
           by_browser=True),
)
TAG = re.compile(r"\[(?:de|fr|es|en)\]")
WORD = re.compile(r"[^\W\d_]{2,}")


def proper_names(text: str) -> bool:
    """Only capitalised words: a person's or a company's name, the same in every language."""
    return all(word[0].isupper() for word in WORD.findall(text))


def choose(person: int, name: str, values: list[str]) -> str:
    """The same answer for the same person and question in every language: chosen by code."""
    seed = sum(map(ord, name)) + 7 * person
    if "dk" in values and seed % 13 == 0:
        return "dk"
    real = sorted(v for v in values if v != "dk")  # the codes, whatever order a page shows
    return real[seed % len(real)]


def fill(form: Form, index: int, person: Person) -> dict[str, str]:
    answers = {name: choose(index, name, values) for name, values in form.radios.items()}
    answers.update({name: values[0] for name, values in form.checkboxes.items()})
    for name in form.texts:
        answers[name] = {"one_thing": person.one_thing, "best_thing": person.best_thing}.get(
            name, f"{person.name} on {name}")
    return answers


class Walk:
    """One respondent's browser: a test client that follows the pages' own links and forms."""

    def __init__(self, app, person: Person, language: str):
        self.client = app.test_client()
        self.person, self.language = person, language
        accept = f"{language},en;q=0.3" if person.by_browser else "en"
        self.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = accept
        self.seen: list[Page] = []

    def get(self, url: str) -> Page:
        response = self.client.get(url, follow_redirects=True)
        assert response.status_code == 200, (url, response.status_code)
        return self.read(response)

    def post(self, form: Form, data: dict, button: tuple[str, str, str]) -> Page:
        name, value, _ = form.button(*button[:2])
        response = self.client.post(form.action, data={**form.hidden, **data, name: value},
                                    follow_redirects=True)
        assert response.status_code == 200 and response.history, (
            form.action, response.status_code, response.get_data(as_text=True)[:2000])
        return self.read(response)

    def read(self, response) -> Page:
        page = read_page(response.get_data(as_text=True))
        page.url = response.request.path
        self.seen.append(page)
        return page


def take_survey(app, person: Person, index: int, language: str, instrument) -> list[Page]:
    """Open the private link and answer every page for each account, then submit."""
    from vocgap.collection.tokens import current_token

    people = {p.name: p for p in db.session.scalars(sa.select(Participant))}
    participant = people[person.name]
    if not person.by_browser:
        participant.language = language if language != "en" else None
        db.session.commit()
    token = current_token(participant, app.config["SECRET_KEY"])
    walk = Walk(app, person, language)
    wording = localize(instrument, language) if language != "en" else instrument
    page = walk.get(f"/s/{token}")
    accounts = {a.name: a for a in participant.accounts}
    for name in person.accounts:
        account = accounts[name]
        page = walk.get(page.link(rf"/survey/a/{account.id}/"))
        while page.url.endswith(tuple(f"/p/{n}" for n in range(1, 100))):
            form = page.form(QUESTION_PAGE)
            shows_its_questions(page, form, wording, participant, account)
            page = walk.post(form, fill(form, index, person), ("action", "next"))
        assert page.url.endswith(f"/survey/a/{account.id}/review"), page.url
        review = page.form(r"/review$")
        page = walk.post(review, {}, review.buttons[-1])
        assert page.url.endswith("/thanks"), page.url
        if participant.side == "vendor":
            page = walk.get("/survey/")
    return walk.seen


def shows_its_questions(page: Page, form: Form, wording, participant, account) -> None:
    """Every question on the page is worded in the respondent's language (placeholders filled)."""
    names = {"vendor": participant.study.vendor.name, "account": account.name}
    for name in [*form.radios, *form.texts]:
        try:
            item = wording.item(name)
        except KeyError:
            continue  # a power-map rating of one contact
        text = render_wording(item.wording(participant.side), **names)
        shown = str(escape(text)) in page.html or text in page.html
        assert shown, f"{page.url} (lang={page.lang}) does not word {name} as {text!r}"


def build_and_answer(app, language_of) -> dict:
    """The demo study with the four people's answers; what the analysis and reports make of it."""
    with app.app_context():
        reset_schema()
        study, _ = build_demo(app.config["SURVEYS_DIR"])
        instrument = study.current_wave.instrument
        pages = {p.name: take_survey(app, p, i, language_of(p), instrument)
                 for i, p in enumerate(PEOPLE)}
        db.session.expire_all()
        study = db.session.scalar(sa.select(Study))
        wave = study.current_wave
        stored = {(r.participant.name, r.account.name): (r.status, r.language)
                  for r in db.session.scalars(sa.select(Response).where(
                      Response.wave_id == wave.id))
                  if r.participant.name in {p.name for p in PEOPLE}}
        data, meta = study_report_data(study)
        accounts = {a["account"]: a for a in data["accounts"]}
        touched = sorted({name for p in PEOPLE for name in p.accounts})
        contexts = {name: plain(account_context(meta, accounts[name], "svg"))
                    for name in touched}
        contexts["portfolio"] = plain(portfolio_context(meta, data, "svg"))
        pdfs = {"Castellan Insurance": pdf_text(account_pdf(meta, accounts["Castellan Insurance"])),
                "portfolio": pdf_text(portfolio_pdf(meta, data))}
        result = {"pages": pages, "stored": stored, "analysis": data, "contexts": contexts,
                  "pdfs": pdfs}
        db.session.remove()
        db.engine.dispose()
    return result


def plain(value):
    """A report context as comparable data: charts by their words and numbers, not their bytes."""
    if isinstance(value, dict):
        if "svg" in value and "alt" in value:
            return {"alt": value["alt"], "points": plain(value.get("points"))}
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return plain(dataclasses.asdict(value))
    if isinstance(value, Markup):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def differences(a, b, path: str = "") -> list[tuple[str, object, object]]:
    """Every place two JSON-like values differ, by path."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b), key=str):
            out += differences(a.get(key, "<absent>"), b.get(key, "<absent>"), f"{path}.{key}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True))
                for d in differences(x, y, f"{path}[{i}]")]
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return []  # NaN on both sides
    if callable(a) and callable(b):  # a formatter the templates call, such as revenue.money
        return [] if a.__qualname__ == b.__qualname__ else [(path, a, b)]
    return [] if a == b else [(path, a, b)]


def untagged(text: str) -> str:
    return " ".join(TAG.sub(" ", text).split())


def words(text: str) -> list[str]:
    """The words of a PDF without language tags, in any order: a tag lengthens a quoted line, and
    where a page then breaks moves the page furniture about, not what the report says."""
    return sorted(untagged(text).split())


@pytest.fixture(scope="module")
def worlds(tmp_path_factory):
    """The demo answered in the four people's languages, and the same answers in English."""
    out = {}
    for world, language_of in (("translated", lambda p: p.language), ("english", lambda p: "en")):
        folder = tmp_path_factory.mktemp(world)
        # One world after the other in the same kind of database (on PostgreSQL the same one,
        # emptied in between): the order of rows without an ORDER BY is the database's own.
        url = environment.database_url(f"sqlite:///{folder / 'demo.sqlite3'}")
        app = create_app({
            "TESTING": True, "SECRET_KEY": TEST_SECRET, "SQLALCHEMY_DATABASE_URI": url,
            "PUBLIC_BASE_URL": "https://surveys.example.test",
            "MAIL_OUTBOX_DIR": str(folder / "outbox"), "REPORTS_DIR": str(folder / "reports"),
            "SURVEYS_DIR": str(ROOT / "surveys"), "RATELIMIT_ENABLED": True})
        app.test_client_class = FreshContextClient
        out[world] = build_and_answer(app, language_of)
    return out


def test_each_person_answered_every_page_in_their_language(worlds):
    """Did the German, French and Spanish respondents get every page in their own language?"""
    for person in PEOPLE:
        pages = worlds["translated"]["pages"][person.name]
        assert len(pages) > 13
        wrong = [(page.url, page.lang) for page in pages if page.lang != person.language]
        assert not wrong, f"{person.name} ({person.language}) saw other languages: {wrong}"
        english = [page.url for page in worlds["english"]["pages"][person.name]
                   if page.lang != "en"]
        assert not english, english


def test_answers_are_stored_submitted_with_the_language_they_were_given_in(worlds):
    """Is each response submitted, and tagged with the language it was answered in?"""
    expected = {(p.name, a): ("submitted", p.language) for p in PEOPLE for a in p.accounts}
    assert worlds["translated"]["stored"] == expected
    assert worlds["english"]["stored"] == {k: ("submitted", "en") for k in expected}


def test_analysis_is_identical_except_the_verbatims_language_tag(worlds):
    """Is the analysis JSON the same as in English, but for the language of the four's verbatims?"""
    translated, english = worlds["translated"]["analysis"], worlds["english"]["analysis"]
    found = differences(translated, english)
    written = {p.one_thing: p.language for p in PEOPLE} | {p.best_thing: p.language
                                                           for p in PEOPLE}
    tagged = {}
    for path, ours, theirs in found:
        match = re.fullmatch(r"\.accounts\[(\d+)\]\.verbatims\[(\d+)\]\.language", path)
        assert match, f"the analysis differs at {path}: {ours!r} in another language, " \
                      f"{theirs!r} in English"
        verbatim = translated["accounts"][int(match[1])]["verbatims"][int(match[2])]
        assert theirs == "en" and written.get(verbatim["text"]) == ours, (path, verbatim)
        tagged[verbatim["text"]] = ours
    # Every verbatim the four wrote and that the analysis shows carries its language.
    shown = {v["text"] for a in translated["accounts"] for v in a.get("verbatims", [])}
    assert shown & set(written), "none of the four people's comments reached the analysis"
    assert tagged == {text: written[text] for text in shown & set(written)}


def test_report_contexts_are_identical_except_the_verbatims_language_tag(worlds):
    """Do the account and portfolio report contexts say the same in both worlds?"""
    for name, ours in worlds["translated"]["contexts"].items():
        theirs = worlds["english"]["contexts"][name]
        found = [(path, a, b) for path, a, b in differences(ours, theirs)
                 if not re.search(r"verbatims\[\d+\]\.language$", path)]
        assert not found, f"{name}: {found[:5]}"


def test_pdf_text_is_identical_except_the_language_tags(worlds):
    """Does the text of the PDFs read the same, apart from the verbatims' language tags?"""
    for name, ours in worlds["translated"]["pdfs"].items():
        theirs = worlds["english"]["pdfs"][name]
        assert words(ours) == words(theirs), name
    castellan = " ".join(worlds["translated"]["pdfs"]["Castellan Insurance"].split())
    rosa = next(p for p in PEOPLE if p.name == "Rosa Andersen")
    shown = [text[:30] for text in (rosa.one_thing, rosa.best_thing) if text[:30] in castellan]
    assert shown, "none of the French customer's comments is in the Castellan report"
    untagged_french = [text for text in shown if f"[fr] {text}" not in castellan]
    assert not untagged_french, f"shown without their [fr] tag: {untagged_french}"


def test_the_walk_went_through_every_kind_of_page(worlds):
    """Did the walk really pass the welcome, every question page, the review and the thanks?"""
    urls = [page.url for page in worlds["translated"]["pages"]["Rosa Andersen"]]
    assert urls[0].rstrip("/").endswith("/survey")
    assert sum(bool(re.search(QUESTION_PAGE, u)) for u in urls) >= 13
    assert urls[-1].endswith("/thanks")


def test_no_interface_text_is_left_in_english(worlds):
    """Does every translated page differ from its English twin in every sentence a person reads,
    names and the comments they typed aside (text never put through the catalogue shows here)?"""
    names = {p.name for p in PEOPLE} | {a for p in PEOPLE for a in p.accounts} | {
        "Northwind Analytics"} | {t for p in PEOPLE for t in (p.one_thing, p.best_thing)}
    left = []
    for person in PEOPLE:
        ours = worlds["translated"]["pages"][person.name]
        theirs = worlds["english"]["pages"][person.name]
        assert [p.url for p in ours] == [p.url for p in theirs]
        for translated, english in zip(ours, theirs, strict=True):
            sentences = {t for t in english.texts if len(WORD.findall(t)) >= 2
                         and not any(name in t for name in names) and not proper_names(t)}
            left += [(person.language, translated.url, t) for t in translated.texts
                     if t in sentences]
    assert not left, "\n".join(f"[{lang}] {url}: {text!r}" for lang, url, text in left)
