"""Rows of a generated form: label, sensitivity, editor, help and inline messages.

``FieldForm`` lays out the rows for a list of field specs (recursing into
groups) and keeps them by field path, so the page can refresh one value, show a
problem under the right field, and re-point every row at another table record
without rebuilding widgets.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.model import Address, FieldSpec, SetSensitivity
from app.ui.field_editors import FieldBinding, make_binding
from app.ui.session import AssessmentSession
from app.ui.sensitivity_chip import SensitivityChip
from app.ui.wrapped_label import WrappedLabel

RESERVED_MNEMONICS = set("fevhg")
"""Taken by the menu bar (File, Edit, View, Help, Go)."""
FLASH_MS = 1800


class Mnemonics:
    """Gives each label on a page its own Alt+letter where one is free."""

    def __init__(self) -> None:
        self._taken = set(RESERVED_MNEMONICS)

    def label(self, text: str) -> str:
        for index, char in enumerate(text):
            if char.isalpha() and char.lower() not in self._taken:
                self._taken.add(char.lower())
                return text[:index] + "&" + text[index:]
        return text


def flash(widget: QWidget) -> None:
    """Draw the eye to a row for a moment (after jumping to it)."""
    widget.setProperty("flash", True)
    widget.style().unpolish(widget)
    widget.style().polish(widget)

    def clear() -> None:
        widget.setProperty("flash", False)
        widget.style().unpolish(widget)
        widget.style().polish(widget)
    timer = QTimer(widget)  # a child: it dies with the widget, so it never touches a deleted one
    timer.setSingleShot(True)
    timer.timeout.connect(clear)
    timer.timeout.connect(timer.deleteLater)
    timer.start(FLASH_MS)


class FieldRow(QWidget):
    """One leaf field: everything a person needs to answer it well."""

    def __init__(self, session: AssessmentSession, spec: FieldSpec, mnemonics: Mnemonics,
                 record_id: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldRow")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.session = session
        self.spec = spec
        self.binding: FieldBinding = make_binding(session, spec, record_id)
        self.binding.widget.setParent(self)  # parented first, so Tab reaches the answer before its chip
        self._local_problem: str | None = None
        self._stored_problem: str | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(4)
        head = QHBoxLayout()
        head.setSpacing(8)
        self.label = QLabel(mnemonics.label(spec.label))
        self.label.setObjectName("fieldLabel")
        self.label.setBuddy(self.binding.widget)
        head.addWidget(self.label)
        if spec.required:
            required = QLabel("required")
            required.setObjectName("requiredTag")
            required.setToolTip("The assessment is incomplete until this is answered.")
            head.addWidget(required)
        head.addStretch(1)
        self.chip = SensitivityChip(spec.label, spec.sensitivity, self._choose_sensitivity)
        head.addWidget(self.chip)
        layout.addLayout(head)
        layout.addWidget(self.binding.widget)
        self.help = WrappedLabel(spec.help)
        self.help.setObjectName("fieldHelp")
        self.help.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        layout.addWidget(self.help)
        self.message = WrappedLabel()
        self.message.setObjectName("fieldMessage")
        self.message.setAccessibleName(f"Problem with {spec.label}")
        self.message.hide()
        layout.addWidget(self.message)
        self.binding.problem.connect(self._set_local_problem)

    @property
    def address(self) -> Address:
        return self.binding.address

    def load(self) -> None:
        self.binding.load()
        value = None
        if self.spec.table is None or self.binding.record_id is not None:
            value = self.session.document.value(self.address)
        self.chip.show_level(value.sensitivity if value else None, value.sensitivity_reason if value else None)

    def set_record(self, record_id: str | None) -> None:
        self.binding.flush()
        self.binding.record_id = record_id
        self.load()

    def _choose_sensitivity(self, level, reason) -> None:  # type: ignore[no-untyped-def]
        if self.spec.table is not None and self.binding.record_id is None:
            return
        label = f"Set sensitivity of {self.spec.label}"
        self.session.apply(SetSensitivity(self.address, level, reason), label)

    def _set_local_problem(self, message: str | None) -> None:
        if message == self._local_problem:
            return  # restyling a row is costly, and this runs for every row after every check
        self._local_problem = message
        self._show_message()

    def set_stored_problem(self, message: str | None) -> None:
        if message == self._stored_problem:
            return
        self._stored_problem = message
        self._show_message()

    def _show_message(self) -> None:
        message = self._local_problem or self._stored_problem
        self.message.setText(message or "")
        self.message.setVisible(bool(message))
        self.setProperty("problem", bool(message))
        self.binding.widget.setProperty("problem", bool(self._local_problem))
        for widget in (self, self.binding.widget):
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    def focus(self) -> None:
        self.binding.widget.setFocus(Qt.FocusReason.OtherFocusReason)
        flash(self)


class FieldForm:
    """The rows for some fields (a stage's non-table fields, or one table's record)."""

    def __init__(self, session: AssessmentSession, specs: Iterable[FieldSpec], layout: QVBoxLayout,
                 mnemonics: Mnemonics, record_id: str | None = None,
                 table_factory=None) -> None:  # type: ignore[no-untyped-def]
        self.session = session
        self.rows: dict[str, FieldRow] = {}
        self.blocks: dict[str, QWidget] = {}
        """Every row, group box and table editor by field path (for hiding by condition)."""
        self.tables: dict[str, QWidget] = {}
        self._mnemonics = mnemonics
        self._record_id = record_id
        self._table_factory = table_factory
        self._add(specs, layout)

    def _add(self, specs: Iterable[FieldSpec], layout: QVBoxLayout) -> None:
        for spec in specs:
            if spec.is_group:
                box = QGroupBox(spec.label)
                box.setObjectName("fieldGroup")
                box.setToolTip(spec.help)
                inner = QVBoxLayout(box)
                inner.setContentsMargins(6, 6, 6, 6)
                inner.setSpacing(2)
                intro = WrappedLabel(spec.help)
                intro.setObjectName("groupHelp")
                inner.addWidget(intro)
                self._add(spec.fields, inner)
                layout.addWidget(box)
                self.blocks[spec.path] = box
            elif spec.is_table:
                if self._table_factory is None:
                    continue
                editor = self._table_factory(spec)
                layout.addWidget(editor)
                self.tables[spec.path] = editor
                self.blocks[spec.path] = editor
            else:
                row = FieldRow(self.session, spec, self._mnemonics, self._record_id)
                layout.addWidget(row)
                self.rows[spec.path] = row
                self.blocks[spec.path] = row

    def load(self) -> None:
        for row in self.rows.values():
            row.load()

    def set_record(self, record_id: str | None) -> None:
        self._record_id = record_id
        for row in self.rows.values():
            row.set_record(record_id)

    def specs_with_conditions(self) -> Iterator[tuple[FieldSpec, QWidget]]:
        forms = self.session.forms
        for path, block in self.blocks.items():
            spec = forms.field(path)
            yield spec, block

    def release(self) -> None:
        for row in self.rows.values():
            row.binding.release()
