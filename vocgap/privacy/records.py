"""What other features write about people: action plans and account owners.

An action drafted from a power-map finding is titled with the contact's name, and consultants
type names into notes and owners; an account's owner e-mail is a member of vendor staff's
address. Erasure and anonymisation clean these as they clean free-text answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import sqlalchemy as sa

from ..extensions import db
from ..models import Account, Action, Study

ACTION_TEXT = ("title", "notes", "owner")


def clean_records(study: Study, clean: Callable[[str], str], emails: Iterable[str] = (), *,
                  every_owner: bool = False) -> int:
    """Pass every action's text through ``clean``; drop owner e-mails that are one of
    ``emails`` (or all of them with ``every_owner``). Returns how many records changed."""
    changed = 0
    actions = db.session.scalars(sa.select(Action).join(Account).where(
        Account.study_id == study.id))
    for action in actions:
        before = [getattr(action, f) or "" for f in ACTION_TEXT]
        after = [clean(text) for text in before]
        if after != before:
            limit = Action.title.type.length
            action.title, action.notes, action.owner = after[0][:limit], after[1], after[2]
            changed += 1
    addresses = {e.lower() for e in emails if e}
    for account in study.accounts:
        if account.owner_email and (every_owner or account.owner_email.lower() in addresses):
            account.owner_email = ""
            changed += 1
    return changed
