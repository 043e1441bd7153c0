"""A person's own data (GDPR Article 15): everything stored about one e-mail address, readable.

Covers the person as a participant (identity, link, e-mails, visits, notice answers, every answer
with the question as they saw it) and as the subject of power-map ratings (what vendor staff said
about them). The raters are named by function only: their identity is their own personal data.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from datetime import datetime

import pandas as pd
import sqlalchemy as sa

from ..collection.export import neutralise_formulas
from ..collection.values import DONT_KNOW_PERSON, option_value, value_label
from ..extensions import db
from ..instruments import render_wording
from ..models import (
    Invitation,
    LinkVisit,
    NoticeAnswer,
    Participant,
    PowerMapRating,
    Response,
    Study,
    Wave,
    utcnow,
)
from ..models.people import CUSTOMER_ROLES, QUARTET, VENDOR_FUNCTIONS
from .log import log_event


def find_people(email: str, studies: Iterable[Study] | None = None) -> list[Participant]:
    """Every participant with this e-mail address (any case), in the given studies or all."""
    query = sa.select(Participant).where(
        sa.func.lower(Participant.email) == email.strip().lower(), Participant.email != "")
    if studies is not None:
        query = query.where(Participant.study_id.in_([s.id for s in studies]))
    return list(db.session.scalars(query.order_by(Participant.study_id, Participant.id)))


def _when(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else None


def _stance(wave: Wave, role: str, score: int | None, unknown: bool) -> str:
    if unknown:
        return DONT_KNOW_PERSON
    if score is None:
        return ""
    item = wave.instrument.item_by_role(role)
    option = item.option(option_value(item, score)) if item else None
    return option.label if option else str(score)


def _answers(response: Response, person: Participant) -> list[dict]:
    instrument = response.wave.instrument
    wording = {"vendor": response.wave.study.vendor.name, "account": response.account.name}
    out = []
    for answer in sorted(response.answers, key=lambda a: a.id):
        try:
            item = instrument.item(answer.item_id)
        except KeyError:
            out.append({"question": answer.item_id, "answer": answer.value_text or (
                "" if answer.value_num is None else str(answer.value_num))})
            continue
        out.append({"question": render_wording(item.wording(person.side), **wording),
                    "answer": value_label(item, answer.value_num, answer.value_text, wording),
                    "dont_know": answer.dont_know})
    for rating in response.power_map:
        out.append({"question": f"Power map: {rating.contact.name}",
                    "answer": "; ".join(filter(None, (
                        _stance(response.wave, "stance_support", rating.support,
                                rating.support_dont_know),
                        _stance(response.wave, "stance_influence", rating.influence,
                                rating.influence_dont_know)))),
                    "dont_know": rating.support_dont_know and rating.influence_dont_know})
    return out


def _about_them(person: Participant) -> list[dict]:
    rows = db.session.scalars(sa.select(PowerMapRating).join(Response).where(
        PowerMapRating.contact_id == person.id).order_by(Response.wave_id, PowerMapRating.id))
    return [{"wave": r.response.wave.number, "account": r.response.account.name,
             "rated_by": "Vendor staff" + (
                 f" ({VENDOR_FUNCTIONS[r.response.participant.function]})"
                 if r.response.participant.function in VENDOR_FUNCTIONS else ""),
             "support": _stance(r.response.wave, "stance_support", r.support,
                                r.support_dont_know),
             "influence": _stance(r.response.wave, "stance_influence", r.influence,
                                  r.influence_dont_know),
             "submitted": r.response.submitted} for r in rows]


def _study_record(person: Participant) -> dict:
    study = person.study
    numbers = {w.id: w.number for w in study.waves}

    def rows(model, order):
        return db.session.scalars(sa.select(model).where(
            model.participant_id == person.id).order_by(order)).all()

    responses = rows(Response, Response.id)
    return {
        "study": study.name, "vendor": study.vendor.name,
        "research_organisation": study.research_organisation,
        "contact_for_privacy_questions": study.contact_email,
        "as_participant": {
            "name": person.name, "email": person.email,
            "side": "customer contact" if person.side == "customer" else "vendor staff",
            "account": person.account.name if person.account else None,
            "accounts_served": [a.name for a in person.served_accounts],
            "role": CUSTOMER_ROLES.get(person.role or ""),
            "quartet": QUARTET.get(person.quartet or ""),
            "function": VENDOR_FUNCTIONS.get(person.function or ""),
            "consent_to_attribution": person.consent_attribution,
            "added_at": _when(person.created_at),
            "survey_link": ("revoked " + _when(person.token_revoked_at)
                            if person.token_revoked_at else "active"),
        },
        "privacy_notice_acknowledged": [
            {"wave": numbers.get(n.wave_id), "at": _when(n.acknowledged_at)}
            for n in rows(NoticeAnswer, NoticeAnswer.acknowledged_at)],
        "e_mails": [{"wave": numbers.get(i.wave_id), "kind": i.kind, "sent_at": _when(i.sent_at),
                     "status": i.status} for i in rows(Invitation, Invitation.sent_at)],
        "link_visits": [{"wave": numbers.get(v.wave_id), "first": _when(v.first_opened_at),
                         "last": _when(v.last_opened_at)} for v in rows(LinkVisit, LinkVisit.id)],
        "responses": [{"wave": numbers.get(r.wave_id), "account": r.account.name,
                       "status": r.status, "source": r.source,
                       "started_at": _when(r.started_at), "submitted_at": _when(r.submitted_at),
                       "answers": _answers(r, person)} for r in responses],
        "power_map_ratings_about_them": _about_them(person),
    }


def person_record(email: str, people: list[Participant]) -> dict:
    """The whole record for one e-mail address, study by study."""
    return {
        "about": "Everything vocgap stores about this person: as a survey participant, and as "
                 "a customer contact whom vendor staff rated in the power map.",
        "email": email.strip().lower(),
        "generated_at": _when(utcnow()),
        "studies": [_study_record(p) for p in people],
    }


def log_export(people: list[Participant], actor: str) -> None:
    """One log row per study searched into (counts only), committed."""
    for study in {p.study.id: p.study for p in people}.values():
        log_event("subject_export", actor, study,
                  {"participants": sum(p.study_id == study.id for p in people)})
    db.session.commit()


def record_json(record: dict) -> bytes:
    return json.dumps(record, indent=2, ensure_ascii=False).encode()


def record_xlsx(record: dict) -> bytes:
    """One sheet per kind of data; spreadsheet formulas neutralised in every cell."""
    sheets: dict[str, list[dict]] = {"person": [], "answers": [], "rated_by_vendor": [],
                                     "e_mails": [], "link_visits": [], "notice": []}
    for entry in record["studies"]:
        who = {"study": entry["study"], "vendor": entry["vendor"]}
        person = entry["as_participant"]
        sheets["person"].append({**who, **{k: ", ".join(v) if isinstance(v, list) else v
                                           for k, v in person.items()}})
        for response in entry["responses"]:
            for answer in response["answers"]:
                sheets["answers"].append({**who, "wave": response["wave"],
                                          "account": response["account"],
                                          "status": response["status"], **answer})
        for key, sheet in (("power_map_ratings_about_them", "rated_by_vendor"),
                           ("e_mails", "e_mails"), ("link_visits", "link_visits"),
                           ("privacy_notice_acknowledged", "notice")):
            sheets[sheet].extend({**who, **row} for row in entry[key])
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralise_formulas(pd.DataFrame([{"email": record["email"],
                                           "generated_at": record["generated_at"],
                                           "about": record["about"]}])).to_excel(
            writer, sheet_name="about", index=False)
        for name, rows in sheets.items():
            frame = pd.DataFrame(rows) if rows else pd.DataFrame({"study": []})
            neutralise_formulas(frame).to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()
