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
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from ..analysis import codes
from ..instruments import STAGES
from ..instruments.model import DEFAULT_LANGUAGE
from ..languages import CATALOGUES_DIR
from ..paths import TEMPLATES_DIR
from . import charts, findings
from . import portfolio_summary as summary
from .fetcher import SCHEME, PackagedFetcher
from .formatting import FILTERS
from .recommendations import recommendations

RENDER_SECONDS = 60


class RenderTimeout(RuntimeError):
    """A report took longer than the per-render bound."""


def environment(language: str = DEFAULT_LANGUAGE) -> Environment:
    """The report templates' environment, worded in ``language`` by its gettext catalogue.

    Reports are rendered in worker processes without a Flask request, so the catalogue is
    loaded here rather than through Flask-Babel; English needs none."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)),
                      autoescape=select_autoescape(["html", "xml"], default=True),
                      trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
    env.filters.update(FILTERS)
    env.globals["STAGES"] = STAGES
    env.install_gettext_translations(  # type: ignore[attr-defined]
        Translations.load(str(CATALOGUES_DIR), [language]), newstyle=True)
    return env


_ENVS: dict[str, Environment] = {}


def _env(language: str = DEFAULT_LANGUAGE) -> Environment:
    if language not in _ENVS:
        _ENVS[language] = environment(language)
    return _ENVS[language]


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "account"


def figure(chart: charts.Chart, fmt: str = "png") -> dict:
    """A chart ready for a template: a PNG data URI for PDFs or inline SVG for web pages."""
    try:
        if fmt == "svg":
            return {"svg": Markup(chart.svg()), "alt": chart.alt, "points": chart.points}
        return {"src": data_uri(chart.png()), "alt": chart.alt, "points": chart.points}
    finally:
        chart.close()


def account_figures(meta: dict, account: dict, fmt: str = "png", *,
                    priorities: list[dict] | None = None) -> dict:
    """The account's charts; each point's category and every line come from the analysis."""
    lines = findings.thresholds(account)
    dims = [d for d in account.get("dimensions", []) if d.get("mean_vendor") is not None
            or d.get("mean_customer") is not None]
    figures = {}
    if dims and not account.get("confidential"):
        figures["dumbbell"] = figure(charts.dumbbell(dims, lines.low, lines.high,
                                                     meta["vendor"], account["account"]), fmt)
        if findings.compared(account):
            figures["quadrant"] = figure(charts.quadrant(dims, lines.agree, lines.low,
                                                         lines.high), fmt)
    priorities = findings.priority_rows(account) if priorities is None else priorities
    if any(p["importance"] is not None for p in priorities):
        figures["priorities"] = figure(charts.priority_matrix(priorities), fmt)
    return figures


def account_summary(meta: dict, account: dict) -> dict:
    """Page 2 in words: the three numbers with their counts, how far apart and how sure."""
    groups = findings.quadrant_groups(account)
    sides = (account.get("stage") or {}).get("sides") or {}
    untested = findings.untested(account)
    compared = findings.compared(account)
    return {"status": findings.status_phrase(account),
            "respondents": findings.respondents_phrase(account, meta["vendor"]),
            "compared": bool(compared), "dimensions": compared,
            "superior": findings.superior_counts(account),
            "widest": findings.widest(account),
            "stage_customer": sides.get("customer", {}).get("median"),
            "stage_vendor": sides.get("vendor", {}).get("median"),
            "direction": findings.direction_sentence(account, meta["vendor"]),
            "certainty": findings.certainty_sentence(account),
            "blind": ", ".join(d["label"].lower() for d in groups[codes.BLIND_SPOT]),
            "hidden": ", ".join(d["label"].lower() for d in groups[codes.HIDDEN_STRENGTH]),
            "untested": ", ".join(d["label"] for d in untested)}


def account_context(meta: dict, account: dict, fmt: str = "png") -> dict:
    lines = findings.thresholds(account)
    priorities = findings.priority_rows(account)
    return {"meta": meta, "account": account,
            "figures": account_figures(meta, account, fmt, priorities=priorities),
            "priorities": priorities,
            "recommendations": recommendations(account, meta.get("min_group", 3)),
            "summary": account_summary(meta, account), "thresholds": lines,
            "today": date.today(), "scale": (lines.low, lines.high), "asset": SCHEME + "/"}


def dimension_names(data: dict) -> dict[str, str]:
    names = {}
    for account in data["accounts"]:
        for d in account.get("dimensions", []):
            names[d["unit"]] = d["label"]
    return names


def portfolio_figures(data: dict, fmt: str = "png") -> dict:
    """The accounts × dimensions heat map, ranked accounts first; withheld accounts left out."""
    names = dimension_names(data)
    dims = [d["unit"] for d in data["portfolio"]["dimensions"]]
    ranked = [r["account"] for r in summary.ranking(data)]
    if not dims or not ranked:
        return {}
    grid = np.full((len(ranked), len(dims)), np.nan)
    by_name = {a["account"]: a for a in data["accounts"]}
    for i, name in enumerate(ranked):
        for d in by_name[name].get("dimensions", []):
            if d["unit"] in dims and d.get("gap") is not None:
                grid[i, dims.index(d["unit"])] = d["gap"]
    return {"heatmap": figure(charts.heatmap(ranked, [names.get(d, d) for d in dims], grid),
                              fmt)}


def portfolio_context(meta: dict, data: dict, fmt: str = "png") -> dict:
    names = dimension_names(data)
    portfolio = data["portfolio"]
    return {"meta": meta, "data": data, "figures": portfolio_figures(data, fmt), "names": names,
            "bain": summary.bain_counts(portfolio),
            "blind_spots": summary.recurring_blind_spots(data),
            "stage_gaps": summary.stage_disagreements(data),
            "actions": summary.first_actions(data, meta["vendor"]),
            "unranked": summary.unranked(data), "ranking": summary.ranking(data),
            "trend": summary.trend_rows(portfolio, names),
            "withheld": [a for a in data["accounts"] if a.get("confidential")],
            "today": date.today(), "asset": SCHEME + "/"}


def render_html(template: str, context: dict, asset_base: str | None = None) -> str:
    """The report's HTML in the study's report language (``meta.language``, English if unset)."""
    if asset_base is not None:
        context = dict(context, asset=asset_base)
    language = (context.get("meta") or {}).get("language") or DEFAULT_LANGUAGE
    return _env(language).get_template(template).render(**context)


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


PDF_VARIANT = "pdf/ua-1"  # tagged, with document language and title: accessible PDFs
STYLESHEET = "print.css"
_STYLE: tuple | None = None


def print_style() -> tuple:
    """(parsed print stylesheet, font configuration), built once per process: fonts and CSS do
    not change between reports, and parsing them was a large share of each render."""
    global _STYLE
    if _STYLE is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()
        css = CSS(url=SCHEME + "/" + STYLESHEET, url_fetcher=PackagedFetcher(),
                  font_config=fonts)
        _STYLE = (css, fonts)
    return _STYLE


def html_to_pdf(html: str, fetcher: PackagedFetcher | None = None,
                seconds: int = RENDER_SECONDS) -> bytes:
    """Tagged PDF bytes; only packaged assets and inline data can be loaded while rendering.

    Report HTML made for PDFs leaves the stylesheet out (``asset=None``); the parsed one is
    supplied here."""
    from weasyprint import HTML

    css, fonts = print_style()
    fetcher = fetcher or PackagedFetcher()
    with time_limit(seconds):
        document = HTML(string=html, base_url=SCHEME + "/", url_fetcher=fetcher)
        return document.write_pdf(stylesheets=[css], font_config=fonts, pdf_variant=PDF_VARIANT)


def pdf_html(template: str, context: dict) -> str:
    """Report HTML for WeasyPrint: charts as PNG, the stylesheet supplied by ``html_to_pdf``."""
    return render_html(template, dict(context, asset=None))


def account_pdf(meta: dict, account: dict) -> bytes:
    return html_to_pdf(pdf_html("report/account.html", account_context(meta, account)))


def portfolio_pdf(meta: dict, data: dict) -> bytes:
    return html_to_pdf(pdf_html("report/portfolio.html", portfolio_context(meta, data)))
