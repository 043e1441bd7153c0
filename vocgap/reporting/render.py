"""Render report HTML from analysis JSON and turn it into PDF with WeasyPrint, safely."""

from __future__ import annotations

import base64
import re
import signal
import threading
import unicodedata
from contextlib import contextmanager
from datetime import date

import numpy as np
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..paths import TEMPLATES_DIR
from . import charts
from .fetcher import SCHEME, PackagedFetcher
from .formatting import FILTERS
from .recommendations import recommendations

RENDER_SECONDS = 60
STAGES = ("Exploratory", "Basic", "Collaborative", "Interconnected")


class RenderTimeout(RuntimeError):
    """A report took longer than the per-render bound."""


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)),
                      autoescape=select_autoescape(["html", "xml"], default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(FILTERS)
    return env


_ENV: Environment | None = None


def _env() -> Environment:
    global _ENV
    if _ENV is None:
        _ENV = environment()
    return _ENV


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "account"


def account_context(meta: dict, account: dict) -> dict:
    dims = [d for d in account.get("dimensions", []) if d.get("mean_vendor") is not None
            or d.get("mean_customer") is not None]
    # The instrument's dimension scale, as the analysis reports it (1–5 for the default one).
    low, high = next(((d["scale_low"], d["scale_high"]) for d in account.get("dimensions", [])
                      if d.get("scale_low") is not None), (1, 5))
    agree_min = (low + high) // 2 + 1
    figures = {}
    if dims:
        figures["dumbbell"] = data_uri(charts.dumbbell(dims, low, high))
        if any(d.get("gap") is not None for d in dims):
            figures["quadrant"] = data_uri(charts.quadrant(dims, agree_min, low, high))
    priorities = [dict(p, label=_dimension_name(account, p["unit"]))
                  for p in account.get("priorities", [])]
    if any(p.get("importance") is not None for p in priorities):
        figures["priorities"] = data_uri(charts.priority_matrix(priorities))
    return {"meta": meta, "account": account, "figures": figures, "priorities": priorities,
            "recommendations": recommendations(account, meta.get("min_group", 3)),
            "headline": _headline(account), "stages": STAGES, "today": date.today(),
            "scale": (low, high),
            "asset": SCHEME + "/"}


def _dimension_name(account: dict, unit: str) -> str:
    return next((d["label"] for d in account.get("dimensions", []) if d["unit"] == unit), unit)


def _headline(account: dict) -> dict:
    """The three numbers that matter, in words."""
    dims = [d for d in account.get("dimensions", []) if d.get("gap") is not None]
    widest = max(dims, key=lambda d: d["gap"]) if dims else None
    sides = (account.get("stage") or {}).get("sides") or {}
    return {"superior": account.get("superior_experience"), "widest": widest,
            "mean_gap": float(np.mean([d["gap"] for d in dims])) if dims else None,
            "stage_customer": sides.get("customer", {}).get("median"),
            "stage_vendor": sides.get("vendor", {}).get("median")}


def portfolio_context(meta: dict, data: dict) -> dict:
    accounts = [a["account"] for a in data["accounts"]]
    dims = [d["unit"] for d in data["portfolio"]["dimensions"]]
    names = {}
    for account in data["accounts"]:
        for d in account.get("dimensions", []):
            names[d["unit"]] = d["label"]
    figures = {}
    ranked = [r["account"] for r in data["portfolio"]["ranking"]]
    ranked += [a for a in accounts if a not in ranked]
    if dims and ranked:
        grid = np.full((len(ranked), len(dims)), np.nan)
        by_name = {a["account"]: a for a in data["accounts"]}
        for i, name in enumerate(ranked):
            for d in by_name[name].get("dimensions", []):
                if d["unit"] in dims and d.get("gap") is not None:
                    grid[i, dims.index(d["unit"])] = d["gap"]
        figures["heatmap"] = data_uri(charts.heatmap(ranked, [names.get(d, d) for d in dims],
                                                     grid))
    return {"meta": meta, "data": data, "figures": figures, "names": names,
            "stages": STAGES, "today": date.today(), "asset": SCHEME + "/"}


def render_html(template: str, context: dict, asset_base: str | None = None) -> str:
    if asset_base is not None:
        context = dict(context, asset=asset_base)
    return _env().get_template(template).render(**context)


@contextmanager
def time_limit(seconds: int):
    """Abort a render that runs away (only possible in a process's main thread)."""
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def _raise(signum, frame):
        raise RenderTimeout(f"report rendering took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def html_to_pdf(html: str, fetcher: PackagedFetcher | None = None,
                seconds: int = RENDER_SECONDS) -> bytes:
    """PDF bytes; only packaged assets and inline data can be loaded while rendering."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    fetcher = fetcher or PackagedFetcher()
    with time_limit(seconds):
        document = HTML(string=html, base_url=SCHEME + "/", url_fetcher=fetcher)
        return document.write_pdf(font_config=FontConfiguration())


def account_pdf(meta: dict, account: dict) -> bytes:
    return html_to_pdf(render_html("report/account.html", account_context(meta, account)))


def portfolio_pdf(meta: dict, data: dict) -> bytes:
    return html_to_pdf(render_html("report/portfolio.html", portfolio_context(meta, data)))
