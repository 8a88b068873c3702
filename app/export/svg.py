"""reportlab drawings as compact SVG for the HTML and Markdown reports.

reportlab's own SVG renderer writes placeholder ``<title>``/``<desc>``
elements, a clip path with a fixed id (two charts in one page would share
it), namespace URLs and long space-separated coordinate lists. This writer
handles exactly the shapes ``app.export.chart_drawing`` uses and emits
nothing else: no ids, no comments, no metadata, coordinates rounded and
separated by commas (so a run of numbers cannot read as a phone number to
the output leak scanner), text as ``<text>`` so it stays searchable.
"""

from __future__ import annotations

from html import escape
from collections.abc import Iterator

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Polygon, Rect, String
from reportlab.lib.colors import Color

from app.export.fonts import CSS_STACK


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _hex(colour: Color) -> str:
    red, green, blue = (round(c * 255) for c in (colour.red, colour.green, colour.blue))
    return f"#{red:02x}{green:02x}{blue:02x}"


def _alpha(colour: Color | None) -> float | None:
    alpha = getattr(colour, "alpha", None)
    return None if alpha is None or alpha >= 1 else float(alpha)


def _fill_stroke(shape: object, fill: bool = True) -> str:
    parts = []
    if fill:
        colour = getattr(shape, "fillColor", None)
        parts.append(f'fill="{_hex(colour)}"' if colour is not None else 'fill="none"')
        if (alpha := _alpha(colour)) is not None:
            parts.append(f'fill-opacity="{alpha:.2f}"')
    stroke = getattr(shape, "strokeColor", None)
    width = getattr(shape, "strokeWidth", 1) or 0
    if stroke is not None and width:
        parts.append(f'stroke="{_hex(stroke)}" stroke-width="{_n(width)}"')
        if (alpha := _alpha(stroke)) is not None:
            parts.append(f'stroke-opacity="{alpha:.2f}"')
        dash = getattr(shape, "strokeDashArray", None)
        if dash:
            parts.append(f'stroke-dasharray="{",".join(_n(d) for d in dash)}"')
    return " ".join(parts)


def _shapes(node: object, height: float) -> Iterator[str]:
    if isinstance(node, (Group, Drawing)):
        for child in node.contents:
            yield from _shapes(child, height)
    elif isinstance(node, Rect):
        yield (f'<rect x="{_n(node.x)}" y="{_n(height - node.y - node.height)}" width="{_n(node.width)}" '
               f'height="{_n(node.height)}" {_fill_stroke(node)}/>')
    elif isinstance(node, Circle):
        yield f'<circle cx="{_n(node.cx)}" cy="{_n(height - node.cy)}" r="{_n(node.r)}" {_fill_stroke(node)}/>'
    elif isinstance(node, Line):
        yield (f'<line x1="{_n(node.x1)}" y1="{_n(height - node.y1)}" x2="{_n(node.x2)}" '
               f'y2="{_n(height - node.y2)}" {_fill_stroke(node, fill=False)}/>')
    elif isinstance(node, Polygon):
        points = node.points
        coordinates = ",".join(f"{_n(points[i])},{_n(height - points[i + 1])}" for i in range(0, len(points), 2))
        yield f'<polygon points="{coordinates}" {_fill_stroke(node)}/>'
    elif isinstance(node, String):
        anchor = {"start": "start", "middle": "middle", "end": "end"}.get(node.textAnchor, "start")
        weight = ' font-weight="bold"' if "Bold" in node.fontName else ""
        yield (f'<text x="{_n(node.x)}" y="{_n(height - node.y)}" font-size="{_n(node.fontSize)}"{weight} '
               f'text-anchor="{anchor}" fill="{_hex(node.fillColor)}">{escape(node.text.strip(), quote=False)}</text>')
    else:  # pragma: no cover - chart_drawing only uses the shapes above
        raise TypeError(f"no SVG for {type(node).__name__}")


def drawing_svg(drawing: Drawing) -> str:
    """One ``<svg>`` element (the chart's title and caption are visible text beside it)."""
    width, height = drawing.width, drawing.height
    body = "\n".join(_shapes(drawing, height))  # one element per line: extracted text never runs together
    return (f'<svg viewBox="0,0,{_n(width)},{_n(height)}" width="{_n(width)}" height="{_n(height)}" '
            f'role="img" font-family="{escape(CSS_STACK)}">{body}</svg>')
