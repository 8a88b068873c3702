"""Charts as PNG images, for formats that cannot hold vector drawings (DOCX).

Word processors accept PNG everywhere, SVG only in recent versions. This
draws the same reportlab drawing that the PDF and HTML use (from
``app.export.chart_drawing``) with Pillow, in the bundled DejaVu fonts, at
twice the target size and then scaled down, so edges are smooth. Only the
shapes the chart module uses are supported (as in ``app.export.svg``).

A picture's text cannot be searched, so the writer puts every string drawn
here into the picture's alt text (``chart_strings``): the output leak scan
reads that, and a screen reader user gets the same words. The PNG carries no
text chunks, no time stamp and no colour profile — nothing but pixels —
and the same drawing always gives the same bytes.
"""

from __future__ import annotations

import io
from functools import cache

from PIL import Image, ImageDraw, ImageFont
from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Polygon, Rect, String
from reportlab.lib.colors import Color

from app.content.locate import content_path

SCALE = 4.0
"""Pixels per point while drawing (2x the 144 dpi the image is stored at, for smooth edges)."""
STORED = 2.0
"""Pixels per point in the stored image (144 dpi)."""
PAD = 6.0
"""Points of white space added above the drawing: its top labels' ascenders reach past its box."""


@cache
def _font(bold: bool, size_px: int) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(content_path("resources", "fonts", name)), size_px)


def _rgba(colour: Color | None) -> tuple[int, int, int, int] | None:
    if colour is None:
        return None
    alpha = getattr(colour, "alpha", None)
    alpha = 1.0 if alpha is None else float(alpha)
    return (round(colour.red * 255), round(colour.green * 255), round(colour.blue * 255), round(alpha * 255))


def _walk(node: object) -> list[object]:
    if isinstance(node, (Group, Drawing)):
        found: list[object] = []
        for child in node.contents:
            found.extend(_walk(child))
        return found
    return [node]


def chart_strings(drawing: Drawing) -> list[str]:
    """Every string the drawing shows, in drawing order (for alt text)."""
    return [shape.text.strip() for shape in _walk(drawing) if isinstance(shape, String) and shape.text.strip()]


def drawing_png(drawing: Drawing) -> tuple[bytes, int, int]:
    """(PNG bytes, width in pixels, height in pixels) at 144 dpi."""
    width, height = float(drawing.width), float(drawing.height) + PAD
    big = Image.new("RGBA", (round(width * SCALE), round(height * SCALE)), (255, 255, 255, 255))
    for shape in _walk(drawing):
        layer = Image.new("RGBA", big.size, (0, 0, 0, 0))
        _draw(ImageDraw.Draw(layer), shape, height)
        big = Image.alpha_composite(big, layer)
    size = (round(width * STORED), round(height * STORED))
    small = big.resize(size, Image.Resampling.LANCZOS).convert("RGB")
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=False, compress_level=9)
    return out.getvalue(), size[0], size[1]


def _xy(x: float, y: float, height: float) -> tuple[float, float]:
    return x * SCALE, (height - y) * SCALE


def _stroke(shape: object) -> tuple[tuple[int, int, int, int] | None, int]:
    colour = _rgba(getattr(shape, "strokeColor", None))
    width = float(getattr(shape, "strokeWidth", 1) or 0)
    return (colour, max(1, round(width * SCALE))) if colour is not None and width else (None, 0)


def _draw(canvas: ImageDraw.ImageDraw, shape: object, height: float) -> None:
    if isinstance(shape, Rect):
        x0, y1 = _xy(shape.x, shape.y, height)
        x1, y0 = _xy(shape.x + shape.width, shape.y + shape.height, height)
        outline, width = _stroke(shape)
        canvas.rectangle((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)),
                         fill=_rgba(shape.fillColor), outline=outline, width=width)
    elif isinstance(shape, Circle):
        cx, cy = _xy(shape.cx, shape.cy, height)
        r = shape.r * SCALE
        outline, width = _stroke(shape)
        canvas.ellipse((cx - r, cy - r, cx + r, cy + r), fill=_rgba(shape.fillColor), outline=outline, width=width)
    elif isinstance(shape, Line):
        colour, width = _stroke(shape)
        if colour is None:
            return
        start, end = _xy(shape.x1, shape.y1, height), _xy(shape.x2, shape.y2, height)
        dash = getattr(shape, "strokeDashArray", None)
        if dash:
            _dashed(canvas, start, end, [d * SCALE for d in dash], colour, width)
        else:
            canvas.line((start, end), fill=colour, width=width)
    elif isinstance(shape, Polygon):
        points = [_xy(shape.points[i], shape.points[i + 1], height) for i in range(0, len(shape.points), 2)]
        outline, width = _stroke(shape)
        canvas.polygon(points, fill=_rgba(shape.fillColor), outline=outline, width=width)
    elif isinstance(shape, String):
        text = shape.text.strip()
        if not text:
            return
        font = _font("Bold" in shape.fontName, max(1, round(shape.fontSize * SCALE)))
        x, y = _xy(shape.x, shape.y, height)
        anchor = {"start": "ls", "middle": "ms", "end": "rs"}.get(shape.textAnchor, "ls")
        canvas.text((x, y), text, font=font, fill=_rgba(shape.fillColor) or (0, 0, 0, 255), anchor=anchor)
    else:  # pragma: no cover - chart_drawing only uses the shapes above
        raise TypeError(f"no raster drawing for {type(shape).__name__}")


def _dashed(canvas: ImageDraw.ImageDraw, start: tuple[float, float], end: tuple[float, float],
            pattern: list[float], colour: tuple[int, int, int, int], width: int) -> None:
    (x0, y0), (x1, y1) = start, end
    length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
    if length == 0 or not any(pattern):
        return
    dx, dy = (x1 - x0) / length, (y1 - y0) / length
    at, index, drawn = 0.0, 0, True
    while at < length:
        step = pattern[index % len(pattern)] or 1.0
        stop = min(length, at + step)
        if drawn:
            canvas.line(((x0 + dx * at, y0 + dy * at), (x0 + dx * stop, y0 + dy * stop)), fill=colour, width=width)
        at, index, drawn = stop, index + 1, not drawn
