"""The demo's closed loop: renewal dates and owners on its accounts, and wave 2's alerts."""

from __future__ import annotations

from datetime import timedelta

from ..models import Study, utcnow
from .evaluate import evaluate_wave

# Days from today to each demo account's renewal, in the demo's account order: several fall in
# the next 180 days, some of them at accounts with blind spots, one has just passed.
RENEWAL_DAYS = (75, 140, 38, 400, 210, 160, 300, 95, 250, 120, -20, 520)


def add_demo_alerts_and_revenue(study: Study) -> int:
    """Give the demo accounts renewal dates and owners, then evaluate the current wave's
    answers as if each had just been submitted; returns the number of alerts raised."""
    today = utcnow().date()
    in_order = sorted(study.accounts, key=lambda a: a.id)  # the order the demo created them
    for account, days in zip(in_order, RENEWAL_DAYS, strict=False):
        account.renewal_date = today + timedelta(days=days)
        slug = "".join(ch for ch in account.name.lower() if ch.isascii() and ch.isalnum())[:12]
        account.owner_email = f"owner.{slug}@northwind.example"
    return len(evaluate_wave(study, study.current_wave))
