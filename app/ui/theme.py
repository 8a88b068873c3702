"""The look: Fusion, a light or dark palette following the system, and the stylesheet in ``resources/qss``.

The stylesheet is written once, in light colours; ``resources/qss/dark-colours.yaml``
maps each of them to its dark counterpart, so the two schemes cannot drift apart.
The system's choice (``QStyleHints.colorScheme``) is followed at start and when it
changes; ``RISKWRIGHT_SCHEME=dark|light`` overrides it (screenshots, testing).
"""

from __future__ import annotations

import os
import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from app.content.locate import content_path

LIGHT_PALETTE = {"Window": "#f4f5f7", "Base": "#ffffff", "AlternateBase": "#f8f9fb", "Text": "#101828",
                 "WindowText": "#101828", "Button": "#ffffff", "ButtonText": "#344054", "Highlight": "#2e6bd6",
                 "HighlightedText": "#ffffff", "PlaceholderText": "#98a2b3", "ToolTipBase": "#101828",
                 "ToolTipText": "#ffffff", "BrightText": "#ffffff", "Link": "#1d4ed8"}
DARK_PALETTE = {"Window": "#16191e", "Base": "#1e2229", "AlternateBase": "#232830", "Text": "#e6e8eb",
                "WindowText": "#e6e8eb", "Button": "#262b33", "ButtonText": "#cdd2d9", "Highlight": "#3f7ee8",
                "HighlightedText": "#ffffff", "PlaceholderText": "#6f7885", "ToolTipBase": "#e6e8eb",
                "ToolTipText": "#101828", "BrightText": "#ffffff", "Link": "#7aa7ff"}


def wants_dark(app: QGuiApplication) -> bool:
    chosen = os.environ.get("RISKWRIGHT_SCHEME", "").lower()
    if chosen in ("dark", "light"):
        return chosen == "dark"
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def dark_colours() -> dict[str, str]:
    import yaml
    path = content_path("resources", "qss", "dark-colours.yaml")
    mapping = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return {str(k).lower(): str(v) for k, v in (mapping or {}).items()}


def stylesheet(dark: bool) -> str:
    sheet = content_path("resources", "qss", "riskwright.qss")
    if not sheet.is_file():
        return ""
    text = sheet.read_text(encoding="utf-8").replace("{icons}", content_path("resources", "icons").as_posix())
    if dark:
        mapping = dark_colours()
        # White text on a coloured button or selection stays white; white backgrounds turn dark.
        text = re.sub(r"(?<![-\w])color:\s*#ffffff", "color: WHITE", text, flags=re.IGNORECASE)
        text = re.sub(r"#[0-9a-fA-F]{6}\b", lambda m: mapping.get(m.group(0).lower(), m.group(0)), text)
        text = text.replace("color: WHITE", "color: #ffffff")
    return text


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    _apply_scheme(app)
    icon = content_path("resources", "icons") / "riskwright.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    if not app.property("riskwright_follows_scheme"):
        app.setProperty("riskwright_follows_scheme", True)
        app.styleHints().colorSchemeChanged.connect(lambda _scheme: _apply_scheme(app))


def _apply_scheme(app: QApplication) -> None:
    dark = wants_dark(app)
    palette = app.palette()
    for role, colour in (DARK_PALETTE if dark else LIGHT_PALETTE).items():
        palette.setColor(getattr(QPalette.ColorRole, role), QColor(colour))
    app.setPalette(palette)
    app.setProperty("riskwright_dark", dark)
    app.setStyleSheet(stylesheet(dark))
