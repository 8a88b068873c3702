"""Saving on a thread of its own: typed edits reach the disk in order while the window carries on.

``AssessmentFile.start_writer`` gives a ``Writer`` a way to open a connection of its own to the file
(one connection per thread) and a function that saves one edit through it. Edits are saved one at a
time, in the order they were given. Each outcome — saved, with the history's new last entry, or
failed, with the reason — waits until the file's own thread collects it (``take``); ``notify`` is
called after each one, from the writer's thread, so a window can collect at once.

Once a save fails, the edits queued behind it are not tried: they come back failed, in order, and
the file keeps them with the failed one (``AssessmentFile.unsaved``) until a save of the whole
document succeeds. A job carries everything it writes — the value after the edit, the edit and its
inverse — so nothing here reads the document, which the window goes on changing.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Head = tuple[int, str]
"""The history's last entry: (seq, hash)."""


@dataclass(frozen=True)
class SaveJob:
    edit: Any
    """The edit (``SetValue`` or ``SetSensitivity``) as applied to the document."""
    inverse: Any
    value: Any
    """The ``Value`` at the edit's address after it (None: the value is gone)."""
    expected: Head | None
    """The history's last entry this save is chained on, when the file knows it (nothing was
    outstanding); otherwise the one the previous save wrote."""


@dataclass(frozen=True)
class SaveOutcome:
    job: SaveJob
    head: Head | None
    """The history's last entry after the save (None: it failed)."""
    failure: BaseException | None
    changes: list[tuple[str, dict[str, Any]]]
    """The history changes of the edit (kept for the next whole-document save when it failed)."""


Changes = Callable[[SaveJob], list[tuple[str, dict[str, Any]]]]
Save = Callable[[Any, SaveJob, list[tuple[str, dict[str, Any]]], Head | None], Head]


IDLE_SECONDS = 5.0
"""A writer's thread ends after this long without a job (and starts again with the next one), so no
thread outlives a file that was never closed."""


class Writer:
    """Saves jobs in order, one at a time, on a thread of its own through a connection of its own."""

    def __init__(self, connect: Callable[[], Any], changes: Changes, save: Save,
                 notify: Callable[[], None], start: Callable[[Callable[[], None]], None] | None = None) -> None:
        """``connect`` opens the connection (on the writer's thread); ``changes`` works out a job's
        history changes; ``save`` writes a job and returns the new head (raising what went wrong);
        ``notify`` is called after each job; ``start`` runs a function on another thread (a window
        passes Qt's thread pool; default: a new Python thread)."""
        self._connect = connect
        self._changes = changes
        self._save = save
        self._notify = notify
        self._start = start or _python_thread
        self._jobs: queue.SimpleQueue[SaveJob | None] = queue.SimpleQueue()
        self._state = threading.Condition()
        self._given = 0
        """Jobs submitted and not yet taken back."""
        self._outcomes: list[SaveOutcome] = []
        self._running = False
        self._head: Head | None = None
        self._failure: BaseException | None = None
        """Once a save failed, the jobs behind it fail too, until one comes with ``expected`` set."""

    @property
    def outstanding(self) -> int:
        """Jobs given and not yet taken back (being saved, or finished and not yet collected)."""
        with self._state:
            return self._given

    def submit(self, job: SaveJob) -> None:
        with self._state:
            self._given += 1
            self._jobs.put(job)
            if not self._running:
                self._running = True
                self._start(self._run)

    def take(self) -> list[SaveOutcome]:
        """The outcomes of the jobs finished since the last call, oldest first."""
        with self._state:
            outcomes, self._outcomes = self._outcomes, []
            self._given -= len(outcomes)
        return outcomes

    def wait(self) -> None:
        """Until every job given so far has finished (saved or failed)."""
        with self._state:
            while len(self._outcomes) < self._given:
                self._state.wait(0.5)

    def close(self) -> None:
        """Finish every job given, then end the thread (its connection is closed)."""
        self.wait()
        with self._state:
            if self._running:
                self._jobs.put(None)
            while self._running:
                self._state.wait(0.5)

    def _run(self) -> None:
        db: Any = None
        try:
            try:
                db = self._connect()
            except BaseException as error:  # noqa: BLE001 - reported with the jobs, like any failed save
                self._failure = error
            while self._next(db):
                pass
        except BaseException as error:  # noqa: BLE001 - never leave anyone waiting for a save
            with self._state:
                while not self._jobs.empty():
                    job = self._jobs.get()
                    if job is not None:
                        self._outcomes.append(SaveOutcome(job, None, error, []))
                self._running = False
                self._state.notify_all()
        finally:
            if db is not None:
                db.close()

    def _next(self, db: Any) -> bool:
        """Save the next job; False when the thread should end (closed, or idle for a while)."""
        try:
            job = self._jobs.get(timeout=IDLE_SECONDS)
        except queue.Empty:
            job = None
        if job is None:
            with self._state:
                if not self._jobs.empty():
                    return True
                self._running = False  # under the lock: a job given after this starts a new thread
                self._state.notify_all()
            return False
        if job.expected is not None and db is not None:
            self._head, self._failure = job.expected, None  # the file saved everything before this job itself
        outcome = self._one(db, job)
        if outcome.failure is None:
            self._head = outcome.head
        else:
            self._failure = outcome.failure
        with self._state:
            self._outcomes.append(outcome)
            self._state.notify_all()
        self._notify()
        return True

    def _one(self, db: Any, job: SaveJob) -> SaveOutcome:
        try:
            changes = self._changes(job)
        except BaseException as error:  # noqa: BLE001 - the file's thread decides what to tell the person
            return SaveOutcome(job, None, error, [])
        if self._failure is not None:
            return SaveOutcome(job, None, self._failure, changes)
        try:
            return SaveOutcome(job, self._save(db, job, changes, self._head), None, changes)
        except BaseException as error:  # noqa: BLE001
            return SaveOutcome(job, None, error, changes)


def _python_thread(run: Callable[[], None]) -> None:
    threading.Thread(target=run, name="riskwright-writer", daemon=True).start()
