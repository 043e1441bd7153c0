"""Actions out with the data: one row per action, its link, its state and its verdict."""

from __future__ import annotations

import pandas as pd

from ..models import Study
from .plans import study_actions
from .tracking import action_rows

ACTION_COLUMNS = {
    "study": "Study short name",
    "action_id": "Stable action number within the study",
    "account": "Customer account the action is for",
    "wave": "Wave the action was agreed in (its finding's wave)",
    "finding": "What the action is linked to: dimension, item, contact or stage",
    "unit": "Dimension or item id from the instrument (dimension and item findings)",
    "about_contact_id": "For contact findings: the customer contact's participant number",
    "about_contact": "For contact findings: the contact's name (only when exported with "
                     "identities)",
    "title": "What was agreed",
    "owner": "Who owns the action (name or e-mail)",
    "due_on": "Due date (YYYY-MM-DD)",
    "status": "planned, in_progress, done or dropped",
    "notes": "The consultant's notes",
    "created_by": "Consultant who created the action",
    "created_at": "When the action was created (UTC)",
    "compared_wave": "The wave the verdict compares with the action's own wave",
    "verdict": "improved, no_detectable_change, worse, cannot_tell_yet",
    "verdict_reason": "Why, in words (the numbers are in the workspace and the account report)",
    "provisional": "True while the compared wave is still open (answers so far)",
}


def actions_frame(study: Study, *, identify: bool = False) -> pd.DataFrame:
    """Every action of the study with its verdict against the current wave (consultant view)."""
    actions = study_actions(study)
    rows = {row["id"]: row for row in action_rows(study, actions, "consultant")}
    records = []
    for action in actions:
        verdict = rows[action.id]["verdict"]
        records.append({
            "study": study.short_name, "action_id": action.id, "account": action.account.name,
            "wave": action.wave.number, "finding": action.finding, "unit": action.unit,
            "about_contact_id": action.contact_id,
            "about_contact": action.contact.name if action.contact is not None else None,
            "title": action.title, "owner": action.owner,
            "due_on": action.due_on.isoformat() if action.due_on else None,
            "status": action.status, "notes": action.notes,
            "created_by": action.created_by.email if action.created_by else None,
            "created_at": action.created_at, "compared_wave": verdict["now_wave"],
            "verdict": verdict["verdict"], "verdict_reason": verdict["because"],
            "provisional": verdict["provisional"]})
    columns = [c for c in ACTION_COLUMNS if identify or c != "about_contact"]
    frame = pd.DataFrame(records, columns=list(ACTION_COLUMNS))[columns]
    frame["about_contact_id"] = frame["about_contact_id"].astype("Int64")
    return frame


def actions_sheets(study: Study, *, identify: bool = False) -> dict[str, pd.DataFrame]:
    """The workbook sheets the study export adds: the actions and what their columns mean."""
    return {"actions": actions_frame(study, identify=identify),
            "action_columns": pd.DataFrame({"column": list(ACTION_COLUMNS),
                                            "meaning": list(ACTION_COLUMNS.values())})}
