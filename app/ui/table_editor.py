"""A table of records (checkpoints, evaluations, …): list, toolbar and detail editor.

The list shows a few short columns per record; every field of the selected
record is edited in the detail form below it. Add, duplicate, remove and move
are edits on the undo stack like any other, so Ctrl+Z brings back a removed
record with all its values.
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QFrame, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView, QVBoxLayout,
    QWidget,
)

from app.model import (
    Address, Batch, Edit, FieldSpec, InsertRecord, MoveRecord, Record, RemoveRecord, SetRecordSensitivity,
)
from app.model.values import format_value
from app.session.choices import readable
from app.ui.form_rows import FieldForm, Mnemonics, flash
from app.ui.marked_edit import DOMAIN_NAMES
from app.ui.passage_cells import PASSAGES_ROLE, PassageDelegate, cell_text, marked_html
from app.ui.session import AssessmentSession
from app.ui.sensitivity_chip import LABELS, SensitivityChip
from app.ui.wrapped_label import WrappedLabel

LIST_TYPES = ("text", "enum", "category", "level", "date", "number", "flop", "integer", "boolean")
MAX_COLUMNS = 4
MAX_COLUMN_WIDTH = 190
COLUMN_WIDTHS = {"text": 140, "enum": 150, "category": 120, "level": 96, "date": 96, "number": 70,
                 "integer": 70, "flop": 86, "boolean": 84, "withheld": 90}
_Index = QModelIndex | QPersistentModelIndex


def list_columns(spec: FieldSpec) -> list[FieldSpec]:
    """The title field first, then the short fields that tell records apart, in form order."""
    leaves = [f for f in spec.fields if f.is_leaf]
    title = [f for f in leaves if f.id == spec.title_field]
    rest = [f for f in leaves if f.type in LIST_TYPES and f.id != spec.title_field]
    rest.sort(key=lambda f: (f.type == "text", not f.required))
    return (title + rest)[:MAX_COLUMNS]


class RecordList(QTableView):
    """The records' table; the title column takes whatever width the others leave."""

    TITLE_MIN = 200

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().resizeEvent(event)
        header = self.horizontalHeader()
        others = sum(header.sectionSize(i) for i in range(1, header.count()))
        header.resizeSection(0, max(self.TITLE_MIN, self.viewport().width() - others))


