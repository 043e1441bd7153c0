"""Write responses safely under concurrency: upserts for answers, a guarded flip to submitted."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import Answer, PowerMapRating, Response, utcnow
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
