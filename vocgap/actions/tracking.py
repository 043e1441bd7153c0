"""Did it work? Each action's wave and a later wave analysed in the same edition, and judged.

The analysis of a wave is cached on the wave's fingerprint (anything it shows changes it), so
listing actions re-analyses a wave only when its answers have changed.
"""

from __future__ import annotations

import re
import threading
from datetime import date

from ..analysis import verdicts as v
from ..collection.fingerprint import analysis_fingerprint
from ..findings import analyse_wave
from ..models import Action, Study, Wave, utcnow
from .plans import account_contacts, describe, unit_labels
from .wording import worded

_CACHE: dict[tuple, dict] = {}
_CACHE_SIZE = 16
_LOCK = threading.Lock()


def wave_results(study: Study, wave: Wave, edition: str) -> dict:
    """The wave's analysis JSON in the edition, recomputed only when its answers changed."""
    key = (study.id, wave.id, edition, analysis_fingerprint(study, wave))
    found = _CACHE.get(key)
    if found is None:
        found = analyse_wave(study, wave, edition=edition, workers=1).to_json()
        with _LOCK:
            while len(_CACHE) >= _CACHE_SIZE:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[key] = found
    return found


def _account(data: dict, name: str) -> dict | None:
    return next((a for a in data["accounts"] if a["account"] == name), None)


def judge_action(study: Study, action: Action, edition: str, now_wave: Wave,
                 now_data: dict | None = None, loaded: dict | None = None) -> dict:
    """The worded verdict of one action against ``now_wave`` (its data given or loaded);
    ``loaded`` (wave id → results) spares a list of actions re-reading the same waves."""
    then_wave = action.wave
    words = {"then": then_wave.number, "now": now_wave.number, "min_group": study.min_group}
    if then_wave.number >= now_wave.number:
        return worded(v.verdict(v.CANNOT_TELL, v.NO_LATER_WAVE), **words)
    if now_wave.opens_at > utcnow():
        return worded(v.verdict(v.CANNOT_TELL, v.WAVE_NOT_STARTED), **words)
    loaded = {} if loaded is None else loaded
    if now_data is not None:
        loaded.setdefault(now_wave.id, now_data)
    for wave in (then_wave, now_wave):
        if wave.id not in loaded:
            loaded[wave.id] = wave_results(study, wave, edition)
    then_data, now_data = loaded[then_wave.id], loaded[now_wave.id]
    name = action.account.name
    found = v.judge(action.finding, _account(then_data, name), _account(now_data, name),
                    unit=action.unit, contact=action.contact_id, edition=edition)
    # Answers so far while the later wave is open: a verdict that may still move.
    return worded(found, **words, provisional=not now_wave.has_ended()
                  and found["verdict"] in (v.IMPROVED, v.NO_CHANGE, v.WORSE))


def redact_contacts(text: str, names: list[str]) -> str:
    """The text with every named customer contact replaced (the vendor edition names none)."""
    for name in sorted({n for n in names if n.strip()}, key=len, reverse=True):
        text = re.sub(re.escape(name), "a customer contact", text, flags=re.IGNORECASE)
    return text


def action_rows(study: Study, actions: list[Action], edition: str = "consultant", *,
                now_wave: Wave | None = None, now_data: dict | None = None,
                today: date | None = None) -> list[dict]:
    """Actions as plain rows for pages and reports, each with its verdict.

    In the vendor edition contacts are not named: the link says "a customer contact" and the
    names of the account's contacts are taken out of the title.
    """
    now_wave = now_wave or study.current_wave
    today = today or date.today()
    labels = unit_labels(study, now_wave)
    consultant = edition == "consultant"
    rows, loaded = [], {}
    for action in actions:
        title = action.title
        if not consultant:
            title = redact_contacts(title, [p.name for p in account_contacts(action.account)])
        rows.append({
            "id": action.id, "account": action.account.name, "account_id": action.account_id,
            "title": title, "owner": action.owner, "due_on": action.due_on,
            "status": action.status, "status_label": action.status_label,
            "overdue": action.overdue(today), "wave": action.wave.number,
            "finding": describe(action, labels, name_contacts=consultant),
            "notes": action.notes if consultant else "",
            "verdict": judge_action(study, action, edition, now_wave, now_data, loaded)})
    return rows


def report_actions(study: Study, wave: Wave, edition: str,
                   data: dict | None = None) -> dict[str, list[dict]]:
    """Account name → the actions agreed up to this wave, judged against it: the data of the
    account report's "What we agreed to do" (plain values only: it travels to render workers)."""
    from .plans import study_actions

    agreed = [a for a in study_actions(study) if a.wave.number <= wave.number]
    out: dict[str, list[dict]] = {}
    for row in action_rows(study, agreed, edition, now_wave=wave, now_data=data):
        row["due_on"] = row["due_on"].isoformat() if row["due_on"] else None
        out.setdefault(row["account"], []).append(row)
    return out
