"""The Preview tab: the public or internal PDF, exactly as File › Export would write it.

Refreshed on demand (rendering a report takes a moment). The report is written
by the same pipeline as an export, into a private temporary folder, read into
memory and deleted at once, so an internal report with hazardous passages does
not linger on disk. The PDF view (QtPdf) is loaded when the tab is first used.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtWidgets import QSizePolicy, QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

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
        bar.addStretch(1)
        layout.addLayout(bar)
        self.status = QLabel("Press Refresh preview to render the report as it would be exported.")
        self.status.setObjectName("panelSummary")
        self.status.setWordWrap(True)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.status)
        self.holder = QVBoxLayout()
        layout.addLayout(self.holder, 1)
        self.holder.addStretch(1)

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
        audience = self.audience.currentData()
        self.status.setText(f"Rendering the {audience} report…")
        path = session.path
        self.workspace.jobs.start(lambda _progress: offload.run(offload.render_preview, path, audience),
                             self._rendered, self._failed)

    def _rendered(self, outcome: tuple[str, Any]) -> None:
        self.rendering = False
        self.refresh_button.setEnabled(True)
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
        self.status.setText(f"{exported.audience.capitalize()} report, {self.pages} page"
                            f"{'s' if self.pages != 1 else ''}, as it would be exported now.")

    def _failed(self, message: str) -> None:
        self.rendering = False
        self.refresh_button.setEnabled(True)
        self.status.setText(f"The preview failed: {message}")
