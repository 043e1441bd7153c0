"""The respondent's browser session: opened by the private link, ended by submitting, never
longer than the wave.

On a shared computer the next person must not find someone's answers: once a survey is submitted
the browser keeps only a note that it was (enough for the thank-you page), and reviewing or
changing those answers needs the private link again. A vendor participant who still has other
accounts to answer keeps access to those unsubmitted ones; the session ends with the last one.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from flask import session
from flask.sessions import SecureCookieSessionInterface

from ..extensions import db
from ..models import Participant, Wave

ACCESS = "respondent"
SUBMITTED = "submitted"
LANGUAGE = "language"


def _now() -> float:
    return time.time()


def _timestamp(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp())


def begin(person: Participant, wave: Wave) -> None:
    """Open access from the private link, until the wave closes; forget earlier submissions."""
    session.permanent = True
    previous = session.get(ACCESS)
    if not isinstance(previous, dict) or previous.get("pid") != person.id:
        session.pop(LANGUAGE, None)  # the next person at a shared computer chooses afresh
    session[ACCESS] = {"pid": person.id, "th": person.token_hash,
                       "exp": _timestamp(wave.closes_at)}
    session.pop(SUBMITTED, None)


def participant() -> Participant | None:
    """The participant this browser may answer for, or None (never opened, ended or expired)."""
    ref = session.get(ACCESS)
    if not isinstance(ref, dict) or not isinstance(ref.get("exp"), int):
        return None
    if ref["exp"] <= _now():
        session.pop(ACCESS, None)
        return None
    person = db.session.get(Participant, ref.get("pid"))
    if person is None or person.token_revoked_at is not None or person.token_hash != ref.get("th"):
        return None
    return person


def chosen_language() -> str | None:
    """The language the respondent picked with the language switch in this browser, if any."""
    value = session.get(LANGUAGE)
    return value if isinstance(value, str) else None


def choose_language(code: str) -> None:
    """Remember the respondent's pick for the rest of this browser session."""
    session[LANGUAGE] = code


def submitted_response(account_id: int) -> int | None:
    """The id of the response this browser submitted for the account, if it did."""
    value = (session.get(SUBMITTED) or {}).get(str(account_id))
    return value if isinstance(value, int) else None


def close_account(account_id: int, response_id: int, *, others_left: bool) -> None:
    """After a submit: this account's answers leave the browser; access ends with the last one."""
    session[SUBMITTED] = {**(session.get(SUBMITTED) or {}), str(account_id): response_id}
    if not others_left:
        session.pop(ACCESS, None)


class SurveySessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions whose cookie, for a respondent alone, expires when the wave closes."""

    def get_expiration_time(self, app, session_):
        expires = super().get_expiration_time(app, session_)
        ref = session_.get(ACCESS)
        if "_user_id" in session_ or not isinstance(ref, dict) or not ref.get("exp"):
            return expires
        closes = datetime.fromtimestamp(ref["exp"], UTC)
        return min(expires, closes) if expires else closes
