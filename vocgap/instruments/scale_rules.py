"""The rules a response scale must follow, one small function per concern.

A scale is read into a :class:`ScalePlan`; the shape rules (whole-number bounds, a sensible range)
stop at the first failure because nothing after them can be judged without bounds; the label rule
then lists every label outside the scale. Messages name the problem only; the loader adds the file,
line and scale.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .model import DONT_KNOW_LABEL, Scale

MAX_POINTS = 11


@dataclass(frozen=True)
class ScalePlan:
    """One scale as the file states it: bounds, labels and the "don't know" wording."""

    id: str
    min: Any
    max: Any
    labels: Any
    dont_know: Any

    @classmethod
    def read(cls, scale_id: object, spec: Mapping) -> ScalePlan:
        return cls(id=str(scale_id), min=spec.get("min"), max=spec.get("max"),
                   labels=spec.get("labels") or {}, dont_know=spec.get("dont_know"))


def whole_bounds(plan: ScalePlan) -> str | None:
    """Bounds are whole numbers (a YAML true or false is not one)."""
    if not all(isinstance(b, int) and not isinstance(b, bool) for b in (plan.min, plan.max)):
        return "min and max must be whole numbers"
    return None


def sensible_range(plan: ScalePlan) -> str | None:
    """At least two points and at most eleven (0–10 is the longest scale a respondent sees)."""
    if not plan.min < plan.max or plan.max - plan.min > MAX_POINTS - 1:
        return f"needs min < max and at most {MAX_POINTS} points (got {plan.min}..{plan.max})"
    return None


# Each stops the scale: without sound bounds nothing else about it can be checked.
SHAPE_RULES: tuple[Callable[[ScalePlan], str | None], ...] = (whole_bounds, sensible_range)


def labelled_points(plan: ScalePlan, labels: dict[int, str]) -> Iterator[str]:
    """Labels name points of the scale; each stray one is reported, the rest are kept."""
    if not isinstance(plan.labels, dict):
        yield "labels must map scale points to text"
        return
    for point, label in plan.labels.items():
        if not isinstance(point, int) or not plan.min <= point <= plan.max:
            yield f"label for {point!r} is outside {plan.min}..{plan.max}"
        else:
            labels[point] = str(label)


def check_scale(plan: ScalePlan) -> tuple[Scale | None, list[str]]:
    """The scale (None when its bounds are unusable) and every problem found in it."""
    for rule in SHAPE_RULES:
        problem = rule(plan)
        if problem:
            return None, [problem]
    labels: dict[int, str] = {}
    problems = list(labelled_points(plan, labels))
    dont_know = DONT_KNOW_LABEL if plan.dont_know is True else plan.dont_know
    return Scale(plan.id, plan.min, plan.max, labels,
                 str(dont_know) if dont_know else None), problems
