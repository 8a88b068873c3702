"""Keeps the open assessment's detector flags current while the person edits.

The flags live in the file (``app.session.flags.FlagStore``). When a file
opens, the whole document is scanned once in the worker process
(``app.session.offload``), through its own connection to the same file; from then on
each change re-scans only what it touched, after edits settle. Changes made
while the first scan runs are re-scanned when it finishes, so nothing slips
between the two.

A re-scan runs on a worker thread over a copy of what it reads
(``scan_copy``): the detectors and the echo scan cost the typing person
nothing. The same thread reads, through a read-only connection of its own,
whether the file already holds what it found (nearly always, while typing);
only writing what changed happens here, on the GUI thread that owns the
file's connection (which reads again before it writes). One re-scan runs at a time (the echo
scan is kept up to date by each); ``settle`` waits for it and finishes the
work at once, and a result that ``settle`` overtook is dropped.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from app.model import Address
from app.session.analysis import Progress
from app.ui.jobs import JobRunner
from app.ui.session import AssessmentSession, Change

RESCAN_PAUSE_MS = 250


def _scan_file(path: Path, progress: Progress, document: Any = None, forms: Any = None) -> tuple[int, Any]:
    """Worker thread: wait for the scan in the worker process (no interpreter lock held meanwhile),
    then load the detectors here too (cached) for the per-edit rescans, and read the withheld values of
    a copy of the document for echo detection (edits made meanwhile are re-scanned when this ends)."""
    from app.redaction import default_detectors, load_audiences
    from app.redaction.echo import EchoScan
    from app.session import offload
    progress(10, "Scanning for hazardous terms")
    count = offload.run(offload.scan_file, path)
    default_detectors()
    echoes = None
    if document is not None and forms is not None:
        echoes = EchoScan(forms, load_audiences())
        echoes.load(document)
    return count, echoes


class FlagWatch(QObject):
    changed = Signal()
    """The stored flags changed (or became available)."""
    failed = Signal(str)

    def __init__(self, session: AssessmentSession, jobs: JobRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.jobs = jobs
        self.store: Any = None
        self.error: str | None = None
        self._scanning = False
        self._scan_again = False
        self._closed = False
        self._pending: dict[Address | str, None] = {}
        self._running: list[Address | str] | None = None
        """Targets of the re-scan now running on a worker thread (None: none is running)."""
        self._generation = 0
        """Bumped when ``settle`` overtakes a running re-scan, whose result is then dropped."""
        self._computing = threading.Lock()
        """Held while the echo scan is being brought up to date (worker thread or ``settle``)."""
        self._reader: Any = None
        """A read-only connection to the file for the re-scans' worker thread (used under ``_computing``)."""
        self._read: dict[str, list[Any]] = {}
        """Flags as last read from the file, by query (cleared whenever the flags may have changed)."""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RESCAN_PAUSE_MS)
        self._timer.timeout.connect(self._rescan_pending)
        session.changed.connect(self._on_change)

    @property
    def ready(self) -> bool:
        return self.store is not None

    def start(self) -> None:
        """Scan the whole file in the background (once, after opening)."""
        if self._scanning or self._closed:
            return
        if self.session.read_only:
            # A read-only file is a snapshot in memory: scan it here; the file itself is never written.
            try:
                self._scanned(self._scan_snapshot())
            except Exception as error:  # noqa: BLE001 - a scan failure must not close the file
                self._scan_failed(f"Flags could not be computed: {error}")
            return
        self._scanning = True
        path = self.session.path
        document, forms = self.session.document.copy(), self.session.forms
        self.jobs.start(lambda progress: _scan_file(path, progress, document, forms), self._scanned,
                        self._scan_failed)

    def document_replaced(self) -> None:
        """Another program changed the file and its document was read again: no edit here names what it changed,
        so the whole file is scanned again in the background, as after opening (a re-scan still running on the
        old content is dropped; the flags shown meanwhile are the last ones stored)."""
        if self._closed or self.session.read_only:
            return
        self._timer.stop()
        self._pending.clear()
        self._running = None
        self._generation += 1
        if self._scanning:
            self._scan_again = True  # the scan running read the old content: one more when it ends
            return
        self.start()

    def _scan_snapshot(self) -> int:
        from app.redaction import default_detectors, load_audiences
        from app.session.flags import FlagStore
        store = FlagStore(self.session.assessment, self.session.forms, default_detectors(), load_audiences())
        return len(store.rescan_all())

    def _scanned(self, result: int | tuple[int, Any]) -> None:
        self._scanning = False
        if self._closed:
            return
        if self._scan_again:
            self._scan_again = False
            self.start()
            return
        from app.redaction import default_detectors, load_audiences
        from app.session.flags import FlagStore
        self.store = FlagStore(self.session.assessment, self.session.forms, default_detectors(),
                               load_audiences())
        if isinstance(result, tuple) and result[1] is not None:
            self.store.echoes = result[1]
        self._read.clear()  # read from the file again: the scan wrote its flags there
        self._rescan_pending()
        self.changed.emit()

    def _scan_failed(self, message: str) -> None:
        self._scanning = False
        self._scan_again = False
        self.error = message
        if not self._closed:
            self.failed.emit(message)

    def _on_change(self, change: Change) -> None:
        for target in change.addresses:
            self._pending[target] = None
        if self.store is not None:
            self._timer.start()

    def _rescan_pending(self) -> None:
        """Re-scan what changed on a worker thread (one at a time; more changes wait for the next)."""
        if self.store is None or not self._pending or self._closed or self._running is not None:
            return
        from app.session.flags import scan_copy
        targets, self._pending = list(self._pending), {}
        document = self.session.document
        # The echo scan reads the whole document once (when the first scan brought none); after that a
        # re-scan reads only what it touched.
        copy = scan_copy(document, targets) if self.store.echoes.loaded else document.copy()
        store, generation, lock = self.store, self._generation, self._computing
        self._running = targets
        unwritten = self._unwritten
        opener = None if self.session.read_only else self.session.assessment.open_reader

        def compute(_progress: Any) -> Any:
            try:
                with lock:
                    updates = store.compute(copy, targets)
                    return updates, unwritten(store, updates, opener)
            finally:
                if self._closed:  # the window closed meanwhile without waiting for this: the reader is ours
                    self._drop_reader()
        self.jobs.start(compute, lambda found: self._computed(generation, found),
                        lambda message: self._compute_failed(generation, message), quiet=True)

    def _unwritten(self, store: Any, updates: list[Any], opener: Any) -> list[Any] | None:
        """Worker thread, under ``_computing``: the updates the file does not hold yet, read through a
        connection of this thread's own; None when that cannot be read (the GUI thread reads, as before)."""
        if not updates:
            return []
        try:
            if self._reader is None:
                if self._closed or opener is None:
                    return None
                self._reader = opener()
            return list(store.unwritten(updates, self._reader))
        except Exception:  # noqa: BLE001 - never skip a write on a failed read: store() reads again
            reader, self._reader = self._reader, None
            if reader is not None:
                reader.close()
            return None

    def _computed(self, generation: int, found: tuple[list[Any], list[Any] | None]) -> None:
        if generation != self._generation:
            return  # ``settle`` did this work (and more) meanwhile
        self._running = None
        if self._closed:
            return
        updates, unwritten = found
        # Only what the file does not hold yet (read on the worker thread); store() compares again before
        # it writes. Nothing, while typing leaves the flags as they were: the usual case.
        self._store(updates if unwritten is None else unwritten)
        if self._pending:
            self._timer.start()

    def _compute_failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self._running = None
        if not self._closed:
            self.error = message
            self.failed.emit(f"Flags could not be updated: {message}")

    def _store(self, updates: list[Any]) -> None:
        if not updates:
            return
        before = self.all_flags()
        try:
            written = self.store.store(updates)
        except Exception as error:  # noqa: BLE001 - a scan failure must not lose the edit
            from app.store.write_failure import plain_reason
            self.error = plain_reason(error, self.session.path)
            self.failed.emit(f"Flags could not be updated: {self.error}")
            return
        if not written:
            return  # the usual case while typing: the flags stayed as they were, nothing to read again
        self._read.clear()
        if self.all_flags() != before:  # typing that leaves the flags as they were redraws nothing
            self.changed.emit()

    def settle(self) -> None:
        """Re-scan what is waiting now, here (before an export, a redaction, in tests)."""
        self._timer.stop()
        if self.store is None or self._closed:
            return
        with self._computing:  # a re-scan still running on its worker thread finishes first
            if self._running is not None:
                for target in self._running:
                    self._pending.setdefault(target, None)
                self._running = None
                self._generation += 1  # its result, still on its way here, is dropped
            if not self._pending:
                return
            targets, self._pending = list(self._pending), {}
            try:
                updates = self.store.compute(self.session.document, targets)
            except Exception as error:  # noqa: BLE001 - a scan failure must not lose the edit
                self.error = str(error) or type(error).__name__
                self.failed.emit(f"Flags could not be updated: {self.error}")
                return
        self._store(updates)

    # -- reading and resolving ---------------------------------------------------------
    def open_flags(self, audience: str | None = None) -> list[Any]:
        """Open flags (that reach ``audience``); read from the file once per change of the flags."""
        if self.store is None:
            return []
        key = f"open:{audience}"
        if key not in self._read:
            self._read[key] = self.store.flags(audience=audience)
        return list(self._read[key])

    def echo_skipped(self) -> list[Any]:
        """Withheld values too generic to search for echoes (waits for a re-scan running meanwhile)."""
        if self.store is None:
            return []
        with self._computing:
            return self.store.echo_skipped()

    def all_flags(self) -> list[Any]:
        if self.store is None:
            return []
        if "all" not in self._read:
            self._read["all"] = self.store.flags(include_dismissed=True)
        return list(self._read["all"])

    def redact(self, flag_id: str, domain: str | None = None, whole: bool = False) -> None:
        """Withhold the flagged text (as an undoable edit); raises FlagError with a message."""
        self.session.flush()
        self.settle()
        inverse = self.store.redact(flag_id, domain, whole)
        self._read.clear()
        self.session.record_applied(inverse, "Redact flagged text")
        self.changed.emit()

    def dismiss(self, flag_id: str, reason: str) -> None:
        """Keep the text; the reason is stored and logged. Raises FlagError with a message."""
        self.settle()
        self.store.dismiss(flag_id, reason)
        self._read.clear()
        self.changed.emit()

    def close(self) -> None:
        """Stop watching. Does not wait for a re-scan still running on its worker thread (it may be waiting
        on the file): that thread closes the reader when it ends (``_drop_reader``)."""
        self._closed = True
        self._timer.stop()
        self._drop_reader()

    def _drop_reader(self) -> None:
        """Close the worker's read-only connection, unless a re-scan holds it right now (it then closes it
        itself as it ends: ``_closed`` is set before either side tries)."""
        if not self._computing.acquire(blocking=False):
            return
        try:
            reader, self._reader = self._reader, None
        finally:
            self._computing.release()
        if reader is not None:
            reader.close()
