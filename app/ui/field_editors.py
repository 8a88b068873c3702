"""One editor widget per field type, bound to one address of the document.

A binding shows the stored value, turns what the person does into ``SetValue``
edits through the session, and reports input it cannot accept (``3.2x25`` for
FLOP) without saving it. Parsing is the model's (``app.model.values``); the
binding only decides *when* to commit: choices at once, typing after a pause of
``TYPING_PAUSE_MS`` or when focus leaves, so a short burst of typing is one
save and one audit entry — and, however long someone types without pausing, at
most ``MAX_UNSAVED_MS`` after a keystroke, so a crash never costs more than the
last second of typing (consecutive saves of one field still merge into one undo
step, see ``app.ui.session``).

Input that cannot be saved (``about 3.5e25`` in a FLOP field) stays in the
widget, is reported, and is registered with the session as an *invalid entry*,
so closing the file or quitting asks what to do with it instead of dropping it.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from PySide6.QtCore import QDate, QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QLineEdit, QWidget

from app.model import Address, FieldSpec, SetValue
from app.model.passages import visible_offset
from app.model.values import LATEST_DATE, format_value, out_of_range, parse_value
from app.ui.hazard_markup import toggle_hazard, unmark_passage
from app.ui.marked_edit import (
    HISTORY_KEYS, LineTextEdit, MarkdownEdit, MarkedTextEdit, leave_history_to_window,
)
from app.ui.session import AssessmentSession

__all__ = ["FieldBinding", "LineTextEdit", "MarkdownBinding", "MarkdownEdit", "MarkedBinding", "TextLineBinding",
           "make_binding"]

TYPING_PAUSE_MS = 400
WORD_STEPS_UP_TO = 20_000
"""Up to this many characters, a finished word is saved at once, so Ctrl+Z steps back word by word.
Longer texts save at pauses only (each save records the value in the history)."""
MAX_UNSAVED_MS = 800
"""Longest time a keystroke waits for its save while someone types without pausing."""
_NO_DATE = QDate(1900, 1, 1)
_NOTHING = object()


class FieldLineEdit(QLineEdit):
    """Numbers, whole numbers and FLOP typed as text (no passages in them: a QLineEdit will do)."""

    def event(self, event: QEvent) -> bool:
        return True if leave_history_to_window(event) else super().event(event)

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        if any(event.matches(key) for key in HISTORY_KEYS):
            event.ignore()
            return
        super().keyPressEvent(event)


class DateEdit(QDateEdit):
    """Tab leaves the field (arrows move between year, month and day), like every other field."""

    def focusNextPrevChild(self, next_child: bool) -> bool:  # noqa: N802 - Qt's name
        return QWidget.focusNextPrevChild(self, next_child)

    def wheelEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class FieldBinding(QObject):
    """Connects one editor widget to one address; subclasses per field type."""

    problem = Signal(object)
    """A message about input that was not saved, or None when it is fine again."""

    def __init__(self, session: AssessmentSession, spec: FieldSpec, record_id: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.spec = spec
        self.record_id = record_id
        self.widget = self._make_widget()
        self.widget.setAccessibleName(spec.label)
        self.widget.setAccessibleDescription(spec.help)
        self.widget.setToolTip(spec.help)
        self.widget.setObjectName(f"field:{spec.path}")
        self._loading = False
        self._saving: Any = _NOTHING
        """What ``commit`` is saving right now (the form follows the save at once and calls ``load``)."""

    @property
    def address(self) -> Address:
        return Address(self.spec.path, self.record_id)

    def stored(self) -> Any:
        if self.spec.table is not None and self.record_id is None:
            return None
        return self.session.document.get(self.address)

    def _make_widget(self) -> QWidget:
        raise NotImplementedError

    def load(self) -> None:
        """Show what the document holds now (after an undo, a record switch, …)."""
        self._loading = True
        try:
            self._show(self.stored())
        finally:
            self._loading = False
        self.problem.emit(None)
        self.session.forget_invalid(self)

    def _show(self, data: Any) -> None:
        raise NotImplementedError

    def commit(self, data: Any, typing: bool = False) -> None:
        if self._loading or (self.spec.table is not None and self.record_id is None):
            return
        stored = self.stored()
        if data == stored and type(data) is type(stored):
            return
        label = f"Edit {self.spec.label}"
        self._saving = data
        try:
            self.session.apply(SetValue(self.address, data), label, typing=typing)
        finally:
            self._saving = _NOTHING

    def flush(self) -> None:
        """Commit typing that is still waiting for its pause."""

    def release(self) -> None:
        """The widget is going away."""


class TypedBinding(FieldBinding):
    """Text-like editors: commit after a pause in typing, or when focus leaves."""

    def __init__(self, session: AssessmentSession, spec: FieldSpec, record_id: str | None = None) -> None:
        super().__init__(session, spec, record_id)
        self._pending = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_PAUSE_MS)
        self._timer.timeout.connect(self.flush)
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.setInterval(MAX_UNSAVED_MS)
        self._deadline.timeout.connect(self.flush)
        session.add_flusher(self.flush)

    def typed(self) -> None:
        if self._loading:
            return
        if not self._pending:
            self.session.typing_waits(self, True)
        self._pending = True
        self._timer.start()
        if not self._deadline.isActive():
            self._deadline.start()
        if self._word_just_ended():
            self.flush()  # one undo step per word, as text editors do (see EditCommand.mergeWith)

    def _word_just_ended(self) -> bool:
        """The character before the cursor is a space (or line end) that closes a word (texts only)."""
        return False

    def flush(self) -> None:
        if not self._pending:
            return
        self._pending = False
        self._timer.stop()
        self._deadline.stop()
        try:
            self._commit_typed()
        finally:
            # Only now, with the save under way (or the input noted as not saved): the status bar goes from
            # "Saving…" for the typing to "Saving…" for the write, never through "All changes saved" between.
            self.session.typing_waits(self, False)

    def _commit_typed(self) -> None:
        raw = self._raw()
        try:
            data = parse_value(self.spec.type, raw)
            problem = out_of_range(data, self.spec.minimum, self.spec.maximum)
        except ValueError as error:
            problem = str(error)
        if problem:
            self.problem.emit(f"Not saved: {problem}")
            self.session.note_invalid(self, "" if raw is None else str(raw), problem)
            return
        self.problem.emit(None)
        self.session.forget_invalid(self)
        self.commit(data, typing=True)

    def _raw(self) -> Any:
        raise NotImplementedError

    def release(self) -> None:
        self.flush()
        self.session.remove_flusher(self.flush)
        self.session.forget_invalid(self)


class LineBinding(TypedBinding):
    """Numbers, whole numbers and FLOP typed as text."""

    def _make_widget(self) -> QWidget:
        edit = FieldLineEdit()
        edit.setClearButtonEnabled(False)
        hints = {"flop": "e.g. 3.2e25", "number": "a number, e.g. 0.42", "integer": "a whole number"}
        edit.setPlaceholderText(self.spec.placeholder or hints.get(self.spec.type, ""))
        edit.textEdited.connect(self.typed)
        edit.editingFinished.connect(self.flush)
        return edit

    def _show(self, data: Any) -> None:
        edit: QLineEdit = self.widget  # type: ignore[assignment]
        text = format_value(self.spec.type, data)
        if edit.text() != text:
            position = edit.cursorPosition()
            edit.setText(text)
            edit.setCursorPosition(min(position, len(text)))

    def _raw(self) -> Any:
        return cast(QLineEdit, self.widget).text()


class MarkedBinding(TypedBinding):
    """Text with hazardous passages: the editor shows regions, the document stores markup."""

    @property
    def editor(self) -> MarkedTextEdit:
        return cast(MarkedTextEdit, self.widget)

    def _connect(self, edit: MarkedTextEdit) -> None:
        if self.spec.placeholder:
            edit.setPlaceholderText(self.spec.placeholder)
        edit.textChanged.connect(self.typed)
        edit.focus_left.connect(self.flush)
        edit.mark_requested.connect(lambda: self._say(toggle_hazard(self, self.widget.window())))
        edit.unmark_requested.connect(lambda position: self._say(unmark_passage(self, position)))

    def _say(self, message: str) -> None:
        status = getattr(self.widget.window(), "statusBar", None)
        if callable(status):
            status().showMessage(message, 6000)

    def load(self) -> None:
        if self._saving is not _NOTHING and self.stored() is self._saving:
            return  # the form following this editor's own save: it shows exactly that text already
        super().load()

    def _show(self, data: Any) -> None:
        self.editor.load_marked("" if data is None else str(data))
        self._describe()

    def _describe(self) -> None:
        summary = self.editor.passage_summary()
        self.widget.setAccessibleDescription(f"{self.spec.help} {summary}".strip())

    def _raw(self) -> Any:
        return self.editor.marks.marked_text()

    def _word_just_ended(self) -> bool:
        # Two characters from the document, not the whole text: this runs on every keystroke.
        document = self.editor.document()
        position = self.editor.textCursor().position()
        if document.characterCount() - 1 > WORD_STEPS_UP_TO or position < 2:
            return False
        return document.characterAt(position - 1).isspace() and not document.characterAt(position - 2).isspace()

    def replace_text(self, text: str, label: str) -> None:
        """A whole-value change that is its own undo step."""
        self.flush()
        self.session.apply(SetValue(self.address, text), label)

    def save_marks(self, label: str) -> None:
        """Save the passages as the editor now marks them, as one undo step (call ``flush`` before changing them)."""
        self.session.apply(SetValue(self.address, self.editor.marks.marked_text()), label)
        if self.stored() != self.editor.marks.marked_text():
            self.load()  # not saved (the session said why): show what is stored
        self._describe()

    def select_stored(self, offset: int, length: int) -> None:
        """Select ``[offset, offset + length)`` of the stored text (a flag, a search hit) in the editor."""
        marks = self.editor.marks
        if marks.raw:
            self.editor.select_range(offset, offset + length)
            return
        passages = marks.passages()
        self.editor.select_range(visible_offset(passages, offset), visible_offset(passages, offset + length))


class TextLineBinding(MarkedBinding):
    """One line of text, its hazardous passages marked as in long texts."""

    def _make_widget(self) -> QWidget:
        edit = LineTextEdit()
        self._connect(edit)
        edit.editingFinished.connect(self.flush)
        return edit


class MarkdownBinding(MarkedBinding):
    def _make_widget(self) -> QWidget:
        edit = MarkdownEdit()
        self._connect(edit)
        return edit


class DateBinding(TypedBinding):
    def _make_widget(self) -> QWidget:
        edit = DateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(_NO_DATE)
        edit.setMaximumDate(QDate(LATEST_DATE.year, LATEST_DATE.month, LATEST_DATE.day))
        edit.setSpecialValueText("Not set")
        edit.setDate(_NO_DATE)
        edit.setMaximumWidth(170)
        edit.dateChanged.connect(self.typed)
        edit.editingFinished.connect(self.flush)
        return edit

    def _show(self, data: Any) -> None:
        edit: QDateEdit = self.widget  # type: ignore[assignment]
        wanted = _NO_DATE if data is None else QDate(data.year, data.month, data.day)
        if edit.date() != wanted:
            edit.setDate(wanted)

    def _raw(self) -> Any:
        chosen = cast(QDateEdit, self.widget).date()
        if chosen == _NO_DATE:
            return None
        return date(chosen.year(), chosen.month(), chosen.day())


class BooleanBinding(FieldBinding):
    def _make_widget(self) -> QWidget:
        box = QCheckBox("Yes")
        box.toggled.connect(lambda checked: self.commit(bool(checked)))
        return box

    def _show(self, data: Any) -> None:
        box: QCheckBox = self.widget  # type: ignore[assignment]
        box.setChecked(bool(data))
        box.setText("Yes" if data is not None else "Yes (not answered yet)")


class ChoiceBox(QComboBox):
    """A combo box that fills its list when first opened and ignores the wheel unless focused.

    Scrolling the form with the mouse wheel must not change a value the pointer
    happens to pass over.
    """

    opening = Signal()

    def showPopup(self) -> None:  # noqa: N802 - Qt's name
        self.opening.emit()
        super().showPopup()

    def focusInEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        self.opening.emit()
        super().focusInEvent(event)

    def wheelEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class ChoiceBinding(FieldBinding):
    """Enums, categories, levels and frameworks: a list of ids with labels.

    When the framework does not list the choices (an unknown framework), the box
    becomes editable so the assessment can still be written. The list of
    installed frameworks is read only when the box is first opened or focused:
    reading it imports the framework machinery, which start-up can do without.
    """

    def __init__(self, session: AssessmentSession, spec: FieldSpec, record_id: str | None = None) -> None:
        self._lazy = spec.type == "framework"
        self._filled = False
        super().__init__(session, spec, record_id)

    def _fill_now(self) -> None:
        if self._lazy and not self._filled:
            self._filled = True
            self._loading = True
            try:
                self._show(self.stored())
            finally:
                self._loading = False

    def _make_widget(self) -> QWidget:
        box = ChoiceBox()
        box.opening.connect(self._fill_now)
        # A long option label must not widen the whole form; the open list shows it in full.
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(18)
        box.setMinimumWidth(220)
        box.activated.connect(self._chosen)
        return box

    def _chosen(self, _index: int) -> None:
        box: QComboBox = self.widget  # type: ignore[assignment]
        data = box.currentData()
        self.commit(None if data in (None, "") else str(data))

    def _edited(self) -> None:
        box: QComboBox = self.widget  # type: ignore[assignment]
        text = box.currentText().strip()
        index = box.findText(text)
        data = box.itemData(index) if index >= 0 else text
        self.commit(None if not data else str(data))

    def _show(self, data: Any) -> None:
        box: QComboBox = self.widget  # type: ignore[assignment]
        if self._lazy and not self._filled:
            box.blockSignals(True)
            box.clear()
            box.addItem("— not set —", "")
            if data is not None:
                box.addItem(str(data), data)
            box.setCurrentIndex(box.count() - 1)
            box.blockSignals(False)
            return
        choices = self.session.core.field_choices(self.spec.path, self.record_id)
        box.blockSignals(True)
        box.clear()
        box.addItem("— not set —", "")
        if choices is None:
            box.setEditable(True)
            line = box.lineEdit()
            if line is not None and not line.property("bound"):
                line.editingFinished.connect(self._edited)
                line.setProperty("bound", True)
            box.setToolTip(f"{self.spec.help}\n\nThe framework does not list the choices; type the id.")
        else:
            box.setEditable(False)
            for choice_id, label in choices:
                box.addItem(label, choice_id)
        if data is not None and box.findData(data) < 0:
            box.addItem(f"{data} (not in this framework)", data)
        box.setCurrentIndex(max(0, box.findData("" if data is None else data)))
        box.blockSignals(False)


def make_binding(session: AssessmentSession, spec: FieldSpec, record_id: str | None = None) -> FieldBinding:
    """The right editor for the field's type."""
    if spec.type == "markdown":
        return MarkdownBinding(session, spec, record_id)
    if spec.type == "text":
        return TextLineBinding(session, spec, record_id)
    if spec.type in ("integer", "number", "flop"):
        return LineBinding(session, spec, record_id)
    if spec.type == "date":
        return DateBinding(session, spec, record_id)
    if spec.type == "boolean":
        return BooleanBinding(session, spec, record_id)
    if spec.type in ("enum", "category", "level", "framework"):
        return ChoiceBinding(session, spec, record_id)
    raise ValueError(f"no editor for fields of type {spec.type!r}")
