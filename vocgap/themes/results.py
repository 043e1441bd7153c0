"""A wave's coded verbatims as report data: the mirror comparison in the requested edition."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import sqlalchemy as sa

from ..analysis.themes import COLUMNS, ThemeInput, account_themes, portfolio_themes
from ..collection.store import submitted_responses
from ..extensions import db
from ..models import Answer, Study, Wave
from ..verbatims.tone import tone
from .store import (
    applied_themes,
    frame_settings,
    open_text_items,
    study_themes,
    study_verbatims,
)


def hidden_accounts(study: Study, wave: Wave) -> frozenset[str]:
    """Accounts the vendor edition shows counts only for: a side with fewer than min_group
    respondents who gave any answer (the analysis' own rule, ``mark_hidden``)."""
    submitted = submitted_responses(wave).subquery()
    rows = db.session.execute(
        sa.select(submitted.c.account, submitted.c.side,
                  sa.func.count(sa.distinct(submitted.c.respondent_id)))
        .join(Answer, Answer.response_id == submitted.c.response_id)
        .group_by(submitted.c.account, submitted.c.side)).all()
    counts: dict[str, dict[str, int]] = {a.name: {"customer": 0, "vendor": 0}
                                         for a in study.accounts}
    for account, side, n in rows:
        counts.setdefault(account, {"customer": 0, "vendor": 0})[side] = int(n)
    return frozenset(a for a, c in counts.items()
                     if c["customer"] < study.min_group or c["vendor"] < study.min_group)


def theme_input(study: Study, wave: Wave, edition: str) -> ThemeInput:
    """The wave's verbatims with the themes that apply, for ``analysis.themes``."""
    themes = study_themes(study)
    applied = applied_themes(study)
    order = {t.id: t.position for t in themes}
    records = []
    for row in study_verbatims(study, wave):
        found = tone(row.text, row.language)
        records.append({
            "account": row.account, "side": row.side, "respondent": row.respondent,
            "item": row.item, "verbatim": row.id, "text": row.text,
            "themes": tuple(sorted((t for t in applied.get(row.id, []) if t in order),
                                   key=lambda t: (order[t], t))),
            "attribution": row.role_label if row.consent else "",
            "tone": found.label if found else ""})
    frame = pd.DataFrame(records, columns=COLUMNS)
    return ThemeInput(frame, {t.id: t.name for t in themes}, open_text_items(study),
                      edition=edition, min_group=study.min_group,
                      hidden=hidden_accounts(study, wave) if edition == "vendor"
                      else frozenset(),
                      quotes=frame_settings(study).vendor_quotes)


def questions(study: Study, wave: Wave) -> dict[str, dict[str, str]]:
    """Each open question's wording on both sides, with the vendor's name filled in."""
    instrument = wave.instrument
    out = {}
    for item_id in open_text_items(study):
        try:
            item = instrument.item(item_id)
        except KeyError:
            continue
        fill = {"{vendor}": study.vendor.name, "{account}": "the customer"}
        customer, mirror = item.customer or item_id, item.mirror or item_id
        for key, value in fill.items():
            customer, mirror = customer.replace(key, value), mirror.replace(key, value)
        out[item_id] = {"customer": customer, "mirror": mirror}
    return out


def report_themes(study: Study, wave: Wave, edition: str) -> dict:
    """Plain data for the report partials: per account and across the portfolio."""
    if not study_themes(study):
        return {"accounts": {}, "portfolio": {"questions": []}, "questions": {},
                "quotes": edition != "vendor" or frame_settings(study).vendor_quotes}
    data = theme_input(study, wave, edition)
    return {"accounts": account_themes(data), "portfolio": portfolio_themes(data),
            "questions": questions(study, wave),
            "quotes": edition != "vendor" or data.quotes}



def study_quote_option(study: Study, result):
    """The analysis with no verbatims in a vendor edition whose study asks for themed counts
    only, so that no vendor-facing output (JSON, tables, reports) quotes anyone."""
    if result.meta.get("edition") != "vendor" or frame_settings(study).vendor_quotes:
        return result
    return replace(result, verbatims=result.verbatims.iloc[0:0])
