"""Draw chart specs as reportlab vector drawings (PDF directly, SVG via renderSVG).

One drawing per chart serves every format, so the PDF and the HTML show the
same picture. Everything is drawn with plain shapes and strings in the
embedded font; nothing is rasterised, so the text of a chart stays text
(and stays visible to the output leak scan).
"""

from __future__ import annotations

import math
from datetime import date

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Polygon, Rect, String
from reportlab.lib.colors import Color, HexColor
from reportlab.pdfbase.pdfmetrics import stringWidth

from app.content.report_layout import ReportStyles
from app.export.chart_registry import DRAWERS
from app.export.chart_registry import register_drawing as register_drawing  # quarterly_charts registers here
from app.export.charts import EvaluationSpec, ScorecardSpec, TimelineSpec, add_months
from app.export.fonts import SANS, SANS_BOLD, register_face
from app.export.report import Chart


def _c(hex_colour: str, alpha: float | None = None) -> Color:
    colour = HexColor(hex_colour)
    if alpha is not None:
        colour = Color(colour.red, colour.green, colour.blue, alpha)
    return colour


def _text(x: float, y: float, text: str, size: float, colour: str, anchor: str = "start",
          bold: bool = False) -> String:
    # Padded with spaces on the side(s) that do not move the anchor, so two labels drawn one after
    # the other never read as one word to a tool that joins a page's strings.
    padded = {"start": f"{text} ", "end": f" {text}", "middle": f" {text} "}[anchor]
    return String(x, y, padded, fontName=SANS_BOLD if bold else SANS, fontSize=size, fillColor=_c(colour),
                  textAnchor=anchor)


