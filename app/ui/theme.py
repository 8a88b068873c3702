"""The look: Fusion with a light palette and the stylesheet in ``resources/qss``."""

from __future__ import annotations

from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from app.content.locate import content_path


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = app.palette()
    for role, colour in ((QPalette.ColorRole.Window, "#f4f5f7"), (QPalette.ColorRole.Base, "#ffffff"),
                         (QPalette.ColorRole.AlternateBase, "#f8f9fb"), (QPalette.ColorRole.Text, "#101828"),
                         (QPalette.ColorRole.WindowText, "#101828"), (QPalette.ColorRole.Button, "#ffffff"),
                         (QPalette.ColorRole.ButtonText, "#344054"), (QPalette.ColorRole.Highlight, "#2e6bd6"),
                         (QPalette.ColorRole.HighlightedText, "#ffffff"),
                         (QPalette.ColorRole.PlaceholderText, "#98a2b3"),
                         (QPalette.ColorRole.ToolTipBase, "#101828"), (QPalette.ColorRole.ToolTipText, "#ffffff")):
        palette.setColor(role, QColor(colour))
    app.setPalette(palette)
    icons = content_path("resources", "icons")
    icon = icons / "riskwright.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    sheet = content_path("resources", "qss", "riskwright.qss")
    if sheet.is_file():
        app.setStyleSheet(sheet.read_text(encoding="utf-8").replace("{icons}", icons.as_posix()))
