"""The History tab and the revision status in the window.

The panel lists every change newest first — when, who, which revision, what
changed from what to what — with a filter by field, table, stage or record.
Above the list it states the revision, its content hash and sign-offs, with
*Sign off…* and *Verify* buttons. The status bar shows the same status in a
few words; clicking it opens this tab.

The history holds hazardous values as entered (it is internal, like the file),
so the list shows them as the form does. Only new entries are read after each
change (``history.entries(after=…)``), so a long history costs nothing per edit.

The panel gets the ``Workspace``; the window places it, the status button and
the *Sign off…* command (``signoff_dialog.sign_off_current``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QTableView, QVBoxLayout,
    QWidget,
)

from app.model.changes import describe
from app.store import history
from app.store.history import Entry
from app.store.signoff import RevisionStatus
from app.ui.workspace import Workspace

COLUMNS = ("When (UTC)", "Who", "Rev.", "Change")
REFRESH_MS = 400
"""Wait this long after the last change before reading new entries (typing commits in bursts)."""

_STATE_TEXT = {"unsigned": "Unsigned", "partly signed": "Partly signed", "signed off": "Signed off"}


def status_text(status: RevisionStatus | None, role_label: Any = str) -> str:
    """The window's short status: ``Revision 3 · Partly signed — needs Compliance lead``."""
    if status is None:
        return ""
    text = f"Revision {status.number} · {_STATE_TEXT.get(status.state, status.state)}"
    if status.missing:
        text += " — needs " + ", ".join(role_label(role) for role in status.missing)
    return text


class HistoryModel(QAbstractTableModel):
    """History entries, newest first; grows at the top as changes arrive."""

    def __init__(self, parent: QWidget | None = None, workspace: Workspace | None = None) -> None:
        super().__init__(parent)
        self.entries: list[Entry] = []
        self.workspace = workspace
        self._texts: dict[int, str] = {}
        """Row text by entry number (labels and record titles are looked up once per entry)."""

    def change_text(self, entry: Entry) -> str:
        """What changed, in the form's words: ``Table › “Record” (id) › Field: before → after``."""
        text = self._texts.get(entry.seq)
        if text is None:
            session = self.workspace.session if self.workspace is not None else None
            if session is None:
                return entry.describe()
            from app.ui.history_rows import change_text
            text = self._texts[entry.seq] = change_text(entry.body, session.forms, session.document)
        return text

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.entries)

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
        entry = self.entries[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return entry.at.replace("T", " ")[:16]
            if column == 1:
                return entry.who
            if column == 2:
                return str(entry.revision)
            return self.change_text(entry)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"#{entry.seq} · {entry.at} · {entry.who} · revision {entry.revision}\n"
                    f"{describe(entry.body, width=400)}\nentry hash {entry.hash[:16]}…")
        if role == Qt.ItemDataRole.UserRole:
            return entry
        return None

    def replace(self, entries: list[Entry]) -> None:
        self.beginResetModel()
        self._texts.clear()
        self.entries = list(reversed(entries))
        self.endResetModel()

    def add_newer(self, entries: list[Entry]) -> None:
        if not entries:
            return
        self.beginInsertRows(QModelIndex(), 0, len(entries) - 1)
        self.entries[:0] = list(reversed(entries))
        self.endInsertRows()

    def last_seq(self) -> int:
        return self.entries[0].seq if self.entries else 0


