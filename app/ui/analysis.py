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


class LiveAnalysis(QObject):
    """Re-runs the session's checks after edits settle; never more than one run at a time."""

    ready = Signal(object)
    started = Signal()

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
        self._closed = False

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
        self.started.emit()
        checks = self.session.core.checks
        document, touched = checks.take(self.session.document)
        framework = self.session.framework()

        def check(progress: Progress) -> Analysis:
            result = checks.run(document, touched, progress)
            result.shown = shown_texts(result, framework)  # the status bar's words too, here rather than there
            return result
        self.jobs.start(check, self._done, self._failed, quiet=True)

    def _done(self, result: Analysis) -> None:
        self._running = False
        if self._closed:
            return
        self.latest = result
        self.ready.emit(result)
        if self._again:
            self._again = False
            self.run_now()

    def _failed(self, message: str) -> None:
        self._running = False
        if not self._closed:
            self.ready.emit(Analysis(framework_error=message))

    def close(self) -> None:
        self._closed = True
        self._timer.stop()
