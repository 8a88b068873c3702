"""The dock's tabs (Findings, Flags, Preview) and the export dialog, wired to the window.

Kept apart from ``window`` so the window module stays about layout and
editing; each panel module is imported when the window is built, the heavy
ones (the PDF view) only when their tab is first opened.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.ui.findings_panel import FindingsPanel

if TYPE_CHECKING:
    from app.ui.window import MainWindow


class LazyPanel(QWidget):
    """A tab whose panel is built the first time it is shown or asked for."""

    def __init__(self, build: Callable[[], QWidget]) -> None:
        super().__init__()
        self._build = build
        self.panel: Any = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def ensure(self) -> Any:
        if self.panel is None:
            self.panel = self._build()
            self.layout().addWidget(self.panel)  # type: ignore[union-attr]
        return self.panel

    def focus_target(self) -> QWidget:
        panel = self.ensure()
        target = getattr(panel, "focus_target", None)
        return target() if callable(target) else panel


def _flags_panel(window: MainWindow) -> QWidget:
    from app.ui.flags_panel import FlagsPanel
    flags = FlagsPanel(window)
    flags.go_to.connect(window.go_to)
    window.flags_changed.connect(flags.refresh)
    window.assessment_opened.connect(lambda _session: flags.refresh())
    flags.refresh()
    return flags


def _preview_panel(window: MainWindow) -> QWidget:
    from app.ui.preview_panel import PreviewPanel
    return PreviewPanel(window)


def install_panels(window: MainWindow) -> None:
    findings = FindingsPanel(lambda: window.session)
    findings.go_to.connect(window.go_to)
    window.findings_panel = findings  # type: ignore[attr-defined]
    window.panels.addTab(findings, "Findings")
    window.analysis_ready.connect(findings.show_analysis)
    window.assessment_opened.connect(lambda session: findings.show_analysis(None) if session is None else None)

    # Flags and Preview are built when first shown: start-up paints only what is visible.
    window.lazy_panels = {"flags": LazyPanel(lambda: _flags_panel(window)),  # type: ignore[attr-defined]
                          "preview": LazyPanel(lambda: _preview_panel(window))}
    window.panels.addTab(window.lazy_panels["flags"], "Flags")  # type: ignore[attr-defined]
    window.panels.addTab(window.lazy_panels["preview"], "Preview")  # type: ignore[attr-defined]

    def shown(index: int) -> None:
        page = window.panels.widget(index)
        if isinstance(page, LazyPanel):
            page.ensure()
    window.panels.currentChanged.connect(shown)

    window.panel_actions = []  # type: ignore[attr-defined]
    for number, (index, name) in enumerate(((0, "Fi&ndings"), (1, "F&lags"), (2, "Pre&view")), start=3):
        action = QAction(name, window)
        action.setShortcut(QKeySequence(f"Ctrl+{number}"))
        action.triggered.connect(lambda _checked=False, i=index: _show_tab(window, i))
        window.addAction(action)
        window.panel_actions.append(action)  # type: ignore[attr-defined]

    # The History tab, revision status and Sign off… (app.ui.history_panel, issue 7) read the
    # audit trail and load the signing code. When the app starts it is worth having them a
    # moment after the window appears rather than before; a window built for a test or a
    # dialog gets them at once.
    if window.defer_secondary:
        window.after_first_paint(lambda: _install_accountability(window, announce=True))
    else:
        _install_accountability(window, announce=False)


def _install_accountability(window: MainWindow, announce: bool) -> None:
    from app.ui.history_panel import install_accountability
    install_accountability(window)
    if hasattr(window, "file_menu"):  # installed after the menus were built: add its actions to them
        window.add_late_actions()
    if announce and window.session is not None:
        window.assessment_opened.emit(window.session)


PANEL_NAMES = ("findings", "flags", "preview")


def show_panel(window: MainWindow, name: str) -> None:
    if name in PANEL_NAMES:
        _show_tab(window, PANEL_NAMES.index(name))


def _show_tab(window: MainWindow, index: int) -> None:
    window.dock.show()
    window.panels.setCurrentIndex(index)
    widget = window.panels.currentWidget()
    focus = getattr(widget, "focus_target", None)
    (focus() if callable(focus) else widget).setFocus()


def open_export_dialog(window: MainWindow) -> None:
    """Show the (modeless) export dialog, creating it once per window."""
    from app.ui.export_dialog import ExportDialog
    dialog = getattr(window, "export_dialog", None)
    if dialog is None:
        dialog = ExportDialog(window)
        window.export_dialog = dialog  # type: ignore[attr-defined]
    dialog._suggest_path()
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
