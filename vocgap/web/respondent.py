"""The survey respondents open from their private link: no login, nothing ever lost."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf

from ..alerts import after_submit
from ..collection.estimate import minutes_for
from ..collection.progress import record_visit
from ..collection.store import get_or_create_response, save_answers, submit_response
from ..collection.survey import (
    SurveyPlan,
    answer_label,
    missing_required,
    power_map_values,
    stored_form_data,
)
from ..collection.tokens import TOKEN_PATTERN, hash_token
from ..extensions import csrf, db
from ..languages import use_language
from ..models import Account, Participant, Response
from ..privacy.notice import acknowledge_notice
from . import respondent_language, respondent_session, throttle
from .errors import wants_json

bp = Blueprint("survey", __name__)
# The page forms validate their own CSRF token so that an expired one re-renders the answers.
csrf.exempt(bp)


class _SubmitForm(FlaskForm):
    """The review page's Submit button: nothing but the CSRF token."""


bp.before_request(respondent_language.choose_for_request)
bp.context_processor(respondent_language.switch_offer)


class NotAvailable(Exception):
    """Unknown, revoked or not yet open: all answered with the same plain page."""


class SurveyClosed(Exception):
    """A real link to a wave that has ended: say so, and thank those who answered."""

    def __init__(self, person: Participant):
        self.person = person


class Submitted(Exception):
    """This browser submitted the account's survey: its answers come back only by the link."""

    def __init__(self, account_id: int):
        super().__init__(account_id)
        self.account_id = account_id


@bp.errorhandler(NotAvailable)
def _not_available(_exc):
    if wants_json():
        return {"saved": False, "reason": "unavailable"}, 404
    return render_template("respondent/unavailable.html"), 404


@bp.errorhandler(Submitted)
def _submitted(exc: Submitted):
    if wants_json():
        return {"saved": False, "reason": "submitted"}, 409
    return redirect(url_for("survey.thanks", account_id=exc.account_id))


@bp.errorhandler(SurveyClosed)
def _survey_closed(exc: SurveyClosed):
    if wants_json():
        return {"saved": False, "reason": "closed"}, 404
    person = exc.person
    wave = person.study.current_wave
    submitted = db.session.scalars(db.select(Response).where(
        Response.wave_id == wave.id, Response.participant_id == person.id,
        Response.status == "submitted")).all()
    return render_template("respondent/closed.html", person=person, wave=wave,
                           study=person.study, vendor=person.study.vendor.name,
                           submitted=submitted)


@bp.get("/s/<path:token>")
def open_link(token: str):
    """Exchange the private token for a session, then drop it from the address bar.

    Only wrong links are counted and limited, per client address: a valid link always opens."""
    person = None
    if TOKEN_PATTERN.match(token):
        person = db.session.scalar(db.select(Participant).where(
            Participant.token_hash == hash_token(token)))
    if person is None or person.token_revoked_at is not None:
        address = throttle.client_address()
        wait = throttle.retry_after("link", address, throttle.LINK_MISSES)
        if wait is not None:
            abort(429, retry_after=wait)
        throttle.record_failure("link", address, throttle.LINK_MISSES)
        raise NotAvailable
    wave = person.study.current_wave
    if wave is not None and wave.has_ended():
        raise SurveyClosed(person)
    if wave is None or not wave.is_open():
        raise NotAvailable
    record_visit(wave, person)
    db.session.commit()
    respondent_session.begin(person, wave)
    return redirect(url_for("survey.start"))


def _respondent() -> Participant:
    person = respondent_session.participant()
    if person is None:
        raise NotAvailable
    return person


def _context(account_id: int, *, editable: bool = True):
    if respondent_session.submitted_response(account_id) is not None:
        raise Submitted(account_id)
    person = _respondent()
    account = db.session.get(Account, account_id)
    if account is None or account not in person.accounts:
        raise NotAvailable
    wave = person.study.current_wave
    response = db.session.scalar(db.select(Response).where(
        Response.wave_id == wave.id, Response.participant_id == person.id,
        Response.account_id == account.id))
    if editable and not wave.is_open():
        if response is not None and response.submitted:
            return person, account, wave, response, None
        raise SurveyClosed(person) if wave.has_ended() else NotAvailable
    plan = SurveyPlan.build(wave.instrument, person, account, g.language)
    return person, account, wave, response, plan


def _responses(person: Participant, wave) -> dict[int, Response]:
    return {r.account_id: r for r in db.session.scalars(db.select(Response).where(
        Response.wave_id == wave.id, Response.participant_id == person.id))}


def _account_progress(person: Participant, wave, account=None) -> dict:
    """Where a participant with several accounts stands: "account 3 of 6", how many are left."""
    accounts = person.accounts
    responses = _responses(person, wave)
    left = [a for a in accounts if not (a.id in responses and responses[a.id].submitted)]
    position = next((i for i, a in enumerate(accounts, 1) if account and a.id == account.id), 0)
    return {"accounts": accounts, "responses": responses, "left": left,
            "position": position, "total": len(accounts)}


