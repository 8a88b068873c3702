"""Draw the worst-case chart: one row per evaluation, every model against the threshold.

A forest plot. The horizontal axis is the score as a share of the
evaluation's threshold, so evaluations on different scales share one axis
and the threshold is one dashed line at 1.0. Each row shows up to four
models, a little apart vertically so their intervals never hide each other:
the released model (hollow), the fine-tuned worst case (filled, in the
strongest colour), the strongest open-weight model (square) and the lab's
closed frontier model (diamond). A short vertical tick marks the expert
baseline. Shapes differ as well as colours, so the chart reads in grey too.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from app.content.report_layout import ReportStyles
from app.export.chart_registry import register_drawing
from app.model.fast_dataclass import dataclass

if TYPE_CHECKING:
    from reportlab.graphics.shapes import Drawing

# reportlab (and ``app.export.chart_drawing``, built on it) is imported by the drawing functions only: the
# report model imports this module for the specs, and a JSON export draws nothing.


@dataclass(frozen=True)
class Estimate:
    series: str
    """``base``, ``ft``, ``open`` or ``closed``."""
    ratio: float
    """Score as a share of the evaluation's threshold (1.0 = threshold)."""
    low: float | None
    high: float | None


@dataclass(frozen=True)
class WorstCaseRow:
    evaluation: str
    category: str
    estimates: tuple[Estimate, ...]
    expert: float | None
    """The expert baseline as a share of the threshold."""


@dataclass(frozen=True)
class WorstCaseSpec:
    rows: tuple[WorstCaseRow, ...]
    series: tuple[tuple[str, str], ...]
    """(key, legend label) of the series in drawing order."""
    without_threshold: int = 0
    """Evaluations left out of the chart because no threshold is recorded (they stay in the table)."""


_OFFSETS = {"base": 7.5, "ft": 2.5, "open": -2.5, "closed": -7.5}


def _colours(styles: ReportStyles) -> dict[str, str]:
    series = styles.series
    return {"base": styles.colours["muted"], "ft": styles.severities["violation"],
            "open": series[0 % len(series)], "closed": series[2 % len(series)]}


def _marker(kind: str, x: float, y: float, colour: str) -> list:  # type: ignore[type-arg]
    from reportlab.graphics.shapes import Circle, Polygon, Rect

    from app.export.chart_drawing import _c
    if kind == "base":
        return [Circle(x, y, 3.2, fillColor=_c("#ffffff"), strokeColor=_c(colour), strokeWidth=1.1)]
    if kind == "ft":
        return [Circle(x, y, 3.4, fillColor=_c(colour), strokeColor=_c("#ffffff"), strokeWidth=0.5)]
    if kind == "open":
        return [Rect(x - 2.9, y - 2.9, 5.8, 5.8, fillColor=_c(colour), strokeColor=None)]
    return [Polygon([x, y + 3.8, x + 3.8, y, x, y - 3.8, x - 3.8, y], fillColor=_c(colour), strokeColor=None)]


def draw_worst_case(spec: WorstCaseSpec, width: float, styles: ReportStyles) -> Drawing:
    from reportlab.graphics.shapes import Drawing, Line, Rect

    from app.export.chart_drawing import _c, _fit, _text
    ink, muted, rule = styles.colours["ink"], styles.colours["muted"], styles.colours["rule"]
    colours = _colours(styles)
    legend, lines = _legend_layout(spec, width)
    label_w, row_h, top, bottom_space = 150.0, 30.0, 8.0, 48.0 + 12.0 * (lines - 1)
    plot_left, plot_right = label_w + 6, width - 8
    height = top + row_h * len(spec.rows) + bottom_space
    drawing = Drawing(width, height)
    highest = max([1.25] + [e.high if e.high is not None else e.ratio for row in spec.rows for e in row.estimates]
                  + [row.expert for row in spec.rows if row.expert is not None])
    x_max = min(math.ceil(highest * 1.08 * 4) / 4, 4.0)

    def px(ratio: float) -> float:
        return plot_left + max(0.0, min(ratio, x_max)) / x_max * (plot_right - plot_left)

    plot_top = height - top
    plot_bottom = plot_top - row_h * len(spec.rows)
    drawing.add(Rect(plot_left, plot_bottom, plot_right - plot_left, plot_top - plot_bottom,
                     fillColor=_c("#fbfcfd"), strokeColor=_c(rule), strokeWidth=0.6))
    step = 0.25 if x_max <= 1.5 else (0.5 if x_max <= 3 else 1.0)
    tick = 0.0
    while tick <= x_max + 1e-9:
        x = px(tick)
        drawing.add(Line(x, plot_bottom, x, plot_top, strokeColor=_c(rule), strokeWidth=0.3))
        drawing.add(_text(x, plot_bottom - 10, f"{tick:g}", 7, muted, "middle"))
        tick += step
    threshold_colour = styles.severities["violation"]
    drawing.add(Line(px(1.0), plot_bottom, px(1.0), plot_top + 2, strokeColor=_c(threshold_colour),
                     strokeWidth=1.0, strokeDashArray=[3, 2]))
    drawing.add(_text(px(1.0), plot_bottom - 20, "threshold", 7, threshold_colour, "middle"))
    for index, row in enumerate(spec.rows):
        y_top = plot_top - index * row_h
        centre = y_top - row_h / 2
        if index:
            drawing.add(Line(0, y_top, plot_right, y_top, strokeColor=_c(rule), strokeWidth=0.4))
        drawing.add(_text(2, centre + 1.5, _fit(row.evaluation, 8, label_w - 6), 8, ink))
        drawing.add(_text(2, centre - 8.5, _fit(row.category, 6.8, label_w - 6), 6.8, muted))
        if row.expert is not None:
            x = px(row.expert)
            drawing.add(Line(x, centre - 11, x, centre + 11, strokeColor=_c(ink), strokeWidth=1.4))
        for estimate in row.estimates:
            y = centre + _OFFSETS.get(estimate.series, 0.0)
            colour = colours.get(estimate.series, ink)
            if estimate.low is not None and estimate.high is not None:
                drawing.add(Line(px(estimate.low), y, px(estimate.high), y, strokeColor=_c(colour, 0.75),
                                 strokeWidth=1.0))
            for shape in _marker(estimate.series, px(estimate.ratio), y, colour):
                drawing.add(shape)
    for key, label, x, line in legend:
        y = 6.0 + 12.0 * (lines - 1 - line)
        if key == "expert":
            drawing.add(Line(x + 4, y - 2, x + 4, y + 7, strokeColor=_c(ink), strokeWidth=1.4))
        else:
            for shape in _marker(key, x + 4, y + 2.5, colours.get(key, ink)):
                drawing.add(shape)
        drawing.add(_text(x + 10, y, label, 7, muted))
    drawing.add(_text(2, 18 + 12.0 * (lines - 1), "score as a share of the threshold", 7, muted))
    return drawing


def _legend_layout(spec: WorstCaseSpec, width: float) -> tuple[list[tuple[str, str, float, int]], int]:
    """Where each key item goes: (key, label, x, line), wrapped onto a second line when the picture is
    narrow (a DOCX page), and how many lines that takes."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from app.export.fonts import SANS
    placed: list[tuple[str, str, float, int]] = []
    x, line = 2.0, 0
    for key, label in [*spec.series, ("expert", "Expert baseline")]:
        item_width = 24 + stringWidth(label, SANS, 7)
        if x + item_width > width and x > 2.0:
            x, line = 2.0, line + 1
        placed.append((key, label, x, line))
        x += item_width
    return placed, line + 1


register_drawing(WorstCaseSpec, draw_worst_case)
