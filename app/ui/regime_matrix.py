"""The regime x status matrix at the top of the Findings tab.

Shown only when the assessment's header lists the regimes it answers to. One
row per regime, its result and the number of findings of each kind; choosing a
cell lists the findings behind it in the tab's list below (choosing it again,
or the result column of the primary framework, goes back to the usual list).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

COLUMNS = (("regime", "Regime"), ("status", "Result"), ("violation", "Viol."), ("missing_evidence", "Miss."),
           ("warning", "Warn."), ("satisfied", "Met"))
_COUNTS = 2
"""Index of the first count column."""
STATUS_TEXT = {"compliant": "Compliant", "non_compliant": "Non-compliant", "incomplete": "Incomplete",
               None: "Not checked"}
STATUS_COLOUR = {"compliant": "#067647", "non_compliant": "#c4320a", "incomplete": "#b54708", None: "#475467"}


class RegimeMatrix(QTableWidget):
    """Emits ``chosen(regime_id, severity)``; severity is ``""`` for the result column."""

    chosen = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setObjectName("regimeMatrix")
        self.setAccessibleName("Regimes by status")
        self.setHorizontalHeaderLabels([label for _, label in COLUMNS])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        header = self.horizontalHeader()
        header.setMinimumSectionSize(20)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        width = self.fontMetrics().horizontalAdvance
        self.setColumnWidth(1, width("Non-compliant") + 14)
        for column in range(_COUNTS, len(COLUMNS)):
            self.setColumnWidth(column, width("Warn.") + 12)
        for column, (_, label) in enumerate(COLUMNS):
            heading = self.horizontalHeaderItem(column)
            if heading is not None:
                heading.setToolTip({"Viol.": "Violations", "Miss.": "Missing evidence",
                                    "Warn.": "Warnings"}.get(label, label))
        self.verticalHeader().setVisible(False)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._ids: list[str] = []
        self._shown: tuple[Any, ...] | None = None
        """What the cells say (per row: id, name, status, error, counts), as last built."""
        self.cellActivated.connect(self._choose)
        self.cellClicked.connect(self._choose)

    def show_rows(self, rows: list) -> None:  # type: ignore[type-arg]
        """``rows``: ``app.session.regime_checks.RegimeRow`` in header order.

        After every check: what the cells say is compared first, and the table is built again only when
        it changed (nearly never while someone types)."""
        shown = tuple((row.id, row.name, row.status, row.error, tuple(row.count(s) for s, _ in COLUMNS[_COUNTS:]))
                      for row in rows)
        if shown == self._shown:
            return
        self._shown = shown
        self._ids = [row.id for row in rows]
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            name = QTableWidgetItem(row.id)
            name.setToolTip(f"{row.name} ({row.id})")
            self.setItem(r, 0, name)
            status = QTableWidgetItem(STATUS_TEXT.get(row.status, str(row.status)))
            status.setForeground(QColor(STATUS_COLOUR.get(row.status, "#475467")))
            status.setToolTip(row.error or f"{row.name}: {status.text()} (choose to list its open findings)")
            self.setItem(r, 1, status)
            for c, (severity, _) in enumerate(COLUMNS[_COUNTS:], start=_COUNTS):
                item = QTableWidgetItem(str(row.count(severity)))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                heading = self.horizontalHeaderItem(c)
                named = heading.toolTip().lower() if heading is not None else severity
                item.setToolTip(f"{row.name}: {row.count(severity)} {named} (choose to list them)")
                self.setItem(r, c, item)
        self.resizeRowsToContents()
        self.setVisible(bool(rows))
        height = self.horizontalHeader().sizeHint().height() + self.verticalHeader().length() + 2 * self.frameWidth()
        self.setFixedHeight(height if rows else 0)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._shown = None  # the rows' heights are fitted to the font: build them again next time
        super().changeEvent(event)

    def _choose(self, row: int, column: int) -> None:
        if 0 <= row < len(self._ids):
            self.chosen.emit(self._ids[row], COLUMNS[column][0] if column >= _COUNTS else "")