def _fit(text: str, size: float, width: float) -> str:
    if stringWidth(text, SANS, size) <= width:
        return text
    while text and stringWidth(text + "…", SANS, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


_DRAWERS = DRAWERS
"""Drawings of charts that live with their own section (``app.export.worst_case_chart``), registered in
``app.export.chart_registry`` (no reportlab there); ``register_drawing`` is that module's."""


def draw_chart(chart: Chart, width: float, styles: ReportStyles) -> Drawing:
    register_face(SANS)  # every label is drawn and measured in these two faces
    register_face(SANS_BOLD)
    spec = chart.spec
    if isinstance(spec, ScorecardSpec):
        return _scorecard(spec, width, styles)
    if isinstance(spec, EvaluationSpec):
        return _evaluations(spec, width, styles)
    if isinstance(spec, TimelineSpec):
        return _timeline(spec, width, styles)
    drawer = _DRAWERS.get(type(spec))
    if drawer is not None:
        return drawer(spec, width, styles)
    raise TypeError(f"no drawing for {type(spec).__name__}")


# -- scorecard ---------------------------------------------------------------
def _scorecard(spec: ScorecardSpec, width: float, styles: ReportStyles) -> Drawing:
    ink, muted, rule = styles.colours["ink"], styles.colours["muted"], styles.colours["rule"]
    label_width, row, top = 128.0, 24.0, 22.0
    height = top + row * len(spec.rows) + 26
    drawing = Drawing(width, height)
    cell = (width - label_width) / len(spec.levels)
    y0 = height - top
    for index, (label, colour) in enumerate(zip(spec.levels, spec.colours, strict=True)):
        x = label_width + index * cell
        drawing.add(_text(x + cell / 2, y0 + 7, label, 8.5, ink, "middle", bold=True))
        drawing.add(Rect(x + 1, y0 - row * len(spec.rows), cell - 2, row * len(spec.rows),
                         fillColor=_c(colour, 0.55), strokeColor=None))
    for index, (label, before, after) in enumerate(spec.rows):
        y = y0 - (index + 1) * row
        drawing.add(Line(0, y, width, y, strokeColor=_c(rule), strokeWidth=0.5))
        drawing.add(_text(4, y + row / 2 - 3, _fit(label, 8.5, label_width - 8), 8.5, ink))
        centre_y = y + row / 2
        xs = [label_width + (r + 0.5) * cell if r is not None else None for r in (before, after)]
        if xs[0] is not None and xs[1] is not None and abs(xs[0] - xs[1]) > 1:
            direction = 1 if xs[1] > xs[0] else -1
            end = xs[1] - direction * 7
            drawing.add(Line(xs[0] + direction * 6, centre_y, end, centre_y, strokeColor=_c(ink),
                             strokeWidth=1.1))
            drawing.add(Polygon([end, centre_y, end - direction * 5, centre_y + 3, end - direction * 5,
                                 centre_y - 3], fillColor=_c(ink), strokeColor=None))
        if xs[0] is not None:
            drawing.add(Circle(xs[0], centre_y, 5, fillColor=_c("#ffffff"), strokeColor=_c(ink),
                               strokeWidth=1.3))
        if xs[1] is not None:
            drawing.add(Circle(xs[1], centre_y, 4.2, fillColor=_c(ink), strokeColor=None))
    drawing.add(Line(0, y0, width, y0, strokeColor=_c(rule), strokeWidth=0.5))
    legend_y = 6
    drawing.add(Circle(label_width + 6, legend_y + 3, 4, fillColor=_c("#ffffff"), strokeColor=_c(ink),
                       strokeWidth=1.2))
    drawing.add(_text(label_width + 14, legend_y, "before mitigation", 7.5, muted))
    drawing.add(Circle(label_width + 104, legend_y + 3, 3.5, fillColor=_c(ink), strokeColor=None))
    drawing.add(_text(label_width + 112, legend_y, "after mitigation", 7.5, muted))
    return drawing


# -- evaluation scores -------------------------------------------------------
def _decade_label(exponent: int) -> str:
    return f"1e{exponent}"


def _evaluations(spec: EvaluationSpec, width: float, styles: ReportStyles) -> Drawing:
    """Small multiples, one panel per category: score / threshold against effective compute.

    Labels never sit inside a panel, where a confidence interval can cross them: each panel's
    title line carries its category and count, and one legend under the panels names the
    threshold line, the points and the checkpoint ticks.
    """
    ink, muted, rule = styles.colours["ink"], styles.colours["muted"], styles.colours["rule"]
    threshold_colour = styles.severities["violation"]
    per_row = min(len(spec.panels), 4) or 1
    rows = math.ceil(len(spec.panels) / per_row)
    panel_h, gap, axis_w, legend_h = 150.0, 14.0, 26.0, 16.0
    height = rows * (panel_h + 36) + 8 + legend_h
    drawing = Drawing(width, height)
    panel_w = (width - axis_w - gap * (per_row - 1)) / per_row
    spread_of = {id(panel): (min(0.16, 0.02 * len(panel.points)) if len(panel.points) > 1 else 0.0)
                 for panel in spec.panels}
    # The range covers every point as drawn (spread apart included), so none lands on a panel's edge.
    computes = [math.log10(p.compute) for panel in spec.panels for p in panel.points if p.compute > 0]
    low = min([math.log10(spec.compute_range[0]), *computes])
    high = max([math.log10(spec.compute_range[1]), *computes])
    if high - low < 0.6:
        middle = (low + high) / 2
        low, high = middle - 0.5, middle + 0.5
    margin = 0.12 + max(spread_of.values(), default=0.0) / 2
    low, high = low - margin, high + margin
    y_max = max([1.4] + [p.high or p.ratio for panel in spec.panels for p in panel.points])
    y_max = min(math.ceil(y_max * 1.08 * 2) / 2, 4.0)
    for index, panel in enumerate(spec.panels):
        row, column = divmod(index, per_row)
        left = axis_w + column * (panel_w + gap)
        bottom = height - (row + 1) * (panel_h + 36) + 24
        group = Group()

        def px(compute: float, left: float = left) -> float:
            return left + (math.log10(compute) - low) / (high - low) * panel_w

        def py(ratio: float, bottom: float = bottom) -> float:
            return bottom + max(0.0, min(ratio, y_max)) / y_max * panel_h

        group.add(Rect(left, bottom, panel_w, panel_h, fillColor=_c("#fbfcfd"), strokeColor=_c(rule),
                       strokeWidth=0.6))
        step = 0.5 if y_max <= 2 else 1.0
        tick = 0.0
        while tick <= y_max + 1e-9:
            y = py(tick)
            group.add(Line(left, y, left + panel_w, y, strokeColor=_c(rule), strokeWidth=0.3))
            if column == 0:
                group.add(_text(left - 4, y - 2.5, f"{tick:g}", 7, threshold_colour if tick == 1 else muted, "end",
                                bold=tick == 1))
            tick += step
        for exponent in range(math.ceil(low), math.floor(high) + 1):
            x = px(10.0 ** exponent)
            group.add(Line(x, bottom, x, bottom + panel_h, strokeColor=_c(rule), strokeWidth=0.3))
            group.add(_text(x, bottom - 10, _decade_label(exponent), 6.5, muted, "middle"))
        threshold_y = py(1.0)
        group.add(Line(left, threshold_y, left + panel_w, threshold_y, strokeColor=_c(threshold_colour),
                       strokeWidth=0.9, strokeDashArray=[3, 2]))
        for compute, evaluated in spec.checkpoints:
            x = px(compute)
            group.add(Line(x, bottom, x, bottom + 5, strokeColor=_c(ink if evaluated else muted),
                           strokeWidth=1.0 if evaluated else 0.5))
        count = len(panel.points)
        spread = spread_of[id(panel)]
        radius = 2.8 if count <= 20 else 1.8
        for order, point in enumerate(panel.points):
            offset = (order / (count - 1) - 0.5) * spread if count > 1 else 0.0
            x = px(point.compute * 10 ** offset)
            if point.low is not None and point.high is not None:
                group.add(Line(x, py(point.low), x, py(point.high), strokeColor=_c(panel.colour, 0.55),
                               strokeWidth=0.8))
            group.add(Circle(x, py(point.ratio), radius, fillColor=_c(panel.colour, 0.9),
                             strokeColor=_c("#ffffff"), strokeWidth=0.4))
        count_label = f"n = {count}"
        count_width = stringWidth(count_label, SANS, 6.5) + 6
        group.add(_text(left + panel_w - 1, bottom + panel_h + 6, count_label, 6.5, muted, "end"))
        group.add(_text(left + 2, bottom + panel_h + 6, _fit(panel.category, 8.5, panel_w - count_width - 4), 8.5,
                        ink, bold=True))
        drawing.add(group)
    axis_y = legend_h + 8
    drawing.add(_text(width / 2, axis_y, "effective training compute (FLOP, log scale)", 7, muted, "middle"))
    _evaluation_legend(drawing, axis_w, 3, ink, muted, threshold_colour)
    return drawing


def _evaluation_legend(drawing: Drawing, x: float, y: float, ink: str, muted: str, threshold_colour: str) -> None:
    """One line under the panels: what the dashed line, a point and a tick mean."""

    def label(at: float, text: str) -> float:
        drawing.add(_text(at, y, text, 7, muted))
        return at + stringWidth(text, SANS, 7) + 16

    drawing.add(Line(x, y + 2.5, x + 16, y + 2.5, strokeColor=_c(threshold_colour), strokeWidth=0.9,
                     strokeDashArray=[3, 2]))
    x = label(x + 20, "threshold")
    drawing.add(Line(x + 3, y - 2, x + 3, y + 7, strokeColor=_c(muted, 0.7), strokeWidth=0.8))
    drawing.add(Circle(x + 3, y + 2.5, 2.6, fillColor=_c(ink), strokeColor=None))
    x = label(x + 9, "score, with its confidence interval")
    drawing.add(Line(x + 1, y - 1, x + 1, y + 5, strokeColor=_c(ink), strokeWidth=1.0))
    drawing.add(Line(x + 5, y - 1, x + 5, y + 3, strokeColor=_c(muted), strokeWidth=0.5))
    label(x + 9, "training checkpoint (bold: evaluated)")


# -- re-assessment timeline ---------------------------------------------------
def _timeline(spec: TimelineSpec, width: float, styles: ReportStyles) -> Drawing:
    ink, muted, rule = styles.colours["ink"], styles.colours["muted"], styles.colours["rule"]
    height = 132.0
    left, right = 92.0, width - 10
    drawing = Drawing(width, height)
    first = spec.start.toordinal()
    last = max(spec.end.toordinal(), first + 30)

    def px(day: date) -> float:
        return left + (day.toordinal() - first) / (last - first) * (right - left)

    lanes = {"Cadence": 98.0, "Re-assessments": 72.0, "Updates": 48.0, "Incidents": 26.0}
    for label, y in lanes.items():
        drawing.add(_text(0, y - 3, label, 8, ink))
        drawing.add(Line(left, y, right, y, strokeColor=_c(rule), strokeWidth=0.5))
    kept, over = styles.statuses["compliant"], styles.statuses["non_compliant"]
    for begin, end, ok in spec.gaps:
        colour = kept if ok else over
        drawing.add(Rect(px(begin), lanes["Cadence"] - 4, max(px(end) - px(begin), 1.0), 8,
                         fillColor=_c(colour, 0.35 if ok else 0.55), strokeColor=_c(colour), strokeWidth=0.5))
        if not ok:
            due = add_months(begin, spec.interval_months)
            if spec.start <= due <= spec.end:
                drawing.add(Line(px(due), lanes["Cadence"] - 7, px(due), lanes["Cadence"] + 7,
                                 strokeColor=_c(over), strokeWidth=1.2))
    triggers = sorted({t for _, t in spec.reassessments})
    palette = styles.series
    for day, trigger in spec.reassessments:
        colour = palette[triggers.index(trigger) % len(palette)]
        drawing.add(Circle(px(day), lanes["Re-assessments"], 4, fillColor=_c(colour), strokeColor=_c("#ffffff"),
                           strokeWidth=0.6))
    for day, major in spec.updates:
        x, y = px(day), lanes["Updates"]
        drawing.add(Polygon([x, y + 5, x + 4.5, y, x, y - 5, x - 4.5, y],
                            fillColor=_c(ink) if major else _c("#ffffff"), strokeColor=_c(ink), strokeWidth=0.9))
    for day in spec.incidents:
        x, y = px(day), lanes["Incidents"]
        drawing.add(Polygon([x, y + 5, x + 5, y - 4, x - 5, y - 4], fillColor=_c(over), strokeColor=None))
    # Month ticks, labelled every few months so labels never collide.
    span_months = (spec.end.year - spec.start.year) * 12 + spec.end.month - spec.start.month + 1
    every = max(1, math.ceil(span_months / max(1, (right - left) / 48)))
    cursor = date(spec.start.year, spec.start.month, 1)
    index = 0
    while cursor <= spec.end:
        if cursor >= spec.start:
            x = px(cursor)
            drawing.add(Line(x, 16, x, 110, strokeColor=_c(rule), strokeWidth=0.25))
            if index % every == 0:
                drawing.add(_text(x, 6, cursor.strftime("%Y-%m"), 6.5, muted, "middle"))
        index += 1
        cursor = add_months(cursor, 1)
    legend_x = left
    for trigger in triggers:
        colour = palette[triggers.index(trigger) % len(palette)]
        drawing.add(Circle(legend_x + 4, 121, 3.5, fillColor=_c(colour), strokeColor=None))
        drawing.add(_text(legend_x + 10, 118.5, trigger, 7, muted))
        legend_x += 18 + len(trigger) * 4.2
    return drawing


# -- SVG ----------------------------------------------------------------------
def chart_svg(chart: Chart, width: float, styles: ReportStyles) -> str:
    """The chart as one inline ``<svg>`` element (see ``app.export.svg``)."""
    from app.export.svg import drawing_svg
    return drawing_svg(draw_chart(chart, width, styles))
