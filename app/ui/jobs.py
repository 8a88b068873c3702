"""Work that must not freeze the window: checks of a large file, exports, previews.

A job runs a plain function on Qt's thread pool and reports back through
signals, which Qt delivers on the GUI thread. Jobs work on a *snapshot* of the
document (``app.session.snapshot``) or on the saved file, so the person can
keep typing while the check or export runs.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from typing import Any
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.session.analysis import Progress

_log = logging.getLogger(__name__)



class _JobSignals(QObject):
    progress = Signal(int, str)
    done = Signal(object)
    failed = Signal(str)


class Job(QRunnable):
    def __init__(self, work: Callable[[Progress], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.signals = _JobSignals()
        self._work = work

    def run(self) -> None:
        try:
            result = self._work(self._progress)
        except Exception as error:  # noqa: BLE001 - reported to the person, never raised into Qt
            _log.debug("background job failed", exc_info=True)
            self._emit(self.signals.failed, str(error) or type(error).__name__)
            return
        self._emit(self.signals.done, result)

    def _progress(self, percent: int, what: str) -> None:
        self._emit(self.signals.progress, percent, what)

    @staticmethod
    def _emit(signal, *args: Any) -> None:  # type: ignore[no-untyped-def]
        with contextlib.suppress(RuntimeError):  # the window went away while the job ran (quitting)
            signal.emit(*args)


GIL_SWITCH_SECONDS = 0.001
"""While a job computes in Python, the GUI thread waits for the interpreter lock each time it
runs Python code (a slot, a delegate's paint). Python's default hand-over interval of 5 ms
shows as stutter; 1 ms keeps the window smooth at a small cost to the job."""


class JobRunner(QObject):
    """Starts jobs and keeps them alive until they report."""

    activity = Signal(int)
    """How many jobs are running now (for a busy indicator)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        if sys.getswitchinterval() > GIL_SWITCH_SECONDS:
            sys.setswitchinterval(GIL_SWITCH_SECONDS)
        self._running: set[Job] = set()
        self._quiet: set[Job] = set()
        self.pool = QThreadPool.globalInstance()

    def start(self, work: Callable[[Progress], Any], on_done: Callable[[Any], None],
              on_failed: Callable[[str], None], on_progress: Callable[[int, str], None] | None = None,
              quiet: bool = False) -> Job:
        """Run ``work`` on the pool. A ``quiet`` job (the live check, which the status bar already
        announces as "Checking…") does not count in ``activity``: the animated busy indicator
        repainting through every check cost the window more than the rest of an edit."""
        job = Job(work)
        (self._quiet if quiet else self._running).add(job)
        job.signals.done.connect(on_done)
        job.signals.failed.connect(on_failed)
        if on_progress is not None:
            job.signals.progress.connect(on_progress)
        job.signals.done.connect(lambda _result: self._finished(job))
        job.signals.failed.connect(lambda _message: self._finished(job))
        self.pool.start(job)
        if not quiet:
            self.activity.emit(len(self._running))
        return job

    def _finished(self, job: Job) -> None:
        if job in self._quiet:
            self._quiet.discard(job)
            return
        self._running.discard(job)
        self.activity.emit(len(self._running))

    @property
    def busy(self) -> bool:
        return bool(self._running or self._quiet)

    def wait(self, milliseconds: int = 30000) -> bool:
        """Wait for every job (closing the window, tests)."""
        return self.pool.waitForDone(milliseconds)
