"""Report charts with matplotlib: PNG for the PDFs, inline SVG for the web pages.

PNG was measured against SVG in WeasyPrint: an account report with SVG charts (text drawn as
paths) took 1.6 s to render, with 160-dpi PNG about 1.0 s, and PNG looks the same on paper.
Every chart takes the category of each point and the lines it draws from the analysis (through
``findings``); nothing here classifies. Text is always text: matplotlib's mathtext is off, so
a ``$`` in an account name stays a ``$``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..analysis import codes  # noqa: E402
from .labels import place_labels  # noqa: E402

# Okabe & Ito's colour-blind-safe palette; every category also has its own marker shape.
VENDOR = "#0072B2"
CUSTOMER = "#D55E00"
INK = "#1d2430"
GRID = "#d8dde5"
QUADRANT_STYLE = {
    codes.BLIND_SPOT: ("#D55E00", "v", "Blind spot"),
    codes.HIDDEN_STRENGTH: ("#0072B2", "^", "Hidden strength"),
    codes.SHARED_STRENGTH: ("#009E73", "o", "Shared strength"),
    codes.SHARED_WEAKNESS: ("#CC79A7", "s", "Shared weakness"),
}
CONCENTRATE = "#D55E00"

STYLE = {
    "font.family": "DejaVu Sans", "font.size": 8.5, "axes.edgecolor": GRID,
    "axes.labelcolor": INK, "xtick.color": INK, "ytick.color": INK, "svg.fonttype": "none",
    "axes.spines.top": False, "axes.spines.right": False, "svg.hashsalt": "vocgap",
    "text.parse_math": False, "text.usetex": False, "figure.constrained_layout.use": True,
}
plt.rcParams.update(STYLE)

DPI = 144


@dataclass
class Chart:
    """A drawn chart, its text alternative (which states the finding) and its points."""

    figure: object
    alt: str
    points: dict[str, str] = field(default_factory=dict)

    def png(self) -> bytes:
        buffer = io.BytesIO()
        # Constrained layout instead of bbox_inches="tight": one draw instead of two; fast
        # zlib level, as WeasyPrint re-compresses the image into the PDF anyway.
        self.figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None},
                            pil_kwargs={"compress_level": 1})
        return buffer.getvalue()

    def svg(self) -> str:
        """Inline SVG for a web page: text stays escaped text; no prolog, comments or script."""
        buffer = io.StringIO()
        self.figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        text = buffer.getvalue()
        text = text[text.index("<svg"):]
        text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
        # The web pages' CSP forbids inline styles: matplotlib's style="…" becomes SVG
        # presentation attributes, which the CSP allows and which draw the same.
        text = re.sub(r"<style.*?</style>", "", text, flags=re.S)
        text = re.sub(r'style="([^"]*)"', _presentation, text)
        if re.search(r"<\s*script|\son[a-z]+\s*=|javascript:", text, re.I):
            raise ValueError("chart SVG contains active content")
        return text.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)

    def close(self) -> None:
        plt.close(self.figure)


def _presentation(match: re.Match) -> str:
    pairs = (part.split(":", 1) for part in match.group(1).split(";") if ":" in part)
    return " ".join(f'{name.strip()}="{value.strip()}"' for name, value in pairs
                    if re.fullmatch(r"[a-z-]+", name.strip()))


def _mean_ci(mean, sd, n):
    if mean is None or sd is None or not n or n < 2:
        return None
    half = 1.96 * sd / np.sqrt(n)
    return mean - half, mean + half


def dumbbell(rows: list[dict], low: int, high: int, vendor: str, account: str) -> Chart:
    """Vendor and customer means per dimension, joined, each with an approximate 95% interval."""
    rows = [r for r in rows if r.get("mean_vendor") is not None or
            r.get("mean_customer") is not None]
    fig, ax = plt.subplots(figsize=(6.6, 0.36 * max(len(rows), 2) + 0.9))
    ordered = list(reversed(rows))
    joined = [(y, r["mean_customer"], r["mean_vendor"]) for y, r in enumerate(ordered)
              if r.get("mean_vendor") is not None and r.get("mean_customer") is not None]
    if joined:  # one collection per kind of mark: far fewer artists to draw
        ys, lows, highs = zip(*joined, strict=True)
        ax.hlines(ys, lows, highs, color=GRID, linewidth=3, zorder=1)
    for side, colour, marker, dy in (("customer", CUSTOMER, "o", -0.12),
                                     ("vendor", VENDOR, "D", 0.12)):
        marks = [(y + dy, r[f"mean_{side}"], _mean_ci(r[f"mean_{side}"], r.get(f"sd_{side}"),
                                                       r.get(f"n_{side}")))
                 for y, r in enumerate(ordered) if r.get(f"mean_{side}") is not None]
        if not marks:
            continue
        spans = [(y, ci) for y, _, ci in marks if ci]
        if spans:
            ax.hlines([y for y, _ in spans], [ci[0] for _, ci in spans],
                      [ci[1] for _, ci in spans], color=colour, linewidth=1, alpha=0.7)
        ax.scatter([m for _, m, _ in marks], [y for y, _, _ in marks], color=colour,
                   marker=marker, s=30, zorder=3)
    ax.set_yticks(range(len(rows)), [r["label"] for r in reversed(rows)])
    ax.set_xlim(low - 0.2, high + 0.2)
    ax.set_xticks(range(low, high + 1))
    ax.grid(axis="x", color=GRID, linewidth=0.6)
    ax.scatter([], [], color=VENDOR, marker="D", label=f"{vendor} staff (prediction)")
    ax.scatter([], [], color=CUSTOMER, marker="o", label=f"{account} (actual)")
    fig.legend(loc="outside upper center", ncol=2, frameon=False)
    ax.set_xlabel("Mean score (lines: approximate 95% range of each mean)")
    pairs = [r for r in rows if r.get("gap") is not None]
    higher = sum(1 for r in pairs if r["gap"] > 0)
    alt = (f"Dot chart of mean scores on a {low} to {high} scale for {len(rows)} dimensions. "
           f"{vendor}'s staff predict a higher score than {account} gives on {higher} of "
           f"{len(pairs)}.")
    if pairs:
        top = max(pairs, key=lambda r: r["gap"])
        alt += (f" The widest gap is {top['label'].lower()}: {top['mean_vendor']:.1f} predicted "
                f"against {top['mean_customer']:.1f}.")
    return Chart(fig, alt)


def quadrant(rows: list[dict], agree: int, low: int, high: int) -> Chart:
    """Customer vs vendor score per dimension, lines at the analysis's agree value c*; each
    dimension drawn in the colour and shape of the quadrant the analysis gave it."""
    fig, ax = plt.subplots(figsize=(5.4, 4.4))
    ax.axvline(agree, color=INK, linewidth=0.7, linestyle=":", gid="agree-line-x")
    ax.axhline(agree, color=INK, linewidth=0.7, linestyle=":", gid="agree-line-y")
    ax.plot([low, high], [low, high], color=GRID, linestyle="--", linewidth=0.8,
            scalex=False, scaley=False)
    points, labels, chart_points = [], [], {}
    used = []
    for row in rows:
        v, c, category = row.get("mean_vendor"), row.get("mean_customer"), row.get("quadrant")
        if v is None or c is None or category not in QUADRANT_STYLE:
            continue
        colour, marker, _ = QUADRANT_STYLE[category]
        ax.scatter([c], [v], color=colour, marker=marker, s=34, zorder=3,
                   gid=f"point:{row['unit']}:{category.replace('_', '-')}")
        points.append((c, v))
        labels.append(row["label"])
        chart_points[row["unit"]] = category
        used.append(category)
    for category, (colour, marker, name) in QUADRANT_STYLE.items():
        if category in used:
            ax.scatter([], [], color=colour, marker=marker, label=name)
    if used:
        fig.legend(loc="outside upper center", ncol=4, frameon=False, fontsize=7.5,
                   handletextpad=0.2, columnspacing=0.8)
    # Zoom to the data and the agree lines (never past the scale) so close marks separate.
    values = [value for point in points for value in point] + [agree]
    start = max(low, np.floor(min(values) * 2) / 2 - 0.5)
    end = min(high, np.ceil(max(values) * 2) / 2 + 0.5)
    ax.set_xlim(start, end)
    ax.set_ylim(start, end)
    ax.set_aspect("equal")
    ax.set_xticks(range(int(np.ceil(start)), int(end) + 1))
    ax.set_yticks(range(int(np.ceil(start)), int(end) + 1))
    ax.set_xlabel(f"Customers' score (dotted line: agree, {agree} and above)")
    ax.set_ylabel("Vendor staff's prediction")
    place_labels(fig, ax, points, labels)
    groups: dict[str, list[str]] = {}
    for row in rows:
        if row.get("unit") in chart_points:
            groups.setdefault(chart_points[row["unit"]], []).append(row["label"].lower())
    alt = "Scatter chart of customers' scores against vendor staff's predictions. " + " ".join(
        f"{_plural_name(QUADRANT_STYLE[q][2], len(names))}: {', '.join(names)}."
        for q, names in groups.items())
    return Chart(fig, alt, chart_points)


def _plural_name(name: str, count: int) -> str:
    if count == 1:
        return name
    return name + ("es" if name.endswith("s") else "s")


def heatmap(accounts: list[str], dimensions: list[str], gaps: np.ndarray) -> Chart:
    """Accounts × dimensions, coloured by gap (vendor − customer); blank where not computable."""
    height = 0.26 * max(len(accounts), 3) + 1.4
    fig, ax = plt.subplots(figsize=(7.0, height))
    finite = np.isfinite(gaps)
    limit = max(1.0, float(np.nanmax(np.abs(gaps))) if finite.any() else 1.0)
    image = ax.imshow(np.ma.masked_invalid(gaps), cmap="PuOr_r", vmin=-limit, vmax=limit,
                      aspect="auto")
    ax.set_xticks(range(len(dimensions)), dimensions, rotation=35, ha="right")
    ax.set_yticks(range(len(accounts)), accounts)
    for (i, j), value in np.ndenumerate(gaps):
        if np.isfinite(value):
            ax.text(j, i, f"{value:+.1f}".replace("-", "−"), ha="center", va="center",
                    fontsize=6.5, color="white" if abs(value) > limit * 0.6 else INK)
    fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02, label="Gap (vendor − customer)")
    ax.spines[:].set_visible(False)
    alt = f"Heat map of the gap for {len(accounts)} accounts and {len(dimensions)} dimensions."
    if finite.any():
        i, j = np.unravel_index(np.nanargmax(gaps), gaps.shape)
        alt += (f" The largest is {accounts[i]} on {dimensions[j].lower()} "
                f"({gaps[i, j]:+.1f}); {int((gaps[finite] > 0).sum())} of {int(finite.sum())} "
                "cells show the vendor's staff more positive than the customer.")
    return Chart(fig, alt)


def priority_matrix(rows: list[dict]) -> Chart:
    """Importance against performance (both 0–1), crosshairs at the means the analysis used."""
    points = [r for r in rows if r.get("importance") is not None
              and r.get("performance") is not None]
    fig, ax = plt.subplots(figsize=(5.2, 3.6))
    xy, labels = [], []
    if points:
        i_mean = float(np.mean([p["importance"] for p in points]))
        p_mean = float(np.mean([p["performance"] for p in points]))
        ax.axvline(p_mean, color=GRID)
        ax.axhline(i_mean, color=GRID)
        for p in points:
            focus = p.get("quadrant") == codes.CONCENTRATE_HERE
            ax.scatter([p["performance"]], [p["importance"]], s=26, zorder=3,
                       color=CONCENTRATE if focus else INK, marker="v" if focus else "o")
            xy.append((p["performance"], p["importance"]))
            labels.append(p["label"])
        ax.text(0.02, 0.98, "Concentrate here", transform=ax.transAxes, va="top",
                color=CONCENTRATE)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("Performance (customers, 0–1)")
    ax.set_ylabel("Importance (0–1)")
    place_labels(fig, ax, xy, labels)
    focus = [p["label"].lower() for p in points if p.get("quadrant") == codes.CONCENTRATE_HERE]
    alt = ("Importance against performance for each dimension. " +
           (f"Concentrate here (important, performing below average): {', '.join(focus)}."
            if focus else "No dimension is both above-average in importance and below-average "
                          "in performance."))
    return Chart(fig, alt)
