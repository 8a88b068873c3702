"""The Portfolio window: every assessment in a folder, one row per model, and every running deadline.

What ``riskwright portfolio`` prints, as a window a compliance lead keeps open:
a sortable, filterable table of models (sign-off, each regime's status, rubric
score, next re-assessment, open flags, deadlines), the running deadlines most
urgent first (overdue in the warning colour, due within a week in amber), and
the files that could not be read, each with its reason. Double-clicking a row
opens that assessment in the main window (at the field a deadline concerns).
The files are watched: when one changes (an assessor saves an edit), the
table is read again a moment later; unchanged files come from the digest cache.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel, QDate, QFileSystemWatcher, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt,
    QTimer, Signal,
)
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QDateEdit, QDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMainWindow,
    QPushButton, QSplitter, QTableView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from app.export.quarterly import Quarter
from app.portfolio import Clock, ModelRow, Portfolio
from app.session import offload
from app.session.portfolio import read_in_workers
from app.session.quarterly import export_quarterly_reporting
from app.ui.jobs import JobRunner
from app.ui.quarterly_dialog import QuarterlyDialog

OVERDUE = QColor("#fde2e1")
SOON = QColor("#fff1d6")
SOON_DAYS = 7
REFRESH_DELAY_MS = 800
"""How long after a file changes the portfolio is read again (an edit burst is one refresh)."""
_STATUS_WORDS = {"compliant": "compliant", "non_compliant": "non-compliant", "incomplete": "incomplete",
                 "unknown": "unknown framework"}
_STATUS_RANK = {"non_compliant": 0, "unknown": 1, "incomplete": 2, "compliant": 3}
COLUMNS = ("Model", "Sign-off", "Regimes", "Score", "Next re-assessment", "Open flags", "Deadlines")
OpenAssessment = Callable[[Path, str | None], Any]
"""Opens an assessment in the main window, optionally at a field address."""


def _urgency(clock: Clock | None) -> QColor | None:
    if clock is None:
        return None
    if clock.overdue:
        return OVERDUE
    return SOON if clock.days_left <= SOON_DAYS else None


def _most_urgent(row: ModelRow) -> Clock | None:
    return min(row.clocks, key=lambda clock: clock.due, default=None)


def _deadline_text(row: ModelRow) -> str:
    overdue = row.overdue
    if overdue:
        return f"{len(overdue)} overdue"
    first = _most_urgent(row)
    if first is None:
        return "none running"
    return "due today" if first.days_left == 0 else f"next in {first.days_left} days"


class PortfolioModel(QAbstractTableModel):
    """The rows of a ``Portfolio``; ``Qt.UserRole`` holds the value each column sorts by."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: tuple[ModelRow, ...] = ()

    def set_rows(self, rows: tuple[ModelRow, ...]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.UserRole:
            return self._sort_key(row, column)
        if role == Qt.ItemDataRole.BackgroundRole and column in (0, 6):
            colour = _urgency(_most_urgent(row))
            return None if colour is None else QBrush(colour)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 6 and row.clocks:
                return "\n".join(clock.describe() for clock in row.clocks)
            if column == 2:
                return "\n".join(f"{r.title}: {_STATUS_WORDS.get(r.status, r.status)}" for r in row.regimes)
            return str(row.path)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (3, 5):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _text(row: ModelRow, column: int) -> str:
        if column == 0:
            return f"{row.model} {row.version}".strip()
        if column == 1:
            return f"r{row.revision} {row.signoff_state}"
        if column == 2:
            return "; ".join(f"{r.framework_id}: {_STATUS_WORDS.get(r.status, r.status)}" for r in row.regimes) \
                or "no framework named"
        if column == 3:
            return "–" if row.rubric_score is None else f"{row.rubric_score:.0f}"
        if column == 4:
            due = row.next_reassessment
            return "–" if due is None else due.isoformat()
        if column == 5:
            return str(row.open_flags)
        return _deadline_text(row)

    @staticmethod
    def _sort_key(row: ModelRow, column: int) -> Any:
        if column == 0:
            return row.model.casefold()
        if column == 1:
            return (row.signoff_state, row.revision)
        if column == 2:
            return min((_STATUS_RANK.get(r.status, 1) for r in row.regimes), default=1)
        if column == 3:
            return -1.0 if row.rubric_score is None else row.rubric_score
        if column == 4:
            due = row.next_reassessment
            return "9999" if due is None else due.isoformat()
        if column == 5:
            return row.open_flags
        first = _most_urgent(row)
        return 10**6 if first is None else first.days_left


class PortfolioFilter(QSortFilterProxyModel):
    """Text in the model name or regimes, and optionally only rows that need attention."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.attention_only = False
        self.text = ""
        self.setSortRole(Qt.ItemDataRole.UserRole)

    def set_filter(self, text: str, attention_only: bool) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10 and newer
            self.beginFilterChange()
            self.text, self.attention_only = text.casefold().strip(), attention_only
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.text, self.attention_only = text.casefold().strip(), attention_only
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        model = self.sourceModel()
        assert isinstance(model, PortfolioModel)
        row = model.rows[source_row]
        if self.attention_only and not row.needs_attention:
            return False
        if not self.text:
            return True
        haystack = " ".join([row.model, row.version, row.path.name, *(r.framework_id for r in row.regimes),
                             *(r.title for r in row.regimes)]).casefold()
        return self.text in haystack


class PortfolioWindow(QMainWindow):
    """See the module docstring. ``places`` are folders or files; ``open_assessment`` opens one in the editor."""

    refreshed = Signal(object)
    """Emitted with the new ``Portfolio`` after each read (tests wait on it)."""
    exported = Signal(bool, str)
    """Emitted when a quarterly update was written (True) or refused (False), with the message shown."""

    def __init__(self, places: list[Path], open_assessment: OpenAssessment | None = None,
                 as_of: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.places = places
        self.open_assessment = open_assessment
        self.portfolio: Portfolio | None = None
        self.jobs = JobRunner(self)
        self._reading = False
        self._again = False
        self.setWindowTitle(f"Portfolio — {', '.join(p.name or str(p) for p in places)} — Riskwright")
        self.resize(1200, 760)
        self._build(as_of or date.today())
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(self._schedule_refresh)
        self.watcher.fileChanged.connect(self._schedule_refresh)
        self._timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.refresh()

    # -- layout --------------------------------------------------------------------------
    def _build(self, as_of: date) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        bar = QHBoxLayout()
        self.search = QLineEdit(placeholderText="Filter by model, file or regime")
        self.search.setAccessibleName("Filter models")
        self.search.setClearButtonEnabled(True)
        self.attention = QCheckBox("&Only what needs attention")
        self.as_of = QDateEdit(QDate(as_of.year, as_of.month, as_of.day))
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.as_of.setAccessibleName("Deadlines as of")
        as_of_label = QLabel("Deadlines &as of:")
        as_of_label.setBuddy(self.as_of)
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setToolTip("Read every file again (F5); files are also re-read when they change")
        bar.addWidget(self.search, 1)
        bar.addWidget(self.attention)
        bar.addWidget(as_of_label)
        bar.addWidget(self.as_of)
        bar.addWidget(self.refresh_button)
        self.quarterly_button = QPushButton("&Quarterly update…")
        self.quarterly_button.setToolTip("Write the quarterly update of these assessments for an audience, "
                                         "as riskwright export-portfolio does")
        bar.addWidget(self.quarterly_button)
        layout.addLayout(bar)
        self.summary = QLabel("Reading the portfolio…")
        self.summary.setObjectName("portfolioSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.export_status = QLabel()
        self.export_status.setObjectName("portfolioExport")
        self.export_status.setWordWrap(True)
        self.export_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_status.hide()
        layout.addWidget(self.export_status)

        self.model = PortfolioModel(self)
        self.proxy = PortfolioFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Models in the portfolio")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(6, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._open_row)

        self.deadlines = QTableWidget(0, 5)
        self.deadlines.setHorizontalHeaderLabels(["Due", "Model", "What", "Regime", "Days left"])
        self.deadlines.setAccessibleName("Running deadlines, most urgent first")
        self.deadlines.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.deadlines.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.deadlines.verticalHeader().setVisible(False)
        self.deadlines.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.deadlines.horizontalHeader().setStretchLastSection(True)
        self.deadlines.itemDoubleClicked.connect(self._open_deadline)

        self.problems = QLabel()
        self.problems.setObjectName("portfolioProblems")
        self.problems.setWordWrap(True)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems.setStyleSheet("background: #fde2e1; color: #7a1c17; padding: 6px; border-radius: 4px;")
        self.problems.hide()

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("<b>Running deadlines</b>, most urgent first (double-click to open the assessment there)")
        lower_layout.addWidget(heading)
        lower_layout.addWidget(self.deadlines)
        lower_layout.addWidget(self.problems)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setSizes([460, 260])
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)

        self.search.textChanged.connect(self._filter)
        self.attention.toggled.connect(self._filter)
        self.as_of.dateChanged.connect(lambda _day: self.refresh())
        self.refresh_button.clicked.connect(self.refresh)
        self.quarterly_button.clicked.connect(self.ask_quarterly)
        for text, key, slot in (("Refresh", QKeySequence.StandardKey.Refresh, self.refresh),
                                ("Close", QKeySequence.StandardKey.Close, self.close)):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(key))
            action.triggered.connect(slot)
            self.addAction(action)

    # -- reading -------------------------------------------------------------------------
    def day(self) -> date:
        chosen = self.as_of.date()
        return date(chosen.year(), chosen.month(), chosen.day())

    def refresh(self) -> None:
        """Read the portfolio again in the background (a read already running is followed by one more)."""
        if self._reading:
            self._again = True
            return
        self._reading = True
        self.refresh_button.setEnabled(False)
        places, day = list(self.places), self.day()
        self.jobs.start(lambda _progress: read_in_workers(places, day), self._show, self._failed)

    def _schedule_refresh(self, _path: str = "") -> None:
        self._timer.start()

    def _finish_reading(self) -> None:
        self._reading = False
        self.refresh_button.setEnabled(True)
        if self._again:
            self._again = False
            self.refresh()

    def _failed(self, message: str) -> None:
        self.summary.setText(f"The portfolio could not be read: {message}")
        self._finish_reading()

    def _show(self, portfolio: Portfolio) -> None:
        self.portfolio = portfolio
        self.model.set_rows(portfolio.rows)
        self._fill_deadlines(portfolio)
        overdue = sum(1 for _row, clock in portfolio.clocks if clock.overdue)
        attention = sum(1 for row in portfolio.rows if row.needs_attention)
        text = (f"{len(portfolio.rows)} assessment{'s' if len(portfolio.rows) != 1 else ''} as of "
                f"{portfolio.as_of.isoformat()}: {attention} need{'s' if attention == 1 else ''} attention, "
                f"{overdue} deadline{'s' if overdue != 1 else ''} overdue")
        if portfolio.unreadable:
            text += f", {len(portfolio.unreadable)} file{'s' if len(portfolio.unreadable) != 1 else ''} unreadable"
        self.summary.setText(text + ("." if not portfolio.all_clear else ". All clear."))
        if portfolio.unreadable:
            self.problems.setText("<b>Could not be read:</b><br>" + "<br>".join(
                _escape(bad.message) for bad in portfolio.unreadable))
            self.problems.show()
        else:
            self.problems.hide()
        self._watch(portfolio)
        self.refreshed.emit(portfolio)
        self._finish_reading()

    def _fill_deadlines(self, portfolio: Portfolio) -> None:
        clocks = portfolio.clocks
        self.deadlines.setRowCount(len(clocks))
        for number, (row, clock) in enumerate(clocks):
            due = clock.due_at.strftime("%Y-%m-%d %H:%M UTC") if clock.due_at else clock.due.isoformat()
            left = "today" if clock.days_left == 0 else (f"{-clock.days_left} overdue" if clock.overdue
                                                         else str(clock.days_left))
            cells = (due, row.model, clock.subject, clock.regime_title, left)
            colour = _urgency(clock)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, (str(row.path), clock.address))
                if colour is not None:
                    item.setBackground(QBrush(colour))
                self.deadlines.setItem(number, column, item)

    def _watch(self, portfolio: Portfolio) -> None:
        wanted = {str(p) for p in self.places if p.is_dir()}
        wanted |= {str(row.path) for row in portfolio.rows} | {str(bad.path) for bad in portfolio.unreadable}
        watched = set(self.watcher.files()) | set(self.watcher.directories())
        if wanted - watched:
            self.watcher.addPaths(sorted(wanted - watched))

    # -- the quarterly update ----------------------------------------------------------------
    def ask_quarterly(self) -> None:
        folder = next((p for p in self.places if p.is_dir()), self.places[0].parent if self.places else Path.home())
        dialog = QuarterlyDialog(self.day(), folder, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.export_quarterly(*dialog.choice())

    def export_quarterly(self, quarter: Quarter, audience: str, fmt: str, output: Path) -> None:
        """Write the update in a worker process; the line under the summary says what happened."""
        as_of = min(self.day(), quarter.end)
        self.quarterly_button.setEnabled(False)
        self._say(f"Writing the {audience} quarterly update for {quarter.label}…", None)
        places = list(self.places)
        self.jobs.start(lambda _progress: offload.run(export_quarterly_reporting, places, quarter, audience, fmt,
                                                      output, as_of),
                        self._exported, lambda message: self._exported((False, message)))

    def _exported(self, outcome: tuple[bool, str]) -> None:
        done, message = outcome
        self._say(message[:1].upper() + message[1:], done)
        self.quarterly_button.setEnabled(True)
        self.exported.emit(done, message)

    def _say(self, text: str, done: bool | None) -> None:
        colours = {None: "", True: "background: #dcf3e3; color: #14532d;",
                   False: "background: #fde2e1; color: #7a1c17;"}
        self.export_status.setStyleSheet(colours[done] + " padding: 6px; border-radius: 4px;")
        self.export_status.setText(text)
        self.export_status.show()

    # -- acting on rows --------------------------------------------------------------------
    def _filter(self) -> None:
        self.proxy.set_filter(self.search.text(), self.attention.isChecked())

    def _open_row(self, index: QModelIndex) -> None:
        row = self.model.rows[self.proxy.mapToSource(index).row()]
        if self.open_assessment is not None:
            self.open_assessment(row.path, None)

    def _open_deadline(self, item: QTableWidgetItem) -> None:
        path, address = item.data(Qt.ItemDataRole.UserRole)
        if self.open_assessment is not None:
            self.open_assessment(Path(path), address)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
