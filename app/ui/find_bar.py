"""Find in assessment: every field and record, every stage, one list of hits."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget,
)

from app.model import Address
from app.model.passages import stored_offset
from app.model.values import format_value
from app.session.labels import address_label
from app.ui.passage_cells import cell_text
from app.ui.session import AssessmentSession
from app.ui.workspace import Workspace

MAX_HITS = 200
VISIBLE_HITS = 8


@dataclass(frozen=True)
class Hit:
    address: Address
    where: str
    snippet: str
    offset: int
    """Where the match starts in the stored text (which holds span tags the editors hide)."""
    length: int = -1
    """Its length in the stored text (-1: the query's)."""


def find_in(session: AssessmentSession, needle: str) -> list[Hit]:
    """Case-insensitive search of the stored text of every value."""
    needle = needle.strip().lower()
    if not needle:
        return []
    hits: list[Hit] = []
    forms = session.forms
    for address, value in session.document.addresses():
        if value.data is None:
            continue
        field_type = forms.field(address.field).type if forms.has_field(address.field) else "text"
        text = format_value(field_type, value.data)
        shown, passages = cell_text(text) if isinstance(value.data, str) else (text, ())
        at = shown.lower().find(needle)  # what people read: span tags are not words to find
        if at < 0:
            continue
        start = max(0, at - 40)
        snippet = ("…" if start else "") + shown[start:at + len(needle) + 60].replace("\n", " ")
        stored_at = stored_offset(passages, at, inside=True)
        stored_end = stored_offset(passages, at + len(needle), inside=True)
        hits.append(Hit(address, address_label(str(address), session.forms), snippet, stored_at,
                        stored_end - stored_at))
        if len(hits) >= MAX_HITS:
            break
    order = {stage: index for index, stage in enumerate(forms.stages)}
    hits.sort(key=lambda hit: (order.get(hit.address.stage, 99), str(hit.address)))
    return hits


class FindBar(QFrame):
    """A search field over a list of hits; Enter or a click jumps to the field."""

    go_to = Signal(object, int, int)
    """Address, offset and length of the match."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self.workspace = workspace
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        row = QHBoxLayout()
        label = QLabel("Fi&nd:")
        self.query = QLineEdit()
        self.query.setPlaceholderText("Search every field of every stage")
        self.query.setAccessibleName("Find in assessment")
        self.query.setClearButtonEnabled(True)
        label.setBuddy(self.query)
        self.summary = QLabel()
        self.summary.setObjectName("findSummary")
        close = QPushButton("Close")
        close.setAccessibleName("Close find")
        close.clicked.connect(self.hide)
        row.addWidget(label)
        row.addWidget(self.query, 1)
        row.addWidget(self.summary)
        row.addWidget(close)
        layout.addLayout(row)
        self.results = QListWidget()
        self.results.setAccessibleName("Find results")
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.results.setUniformItemSizes(True)
        self.results.hide()
        layout.addWidget(self.results)
        self.query.returnPressed.connect(self.search)
        self.results.itemActivated.connect(self._activate)
        self.results.itemClicked.connect(self._activate)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.hide)

    def open(self) -> None:
        self.show()
        self.query.setFocus()
        self.query.selectAll()

    def search(self) -> None:
        session = self.workspace.session
        if session is None:
            return
        session.flush()
        hits = find_in(session, self.query.text())
        self.results.clear()
        for hit in hits:
            item = QListWidgetItem(f"{hit.where}  —  {hit.snippet}")
            item.setData(Qt.ItemDataRole.UserRole, hit)
            self.results.addItem(item)
        count = len(hits)
        more = "+" if count >= MAX_HITS else ""
        self.summary.setText(f"{count}{more} match{'es' if count != 1 else ''}" if self.query.text().strip()
                             else "")
        self.results.setVisible(bool(hits))
        if hits:
            row_height = self.results.sizeHintForRow(0)
            self.results.setFixedHeight(min(len(hits), VISIBLE_HITS) * row_height + 2 * self.results.frameWidth() + 2)
            self.results.setCurrentRow(0)
            self.results.setFocus()

    def _activate(self, item: QListWidgetItem) -> None:
        hit: Hit = item.data(Qt.ItemDataRole.UserRole)
        self.go_to.emit(hit.address, hit.offset, hit.length if hit.length >= 0 else len(self.query.text().strip()))
