"""Direct labels for scatter charts, placed so that no two labels overlap.

Each label tries positions around its point, nearest first, then further out with a leader
line; the first position that overlaps no placed label, no other point and stays inside the
axes wins. Deterministic and fast: each label's size is measured once and candidate boxes are
computed arithmetically, unlike iterative repulsion.
"""

from __future__ import annotations

from matplotlib.transforms import Bbox

POINT_RADIUS = 4  # display pixels kept clear around every marker
# (dx, dy) offsets in points and alignment; rings further out get a leader line.
RING = [(6, 0, "left", "center"), (-6, 0, "right", "center"), (0, 7, "center", "bottom"),
        (0, -7, "center", "top"), (6, 6, "left", "bottom"), (-6, 6, "right", "bottom"),
        (6, -6, "left", "top"), (-6, -6, "right", "top")]
FAR = [1.0, 2.2, 3.4, 4.6, 6.0]
LEADER = {"arrowstyle": "-", "color": "#5b6472", "linewidth": 0.6, "shrinkA": 1, "shrinkB": 2}


def _overlaps(box: Bbox, others: list[Bbox]) -> float:
    total = 0.0
    for other in others:
        width = min(box.x1, other.x1) - max(box.x0, other.x0)
        height = min(box.y1, other.y1) - max(box.y0, other.y0)
        if width > 0 and height > 0:
            total += width * height
    return total


def _box(x: float, y: float, width: float, height: float, ha: str, va: str) -> Bbox:
    left = {"left": x, "right": x - width, "center": x - width / 2}[ha]
    bottom = {"bottom": y, "top": y - height, "center": y - height / 2}[va]
    return Bbox.from_bounds(left, bottom, width, height)


def place_labels(fig, ax, points: list[tuple[float, float]], labels: list[str],
                 fontsize: float = 7.5) -> list[Bbox]:
    """Annotate each point with its label without overlaps; returns the labels' boxes."""
    if not points:
        return []
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)  # place in the final layout, then keep it: no second solve
        fig.set_layout_engine("none")
    ax.apply_aspect()  # an equal-aspect axes shrinks only when drawn: shrink it now
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    pixels_per_point = fig.dpi / 72
    centres = [ax.transData.transform(p) for p in points]
    markers = [Bbox.from_extents(x - POINT_RADIUS, y - POINT_RADIUS, x + POINT_RADIUS,
                                 y + POINT_RADIUS) for x, y in centres]
    placed: list[Bbox] = []
    order = sorted(range(len(points)), key=lambda i: (-centres[i][1], centres[i][0]))
    for i in order:
        probe = ax.text(0, 0, labels[i], fontsize=fontsize)
        size = probe.get_window_extent(renderer)
        probe.remove()
        others = [m for j, m in enumerate(markers) if j != i]
        best = None
        for scale in FAR:
            for dx, dy, ha, va in RING:
                x = centres[i][0] + dx * scale * pixels_per_point
                y = centres[i][1] + dy * scale * pixels_per_point
                box = _box(x, y, size.width, size.height, ha, va)
                inside = (box.x0 >= frame.x0 and box.x1 <= frame.x1 and box.y0 >= frame.y0
                          and box.y1 <= frame.y1)
                cost = _overlaps(box, placed) + _overlaps(box, others) + (0 if inside else 1e6)
                if best is None or cost < best[0]:
                    best = (cost, box, (dx * scale, dy * scale), ha, va, scale)
                if cost == 0:
                    break
            if best[0] == 0:
                break
        _, box, offset, ha, va, scale = best
        note = ax.annotate(labels[i], points[i], xytext=offset, textcoords="offset points",
                           ha=ha, va=va, fontsize=fontsize, annotation_clip=False,
                           arrowprops=LEADER if scale > 1.0 else None)
        note.set_in_layout(False)
        placed.append(box)
    return placed
