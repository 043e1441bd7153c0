"""The consultant back office: one blueprint, every view behind login and study membership."""

from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import Blueprint, abort
from flask_login import current_user, login_required

from ...extensions import db
from ...models import Study, StudyMember

bp = Blueprint("consultant", __name__, url_prefix="/consultant")


def member_study(study_id: int) -> Study:
    """The study if the signed-in consultant is a member; 404 otherwise, so ids reveal nothing."""
    study = db.session.scalar(
        sa.select(Study).join(StudyMember).where(Study.id == study_id,
                                                 StudyMember.user_id == current_user.id))
    if study is None:
        abort(404, description="There is no study with this number among your studies. "
                               "Choose one from your list of studies.")
    return study


def study_view(view):
    """Log-in required, and the ``study_id`` URL part resolved to a study the user belongs to."""

    @wraps(view)
    @login_required
    def wrapped(study_id: int, **kwargs):
        return view(member_study(study_id), **kwargs)

    return wrapped


def _register() -> None:
    from . import (  # noqa: F401  (routes attach)
        accounts_import,
        actions,
        alerts,
        analysis,
        data,
        people,
        privacy,
        reports,
        studies,
        themes,
    )


_register()