@bp.get("/survey/")
def start():
    """The welcome: who runs the research, how long it takes, who sees what; then the survey
    (one account) or the list of accounts to answer for."""
    person = _respondent()
    wave = person.study.current_wave
    if not wave.is_open():
        raise SurveyClosed(person) if wave.has_ended() else NotAvailable
    progress = _account_progress(person, wave)
    accounts = progress["accounts"]
    if len(accounts) == 1 and accounts[0].id in progress["responses"]:
        return redirect(url_for("survey.resume", account_id=accounts[0].id))
    minutes = max((minutes_for(wave.instrument, person, a) for a in accounts), default=1)
    template = "respondent/accounts.html" if len(accounts) > 1 else "respondent/welcome.html"
    return render_template(template, person=person, wave=wave, study=person.study,
                           vendor=person.study.vendor.name, minutes=minutes,
                           account=accounts[0] if len(accounts) == 1 else None, **progress)


@bp.get("/survey/a/<int:account_id>/")
def resume(account_id: int):
    """Continue where the participant left off: the first page with an unanswered question."""
    person, account, wave, response, plan = _context(account_id)
    if plan is None or (response is not None and response.submitted):
        return redirect(url_for("survey.thanks", account_id=account.id))
    data = stored_form_data(response)
    if response is None or not data:
        return redirect(url_for("survey.page", account_id=account.id, number=1))
    missing = missing_required(plan, data)
    number = missing[0][0].number if missing else len(plan.pages)
    return redirect(url_for("survey.page", account_id=account.id, number=number))


@bp.route("/survey/a/<int:account_id>/p/<int:number>", methods=["GET", "POST"])
def page(account_id: int, number: int):
    person, account, wave, response, plan = _context(account_id)
    if plan is None:
        return redirect(url_for("survey.thanks", account_id=account.id))
    current = plan.page(number)
    if current is None:
        raise NotAvailable
    if request.method == "GET":
        form = current.form_class(formdata=None, data=stored_form_data(response))
        return _render_page(plan, current, form, response)

    action = request.form.get("action", "next")
    switch_to = request.form.get("language", "")
    if switch_to:
        action = "language"
    to_review = request.form.get("return_to") == "review"
    form = current.form_class()
    form.enforce_required = action in ("next", "review")
    valid = form.validate()
    repeated = _repeated_fields(current, form)
    if form.csrf_token.errors:
        # Never save on a bad token; show the typed answers again with a fresh token.
        form.csrf_token.errors = []
        form.csrf_token.data = generate_csrf()
        if action == "autosave":
            return {"saved": False, "reason": "expired"}, 400
        return _render_page(plan, current, form, response, expired=True, status=400)

    stored = {q.name: getattr(form[q.name], "stored", None) for q in current.questions
              if not form[q.name].errors and q.name not in repeated}
    if stored:
        response = response or get_or_create_response(wave.id, person.id, account.id)
        response.language = plan.language
        save_answers(response,
                     {n: v for n, v in stored.items() if not n.startswith("pm_")},
                     power_map_values(current.questions, stored))
        acknowledge_notice(person, wave)
        db.session.commit()
    if action == "autosave":
        return ({"saved": True}, 200) if valid and not repeated else (
            {"saved": True, "errors": sorted(n for n in form.errors)}, 422)
    if action == "language":
        return _switch_language(switch_to, plan, response, valid and not repeated, to_review)
    if not valid or repeated:
        return _render_page(plan, current, form, response, status=422)
    if action == "later":
        return redirect(url_for("survey.saved", account_id=account.id))
    if action == "accounts" and len(person.accounts) > 1:
        flash(_("Your answers about %(account)s are saved.", account=account.name), "info")
        return redirect(url_for("survey.start"))
    if action == "back":
        return redirect(url_for("survey.page", account_id=account.id, number=max(1, number - 1)))
    if to_review or number >= len(plan.pages):
        return redirect(url_for("survey.review", account_id=account.id))
    return redirect(url_for("survey.page", account_id=account.id, number=number + 1))


def _switch_language(code: str, plan, response, saved_all: bool, to_review: bool):
    """The language switch on a survey page: the page's answers are saved like a draft, then the
    same page comes back in the new language, with any answer that could not be saved as typed."""
    wave = plan.participant.study.current_wave
    if code in wave.instrument.languages:
        respondent_language.remember(plan.participant, code)
        use_language(code)
        if response is not None:
            response.language = code
            db.session.commit()
    if saved_all:
        args = {"return": "review"} if to_review else {}
        return redirect(url_for("survey.page", account_id=plan.account.id,
                                number=_page_number(), **args))
    plan = SurveyPlan.build(wave.instrument, plan.participant, plan.account, g.language)
    current = plan.page(_page_number())
    form = current.form_class()
    form.enforce_required = False
    form.validate()
    _repeated_fields(current, form)
    return _render_page(plan, current, form, response, status=422)


