"""The Findings tab: the live check against the assessment's framework.

Each entry says what is wrong (or satisfied), where, and which commitment it
comes from; Enter or a double click jumps to the field and highlights it.
Validation problems of single values (a required field left empty, a level
not on the ladder) are listed with them, since a person fixes both in the same
place.
"""

from __future__ import annotations


from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractScrollArea, QSizePolicy,
    QComboBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QStyle, QStyledItemDelegate,
    QStyleOptionViewItem, QVBoxLayout, QWidget,
)

from app.session.analysis import Analysis, Listed
from app.session.labels import address_label
from app.ui.analysis_text import STATUS_LABELS, SEVERITY_NAMES, analysis_summary
from app.ui.regime_matrix import RegimeMatrix
from app.ui.workspace import Workspace

SEVERITY_STYLE = {
    "violation": ("Violation", QColor("#c4320a")),
    "missing_evidence": ("Missing", QColor("#b54708")),
    "invalid": ("Value", QColor("#b54708")),
    "warning": ("Warning", QColor("#a15c07")),
    "satisfied": ("Met", QColor("#067647")),
}
SEVERITY_ORDER = {"violation": 0, "missing_evidence": 1, "invalid": 2, "warning": 3, "satisfied": 4}
_ENTRY_ROLE = Qt.ItemDataRole.UserRole


Entry = Listed
"""One line of the list (``app.session.analysis.Listed``: built on the worker thread with the check)."""


