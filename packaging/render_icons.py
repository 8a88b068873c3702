"""Render the app icon's PNG sizes from its SVG (run after changing the SVG, then commit the PNGs).

    QT_QPA_PLATFORM=offscreen python packaging/render_icons.py

Qt's own SVG renderer is used so no extra tool (rsvg-convert, Inkscape) is needed, and the PNGs
look like what Qt draws for the scalable icon.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICON_NAME = "org.riskwright.Riskwright"
HICOLOR = Path(__file__).resolve().parent / "icons" / "hicolor"
SOURCE = HICOLOR / "scalable" / "apps" / f"{ICON_NAME}.svg"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def render_image(size: int):
    """The icon drawn at ``size`` x ``size`` pixels, as a QImage (needs a Qt GUI application)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"{SOURCE}: Qt cannot read this SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def png_path(size: int) -> Path:
    return HICOLOR / f"{size}x{size}" / "apps" / f"{ICON_NAME}.png"


def render(sizes: tuple[int, ...] = SIZES) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    written = []
    for size in sizes:
        target = png_path(size)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not render_image(size).save(str(target), "PNG"):
            raise SystemExit(f"{target}: could not write the PNG")
        written.append(target)
    return written


if __name__ == "__main__":
    for path in render():
        print(path)
