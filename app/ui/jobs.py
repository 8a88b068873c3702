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



class _Relay(QObject):
    """Carries every job's reports to the GUI thread: one object and one connection per runner.

    A job used to bring a QObject of its own with five connections; on every pause in typing two jobs
    start (the check and the flag re-scan), and making those cost the window more than starting them."""

    report = Signal(object)
    """(job, kind, payload): kind is "done", "failed" or "progress"."""


class Job(QRunnable):
    def __init__(self, work: Callable[[Progress], Any], relay: _Relay, on_done: Callable[[Any], None],
                 on_failed: Callable[[str], None], on_progress: Callable[[int, str], None] | None) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self._work = work
        self._relay = relay
        self.on_done = on_done
        self.on_failed = on_failed
        self.on_progress = on_progress

    def run(self) -> None:
        try:
            result = self._work(self._progress)
        except Exception as error:  # noqa: BLE001 - reported to the person, never raised into Qt
            _log.debug("background job failed", exc_info=True)
            self._emit("failed", str(error) or type(error).__name__)
            return
        self._emit("done", result)

    def _progress(self, percent: int, what: str) -> None:
        if self.on_progress is not None:
            self._emit("progress", (percent, what))

    def _emit(self, kind: str, payload: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the window went away while the job ran (quitting)
            self._relay.report.emit((self, kind, payload))


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
        self._relay = _Relay(self)
        self._relay.report.connect(self._report)

    def start(self, work: Callable[[Progress], Any], on_done: Callable[[Any], None],
              on_failed: Callable[[str], None], on_progress: Callable[[int, str], None] | None = None,
              quiet: bool = False) -> Job:
        """Run ``work`` on the pool. A ``quiet`` job (the live check, which the status bar already
        announces as "Checking…") does not count in ``activity``: the animated busy indicator
        repainting through every check cost the window more than the rest of an edit."""
        job = Job(work, self._relay, on_done, on_failed, on_progress)
        (self._quiet if quiet else self._running).add(job)
        self.pool.start(job)
        if not quiet:
            self.activity.emit(len(self._running))
        return job

    def _report(self, report: tuple[Job, str, Any]) -> None:
        """On the GUI thread: hand a job's report to whoever started it (then count it finished)."""
        job, kind, payload = report
        if kind == "progress":
            if job.on_progress is not None:
                job.on_progress(*payload)
            return
        try:
            (job.on_done if kind == "done" else job.on_failed)(payload)
        finally:
            self._finished(job)

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
