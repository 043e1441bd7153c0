"""Builders for alert tests: submitted responses written straight to the database."""

from __future__ import annotations

from vocgap.extensions import db
from vocgap.models import Answer, PowerMapRating, Response, utcnow

TRUST = ("trust_right_thing", "trust_promises", "trust_guarded")  # the last is reverse-coded


def trust_answers(score: int) -> dict[str, float]:
    """Every trust item answered so that the respondent's trust score is ``score``."""
    return {"trust_right_thing": score, "trust_promises": score, "trust_guarded": 6 - score}


def submit(wave, person, account, answers: dict[str, float] | None = None,
           power_map: dict[int, tuple[int | None, int | None]] | None = None) -> Response:
    """A submitted response with ``answers`` (item → value) and a vendor's power map."""
    response = Response(wave=wave, participant=person, account=account, status="submitted",
                        submitted_at=utcnow())
    for item, value in (answers or {}).items():
        response.answers.append(Answer(item_id=item, value_num=value))
    for contact, (support, influence) in (power_map or {}).items():
        response.power_map.append(PowerMapRating(contact_id=contact, support=support,
                                                 influence=influence))
    db.session.add(response)
    db.session.commit()
    return response
