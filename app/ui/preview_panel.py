"""The Preview tab: the public or internal PDF, exactly as File › Export would write it.

Refreshed on demand (rendering a report takes a moment; a busy bar shows it, and
Cancel abandons it — nothing is written, the result is dropped). Opening another
file clears the preview at once, and re-renders it when the tab is in view, so
it never shows one file's report under another's name. The report is written
by the same pipeline as an export, into a private temporary folder, read into
memory and deleted at once, so an internal report with hazardous passages does
not linger on disk. The PDF view (QtPdf) is loaded when the tab is first used.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy, QVBoxLayout, QWidget,
)

from app.model.outputs import AUDIENCES
from app.session import offload
from app.ui.workspace import Workspace


class PreviewPanel(QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.view: Any = None
        self.document: Any = None
        self._buffer: QBuffer | None = None
        self.rendering = False
        self.pages = 0
        self._generation = 0
        """Bumped by a new file or a cancel: a render started under an older number is dropped."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        bar = QHBoxLayout()
        label = QLabel("Au&dience:")
        self.audience = QComboBox()
        self.audience.setAccessibleName("Preview audience")
        for audience in AUDIENCES:
            self.audience.addItem(audience.capitalize(), audience)
        label.setBuddy(self.audience)
        self.refresh_button = QPushButton("Re&fresh preview")
        self.refresh_button.setObjectName("primaryButton")
        self.refresh_button.clicked.connect(self.refresh)
        bar.addWidget(label)
        bar.addWidget(self.audience)
        bar.addWidget(self.refresh_button)
        self.cancel_button = QPushButton("&Cancel")
        self.cancel_button.setToolTip("Stop waiting for this preview (nothing is written)")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        bar.addWidget(self.cancel_button)
        bar.addStretch(1)
        self.zoom_out = QPushButton("−")
        self.zoom_out.setAccessibleName("Zoom out")
        self.zoom_out.setToolTip("Zoom out (Ctrl+-)")
        self.zoom_in = QPushButton("+")
        self.zoom_in.setAccessibleName("Zoom in")
        self.zoom_in.setToolTip("Zoom in (Ctrl++)")
        self.zoom_fit = QPushButton("Fit &width")
        self.zoom_fit.setToolTip("Fit the page to the panel's width (Ctrl+0)")
        for button, step in ((self.zoom_out, 1 / 1.25), (self.zoom_in, 1.25), (self.zoom_fit, 0.0)):
            button.setEnabled(False)
            button.clicked.connect(lambda _checked=False, s=step: self.zoom(s))
            bar.addWidget(button)
        for keys, step in ((QKeySequence.StandardKey.ZoomIn, 1.25), (QKeySequence.StandardKey.ZoomOut, 1 / 1.25),
                           (QKeySequence("Ctrl+0"), 0.0)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(lambda s=step: self.zoom(s))
        layout.addLayout(bar)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # a render reports no steps: a moving bar says it is working
        self.busy.setMaximumHeight(6)
        self.busy.setTextVisible(False)
        self.busy.setAccessibleName("Rendering the preview")
        self.busy.hide()
        layout.addWidget(self.busy)
        self.status = QLabel("Press Refresh preview to render the report as it would be exported.")
        self.status.setObjectName("panelSummary")
        self.status.setWordWrap(True)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.status)
        self.holder = QVBoxLayout()
        layout.addLayout(self.holder, 1)
        self.holder.addStretch(1)
        workspace.opened.connect(self._other_file)

    def _other_file(self, session: Any) -> None:
        """Another file (or none): drop the last file's report at once; render the new one if in view."""
        self._generation += 1
        self._stop_busy()
        if self.document is not None:
            self.document.close()
        self.pages = 0
        for button in (self.zoom_out, self.zoom_in, self.zoom_fit):
            button.setEnabled(False)
        if session is None:
            self.status.setText("No assessment open.")
            return
        self.status.setText("Press Refresh preview to render the report as it would be exported.")
        if self.isVisible():
            self.refresh()

    def cancel(self) -> None:
        """Stop waiting: the render finishes in its worker and its result is dropped."""
        if not self.rendering:
            return
        self._generation += 1
        self._stop_busy()
        self.status.setText("Preview cancelled. Press Refresh preview to render it again.")

    def _stop_busy(self) -> None:
        self.rendering = False
        self.refresh_button.setEnabled(True)
        self.cancel_button.hide()
        self.busy.hide()

    def zoom(self, step: float) -> None:
        """Zoom the page by ``step`` (0 fits the width again)."""
        if self.view is None or not self.pages:
            return
        from PySide6.QtPdfWidgets import QPdfView
        if step == 0.0:
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            return
        factor = self.view.zoomFactor()
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.25, min(6.0, factor * step)))

    def focus_target(self) -> QWidget:
        return self.refresh_button

    def _ensure_view(self) -> None:
        if self.view is not None:
            return
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPdfWidgets import QPdfView
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setAccessibleName("Report preview")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        while self.holder.count():
            self.holder.takeAt(0)
        self.holder.addWidget(self.view, 1)

    def refresh(self) -> None:
        session = self.workspace.session
        if session is None or self.rendering:
            return
        session.flush()
        watch = self.workspace.flag_watch
        if watch is not None:
            watch.settle()
        self.rendering = True
        self.refresh_button.setEnabled(False)
        self.cancel_button.show()
        self.busy.show()
        audience = self.audience.currentData()
        self.status.setText(f"Rendering the {audience} report of {session.path.name}…")
        path = session.path
        generation = self._generation
        self.workspace.jobs.start(lambda _progress: offload.run(offload.render_preview, path, audience),
                                  lambda outcome: self._rendered(outcome, generation),
                                  lambda message: self._failed(message, generation))

    def _rendered(self, outcome: tuple[str, Any], generation: int | None = None) -> None:
        if generation is not None and generation != self._generation:
            return  # another file was opened, or the person cancelled
        self._stop_busy()
        kind, payload = outcome
        if kind != "done":
            message = payload[1] if kind == "refused" else payload
            self.status.setText(f"No preview: {message}".replace("\n", " "))
            return
        data, exported = payload
        self._ensure_view()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(buffer)
        if self._buffer is not None:
            self._buffer.deleteLater()
        self._buffer = buffer
        self.pages = self.document.pageCount()
        for button in (self.zoom_out, self.zoom_in, self.zoom_fit):
            button.setEnabled(bool(self.pages))
        self.status.setText(f"{exported.audience.capitalize()} report, {self.pages} page"
                            f"{'s' if self.pages != 1 else ''}, as it would be exported now.")

    def _failed(self, message: str, generation: int | None = None) -> None:
        if generation is not None and generation != self._generation:
            return
        self._stop_busy()
        self.status.setText(f"The preview failed: {message}")
