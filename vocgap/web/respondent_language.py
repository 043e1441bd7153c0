"""The respondent's language on every survey page: chosen per request, offered by the switch,
and changed by the switch on pages with nothing typed to keep (survey pages save first, in
:mod:`vocgap.web.respondent`)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from ..extensions import db
from ..languages import choose_language, interface_languages, use_language
from ..models import Participant
from . import respondent_session


class LanguageForm(FlaskForm):
    """The language switch on pages without answers to keep: nothing but the CSRF token."""


def _offered(person: Participant | None) -> tuple[str, ...]:
    wave = person.study.current_wave if person is not None else None
    return wave.instrument.languages if wave is not None else ()


def choose_for_request() -> None:
    """Pages in the language the respondent picked, the one set for them, or their browser's,
    among those the wave's instrument offers (any interface language before a link opens)."""
    person = respondent_session.participant()
    offered = _offered(person) or interface_languages()
    use_language(choose_language(offered, chosen=respondent_session.chosen_language(),
                                 preferred=person.language if person is not None else None))


def switch_offer() -> dict:
    """What the switch on every respondent page offers: the wave's languages, if several."""
    offered = _offered(respondent_session.participant())
    several = len(offered) > 1
    return {"offered_languages": offered if several else (),
            "language_csrf_form": LanguageForm() if several else None}


def remember(person: Participant, code: str) -> None:
    """The language picked with the switch, for this browser and for the person: reminders
    and later pages then come in it too, as they would had the consultant set it."""
    respondent_session.choose_language(code)
    if person.language != code:
        person.language = code
        db.session.commit()


def switch(person: Participant):
    """Remember the language picked (CSRF-checked), then go back to the page it was picked on,
    which must be a survey page."""
    back = request.form.get("next", "")
    if not back.startswith("/survey/") or "//" in back or "\\" in back:
        back = url_for("survey.start")
    if not LanguageForm().validate():
        flash(_("Your session had timed out, so the language was not changed. Please choose it "
                "again."), "warning")
        return redirect(back)
    code = request.form.get("language", "")
    if code in _offered(person):
        remember(person, code)
    return redirect(back)
