"""The dock's tabs — Findings, Flags, Preview, History — built from the workspace, not the window.

Each panel gets the ``Workspace`` (the open session, its analysis and flags)
and signals what it wants done (go to an address); the window connects those
signals. The heavy panels (the PDF view) are built when their tab is first
shown, and the History tab can be added a moment after start-up
(``add_history``), so the first paint waits for neither.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.ui.findings_panel import FindingsPanel
from app.ui.workspace import Workspace

if TYPE_CHECKING:
    from app.ui.history_panel import HistoryPanel

PANEL_NAMES = ("findings", "flags", "preview", "history")
"""Tab names for ``show``, ``riskwright open --panel`` and the Go menu, in tab order."""


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


class DockPanels(QTabWidget):
    """The tab widget in the Checks dock."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setObjectName("panels")
        self.setAccessibleName("Findings, flags and preview")
        self.setDocumentMode(True)
        self.findings = FindingsPanel(workspace)
        self.addTab(self.findings, "Findings")
        workspace.analysed.connect(self.findings.show_analysis)
        workspace.opened.connect(lambda session: self.findings.show_analysis(None) if session is None else None)
        self.lazy = {"flags": LazyPanel(self._build_flags), "preview": LazyPanel(self._build_preview)}
        self.addTab(self.lazy["flags"], "Flags")
        self.addTab(self.lazy["preview"], "Preview")
        self.history: HistoryPanel | None = None
        self.flag_go_to: list[Callable[..., object]] = []
        """Where the Flags panel's *Go to* goes (the window adds its ``go_to``)."""
        self.currentChanged.connect(self._shown)

    def _shown(self, index: int) -> None:
        page = self.widget(index)
        if isinstance(page, LazyPanel):
            page.ensure()

    def _build_flags(self) -> QWidget:
        from app.ui.flags_panel import FlagsPanel
        flags = FlagsPanel(self.workspace)
        for target in self.flag_go_to:
            flags.go_to.connect(target)
        self.workspace.flags_changed.connect(flags.refresh)
        self.workspace.opened.connect(lambda _session: flags.refresh())
        flags.refresh()
        return flags

    def _build_preview(self) -> QWidget:
        from app.ui.preview_panel import PreviewPanel
        return PreviewPanel(self.workspace)

    def add_history(self) -> HistoryPanel:
        """The History tab (once); it reads the audit trail and loads the signing code."""
        if self.history is None:
            from app.ui.history_panel import HistoryPanel
            self.history = HistoryPanel(self.workspace)
            self.addTab(self.history, "History")
        return self.history

    @property
    def flags_panel(self) -> Any:
        return self.lazy["flags"].ensure()

    @property
    def preview_panel(self) -> Any:
        return self.lazy["preview"].ensure()

    def bring_forward(self, name: str) -> bool:
        """Bring a tab forward by name and focus it; False for an unknown (or not yet built) tab."""
        if name not in PANEL_NAMES or PANEL_NAMES.index(name) >= self.count():
            return False
        self.setCurrentIndex(PANEL_NAMES.index(name))
        widget = self.currentWidget()
        focus = getattr(widget, "focus_target", None)
        (focus() if callable(focus) else widget).setFocus()
        return True
