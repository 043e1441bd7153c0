"""Template filters that print statistics the same way everywhere (web and PDF)."""

from __future__ import annotations

import math

from flask import Flask

DASH = "—"


def num(value, digits: int = 2, signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return DASH
    text = f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"
    return text.replace("-", "−")


def pvalue(value) -> str:
    """APA style: p = .015, p < .001; a dash when no p-value may be shown."""
    if value is None:
        return DASH
    if value < 0.001:
        return "p < .001"
    return "p = " + f"{value:.3f}".lstrip("0")


def pct(value, digits: int = 0) -> str:
    if value is None:
        return DASH
    return f"{100 * value:.{digits}f}%"


def label(value: str | None) -> str:
    return DASH if not value else value.replace("_", " ")


def init_app(app: Flask) -> None:
    app.add_template_filter(num)
    app.add_template_filter(pvalue)
    app.add_template_filter(pct)
    app.add_template_filter(label)
