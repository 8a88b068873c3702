"""The quarterly update's two trend charts, drawn like the assessment report's (plain vector shapes).

``ScoreTrendSpec``: rubric scores over quarters, one line per model.
``LevelComputeSpec``: the highest level reached against effective compute, one point per model.
Each spec draws itself (``drawing``) and is registered with ``app.export.chart_drawing`` on import.
"""

from __future__ import annotations

import math

from reportlab.graphics.shapes import Circle, Drawing, Line, Rect
from reportlab.pdfbase.pdfmetrics import stringWidth

from app.content.report_layout import ReportStyles
from app.export.chart_drawing import _c, _fit, _text, register_drawing
from app.export.fonts import SANS, register_fonts
from app.model.fast_dataclass import dataclass

_SERIES = ("#2e6bd6", "#c2410c", "#15803d", "#7c3aed", "#b91c1c", "#0e7490", "#a16207", "#be185d")
_LABELLED_POINTS = 15
"""Above this many models, points are not named (the table beside the chart names them)."""


@dataclass(frozen=True)
class ScoreTrendSpec:
    quarters: tuple[str, ...]
    series: tuple[tuple[str, tuple[tuple[int, float], ...]], ...]
    """(model name, ((quarter index, score), ...))."""

    def drawing(self, width: float, styles: ReportStyles) -> Drawing:
        register_fonts()
        ink, muted, rule = styles.colours["ink"], styles.colours["muted"], styles.colours["rule"]
        legend_rows = math.ceil(min(len(self.series), 12) / 3)
        height = 170.0 + 12 * legend_rows
        left, right, bottom, top = 30.0, width - 12, 24.0 + 12 * legend_rows, height - 10
        drawing = Drawing(width, height)
        drawing.add(Rect(left, bottom, right - left, top - bottom, fillColor=_c("#fbfcfd"), strokeColor=_c(rule),
                         strokeWidth=0.6))
        steps = max(len(self.quarters) - 1, 1)

        def px(index: float) -> float:
            return left + 14 + index / steps * (right - left - 28)

        def py(score: float) -> float:
            return bottom + max(0.0, min(score, 100.0)) / 100.0 * (top - bottom)

        for tick in range(0, 101, 25):
            drawing.add(Line(left, py(tick), right, py(tick), strokeColor=_c(rule), strokeWidth=0.3))
            drawing.add(_text(left - 4, py(tick) - 2.5, str(tick), 7, muted, "end"))
        for index, label in enumerate(self.quarters):
            drawing.add(_text(px(index), bottom - 10, label, 7, muted, "middle"))
        for number, (name, points) in enumerate(self.series):
            colour = _SERIES[number % len(_SERIES)]
            for (a, first), (b, second) in zip(points, points[1:], strict=False):
                drawing.add(Line(px(a), py(first), px(b), py(second), strokeColor=_c(colour, 0.85), strokeWidth=1.2))
            for index, score in points:
                drawing.add(Circle(px(index), py(score), 2.4, fillColor=_c(colour), strokeColor=_c("#ffffff"),
                                   strokeWidth=0.4))
            if number < 12:
                row, column = divmod(number, 3)
                x, y = left + column * (right - left) / 3, 4 + 12 * (legend_rows - 1 - row)
                drawing.add(Rect(x, y, 8, 6, fillColor=_c(colour), strokeColor=None))
                drawing.add(_text(x + 11, y, _fit(name, 7, (right - left) / 3 - 16), 7, ink))
        if len(self.series) > 12:
            drawing.add(_text(right, 4, f"and {len(self.series) - 12} more (see the table)", 7, muted, "end"))
        return drawing


@dataclass(frozen=True)
class LevelComputeSpec:
    points: tuple[tuple[str, float, float], ...]
    """(model name, effective compute in FLOP, highest level as a fraction of its ladder)."""

    def drawing(self, width: float, styles: ReportStyles) -> Drawing:
        register_fonts()
        ink, muted, rule = styles.colours["ink"], styles.colours["muted"], styles.colours["rule"]
        height = 190.0
        left, right, bottom, top = 64.0, width - 12, 26.0, height - 10
        drawing = Drawing(width, height)
        drawing.add(Rect(left, bottom, right - left, top - bottom, fillColor=_c("#fbfcfd"), strokeColor=_c(rule),
                         strokeWidth=0.6))
        exponents = [math.log10(compute) for _name, compute, _rank in self.points if compute > 0]
        low, high = (min(exponents), max(exponents)) if exponents else (24.0, 26.0)
        if high - low < 1.0:
            low, high = (low + high) / 2 - 0.5, (low + high) / 2 + 0.5
        low, high = low - 0.15, high + 0.15

        def px(compute: float) -> float:
            return left + (math.log10(compute) - low) / (high - low) * (right - left)

        def py(rank: float) -> float:
            return bottom + 8 + rank * (top - bottom - 16)

        for rank, label in ((0.0, "lowest"), (0.5, "middle"), (1.0, "highest")):
            drawing.add(Line(left, py(rank), right, py(rank), strokeColor=_c(rule), strokeWidth=0.3))
            drawing.add(_text(left - 4, py(rank) - 2.5, label, 7, muted, "end"))
        for exponent in range(math.ceil(low), math.floor(high) + 1):
            x = px(10.0 ** exponent)
            drawing.add(Line(x, bottom, x, top, strokeColor=_c(rule), strokeWidth=0.3))
            drawing.add(_text(x, bottom - 10, f"1e{exponent}", 6.5, muted, "middle"))
        placed: list[tuple[float, float, float, float]] = []
        for number, (name, compute, rank) in enumerate(self.points):
            if compute <= 0:
                continue
            colour = _SERIES[number % len(_SERIES)]
            x, y = px(compute), py(rank)
            drawing.add(Circle(x, y, 3.0, fillColor=_c(colour, 0.9), strokeColor=_c("#ffffff"), strokeWidth=0.4))
            if len(self.points) <= _LABELLED_POINTS:
                self._label(drawing, placed, (x, y), _fit(name, 6.5, 110), (left, right, bottom, top), ink, colour)
        drawing.add(_text((left + right) / 2, 2, "effective training compute (FLOP, log scale)", 7, muted, "middle"))
        return drawing

    @staticmethod
    def _label(drawing: Drawing, placed: list[tuple[float, float, float, float]], point: tuple[float, float],
               name: str, frame: tuple[float, float, float, float], ink: str, colour: str) -> None:
        """Name a point where no earlier name stands: beside it, else a line or more above or below it with a
        leader line back to it; a point whose name fits nowhere stays unnamed rather than overprinted."""
        x, y = point
        left, right, bottom, top = frame
        anchor = "end" if x > (left + right) / 2 else "start"
        width = stringWidth(name, SANS, 6.5) + 2
        x0 = x - 5 - width if anchor == "end" else x + 5
        for lift in (0, 8, -8, 16, -16, 24, -24, 32, -32):
            base = y + 3 + lift
            box = (x0, base - 1.5, x0 + width, base + 6.5)
            if box[1] < bottom + 1 or box[3] > top - 1:
                continue
            if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
                continue
            placed.append(box)
            if lift:
                edge = x0 + width if anchor == "end" else x0
                drawing.add(Line(x, y, edge, base + 2, strokeColor=_c(colour, 0.7), strokeWidth=0.4))
            drawing.add(_text(x + (-5 if anchor == "end" else 5), base, name, 6.5, ink, anchor))
            return


register_drawing(ScoreTrendSpec, lambda spec, width, styles: spec.drawing(width, styles))
register_drawing(LevelComputeSpec, lambda spec, width, styles: spec.drawing(width, styles))
