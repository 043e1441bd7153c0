"""Responses out as a tidy long table (CSV, or XLSX with a data dictionary), spreadsheet-safe."""

from __future__ import annotations

import io

import pandas as pd
from sqlalchemy.orm import aliased

from ..extensions import db
from ..instruments import Instrument
from ..instruments.translation_sheet import translation_table
from ..models import Answer, Participant, PowerMapRating, Response, Study, Wave
from .store import submitted_responses
from .values import DONT_KNOW_PERSON, value_label

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
IDENTIFYING = ("respondent", "about_contact")

COLUMNS = {
    "study": "Study short name",
    "wave": "Wave number (1 = first fieldwork round)",
    "account": "Customer account the answer is about",
    "segment": "Account segment from the vendor's CRM",
    "key_account": "Whether the vendor treats the account as a key account",
    "side": "customer (the customer's own view) or vendor (the vendor's mirror prediction)",
    "respondent_id": "Stable pseudonymous respondent number within the study",
    "respondent": "Respondent name (only when exported with identities)",
    "role": "Customer buying-team role",
    "quartet": "Customer quartet position",
    "function": "Vendor participant's function",
    "item": "Item id from the instrument (power_map_support / power_map_influence: the vendor's "
            "rating of the contact in about_contact_id)",
    "dimension": "Dimension the item belongs to",
    "value": "Numeric answer on the item's scale as asked (reverse-coded items NOT recoded)",
    "value_label": "The answer as the respondent saw it, or the open text",
    "dont_know": "True when the respondent chose don't know / not applicable",
    "about_contact_id": "For power-map rows: the customer contact being rated",
    "about_contact": "For power-map rows: the contact's name (only when exported with "
                     "identities)",
    "source": "web (answered online) or import",
    "language": "Language the respondent answered in (a BCP 47 code such as en or de); open text "
                "is in this language",
    "submitted_at": "When the response was submitted (UTC)",
}


def tidy_responses(study: Study, wave: Wave | None = None, *, identify: bool = False,
                   include_drafts: bool = False) -> pd.DataFrame:
    """One row per answer, with everything needed to analyse it without the database."""
    wave = wave or study.current_wave
    instrument = wave.instrument
    base = submitted_responses(wave, include_drafts=include_drafts)
    answers = pd.DataFrame(db.session.execute(
        base.add_columns(Answer.item_id.label("item"), Answer.value_num.label("value"),
                         Answer.value_text, Answer.dont_know)
        .join(Answer, Answer.response_id == Response.id)).mappings().all())
    contact = aliased(Participant)
    ratings = pd.DataFrame(db.session.execute(
        base.add_columns(PowerMapRating.contact_id.label("about_contact_id"),
                         contact.name.label("about_contact"),
                         PowerMapRating.support, PowerMapRating.influence,
                         PowerMapRating.support_dont_know, PowerMapRating.influence_dont_know)
        .join(PowerMapRating, PowerMapRating.response_id == Response.id)
        .join(contact, contact.id == PowerMapRating.contact_id)).mappings().all())
    frames = []
    if not answers.empty:
        answers["value_label"] = [_label(instrument, i, v, t) for i, v, t in zip(
            answers["item"], answers["value"], answers["value_text"], strict=True)]
        answers["dimension"] = answers["item"].map(
            {i.id: i.dimension or (i.rates and f"importance:{i.rates}") or ""
             for i in instrument.items})
        frames.append(answers.drop(columns=["value_text"]))
    if not ratings.empty:
        unknown = {"support": ratings.pop("support_dont_know"),
                   "influence": ratings.pop("influence_dont_know")}
        long = ratings.melt(id_vars=[c for c in ratings.columns
                                     if c not in ("support", "influence")],
                            value_vars=["support", "influence"], var_name="kind",
                            value_name="value")
        long["dont_know"] = pd.concat([unknown["support"], unknown["influence"]],
                                      ignore_index=True).astype(bool).to_numpy()
        long["item"] = "power_map_" + long.pop("kind")
        long["value_label"] = [DONT_KNOW_PERSON if unknown_ else "" if pd.isna(v) else
                               str(int(v)) for v, unknown_ in zip(long["value"],
                                                                  long["dont_know"], strict=True)]
        long["dimension"] = "power_map"
        frames.append(long)
    columns = [c for c in COLUMNS if identify or c not in IDENTIFYING]
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)
    if "about_contact_id" in out:
        out["about_contact_id"] = out["about_contact_id"].astype("Int64")
    out["study"], out["wave"] = study.short_name, wave.number
    for name in columns:
        if name not in out:
            out[name] = None
    return out[columns].sort_values(["account", "side", "respondent_id", "item"],
                                    kind="stable").reset_index(drop=True)


def _label(instrument: Instrument, item_id: str, value, text) -> str:
    text = None if text is None or (isinstance(text, float) and pd.isna(text)) else text
    try:
        item = instrument.item(item_id)
    except KeyError:
        return text or ""
    return value_label(item, None if value is None or pd.isna(value) else float(value), text,
                       {"vendor": "{vendor}", "account": "{account}"})


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells a spreadsheet would run as a formula (OWASP CSV injection)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v)
    return out


def data_dictionary(instrument: Instrument) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The columns explained, and every item with its wording in each of the wave's languages."""
    columns = pd.DataFrame({"column": list(COLUMNS), "meaning": list(COLUMNS.values())})
    translated = [instrument.in_language(c) for c in instrument.languages[1:]]
    items = pd.DataFrame([{
        "item": i.id, "type": i.type, "dimension": i.dimension or "", "role": i.role or "",
        "reverse_coded": i.reverse, "scale": (f"{i.scale.min}-{i.scale.max}" if i.scale else
                                              "; ".join(f"{o.value}={o.score}" if o.score
                                                        is not None else o.value
                                                        for o in i.options)),
        "asked_of": ", ".join(i.sides), "customer_wording": i.customer,
        "mirror_wording": i.mirror,
        **{f"{side}_wording_{t.language}": t.item(i.id).wording(key)
           for t in translated for side, key in (("customer", "customer"), ("mirror", "vendor"))}}
        for i in instrument.items])
    return columns, items


def texts_table(instrument: Instrument) -> pd.DataFrame:
    """Every text of the instrument (options and scale labels too), one column per language."""
    header, rows = translation_table(instrument)
    return pd.DataFrame(rows, columns=header)


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """RFC 4180 line ends, so that a cell holding a CR is quoted instead of splitting the row
    (an unquoted CR would start a new row whose first cell escapes the formula guard)."""
    return neutralise_formulas(frame).to_csv(index=False, lineterminator="\r\n").encode(
        "utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, instrument: Instrument) -> bytes:
    columns, items = data_dictionary(instrument)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralise_formulas(frame).to_excel(writer, sheet_name="responses", index=False)
        neutralise_formulas(columns).to_excel(writer, sheet_name="columns", index=False)
        neutralise_formulas(items).to_excel(writer, sheet_name="items", index=False)
        neutralise_formulas(texts_table(instrument)).to_excel(writer, sheet_name="wording",
                                                              index=False)
    return buffer.getvalue()
