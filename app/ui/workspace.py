"""The window's open assessment as its panels and dialogs follow it.

Panels and dialogs get this object, not the window: the current session (or
None), its live analysis and flags, the job runner and the settings, and Qt
signals for what happened. What they want to tell the person goes out through
``message`` and ``error``; the window shows it. So a panel never reaches into
the window, and the window never has attributes attached from outside.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.model import FormSet
from app.session import Session
from app.store import AssessmentFile
from app.ui.analysis import LiveAnalysis
from app.ui.flag_watch import FlagWatch
from app.ui.jobs import JobRunner
from app.ui.session import AssessmentSession
from app.ui.settings import AppSettings


class Workspace(QObject):
    opened = Signal(object)
    """The open assessment changed: the new ``AssessmentSession``, or None when closed."""
    analysed = Signal(object)
    """A live check finished: ``app.session.Analysis``."""
    flags_changed = Signal()
    """The stored detector flags changed (or became available)."""
    message = Signal(str, int)
    """A passing note for the status bar, and how long to show it (ms)."""
    error = Signal(str, str)
    """Something failed that the person must see: title, message."""

    def __init__(self, forms: FormSet, settings: AppSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.forms = forms
        self.settings = settings
        self.jobs = JobRunner(self)
        self.session: AssessmentSession | None = None
        self.analysis: LiveAnalysis | None = None
        self.flag_watch: FlagWatch | None = None

    def open(self, assessment: AssessmentFile) -> AssessmentSession:
        """Make ``assessment`` the open one (closing the last); ``opened`` is the caller's to emit."""
        self.close()
        session = AssessmentSession(Session(assessment, self.forms), parent=self)
        self.session = session
        session.failed.connect(lambda message: self.error.emit("Change not saved", message))
        analysis = self.analysis = LiveAnalysis(session, self.jobs, self)
        analysis.ready.connect(self.analysed.emit)
        session.changed.connect(lambda _change: analysis.schedule())
        watch = self.flag_watch = FlagWatch(session, self.jobs, self)
        watch.changed.connect(self.flags_changed.emit)
        watch.failed.connect(lambda message: self.message.emit(message, 10000))
        return session

    def close(self) -> None:
        """Close the open assessment, saving typing still waiting for its pause."""
        if self.session is None:
            return
        self.session.flush()
        if self.analysis is not None:
            self.analysis.close()
            self.analysis = None
        if self.flag_watch is not None:
            self.flag_watch.close()
            self.flag_watch = None
        # Jobs still running finish on their own: they work on snapshots, their own connection
        # or a worker process, never on this session, and report to closed listeners.
        self.session.close()
        self.session.deleteLater()
        self.session = None
