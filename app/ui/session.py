"""One open assessment in the window: the file, its undo stack and change signals.

Every change a person makes becomes an ``EditCommand`` on the ``QUndoStack``.
The command's ``redo`` calls ``AssessmentFile.apply``, which updates the document
and commits it durably in one transaction, and keeps the inverse edit it returns;
``undo`` applies that inverse the same way. So undo, the file and the audit trail
all see the same edits, and nothing needs a Save.

Typing does not make one command per keystroke: text editors commit after a
short pause (see ``field_editors``), and consecutive commits to the same field
within ``MERGE_SECONDS`` merge into one undo step.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.model import Address, Edit, FormSet, SetValue, touched_addresses
from app.model.validate import Vocabulary
from app.store import AssessmentFile

MERGE_SECONDS = 2.5
_TYPING_ID = 1


@dataclass(frozen=True)
class Change:
    """What one apply/undo/redo changed, for the widgets to follow."""

    edit: Edit
    addresses: tuple[Address | str, ...]
    """Addresses for values, table paths for record edits."""
    via_history: bool
    """True for undo/redo: the form should show where the change happened."""


class EditCommand(QUndoCommand):
    def __init__(self, session: AssessmentSession, edit: Edit, label: str, typing: bool) -> None:
        super().__init__(label)
        self._session = session
        self.edit = edit
        self.inverse: Edit | None = None
        self._typing = typing and isinstance(edit, SetValue)
        self._stamp = time.monotonic()
        self._first = True

    def redo(self) -> None:
        try:
            self.inverse = self._session.assessment.apply(self.edit)
        except Exception as error:  # noqa: BLE001 - any failure must reach the person, not a traceback
            self.setObsolete(True)
            self._session.failed.emit(f"The change could not be saved: {error}")
            return
        self._session.announce(self.edit, via_history=not self._first)
        self._first = False

    def undo(self) -> None:
        if self.inverse is None:
            return
        try:
            self.edit = self._session.assessment.apply(self.inverse)
        except Exception as error:  # noqa: BLE001
            self._session.failed.emit(f"The change could not be undone: {error}")
            return
        self._session.announce(self.inverse, via_history=True)

    def id(self) -> int:
        return _TYPING_ID if self._typing else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, EditCommand) or not other._typing or other.inverse is None:
            return False
        mine, theirs = self.edit, other.edit
        if not (isinstance(mine, SetValue) and isinstance(theirs, SetValue)):
            return False
        if mine.address != theirs.address or other._stamp - self._stamp > MERGE_SECONDS:
            return False
        self.edit = theirs
        self._stamp = other._stamp
        if isinstance(self.inverse, SetValue) and self.inverse.data == theirs.data:
            self.setObsolete(True)
        return True


class AppliedEditCommand(QUndoCommand):
    """An edit a core function has already applied and saved (redacting a flag).

    ``FlagStore.redact`` applies its edit itself, so the change and its flag
    resolution land in one transaction; it returns the inverse, which is all
    undo needs. The first ``redo`` (Qt calls it on push) only announces.
    """

    def __init__(self, session: AssessmentSession, inverse: Edit, label: str) -> None:
        super().__init__(label)
        self._session = session
        self.inverse: Edit = inverse
        self.edit: Edit | None = None

    def redo(self) -> None:
        if self.edit is None:
            self._session.announce(self.inverse, via_history=False)
            return
        try:
            self.inverse = self._session.assessment.apply(self.edit)
        except Exception as error:  # noqa: BLE001
            self._session.failed.emit(f"The change could not be redone: {error}")
            return
        self._session.announce(self.edit, via_history=True)

    def undo(self) -> None:
        try:
            self.edit = self._session.assessment.apply(self.inverse)
        except Exception as error:  # noqa: BLE001
            self._session.failed.emit(f"The change could not be undone: {error}")
            return
        self._session.announce(self.inverse, via_history=True)


class AssessmentSession(QObject):
    """The open file plus everything the window needs to edit it."""

    changed = Signal(object)
    """Emitted with a ``Change`` after every edit, undo and redo."""
    failed = Signal(str)
    """A change could not be saved; the message is for the person."""

    def __init__(self, assessment: AssessmentFile, forms: FormSet, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.assessment = assessment
        self.forms = forms
        self.undo_stack = QUndoStack(self)
        self._flushers: list[Callable[[], None]] = []
        self._vocabulary: tuple[str | None, Vocabulary] | None = None
        self._conditions = None
        self._labels: tuple[str | None, dict[str, str]] | None = None

    @property
    def document(self):  # type: ignore[no-untyped-def]
        return self.assessment.document

    @property
    def path(self):  # type: ignore[no-untyped-def]
        return self.assessment.path

    def apply(self, edit: Edit, label: str, typing: bool = False) -> None:
        """Make a change as one undo step (merged with the previous one while typing)."""
        self.undo_stack.push(EditCommand(self, edit, label, typing))

    def record_applied(self, inverse: Edit, label: str) -> None:
        """Put an edit that was already applied (and saved) on the undo stack."""
        self.undo_stack.push(AppliedEditCommand(self, inverse, label))

    def announce(self, edit: Edit, via_history: bool) -> None:
        self.changed.emit(Change(edit, tuple(touched_addresses(edit)), via_history))

    # -- pending typing ------------------------------------------------------------
    def add_flusher(self, flush: Callable[[], None]) -> None:
        """Register a callback that commits typing still waiting for its pause."""
        self._flushers.append(flush)

    def remove_flusher(self, flush: Callable[[], None]) -> None:
        if flush in self._flushers:
            self._flushers.remove(flush)

    def flush(self) -> None:
        """Commit every pending keystroke now (before undo, export, close)."""
        for flush in list(self._flushers):
            flush()

    def undo(self) -> None:
        self.flush()
        self.undo_stack.undo()

    def redo(self) -> None:
        self.flush()
        self.undo_stack.redo()

    # -- what the forms need from the core --------------------------------------
    def framework(self) -> str | None:
        value = self.document.get("header.framework")
        return value if isinstance(value, str) else None

    def vocabulary(self) -> Vocabulary:
        """Categories and ladders of the assessment's framework (cached per framework)."""
        framework = self.framework()
        if self._vocabulary is None or self._vocabulary[0] != framework:
            from app.content.frameworks import vocabulary_for
            self._vocabulary = (framework, vocabulary_for(framework))
        return self._vocabulary[1]

    def choice_labels(self) -> dict[str, str]:
        """Display labels of the framework's categories and levels, by id."""
        framework = self.framework()
        if self._labels is None or self._labels[0] != framework:
            labels: dict[str, str] = {}
            if framework:
                from app.content.frameworks import framework_ids, load_framework
                if framework in framework_ids():
                    try:
                        loaded = load_framework(framework)
                    except Exception:  # noqa: BLE001 - a broken framework is reported by the check
                        loaded = None
                    if loaded is not None:
                        for category in loaded.categories:
                            labels[category.id] = category.label
                            for step in category.ladder:
                                labels.setdefault(step.level, step.label)
                        for level in loaded.security_levels:
                            labels.setdefault(level.id, level.label)
            self._labels = (framework, labels)
        return self._labels[1]

    def conditions(self):  # type: ignore[no-untyped-def]
        if self._conditions is None:
            from app.content.conditions import Conditions
            self._conditions = Conditions(self.forms)
        return self._conditions

    def close(self) -> None:
        self.flush()
        self.undo_stack.clear()
        self.assessment.close()