class RecordTableModel(QAbstractTableModel):
    def __init__(self, session: AssessmentSession, spec: FieldSpec) -> None:
        super().__init__()
        self.session = session
        self.spec = spec
        self.columns = list_columns(spec)

    @property
    def records(self) -> list[Record]:
        return self.session.document.records(self.spec.path)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns) + 1

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section < len(self.columns):
            return self.columns[section].label
        return "Withheld"

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        records = self.records
        if not index.isValid() or index.row() >= len(records):
            return None
        record = records[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if index.column() == len(self.columns):
                return LABELS[record.sensitivity] if record.sensitivity else ""
            spec = self.columns[index.column()]
            value = record.get(spec.path.split("[].", 1)[1])
            if value is None:
                return "—" if index.column() else f"({record.id})"
            if spec.type == "enum":
                return spec.option_label(str(value))
            if spec.type in ("category", "level"):
                return self.session.choice_labels().get(str(value), readable(str(value)))
            if isinstance(value, str):
                return cell_text(value)[0]  # the words, never the span markup
            return format_value(spec.type, value)
        if role in (PASSAGES_ROLE, Qt.ItemDataRole.ToolTipRole) and index.column() < len(self.columns):
            value = record.get(self.columns[index.column()].path.split("[].", 1)[1])
            passages = cell_text(value)[1] if isinstance(value, str) else ()
            if role == PASSAGES_ROLE:
                return passages
            if passages:
                domains = ", ".join(dict.fromkeys(DOMAIN_NAMES.get(p.domain, p.domain) for p in passages))
                return f"Record {record.id} — holds a hazardous passage ({domains})"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Record {record.id}"
        if role == Qt.ItemDataRole.UserRole:
            return record.id
        return None

    def row_of(self, record_id: str) -> int:
        for row, record in enumerate(self.records):
            if record.id == record_id:
                return row
        return -1

    def refresh_all(self) -> None:
        self.beginResetModel()
        self.endResetModel()

    def refresh_record(self, record_id: str, field: str | None = None) -> None:
        """Redraw a record's row; with ``field``, only the cell that shows it (none when no column does:
        typing in a long description redraws nothing in the list)."""
        if field is None:
            first, last = 0, self.columnCount() - 1
        else:
            shown = [column for column, spec in enumerate(self.columns) if spec.path == field]
            if not shown:
                return
            first, last = shown[0], shown[-1]
        row = self.row_of(record_id)
        if row >= 0:
            self.dataChanged.emit(self.index(row, first), self.index(row, last))


class TableEditor(QFrame):
    """List + toolbar + the selected record's fields."""

    def __init__(self, session: AssessmentSession, spec: FieldSpec, mnemonics: Mnemonics,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tableEditor")
        self.session = session
        self.spec = spec
        self.current_id: str | None = None
        self._condition_reads = record_names_read(
            f.applies_when for f in session.forms.all_fields()
            if f.applies_when and (f.path == spec.path or f.path.startswith(f"{spec.path}[].")))
        """The record's values the conditions of its fields read (None: any of them)."""

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.setSpacing(6)
        heading = QLabel(mnemonics.label(spec.label))
        heading.setObjectName("tableTitle")
        layout.addWidget(heading)
        help_text = WrappedLabel(spec.help)
        help_text.setObjectName("fieldHelp")
        layout.addWidget(help_text)

        bar = QHBoxLayout()
        bar.setSpacing(6)
        self.add_button = self._button("Add", "Add a record after the selected one (Insert)", self.add_record)
        self.duplicate_button = self._button("Duplicate", "Copy the selected record (Ctrl+D)",
                                             self.duplicate_record)
        self.remove_button = self._button("Remove", "Remove the selected record (Delete); Undo brings it back",
                                          self.remove_record)
        self.up_button = self._button("Move up", "Move the selected record up (Alt+Up)",
                                      lambda: self.move_record(-1))
        self.down_button = self._button("Move down", "Move the selected record down (Alt+Down)",
                                        lambda: self.move_record(1))
        for button in (self.add_button, self.duplicate_button, self.remove_button, self.up_button,
                       self.down_button):
            bar.addWidget(button)
        bar.addStretch(1)
        self.count_label = QLabel()
        self.count_label.setObjectName("tableCount")
        bar.addWidget(self.count_label)
        layout.addLayout(bar)

        self.model = RecordTableModel(session, spec)
        self.view = RecordList()
        self.view.setObjectName("recordList")
        self.view.setModel(self.model)
        self.view.setItemDelegate(PassageDelegate(self.view))
        self.view.setAccessibleName(f"{spec.label} records")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setTabKeyNavigation(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(26)
        header = self.view.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        metrics = header.fontMetrics()
        for column in range(1, self.model.columnCount()):
            kind = self.model.columns[column].type if column < len(self.model.columns) else "withheld"
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            wanted = min(metrics.horizontalAdvance(title) + 26, MAX_COLUMN_WIDTH)
            header.resizeSection(column, max(COLUMN_WIDTHS.get(kind, 120), wanted))
        heading.setBuddy(self.view)
        layout.addWidget(self.view)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)

        self.detail = QFrame()
        self.detail.setObjectName("recordDetail")
        detail_layout = QVBoxLayout(self.detail)
        detail_layout.setContentsMargins(10, 8, 10, 8)
        detail_layout.setSpacing(2)
        head = QHBoxLayout()
        self.detail_title = WrappedLabel()
        self.detail_title.setObjectName("recordTitle")
        head.addWidget(self.detail_title, 1)
        self.record_chip = SensitivityChip(f"the whole {spec.label.lower()} record", spec.sensitivity,
                                           self._choose_record_sensitivity, prefix="Whole record: ")
        self.record_chip.setAccessibleName(f"Sensitivity of the selected {spec.label} record")
        head.addWidget(self.record_chip)
        detail_layout.addLayout(head)
        self.form = FieldForm(session, spec.fields, detail_layout, mnemonics)
        layout.addWidget(self.detail)
        self.empty_note = QLabel("No records yet. Press Add (or Insert in the list) to add the first one.")
        self.empty_note.setObjectName("emptyNote")
        layout.addWidget(self.empty_note)

        for keys, slot in ((QKeySequence(Qt.Key.Key_Insert), self.add_record),
                           (QKeySequence("Ctrl+D"), self.duplicate_record),
                           (QKeySequence(QKeySequence.StandardKey.Delete), self.remove_record),
                           (QKeySequence("Alt+Up"), lambda: self.move_record(-1)),
                           (QKeySequence("Alt+Down"), lambda: self.move_record(1))):
            shortcut = QShortcut(keys, self.view)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        self._fit_list()
        self.select_row(0)
        self._update_state()

    def _button(self, text: str, tip: str, slot) -> QPushButton:  # type: ignore[no-untyped-def]
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setAccessibleName(f"{text} ({self.spec.label})")
        button.setObjectName("tableButton")
        button.clicked.connect(slot)
        return button

    # -- selection ------------------------------------------------------------------
    def select_record(self, record_id: str) -> bool:
        row = self.model.row_of(record_id)
        if row < 0:
            return False
        self.select_row(row)
        return True

    def select_row(self, row: int) -> None:
        if self.model.rowCount() == 0:
            self._show_record(None)
            return
        row = max(0, min(row, self.model.rowCount() - 1))
        if self.current_id not in (None, self.model.records[row].id) and not self._may_switch():
            return
        index = self.model.index(row, 0)
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.view.scrollTo(index)
        if self.current_id != self.model.records[row].id:
            self._show_record(self.model.records[row].id)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        record_id = current.data(Qt.ItemDataRole.UserRole) if current.isValid() else None
        if record_id != self.current_id:
            if self.current_id is not None and not self._may_switch():
                self.select_record(self.current_id)
                return
            self._show_record(record_id)

    def _may_switch(self) -> bool:
        """Before showing another record: an entry here that cannot be saved is not dropped unasked."""
        from app.ui.file_access import LeaveDialog
        bindings = {row.binding for row in self.form.rows.values()}
        for binding in bindings:
            binding.flush()
        invalid = {b: e for b, e in self.session.invalid_entries.items() if b in bindings}
        if not invalid:
            return True
        choice, accepted = LeaveDialog.ask(self, None, list(invalid.values()), leaving="switch")
        if accepted and choice == LeaveDialog.DISCARD:
            for binding in invalid:
                self.session.forget_invalid(binding)
            return True
        next(iter(invalid)).widget.setFocus()
        return False

    def _show_record(self, record_id: str | None) -> None:
        self.current_id = record_id
        self.form.set_record(record_id)
        self.update_conditions()
        self._update_state()

    def update_conditions(self, context: dict | None = None) -> None:  # type: ignore[type-arg]
        """Hide the selected record's fields that do not apply to it (``record.kind == …``)."""
        if self.current_id is None:
            return
        doc = self.session.document
        record = doc.record(self.spec.path, self.current_id)
        conditions = self.session.conditions()
        for path, block in self.form.blocks.items():
            spec = self.session.forms.field(path)
            if spec.applies_when:
                if context is None:
                    context = conditions.context(doc)
                block.setVisible(conditions.applies(doc, spec, record, context))

    def _update_state(self) -> None:
        count = self.model.rowCount()
        has = self.current_id is not None
        row = self.model.row_of(self.current_id) if self.current_id is not None else -1
        self.detail.setVisible(has)
        self.empty_note.setVisible(count == 0)
        self.duplicate_button.setEnabled(has)
        self.remove_button.setEnabled(has)
        self.up_button.setEnabled(has and row > 0)
        self.down_button.setEnabled(has and 0 <= row < count - 1)
        self.count_label.setText(f"{count} record{'s' if count != 1 else ''}")
        if has:
            record = self.session.document.record(self.spec.path, self.current_id or "")
            title = None
            if record is not None and self.spec.title_field:
                # The same words as the list shows: a category or choice by its label, not its stored id.
                column = next((c for c, s in enumerate(self.model.columns)
                               if s.path.endswith(f"[].{self.spec.title_field}")), None)
                if column is not None and row >= 0 and record.get(self.spec.title_field) is not None:
                    title = self.model.data(self.model.index(row, column))
                else:
                    title = record.get(self.spec.title_field)
            shown = cell_text(title)[0] if isinstance(title, str) else title
            raw = record.get(self.spec.title_field) if record is not None and self.spec.title_field else None
            words, passages = cell_text(raw) if isinstance(raw, str) else ("", ())
            # A hazardous passage in the title: on the wash, as in the list and the editor.
            if passages and words == shown:
                self.detail_title.setTextFormat(Qt.TextFormat.RichText)
                self.detail_title.setText(f"{html.escape(self.current_id or '')} · {marked_html(shown, passages)}")
            else:
                self.detail_title.setTextFormat(Qt.TextFormat.PlainText)
                self.detail_title.setText(f"{self.current_id}" + (f" · {shown}" if shown else ""))
            self.record_chip.show_level(record.sensitivity if record else None,
                                        record.sensitivity_reason if record else None)

    def _fit_list(self) -> None:
        rows = min(max(self.model.rowCount(), 3), 9)
        height = self.view.horizontalHeader().height() + rows * self.view.verticalHeader().defaultSectionSize() + 4
        self.view.setFixedHeight(max(height, 110))

    # -- editing ----------------------------------------------------------------------
    def add_record(self) -> None:
        self.session.flush()
        record_id = self.session.document.new_record_id(self.spec.path, self.spec.id_prefix)
        row = self.model.row_of(self.current_id) + 1 if self.current_id else self.model.rowCount()
        self.session.apply(InsertRecord(self.spec.path, row, Record(record_id)),
                           f"Add {self.spec.label.lower()} record")
        self.select_record(record_id)
        self._focus_first_field()

    def duplicate_record(self) -> None:
        if self.current_id is None:
            return
        self.session.flush()
        original = self.session.document.record(self.spec.path, self.current_id)
        if original is None:
            return
        record_id = self.session.document.new_record_id(self.spec.path, self.spec.id_prefix)
        twin = Record(record_id, copy.deepcopy(original.values), original.sensitivity, original.sensitivity_reason)
        row = self.model.row_of(self.current_id) + 1
        self.session.apply(InsertRecord(self.spec.path, row, twin), f"Duplicate {self.current_id}")
        self.select_record(record_id)

    def remove_record(self) -> None:
        if self.current_id is None:
            return
        self.session.flush()
        row = self.model.row_of(self.current_id)
        self.session.apply(RemoveRecord(self.spec.path, self.current_id), f"Remove {self.current_id}")
        self.select_row(row)
        self.view.setFocus()

    def move_record(self, step: int) -> None:
        if self.current_id is None:
            return
        self.session.flush()
        row = self.model.row_of(self.current_id)
        target = row + step
        if not 0 <= target < self.model.rowCount():
            return
        record_id = self.current_id
        self.session.apply(MoveRecord(self.spec.path, record_id, target), f"Move {record_id}")
        self.select_record(record_id)

    def _choose_record_sensitivity(self, level, reason) -> None:  # type: ignore[no-untyped-def]
        if self.current_id is None:
            return
        self.session.apply(SetRecordSensitivity(self.spec.path, self.current_id, level, reason),
                           f"Set sensitivity of {self.current_id}")

    def _focus_first_field(self) -> None:
        for row in self.form.rows.values():
            if row.isVisibleTo(self):
                row.binding.widget.setFocus()
                return

    # -- following changes -------------------------------------------------------------
    def on_change(self, addresses: tuple[Address | str, ...], edit: Edit | None = None) -> None:
        """Follow edits from anywhere (typing, undo, redo, another panel)."""
        structural = any(isinstance(a, str) and a == self.spec.path for a in addresses)
        if structural:
            keep = _record_to_show(edit, self.spec.path) or self.current_id
            self.model.refresh_all()
            self._fit_list()
            if keep is None or not self.select_record(keep):
                self.current_id = None
                self.select_row(0)
            self.form.load()
            self._update_state()
            return
        for address in addresses:
            if isinstance(address, Address) and address.table == self.spec.path and address.record:
                self.model.refresh_record(address.record, address.field)
                if address.record == self.current_id:
                    row = self.form.rows.get(address.field)
                    if row is not None:
                        row.load()
                    if address.relative == "category":
                        for other in self.form.rows.values():
                            if other.spec.type == "level":
                                other.load()
                    if self._condition_reads is None or address.relative in self._condition_reads \
                            or "." in address.relative:
                        self.update_conditions()  # not for a value no condition reads (a description)
                    if address.relative == self.spec.title_field:
                        # The record's title above its fields: nothing else _update_state shows follows a value
                        # (counts and buttons follow record edits, the record's chip its sensitivity).
                        self._update_state()

    def focus_address(self, address: Address) -> bool:
        if address.record is None or not self.select_record(address.record):
            self.view.setFocus()
            flash(self)
            return True
        row = self.form.rows.get(address.field)
        if row is None:
            self.view.setFocus()
            flash(self.detail)
            return True
        row.focus()
        return True


_RECORD_VALUE = re.compile(r"\brecord\s*\.\s*([A-Za-z_]\w*)")
_RECORD = re.compile(r"\brecord\b")


def record_names_read(conditions: Iterable[str]) -> frozenset[str] | None:
    """The names of record values that CEL ``conditions`` read as ``record.name``; None when one may read
    others (``record`` used any other way, or the word anywhere else): then every value counts."""
    names: set[str] = set()
    for condition in conditions:
        found = _RECORD_VALUE.findall(condition)
        if len(_RECORD.findall(condition)) != len(found):
            return None
        names.update(found)
    return frozenset(names)


def _record_to_show(edit: Edit | None, table: str) -> str | None:
    """The record an inserted or moved record edit is about (to select it after undo/redo)."""
    if isinstance(edit, Batch):
        for inner in edit.edits:
            found = _record_to_show(inner, table)
            if found:
                return found
    if isinstance(edit, InsertRecord) and edit.table == table:
        return edit.record.id
    if isinstance(edit, MoveRecord) and edit.table == table:
        return edit.record_id
    return None
