"""The open assessment as the window sees it: the session, its undo stack, Qt signals.

The use cases live in ``app.session.Session`` (no Qt). This adapter adds what
only a window needs: every change a person makes becomes an ``EditCommand`` on
a ``QUndoStack``; the command's ``redo`` calls ``Session.edit``, which saves the
edit durably and returns the inverse; ``undo`` applies that inverse the same
way. So undo, the file and the audit trail all see the same edits, and nothing
needs a Save. The session's plain ``changed`` event is re-emitted as a Qt signal.

Typing does not make one command per keystroke: text editors commit after a
short pause (see ``field_editors``), and consecutive commits to the same field
within ``MERGE_SECONDS`` merge into one undo step.

Typing is saved on the file's writer thread (``AssessmentFile.apply_later``,
on a thread of Qt's own pool): the window goes on at once, the file counts the edit
as ``saving`` — and the status bar says so — until the writer's signal has been
collected here; ``flush`` waits for every save, so undo, export, copies and
closing see everything on disk, in the order it was typed.

A save that fails (full disk, folder gone) does not undo the person's work:
the edit stays in the document and on the undo stack, the file keeps it in
``unsaved`` and ``save_state_changed`` tells the window, which shows why and
retries. Typed input that cannot be saved at all is kept as an *invalid entry*
until the person fixes or discards it.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.model import Document, Edit, FormSet, SetValue
from app.model.text_edits import common_end, common_start
from app.model.validate import Vocabulary
from app.session import Change, Session
from app.store import AssessmentFile

__all__ = ["AssessmentSession", "Change", "EditCommand", "InvalidEntry"]

MERGE_SECONDS = 2.5
_TYPING_ID = 1


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
            # Typing is saved on the writer's thread; every other change (a choice, undo, redo) at once.
            self.inverse = self._session.core.edit(self.edit, via_history=not self._first,
                                                   keep_unsaved=True, later=self._first and self._typing)
        except Exception as error:  # noqa: BLE001 - any failure must reach the person, not a traceback
            self.setObsolete(True)
            self._session.failed.emit(f"The change could not be made: {error}")
            return
        finally:
            self._session.save_state_changed.emit()
        self._first = False

    def undo(self) -> None:
        if self.inverse is None:
            return
        try:
            self.edit = self._session.core.edit(self.inverse, via_history=True, keep_unsaved=True)
        except Exception as error:  # noqa: BLE001
            self._session.failed.emit(f"The change could not be undone: {error}")
            return
        finally:
            self._session.save_state_changed.emit()

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
        if not _same_word(mine.data, theirs.data):
            return False
        self.edit = theirs
        self._stamp = other._stamp
        if isinstance(self.inverse, SetValue) and self.inverse.data == theirs.data:
            self.setObsolete(True)
        return True


def _same_word(before: Any, after: Any) -> bool:
    """Does ``after`` only carry on the word being typed in ``before`` (so one undo step holds both)?

    Text editors undo a word or phrase at a time, not a whole paragraph: a step
    that starts after a space, or that adds a space inside what it types, begins
    a new undo step. Deleting merges with deleting, as before.
    """
    if not (isinstance(before, str) and isinstance(after, str)):
        return True
    # Compared a block at a time (C-level slices), not a character at a time: typing at the end of a
    # 20,000-character text would otherwise walk all of it in Python on every pause.
    start = common_start(before, after)
    end = common_end(before, after, len(before) - start, len(after) - start)
    inserted = after[start:len(after) - end]
    if not inserted:
        return True
    if start > 0 and before[start - 1].isspace():
        return False
    return not any(char.isspace() for char in inserted.strip())


class AppliedEditCommand(QUndoCommand):
    """An edit a core function has already applied and saved (redacting a flag).

    ``redact`` of the flags applies its edit itself, so the change and its flag
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
            self._session.core.announce(self.inverse, via_history=False)
            return
        try:
            self.inverse = self._session.core.edit(self.edit, via_history=True)
        except Exception as error:  # noqa: BLE001
            self._session.failed.emit(f"The change could not be redone: {error}")
            return

    def undo(self) -> None:
        try:
            self.edit = self._session.core.edit(self.inverse, via_history=True)
        except Exception as error:  # noqa: BLE001
            self._session.failed.emit(f"The change could not be undone: {error}")
            return


@dataclass(frozen=True)
class InvalidEntry:
    """Typed text a field cannot hold (``about 3.5e25`` for FLOP): shown, never saved, never silently lost."""

    label: str
    address: str
    text: str
    problem: str