class EntryDelegate(QStyledItemDelegate):
    """Two lines per entry: a severity pill and the message, then where and why."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        entry: Entry = index.data(_ENTRY_ROLE)
        metrics = QFontMetrics(option.font)
        view = option.widget
        width = max(200, (view.viewport().width() if isinstance(view, QAbstractScrollArea) else 320) - 24)
        pill = metrics.horizontalAdvance("Violation") + 22
        text_rect = metrics.boundingRect(QRect(0, 0, width - pill, 2000),
                                         Qt.TextFlag.TextWordWrap, entry.message if entry else "")
        return QSize(width, text_rect.height() + metrics.height() + 20)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        entry: Entry = index.data(_ENTRY_ROLE)
        if entry is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        rect = option.rect.adjusted(4, 2, -4, -2)
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(option.palette.color(QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(rect, 5, 5)
        label, colour = SEVERITY_STYLE.get(entry.severity, (entry.severity, QColor("#475467")))
        small = QFont(option.font)
        small.setPointSizeF(max(7.0, option.font.pointSizeF() - 1.5))
        small.setWeight(QFont.Weight.Bold)
        small_metrics = QFontMetrics(small)
        pill_width = QFontMetrics(small).horizontalAdvance("Violation") + 14
        pill = QRect(rect.left() + 6, rect.top() + 6, pill_width, small_metrics.height() + 4)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#ffffff") if selected else colour)
        painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
        painter.setFont(small)
        painter.setPen(colour if selected else QColor("#ffffff"))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, label)
        text_colour = option.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        metrics = QFontMetrics(option.font)
        left = pill.right() + 10
        message_rect = QRect(left, rect.top() + 5, rect.right() - left - 6, rect.height())
        painter.setFont(option.font)
        painter.setPen(text_colour)
        bounds = painter.boundingRect(message_rect, Qt.TextFlag.TextWordWrap, entry.message)
        painter.drawText(message_rect, Qt.TextFlag.TextWordWrap, entry.message)
        muted = QColor(text_colour)
        muted.setAlpha(160)
        painter.setPen(muted)
        painter.setFont(option.font)
        detail = entry.where + (f"  ·  {entry.source}" if entry.source else "")
        detail_rect = QRect(left, bounds.bottom() + 2, message_rect.width(), metrics.height())
        painter.drawText(detail_rect, Qt.AlignmentFlag.AlignLeft,
                         metrics.elidedText(detail, Qt.TextElideMode.ElideRight, detail_rect.width()))
        painter.restore()


class FindingsPanel(QWidget):
    go_to = Signal(str)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self._entries: list[Entry] = []
        self._listing_key: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.summary = QLabel("No assessment open.")
        self.summary.setObjectName("panelSummary")
        self.summary.setWordWrap(True)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.summary)
        self.matrix = RegimeMatrix()
        self.matrix.setVisible(False)
        self.matrix.chosen.connect(self._choose_regime)
        layout.addWidget(self.matrix)
        self._regimes: dict[str, object] = {}
        self._regime_filter: tuple[str, str] | None = None
        row = QHBoxLayout()
        show = QLabel("S&how:")
        self.filter = QComboBox()
        self.filter.addItem("Open findings", "open")
        self.filter.addItem("Everything, satisfied rules included", "all")
        self.filter.setAccessibleName("Which findings to show")
        show.setBuddy(self.filter)
        row.addWidget(show)
        row.addWidget(self.filter, 1)
        layout.addLayout(row)
        self.list = QListWidget()
        self.list.setObjectName("findingsList")
        self.list.setAccessibleName("Findings")
        self.list.setItemDelegate(EntryDelegate(self.list))
        self.list.setWordWrap(True)
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.list.setUniformItemSizes(False)
        self.list.setLayoutMode(QListWidget.LayoutMode.Batched)  # hundreds of findings lay out in steps
        self.list.setBatchSize(40)
        layout.addWidget(self.list, 1)
        self.empty = QLabel()
        self.empty.setObjectName("emptyNote")
        self.empty.setWordWrap(True)
        self.empty.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.empty)
        layout.addStretch(0)
        self.list.itemActivated.connect(self._activate)
        self.list.itemDoubleClicked.connect(self._activate)
        self.filter.currentIndexChanged.connect(lambda _i: self._fill())

    def show_analysis(self, analysis: Analysis | None) -> None:
        session = self.workspace.session
        if analysis is None or session is None:
            self._entries = []
            self._listing_key = None
            self.summary.setText("No assessment open.")
            self._fill()
            return
        regimes = list(getattr(analysis, "regimes", []) or [])
        self._regimes = {row.id: row for row in regimes}
        self.matrix.show_rows(regimes)
        if self._regime_filter and self._regime_filter[0] not in self._regimes:
            self._regime_filter = None
        chosen = self._regimes.get(self._regime_filter[0]) if self._regime_filter else None
        listing_key = analysis.listing_key if chosen is None else None
        if listing_key is not None and listing_key == self._listing_key:
            entries = self._entries  # the usual case while typing: the same list, nothing to redraw
        elif chosen is None and analysis.listing is not None:
            entries = list(analysis.listing)  # worked out with the check, off the GUI thread
        else:
            findings = list(chosen.findings) if chosen is not None else analysis.findings  # type: ignore[attr-defined]
            entries = self._entries_for(findings, session.forms)
            for problem in analysis.problems if chosen is None else ():
                where = address_label(problem.address, session.forms, with_stage=False)
                entries.append(Entry("invalid", problem.message[:1].upper() + problem.message[1:],
                                     problem.address, where))
            entries.sort(key=lambda e: SEVERITY_ORDER.get(e.severity, 9))
        framework = session.framework()
        shown = analysis.shown  # worked out with the check, off the GUI thread
        summary: str = shown["summary"] if shown and shown.get("framework") == framework else analysis_summary(
            analysis, framework)
        if len(regimes) > 1:
            worst = next((s for s in ("non_compliant", "incomplete") if any(r.status == s for r in regimes)),
                         "compliant")
            summary += (f"<br>Across {len(regimes)} regimes: <b>{STATUS_LABELS[worst]}</b>. Choose a cell to "
                        f"list the findings behind it.")
        if chosen is not None:
            kind = self._regime_filter[1] if self._regime_filter else ""
            what = SEVERITY_NAMES.get(kind, ("findings", "findings"))[1] if kind else "open findings"
            summary += (f"<br>Showing <b>{chosen.name}</b>: {what}. Choose the same cell again "  # type: ignore[attr-defined]
                        f"to go back.")
        self.summary.setText(summary)
        self._listing_key = listing_key
        if entries is self._entries or entries == self._entries:
            return  # the usual case while typing: nothing to redraw
        self._entries = entries
        self._fill()

    @staticmethod
    def _entries_for(findings: list, forms) -> list[Entry]:  # type: ignore[no-untyped-def, type-arg]
        entries: list[Entry] = []
        for finding in findings:
            citation = getattr(finding, "citation", None)
            source = ""
            if citation is not None:
                source = getattr(citation, "label", "") or " ".join(
                    p for p in (getattr(citation, "source_title", ""), getattr(citation, "section", "")) if p)
            title = getattr(finding, "rule_title", "") or getattr(finding, "rule_id", "")
            where = address_label(finding.address, forms, with_stage=False)
            entries.append(Entry(finding.severity, finding.message, finding.address,
                                 f"{where}  ·  {title}" if title else where, source))
        return entries

    def _choose_regime(self, regime_id: str, severity: str) -> None:
        """List the findings behind a matrix cell; the same cell again goes back to the usual list."""
        wanted = (regime_id, severity)
        self._regime_filter = None if self._regime_filter == wanted else wanted
        analysis = getattr(self.workspace.analysis, "latest", None) if self.workspace.analysis else None
        if analysis is not None:
            self.show_analysis(analysis)
        self._refilter()

    def _refilter(self) -> None:
        session = self.workspace.session
        if session is None:
            return
        chosen = self._regimes.get(self._regime_filter[0]) if self._regime_filter else None
        if chosen is not None:
            self._entries = sorted(self._entries_for(list(chosen.findings), session.forms),  # type: ignore[attr-defined]
                                   key=lambda e: SEVERITY_ORDER.get(e.severity, 9))
        self._fill()

    def _fill(self) -> None:
        wanted = self.filter.currentData()
        severity = self._regime_filter[1] if self._regime_filter else ""
        self.list.setUpdatesEnabled(False)
        self.list.clear()
        for entry in self._entries:
            if severity and entry.severity != severity:
                continue
            if wanted == "open" and entry.severity == "satisfied" and severity != "satisfied":
                continue
            item = QListWidgetItem()
            item.setData(_ENTRY_ROLE, entry)
            item.setData(Qt.ItemDataRole.AccessibleTextRole,
                         f"{SEVERITY_STYLE.get(entry.severity, (entry.severity,))[0]}: {entry.message} "
                         f"({entry.where})")
            item.setToolTip(f"{entry.message}\n{entry.where}\n{entry.source}".strip())
            self.list.addItem(item)
        self.list.setUpdatesEnabled(True)
        shown = self.list.count()
        self.empty.setVisible(shown == 0)
        self.list.setVisible(shown > 0)
        if not shown:
            satisfied = sum(1 for e in self._entries if e.severity == "satisfied")
            self.empty.setText("Nothing open. " + (f"All {satisfied} rules checked are met; choose "
                                                   f"“Everything” to see them." if satisfied else ""))

    def focus_target(self) -> QWidget:
        return self.list

    def _activate(self, item: QListWidgetItem) -> None:
        entry: Entry = item.data(_ENTRY_ROLE)
        self.go_to.emit(entry.address)

    def entries(self) -> list[Entry]:
        return list(self._entries)
