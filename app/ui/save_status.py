"""The status bar's honest account of the file: saved, not saved (and why), or read-only (and why).

A failed save is shown here — "Not saved — the disk is full", in the warning
colour, with what to do in the tooltip — rather than in a modal box per pause:
the person keeps typing, the edits stay in memory and on the undo stack, and
the save is retried every few seconds while retrying can help. The same
object notices a change another program made to the file (``data_version``,
see ``AssessmentFile.follow_outside_changes``) and asks the window to show it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel

from app.ui.session import AssessmentSession
from app.ui.status_text import SteadyLabel

RETRY_MS = 2000
WATCH_MS = 2000

SAVED, SAVING, UNSAVED, READ_ONLY = "saved", "saving", "unsaved", "readonly"


def _first_clause(reason: str, limit: int = 70) -> str:
    """The start of a reason, short enough for the status bar (the banner and tooltip say it all)."""
    clause = reason.split(";")[0].split(". ")[0].split(" (")[0]
    return clause if len(clause) <= limit else f"{clause[:limit - 1]}…"


class SaveStatus(QObject):
    def __init__(self, label: QLabel, on_outside_change: Callable[[], None],
                 on_state: Callable[[], None], parent: QObject | None = None,
                 on_snapshot_stale: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.state = ""
        self._look: object = label.property("state")
        """The label's ``state`` property as this object last set it (it alone sets it)."""
        self._tip = label.toolTip()
        self._shown: tuple[str, str, str] | None = None
        self._session: AssessmentSession | None = None
        self._on_outside_change = on_outside_change
        self._on_snapshot_stale = on_snapshot_stale
        self._on_state = on_state
        self._retry = QTimer(self)
        self._retry.setInterval(RETRY_MS)
        self._retry.timeout.connect(self.retry)
        self._watch = QTimer(self)
        self._watch.setInterval(WATCH_MS)
        self._watch.timeout.connect(self.check_outside_changes)

    def attach(self, session: AssessmentSession) -> None:
        self.detach()
        self._session = session
        session.save_state_changed.connect(self.refresh)
        self._watch.start()
        self.refresh()

    def detach(self) -> None:
        self._retry.stop()
        self._watch.stop()
        if self._session is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                self._session.save_state_changed.disconnect(self.refresh)
        self._session = None
        self._show("", "", "")

    # -- what the label says ----------------------------------------------------------------
    def refresh(self) -> None:
        session = self._session
        if session is None:
            return
        assessment = session.assessment
        shown = self._shown
        if assessment.read_only:
            reason = assessment.read_only_reason or "opened read-only"
            self._show(READ_ONLY, f"Read-only — {_first_clause(reason)}",
                       f"Read-only: {reason}.\nUse File ▸ Save a copy… to work on an editable copy.")
            self._retry.stop()
        elif assessment.save_problem is not None:
            problem = assessment.save_problem
            count = len(assessment.unsaved)
            self._show(UNSAVED, f"Not saved — {problem.reason}",
                       f"{count} change{'s' if count != 1 else ''} kept in memory, not yet in the file: "
                       f"{problem.reason}.\nWhat to do: {problem.advice}.")
            if problem.retry and not self._retry.isActive():
                self._retry.start()
        elif session.invalid_entries:
            entries = list(session.invalid_entries.values())
            first = entries[0]
            more = f" and {len(entries) - 1} more" if len(entries) > 1 else ""
            self._show(UNSAVED, f"Not saved — {first.label}{more}: cannot hold what was typed",
                       "Typed text a field cannot hold is kept on screen, not in the file:\n" +
                       "\n".join(f"{entry.label}: {entry.problem}" for entry in entries))
            self._retry.stop()
        elif assessment.saving:
            # Typing is saved on the writer's thread: "saved" only once it has said the write is committed.
            self._show(SAVING, "Saving…", f"Writing your latest change to {assessment.path}")
        elif session.typing_pending:
            # Typed text waits for a pause before it is committed: on screen, not yet in the file.
            self._show(SAVING, "Saving…", f"Your typing is written to {assessment.path} at the next pause")
        else:
            self._show(SAVED, "All changes saved", f"Every change is in {assessment.path}")
            self._retry.stop()
        if self._shown != shown and {shown[0] if shown else "", self.state} - {SAVED, SAVING}:
            # The window's title and banner differ only for not-saved and read-only: "Saving…" and back
            # (twice per pause in typing) changes neither.
            self._on_state()

    def _show(self, state: str, text: str, tip: str) -> None:
        if (state, text, tip) == self._shown:
            return  # a save collected after the window already said so (waiting for saves collects too)
        self._shown = (state, text, tip)
        self.state = state
        # "Saving…" (a few milliseconds on every pause in typing) keeps the colour it had: re-polishing the
        # label twice per edit cost the window more than the save itself.
        # The label's look and tooltip are remembered here rather than asked of Qt: these run while the
        # writer's thread saves, and every call into Qt lets that thread take the interpreter lock.
        look = self._look if state == SAVING else state
        restyled = look != self._look
        if restyled:
            self._look = look
            self.label.setProperty("state", look)
            self.label.style().unpolish(self.label)
            self.label.style().polish(self.label)
        if isinstance(self.label, SteadyLabel):
            self.label.show_text(text, passing=state == SAVING, restyled=restyled)  # sized after the restyle
        else:
            self.label.setText(text)
        if tip != self._tip:
            self._tip = tip
            self.label.setToolTip(tip)

    # -- timers -----------------------------------------------------------------------------
    def retry(self) -> None:
        if self._session is None:
            self._retry.stop()
            return
        self._session.retry_save()

    def check_outside_changes(self) -> None:
        if self._session is None:
            return
        if self._session.read_only:
            # A snapshot follows the file: what the program editing it saves appears here too.
            if self._on_snapshot_stale is not None and self._session.assessment.snapshot_is_stale():
                self._on_snapshot_stale()
            return
        try:
            changed = self._session.assessment.follow_outside_changes()
        except Exception:  # noqa: BLE001 - a vanished drive is reported by the next save, not here
            return
        if changed:
            self._on_outside_change()