class AssessmentSession(QObject):
    """``app.session.Session`` for the window: undo, pending typing, Qt signals."""

    changed = Signal(object)
    """Emitted with a ``Change`` after every edit, undo and redo."""
    failed = Signal(str)
    """A change could not be made at all; the message is for the person."""
    save_state_changed = Signal()
    """After every write attempt: the file's ``saving`` / ``save_problem`` / ``unsaved`` may have changed."""
    _saved = Signal()
    """Emitted from the writer's thread after each save; delivered here on the GUI thread."""

    def __init__(self, core: Session | AssessmentFile, forms: FormSet | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        if isinstance(core, AssessmentFile):
            assert forms is not None
            core = Session(core, forms)
        self.core = core
        self.undo_stack = QUndoStack(self)
        self._flushers: list[Callable[[], None]] = []
        self._typing: set[object] = set()  # fields whose typing waits for its pause (``typing_waits``)
        self._disconnect = core.changed.connect(self.changed.emit)
        self.invalid_entries: dict[object, InvalidEntry] = {}
        """Per field binding: input it holds that could not be saved."""
        self._writers = QThreadPool(self)
        """The writer's thread: one of Qt's, kept for as long as the file is open."""
        self._writers.setMaxThreadCount(1)
        self._writers.setExpiryTimeout(-1)
        self._saved.connect(self._collect_saves)
        core.assessment.start_writer(self._announce_saved, self._writers.start)

    def _announce_saved(self) -> None:
        """The writer's thread: a save finished; tell the GUI thread (never touch widgets here)."""
        with contextlib.suppress(RuntimeError):  # the session went away while the save ran (closing)
            self._saved.emit()

    def _collect_saves(self) -> None:
        if self.assessment.collect_saves() or not self.assessment.saving:
            self.save_state_changed.emit()

    def wait_for_saves(self) -> None:
        """Until every typed edit is on disk or known not to be (the status bar says which)."""
        if self.assessment.saving:
            self.assessment.wait_for_saves()
            self.save_state_changed.emit()

    # -- what the widgets read --------------------------------------------------------
    @property
    def assessment(self) -> AssessmentFile:
        return self.core.assessment

    @property
    def forms(self) -> FormSet:
        return self.core.forms

    @property
    def document(self) -> Document:
        return self.core.document

    @property
    def path(self) -> Path:
        return self.core.path

    def framework(self) -> str | None:
        return self.core.framework()

    def vocabulary(self) -> Vocabulary:
        return self.core.vocabulary()

    def choice_labels(self) -> dict[str, str]:
        return self.core.choice_labels()

    def conditions(self) -> Any:
        return self.core.conditions()

    # -- changing -------------------------------------------------------------------------
    def apply(self, edit: Edit, label: str, typing: bool = False) -> None:
        """Make a change as one undo step (merged with the previous one while typing)."""
        self.undo_stack.push(EditCommand(self, edit, label, typing))

    def record_applied(self, inverse: Edit, label: str) -> None:
        """Put an edit that was already applied (and saved) on the undo stack."""
        self.undo_stack.push(AppliedEditCommand(self, inverse, label))

    # -- pending typing ------------------------------------------------------------
    def add_flusher(self, flush: Callable[[], None]) -> None:
        """Register a callback that commits typing still waiting for its pause."""
        self._flushers.append(flush)

    def remove_flusher(self, flush: Callable[[], None]) -> None:
        if flush in self._flushers:
            self._flushers.remove(flush)

    def typing_waits(self, field: object, waiting: bool) -> None:
        """``field``'s typing now waits for its pause (True), or was committed or let go (False). While any
        typing waits, it is on screen and not yet in the file: the status bar does not say "saved"."""
        before = bool(self._typing)
        if waiting:
            self._typing.add(field)
        else:
            self._typing.discard(field)
        if bool(self._typing) != before:
            self.save_state_changed.emit()

    @property
    def typing_pending(self) -> bool:
        """Whether typing waits for its pause somewhere (``typing_waits``)."""
        return bool(self._typing)

    def flush(self) -> None:
        """Commit every pending keystroke now and wait until it is saved (before undo, export, close)."""
        for flush in list(self._flushers):
            flush()
        self.wait_for_saves()

    # -- input that could not be saved --------------------------------------------
    def note_invalid(self, binding: Any, text: str, problem: str) -> None:
        spec = binding.spec
        known = binding in self.invalid_entries
        self.invalid_entries[binding] = InvalidEntry(spec.label, str(binding.address), text, problem)
        if not known:
            self.save_state_changed.emit()  # the status bar may no longer say "All changes saved"

    def forget_invalid(self, binding: Any) -> None:
        if self.invalid_entries.pop(binding, None) is not None:
            self.save_state_changed.emit()

    @property
    def read_only(self) -> bool:
        return self.assessment.read_only

    def retry_save(self) -> bool:
        """Try the failed save again; True when everything is on disk."""
        try:
            done = self.assessment.retry_save()
        finally:
            self.save_state_changed.emit()
        return done

    def undo(self) -> None:
        self.flush()
        self.undo_stack.undo()

    def redo(self) -> None:
        self.flush()
        self.undo_stack.redo()

    def close(self) -> None:
        self.flush()
        self.undo_stack.clear()
        self._disconnect()
        self.core.close()  # the writer's thread ends with the file
        self._writers.waitForDone()
