"""Responses in and out: concurrency-safe upserts, a guarded flip to submitted, the one read."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import Account, Answer, Participant, PowerMapRating, Response, Wave, utcnow
from .values import StoredValue


def _insert(table):
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def get_or_create_response(wave_id: int, participant_id: int, account_id: int) -> Response:
    """The one response for this participant, account and wave; parallel callers get the same."""
    stmt = _insert(Response.__table__).values(
        wave_id=wave_id, participant_id=participant_id, account_id=account_id, status="draft",
        source="web", started_at=utcnow(), updated_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=["wave_id", "participant_id", "account_id"])
    db.session.execute(stmt)
    return db.session.scalars(sa.select(Response).where(
        Response.wave_id == wave_id, Response.participant_id == participant_id,
        Response.account_id == account_id)).one()


def save_answers(response: Response, answers: dict[str, StoredValue | None],
                 power_map: dict[int, dict[str, int | None]] | None = None) -> None:
    """Insert or update each answer; None clears it. Safe to run twice at once."""
    for item_id, stored in answers.items():
        if stored is None:
            db.session.execute(sa.delete(Answer).where(Answer.response_id == response.id,
                                                       Answer.item_id == item_id))
            continue
        values = {"value_num": stored.value_num, "value_text": stored.value_text,
                  "dont_know": stored.dont_know}
        db.session.execute(
            _insert(Answer.__table__).values(response_id=response.id, item_id=item_id, **values)
            .on_conflict_do_update(index_elements=["response_id", "item_id"], set_=values))
    for contact_id, ratings in (power_map or {}).items():
        db.session.execute(
            _insert(PowerMapRating.__table__).values(response_id=response.id,
                                                     contact_id=contact_id, **ratings)
            .on_conflict_do_update(index_elements=["response_id", "contact_id"], set_=ratings))
    db.session.execute(sa.update(Response).where(Response.id == response.id)
                       .values(updated_at=utcnow()))


def submit_response(response: Response) -> bool:
    """Mark submitted; True only for the call that made the change, so double POSTs are harmless."""
    result = db.session.execute(
        sa.update(Response).where(Response.id == response.id, Response.status == "draft")
        .values(status="submitted", submitted_at=utcnow(), updated_at=utcnow()))
    return result.rowcount == 1


def submitted_responses(wave: Wave, *, include_drafts: bool = False) -> sa.Select:
    """The one query for a wave's responses, so the analysis and the export count the same ones.

    One row per submitted response (and draft, with ``include_drafts``) with the columns
    ``response_id, account, segment, key_account, side, respondent_id, respondent`` (the name),
    ``role, quartet, function, source, language, submitted_at``; callers add the answers or
    power-map ratings with ``.add_columns(...).join(Answer, Answer.response_id == Response.id)``.
    """
    status = ["submitted", "draft"] if include_drafts else ["submitted"]
    return (sa.select(Response.id.label("response_id"), Account.name.label("account"),
                      Account.segment, Account.key_account, Participant.side,
                      Participant.id.label("respondent_id"), Participant.name.label("respondent"),
                      Participant.role, Participant.quartet, Participant.function,
                      Response.source, Response.language, Response.submitted_at)
            .join(Account, Account.id == Response.account_id)
            .join(Participant, Participant.id == Response.participant_id)
            .where(Response.wave_id == wave.id, Response.status.in_(status)))
