"""Heavy work in a separate process: the whole-file flag scan, exports, preview rendering.

Python threads share one interpreter lock, so a scan or a PDF export running on
a thread makes the window wait its turn each time it runs Python code — it
stutters and the work itself runs at half speed. These jobs already work on the
*saved* file through their own connection, so they can run in another process
instead: the window's thread only waits on a pipe (no lock held) and stays
smooth.

This module imports no Qt: it is what the worker process loads. Every function
here takes and returns plain, picklable data, and turns the refusals and file
errors a person can act on into ``("refused" | "error", …)`` outcomes instead of
exceptions.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TypeVar
from collections.abc import Callable

WORKERS = 2
_pool: ProcessPoolExecutor | None = None
T = TypeVar("T")


def _worker_pool() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        # "spawn", never "fork": forking a process that runs Qt's threads is unsafe.
        _pool = ProcessPoolExecutor(max_workers=WORKERS, mp_context=multiprocessing.get_context("spawn"),
                                    initializer=follow_parent, initargs=(os.getpid(),))
    return _pool


class Cancelled(Exception):
    """The person cancelled the job; its worker was stopped before it finished."""


_cancelled: set[int] = set()


def cancel(job: int) -> None:
    """Stop job ``job`` (a number the caller chose and passed to ``run``) now.

    A worker process cannot be interrupted politely, so the workers are ended;
    an export stages its file in a private folder and renames it into place only
    at the very end, so an ended export leaves nothing at its target. Any other
    job that was running in the workers is simply run again (as after a crash).
    """
    _cancelled.add(job)
    pool = _pool
    if pool is not None:
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()


def run(function: Callable[..., T], *args: Any, job: int | None = None) -> T:
    """Run ``function(*args)`` in the worker process and wait (call from a worker thread).

    A worker that died (killed, out of memory) breaks the pool; it is replaced
    and the job tried once more before the failure is reported — unless the
    person cancelled this very job (``cancel(job)``), which raises ``Cancelled``.
    """
    if job is not None and job in _cancelled:
        _cancelled.discard(job)
        raise Cancelled("cancelled before it started")
    try:
        return _worker_pool().submit(function, *args).result()
    except BrokenProcessPool:
        shutdown()
        from app.export.staging import remove_stale
        remove_stale()  # an ended export's unscanned temp file goes now, not at the next start
        if job is not None and job in _cancelled:
            _cancelled.discard(job)
            raise Cancelled("cancelled") from None
        return _worker_pool().submit(function, *args).result()


def submit(function: Callable[..., T], *args: Any) -> Future[T]:
    """Start ``function(*args)`` in a worker process without waiting: for work split across both workers."""
    return _worker_pool().submit(function, *args)


def warm_up() -> None:
    """Start the worker processes early (after the first paint), so the first job does not wait."""
    for _ in range(WORKERS):
        _worker_pool().submit(_noop)


def _noop() -> None:
    return None


def follow_parent(parent: int) -> None:
    """In the worker: exit when the window's process is gone (killed, crashed), never linger.

    A worker blocked waiting for its next job does not notice its parent dying;
    a small thread checks once a second whether it has been handed to another parent.
    """
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="follow-parent", daemon=True).start()


def shutdown() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


# -- what runs in the worker process ------------------------------------------------------
def scan_file(path: Path) -> int:
    """Rescan every value of the saved file with the detectors; the flags are stored in the file."""
    from app.redaction import default_detectors, load_audiences
    from app.session.flags import FlagStore
    from app.store import AssessmentFile
    from app.store import StoreError
    from app.store.write_failure import plain_reason
    with AssessmentFile.open(path, "edit", program="Riskwright flag scan") as own:  # as the window's helper
        try:
            return len(FlagStore(own, None, default_detectors(), load_audiences()).rescan_all())
        except Exception as error:  # noqa: BLE001 - said in plain words, never as a database message
            raise StoreError(f"Flags could not be stored in the file: {plain_reason(error, path)}") from None


def export(path: Path, audience: str, fmt: str, output: Path, kind: str = "assessment") -> tuple[str, Any]:
    """The whole export pipeline for the document ``kind`` (``reports/kinds/``); refusals and file errors
    become outcomes with a message."""
    from app.export.errors import ExportRefused
    from app.session.export import export_file
    from app.store import StoreError
    try:
        return "done", export_file(path, audience, fmt, output, kind)
    except ExportRefused as refusal:
        return "refused", (refusal.reason, str(refusal))
    except (StoreError, OSError) as error:
        name = getattr(error, "filename", None)
        detail = getattr(error, "strerror", None) or str(error)
        return "error", f"{name}: {detail}" if name else detail


def render_preview(path: Path, audience: str) -> tuple[str, Any]:
    """The PDF an export would write, as bytes; written in a private temp folder and deleted at once."""
    with tempfile.TemporaryDirectory(prefix="riskwright-preview-") as folder:
        output = Path(folder) / f"preview-{audience}.pdf"
        kind, payload = export(path, audience, "pdf", output)
        if kind != "done":
            return kind, payload
        data = output.read_bytes()
        output.unlink()
    return "done", (data, payload)
