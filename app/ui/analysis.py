"""When to re-run the live checks of the open assessment: after each pause in editing.

What is checked and how is the application layer's (``app.session.LiveChecks``,
which re-checks with ``Checker.recheck`` only what the edits touched). This
module decides when to ask — debounced, on a snapshot, off the GUI thread,
never two runs at a time — and hands the result to the window.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from app.session.analysis import Analysis, Progress
from app.ui.analysis_text import shown_texts
from app.ui.jobs import JobRunner
from app.ui.session import AssessmentSession

__all__ = ["ANALYSIS_PAUSE_MS", "Analysis", "LiveAnalysis"]

ANALYSIS_PAUSE_MS = 450
SLOW_CHECK_MS = 300
"""A check still running this long after it started is announced (the status bar says "Checking…"). A
quicker one — most re-checks while typing — only shows its result: the label flashing "Checking…" for a
tenth of a second and back to the same words made two repaints of the status bar per pause in typing,
about a sixth of the window's work per edit, and told the person nothing they could act on."""


class LiveAnalysis(QObject):
    """Re-runs the session's checks after edits settle; never more than one run at a time."""

    ready = Signal(object)
    started = Signal()
    taking_long = Signal()
    """The check started ``SLOW_CHECK_MS`` ago and is still running."""

    def __init__(self, session: AssessmentSession, jobs: JobRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.jobs = jobs
        self.latest: Analysis | None = None
        self._running = False
        self._again = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(ANALYSIS_PAUSE_MS)
        self._timer.timeout.connect(self.run_now)
        self._slow = QTimer(self)
        self._slow.setSingleShot(True)
        self._slow.setInterval(SLOW_CHECK_MS)
        self._slow.timeout.connect(self._still_running)
        self._closed = False
        self._retired: list[Analysis] = []
        """Results replaced by newer ones: freed by the next check on its worker thread (freeing one — its
        findings, problems and listing — took the window about a tenth of a millisecond per pause)."""

    def schedule(self) -> None:
        self._timer.start()

    def run_now(self) -> None:
        self._timer.stop()
        if self._closed:
            return
        if self._running:
            self._again = True
            return
        self._running = True
        self._slow.start()
        self.started.emit()
        checks = self.session.core.checks
        document, touched = checks.take(self.session.document)
        framework = self.session.framework()
        retired, self._retired = self._retired, []

        def check(progress: Progress) -> Analysis:
            retired.clear()
            result = checks.run(document, touched, progress)
            result.shown = shown_texts(result, framework)  # the status bar's words too, here rather than there
            return result
        self.jobs.start(check, self._done, self._failed, quiet=True)

    def _still_running(self) -> None:
        if self._running and not self._closed:
            self.taking_long.emit()

    def _done(self, result: Analysis) -> None:
        self._running = False
        self._slow.stop()
        if self._closed:
            return
        if self.latest is not None:
            self._retired.append(self.latest)
        self.latest = result
        self.ready.emit(result)
        if self._again:
            self._again = False
            self.run_now()

    def _failed(self, message: str) -> None:
        self._running = False
        self._slow.stop()
        if not self._closed:
            self.ready.emit(Analysis(framework_error=message))

    def close(self) -> None:
        self._closed = True
        self._timer.stop()
        self._slow.stop()
