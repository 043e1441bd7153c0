"""What an account owner may be told about alerts: the vendor edition's rules applied to messages.

An owner message never names, describes or times a respondent, and never quotes them. It covers a
group, never a person: the first message waits until ``min_group`` customer contacts of the
account have answered, and each later one until ``min_group`` more have (so that two messages in
a row cannot be subtracted to single out the people in between). It says only *whether* each
kind of signal occurred in that group, never how many. A false champion is mentioned only when
at least ``min_group`` of the contacts who answered are ones the vendor's own power map counts as
supporters: the owner knows whom their team rated, so a smaller set would point at a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .rules import BELOW_PREDICTION, DETRACTOR, FALSE_CHAMPION


@dataclass
class OwnerDigest:
    """The de-identified content of one owner message."""

    respondents: int
    first: bool
    detractor: bool = False
    false_champion: bool = False
    dimensions: list[str] = field(default_factory=list)
    disclosed: list[int] = field(default_factory=list)  # alert ids the message covers

    @property
    def has_signals(self) -> bool:
        return self.detractor or self.false_champion or bool(self.dimensions)


def notice_due(respondents: int, covered: int, min_group: int) -> bool:
    """Has a group of at least ``min_group`` answered since the last message (or ever)?"""
    return respondents >= covered + min_group


def owner_digest(alerts: list[tuple[int, str, str]], *, respondents: int, covered: int,
                 min_group: int, supporters: int, dimension_names: dict[str, str]
                 ) -> OwnerDigest | None:
    """The message due now, or None when the group since the last message is still too small.

    ``alerts``: (id, rule, subject) not yet disclosed to the owner; ``supporters``: contacts who
    answered and described themselves, whom the vendor's power map counts as supporters."""
    if not notice_due(respondents, covered, min_group):
        return None
    digest = OwnerDigest(respondents=respondents, first=covered == 0)
    dimensions = set()
    for alert_id, rule, subject in alerts:
        if rule == FALSE_CHAMPION:
            if supporters < min_group:
                continue  # stays pending: it would point at one of a few known people
            digest.false_champion = True
        elif rule == DETRACTOR:
            digest.detractor = True
        elif rule == BELOW_PREDICTION:
            dimensions.add(subject)
        else:
            continue
        digest.disclosed.append(alert_id)
    order = list(dimension_names)
    digest.dimensions = [dimension_names.get(d, d) for d in sorted(
        dimensions, key=lambda d: order.index(d) if d in order else len(order))]
    return digest