class HistoryPanel(QWidget):
    go_to = Signal(str)
    sign_off_requested = Signal()

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self._seen = 0
        """Highest sequence number read so far (whatever the filter)."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.status = QLabel("No assessment open.")
        self.status.setObjectName("panelSummary")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        self.sign_button = QPushButton("&Sign off…")
        self.sign_button.setObjectName("signOffButton")
        self.sign_button.setToolTip("Approve the current revision in your role with your signing key")
        self.sign_button.clicked.connect(self.sign_off_requested.emit)
        self.verify_button = QPushButton("&Verify")
        self.verify_button.setObjectName("verifyButton")
        self.verify_button.setToolTip("Check the history chain, every signature, and that the content "
                                      "follows from the history")
        self.verify_button.clicked.connect(self.verify)
        buttons.addWidget(self.sign_button)
        buttons.addWidget(self.verify_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.verdict = QLabel()
        self.verdict.setObjectName("verifyVerdict")
        self.verdict.setWordWrap(True)
        self.verdict.hide()
        layout.addWidget(self.verdict)
        self.filter = QLineEdit()
        self.filter.setObjectName("historyFilter")
        self.filter.setPlaceholderText("Filter by field: header.model, training.checkpoints[ckpt-2] …")
        self.filter.setAccessibleName("Show only changes to this field, table, stage or record")
        self.filter.setClearButtonEnabled(True)
        layout.addWidget(self.filter)
        self.model = HistoryModel(self, workspace)
        self.table = QTableView()
        self.table.setObjectName("historyTable")
        self.table.setAccessibleName("History of changes, newest first")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.activated.connect(self._activate)
        self.table.doubleClicked.connect(self._activate)
        layout.addWidget(self.table, 1)
        self.note = QLabel()
        self.note.setObjectName("emptyNote")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(250)
        self._filter_timer.timeout.connect(self.reload)
        self.filter.textChanged.connect(lambda _text: self._filter_timer.start())
        self._status: RevisionStatus | None = None
        self._enabled: bool | None = None
        self.stale = False
        """Something it shows changed while the tab was behind another one: refreshed when shown."""
        self._set_enabled(False)

    # -- following the file ------------------------------------------------------------------
    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self.stale:
            self.refresh()

    def schedule(self, *_args: object) -> None:
        """A change happened: read the new entries shortly (once per burst)."""
        self._timer.start()

    def reload(self) -> None:
        """Read the history again from the start (a new file, or a new filter)."""
        self._seen = 0
        self.model.replace([])
        self.verdict.hide()
        self.refresh()

    def refresh(self) -> None:
        self.stale = False
        session = self.workspace.session
        if session is None:
            self.model.replace([])
            self._seen = 0
            self.status.setText("No assessment open.")
            self.note.setText("")
            self._set_enabled(False)
            return
        self._set_enabled(True)
        db = session.assessment.db
        where = self.filter.text().strip() or None
        # The last entry first: typing is saved on the writer's thread, which may add an entry at any
        # moment; one added after this read is newer than everything this refresh marks as seen.
        last = history.head(db).seq
        newer = []
        if last != self._seen or self._seen == 0:  # nothing new: no query (the check's result refreshes too)
            try:
                newer = history.entries(db, where, after=self._seen)
                self._show_filter_problem("")
            except ValueError as error:
                self._show_filter_problem(str(error))
        if self._seen == 0:
            self.model.replace(newer)
        else:
            self.model.add_newer(newer)
        self._seen = max([last, *(entry.seq for entry in newer)])
        self._show_status()

    def follow(self, edits_only: bool = False) -> None:
        """After a change: read the new entries now while the tab shows; behind another tab (where it spends
        most of its time) only the revision status, which the status bar shows — the entries, the count and
        the status text are read when the tab is brought forward (``stale``).

        ``edits_only``: nothing but edits happened since the last call (no sign-off). An edit to a revision
        nobody has signed stays in that revision, with the same (no) sign-offs and the same approvals
        missing: only its hash moves, so behind another tab the status is not read again.
        """
        session = self.workspace.session
        if self.isVisible() or session is None or self._seen == 0:
            self.refresh()
            return
        self.stale = True
        previous = self._status
        if edits_only and previous is not None and not previous.frozen:
            known = self._known_hash()
            if known is not None and known != previous.hash:
                self._status = replace(previous, hash=known)
            return
        try:
            self._status = session.core.revision_status(self._known_hash())
        except Exception:  # noqa: BLE001 - the tab says why when it is shown (``_show_status``)
            self._status = None  # the status bar shows no revision status rather than the last one read

    def defer_edit_if_nothing_shown(self) -> bool:
        """Defer an edit's refresh when it changes nothing this tab or the status bar shows until the tab is
        brought forward; whether it was deferred.

        True behind another tab with an unsigned revision's status kept (what ``follow(edits_only=True)``
        would then do: move the kept status's hash, which only this tab shows and reads again when shown);
        the tab is then marked ``stale``. The window skips its refresh after such an edit (~0.2 ms an edit).
        """
        status = self._status
        if self.isVisible() or self.workspace.session is None or self._seen == 0 or status is None or status.frozen:
            return False
        self.stale = True
        return True

    def _show_filter_problem(self, problem: str) -> None:
        """Colour the filter red with the reason as its tooltip (style sheets only change when this does:
        setting one re-polishes the widget, which cost the window more per edit than reading the history)."""
        if problem == self.filter.toolTip():
            return
        self.filter.setStyleSheet("color: #b42318;" if problem else "")
        self.filter.setToolTip(problem)

    def _show_status(self) -> None:
        from app.content.roles import load_roles
        session = self.workspace.session
        try:
            roles = load_roles()
            status = None if session is None else session.core.revision_status(self._known_hash())
        except Exception as error:  # noqa: BLE001 - a broken roles file must not break the panel
            self.status.setText(f"Revision status unavailable: {error}")
            self._status = None  # nor does the status bar keep showing the last status read
            return
        self._status = status
        if status is None or session is None:
            return
        state = {"signed off": "#067647", "partly signed": "#b54708", "unsigned": "#475467"}[status.state]
        lines = [f"<b>Revision {status.number}</b> · <span style='color:{state}'><b>"
                 f"{_STATE_TEXT[status.state]}</b></span> · <code>{status.hash[:12]}</code>"]
        for signoff in status.signoffs:
            lines.append(f"Signed by {signoff.name} as {roles.label(signoff.role)}, "
                         f"{signoff.signed_at.replace('T', ' ').replace('Z', ' UTC')}")
        if status.missing:
            lines.append("Still needed: " + ", ".join(roles.label(role) for role in status.missing))
        if not status.frozen and status.last_signed is not None:
            number, digest, earlier = status.last_signed
            names = ", ".join(f"{s.name} ({roles.label(s.role)})" for s in earlier)
            lines.append(f"Last signed: revision {number} (<code>{digest[:12]}</code>) by {names}; "
                         f"changes since then are in revision {status.number}.")
        self.status.setText("<br>".join(lines))
        total = history.count(session.assessment.db)
        shown = self.model.rowCount()
        filtered = f"{shown} of {total}" if self.filter.text().strip() else f"{total}"
        self.note.setText(f"{filtered} change{'s' if total != 1 else ''}. The history is kept inside the file "
                          f"with every value as entered, hazardous ones included: it is internal.")

    def _known_hash(self) -> str | None:
        """The content's hash from the latest live check (worked out off the GUI thread), if any.

        It can trail the content by one pause in typing; the window shows the
        status again when the next check arrives.
        """
        analysis = self.workspace.analysis
        latest = analysis.latest if analysis is not None else None
        return latest.revision_hash if latest is not None else None

    def status_now(self) -> RevisionStatus | None:
        return self._status

    def _set_enabled(self, enabled: bool) -> None:
        if enabled == self._enabled:
            return
        self._enabled = enabled
        for widget in (self.sign_button, self.verify_button, self.filter, self.table):
            widget.setEnabled(enabled)

    # -- actions ---------------------------------------------------------------------------------
    def verify(self) -> bool | None:
        """Run the same checks as ``riskwright verify`` on the open file; show the verdict."""
        session = self.workspace.session
        if session is None:
            return None
        session.flush()
        verdict = session.core.verify()
        signatures = len(verdict.signoffs)
        if verdict.intact:
            self.verdict.setText(f"✔ Intact: {verdict.entries} changes chained, {signatures} "
                                 f"signature{'s' if signatures != 1 else ''} valid, content matches the history.")
            self.verdict.setStyleSheet("color: #067647;")
        else:
            more = f" (and {len(verdict.problems) - 1} more)" if len(verdict.problems) > 1 else ""
            self.verdict.setText(f"✘ Tampered: {verdict.problems[0]}{more}")
            self.verdict.setStyleSheet("color: #b42318; font-weight: bold;")
        self.verdict.setToolTip("\n".join(verdict.problems))
        self.verdict.show()
        return verdict.intact

    def _activate(self, index: QModelIndex) -> None:
        entry: Entry = self.model.data(self.model.index(index.row(), 0), Qt.ItemDataRole.UserRole)
        if entry is not None and entry.address:
            self.go_to.emit(entry.address)

    def focus_target(self) -> QWidget:
        return self.table


class RevisionStatusButton(QPushButton):
    """The status bar's revision status; a click opens the History tab."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("revisionStatus")
        self.setFlat(True)
        self.setToolTip("Revision and sign-off status — click for the history")
        self.setAccessibleName("Revision status")

    def show_status(self, status: RevisionStatus | None, role_label: Any = str) -> None:
        self.setText(status_text(status, role_label))
        self.setVisible(status is not None)