def _page_number() -> int:
    return int(request.view_args["number"])


def _repeated_fields(current, form) -> set[str]:
    """Fields sent more than once (a tampered or broken client): never guess which one counts."""
    repeated = set()
    for q in current.questions:
        if q.item.type != "multiple_choice" and len(request.form.getlist(q.name)) > 1:
            form[q.name].errors = [*form[q.name].errors, _(
                "This question was answered more than once; please choose one answer.")]
            repeated.add(q.name)
    return repeated


def _render_page(plan, current, form, response, *, expired=False, status=200):
    to_review = (request.form.get("return_to") if request.method == "POST"
                 else request.args.get("return")) == "review"
    wave = plan.participant.study.current_wave
    return render_template(
        "respondent/page.html", plan=plan, page=current, form=form, response=response,
        expired=expired, vendor=plan.wording["vendor"], account=plan.account,
        to_review=to_review, progress=_account_progress(plan.participant, wave, plan.account),
    ), status


@bp.route("/survey/a/<int:account_id>/review", methods=["GET", "POST"])
def review(account_id: int):
    """Check your answers, then submit; also where answers are changed after submitting."""
    person, account, wave, response, plan = _context(account_id)
    if plan is None:
        return redirect(url_for("survey.thanks", account_id=account.id))
    data = stored_form_data(response)
    missing = missing_required(plan, data)
    status = 200
    if request.method == "POST":
        form = _SubmitForm()
        if not form.validate():
            flash(_("Your session had timed out, so nothing was submitted yet. Your answers are "
                    "saved: please press Submit again."), "warning")
            status = 400
        elif missing:
            status = 422
        else:
            response = response or get_or_create_response(wave.id, person.id, account.id)
            response.language = plan.language
            submit_response(response)
            db.session.commit()
            after_submit(response.id)
            respondent_session.close_account(account.id, response.id,
                                             others_left=_others_left(person, wave, account))
            return redirect(url_for("survey.thanks", account_id=account.id))
    rows = [(p, [(q, answer_label(q, data.get(q.name), plan.wording)) for q in p.questions])
            for p in plan.pages]
    return render_template("respondent/review.html", plan=plan, rows=rows, missing=missing,
                           response=response, form=_SubmitForm(), vendor=plan.wording["vendor"],
                           account=account, show_missing=request.method == "POST",
                           progress=_account_progress(person, wave, account)), status


@bp.get("/survey/a/<int:account_id>/saved")
def saved(account_id: int):
    person, account, wave, response, plan = _context(account_id)
    return render_template("respondent/saved.html", account=account, wave=wave, person=person,
                           vendor=person.study.vendor.name,
                           progress=_account_progress(person, wave, account))


def _others_left(person: Participant, wave, account: Account) -> bool:
    """Has the participant other accounts still to submit in this wave?"""
    return any(a.id != account.id for a in _account_progress(person, wave)["left"])


@bp.get("/survey/a/<int:account_id>/thanks")
def thanks(account_id: int):
    response_id = respondent_session.submitted_response(account_id)
    if response_id is not None:
        return _thanks_after_submit(account_id, response_id)
    person, account, wave, response, plan = _context(account_id, editable=False)
    if response is None or not response.submitted:
        if not wave.is_open():
            raise SurveyClosed(person) if wave.has_ended() else NotAvailable
        return redirect(url_for("survey.resume", account_id=account.id))
    return render_template("respondent/thanks.html", account=account, wave=wave,
                           response=response, editable=wave.is_open(), study=person.study,
                           vendor=person.study.vendor.name, person=person,
                           progress=_account_progress(person, wave, account))


def _thanks_after_submit(account_id: int, response_id: int):
    """The thank-you page needs no access: answers come back only through the private link."""
    response = db.session.get(Response, response_id)
    if response is None or response.account_id != account_id or not response.submitted:
        raise NotAvailable
    use_language(response.language)
    wave = response.wave
    return render_template("respondent/thanks.html", account=response.account, wave=wave,
                           response=response, editable=False, relink=wave.is_open(),
                           access=respondent_session.participant() is not None,
                           study=wave.study, vendor=wave.study.vendor.name,
                           person=response.participant,
                           progress=_account_progress(response.participant, wave,
                                                      response.account))


@bp.post("/survey/language")
def switch_language():
    """The language switch on pages with nothing typed to keep (welcome, accounts, review,
    thank-you): remember the choice, then show the same page again."""
    return respondent_language.switch(_respondent())
