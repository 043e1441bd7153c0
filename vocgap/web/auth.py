"""Consultant sign-in: hashed passwords, failed attempts limited, sessions ended server-side."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from ..extensions import db, login_manager
from ..models import User
from . import respondent_session, throttle

bp = Blueprint("auth", __name__, url_prefix="/consultant")

login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to see that page."
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user whose session version still matches: logout and a new password end sessions."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.session_version == int(version) else None


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=200)])
    new = PasswordField("New password (at least 10 characters)",
                        validators=[DataRequired(), Length(min=10, max=200)])
    again = PasswordField("New password again", validators=[
        DataRequired(), EqualTo("new", message="The two new passwords differ.")])


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths; never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and "\\" not in target:
            return target
    return url_for("consultant.studies")


def _login_wait(email: str) -> int | None:
    """Seconds until this address or this account may try again after too many failures."""
    waits = [throttle.retry_after("login-address", throttle.client_address(),
                                  throttle.LOGIN_FAILURES_ADDRESS),
             throttle.retry_after("login-account", email, throttle.LOGIN_FAILURES_ACCOUNT)]
    return max((w for w in waits if w is not None), default=None)


def _login_failed(email: str) -> None:
    throttle.record_failure("login-address", throttle.client_address(),
                            throttle.LOGIN_FAILURES_ADDRESS)
    throttle.record_failure("login-account", email, throttle.LOGIN_FAILURES_ACCOUNT)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Only failed attempts count, per client address and per account; success never does."""
    if current_user.is_authenticated:
        return redirect(url_for("consultant.studies"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        wait = _login_wait(email)
        if wait is not None:
            minutes = max(1, round(wait / 60))
            flash(f"Too many failed sign-ins. Please try again in {minutes} minute"
                  f"{'s' if minutes > 1 else ''}.", "error")
            return render_template("consultant/login.html", form=form), 429, {
                "Retry-After": str(wait)}
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is not None and user.check_password(form.password.data):
            keys = (respondent_session.ACCESS, respondent_session.SUBMITTED)
            respondent = {k: session[k] for k in keys if k in session}
            session.clear()
            session.update(respondent)
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        _login_failed(email)
        flash("That e-mail and password do not match an account.", "error")
    return render_template("consultant/login.html", form=form), (
        422 if request.method == "POST" else 200)


@bp.post("/logout")
@login_required
def logout():
    """Sign out everywhere: a copy of this session's cookie stops working too."""
    current_user.end_sessions()
    db.session.commit()
    logout_user()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """Change the password; every other session of the user ends, this one goes on."""
    form = PasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append("That is not your current password.")
        else:
            user = current_user._get_current_object()
            user.set_password(form.new.data)
            db.session.commit()
            login_user(user)
            flash("Your password is changed. Other browsers signed in as you were signed out.",
                  "info")
            return redirect(url_for("consultant.studies"))
    return render_template("consultant/password.html", form=form), (
        422 if request.method == "POST" else 200)
