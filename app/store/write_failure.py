"""Why a save failed, in words a person can act on.

SQLite reports a full disk, a deleted folder and a write-protected drive with
messages written for programmers ("attempt to write a readonly database" for a
folder that is gone). The person needs to know what happened to *their* file and
what to do, so the cause is read from the file system first (is the folder
still there? the file? is the drive read-only? is there space left?) and from
SQLite's error code only when the file system looks fine. No SQLite message is
ever shown; the code name is kept in ``detail`` for a bug report.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from app.store.errors import StoreError

SAVE_A_COPY = "use File ▸ Save a copy… to keep your work in another place"


class SaveFailed(StoreError):
    """An edit could not be written to the file.

    ``reason`` is the cause in plain words ("the disk is full"), ``advice`` what
    to do about it, and ``retry`` whether trying the same write again later can
    succeed without anyone opening the file anew (space freed, drive back).
    """

    def __init__(self, path: Path, reason: str, advice: str, retry: bool, detail: str = "") -> None:
        super().__init__(f"{path}: not saved: {reason}; {advice}")
        self.path = path
        self.reason = reason
        self.advice = advice
        self.retry = retry
        self.detail = detail


def _code_name(error: BaseException) -> str:
    name = getattr(error, "sqlite_errorname", None)
    if name:
        return str(name)
    if isinstance(error, OSError) and error.errno is not None:
        return errno.errorcode.get(error.errno, str(error.errno))
    return type(error).__name__


def _read_only_drive(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _free_bytes(folder: Path) -> int | None:
    try:
        stats = os.statvfs(folder)
    except OSError:
        return None
    return stats.f_bavail * stats.f_frsize


def write_problem(path: Path) -> str | None:
    """Why ``path`` cannot be edited in place (file or folder not writable), or None when it can.

    A rollback journal is created beside the file for every save, so the folder
    must be writable as well as the file.
    """
    folder = path.parent
    if not folder.is_dir():
        return f"the folder {folder} no longer exists"
    if _read_only_drive(folder):
        return "the drive it is on is read-only (mounted read-only or write-protected)"
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only (you have no permission to change it)"
    if not os.access(folder, os.W_OK | os.X_OK):
        return (f"you have no permission to write in its folder {folder} "
                f"(saving needs to create a small journal file beside it)")
    return None


def classify(error: BaseException, path: Path, identity: tuple[int, int] | None = None) -> SaveFailed:
    """Turn a failed write to ``path`` into a SaveFailed with the cause in plain words.

    ``identity`` is ``(st_dev, st_ino)`` of the file when it was opened: a file
    that now has another identity was replaced or moved by something else.
    """
    code = _code_name(error)
    folder = path.parent
    if not folder.is_dir():
        return SaveFailed(path, f"the folder {folder} no longer exists (deleted, renamed, or its drive was "
                                f"removed)", f"put it back to resume saving, or {SAVE_A_COPY}", True, code)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return SaveFailed(path, "the file was deleted or moved away by another program",
                          SAVE_A_COPY, False, code)
    except OSError:
        stat = None
    if stat is not None and identity is not None and (stat.st_dev, stat.st_ino) != identity:
        return SaveFailed(path, "the file was replaced by another program while it was open",
                          f"{SAVE_A_COPY}, then compare the two", False, code)
    full = code == "SQLITE_FULL" or (isinstance(error, OSError) and error.errno == errno.ENOSPC)
    if full or _free_bytes(folder) == 0:  # a write that needed space on a drive that has none
        return SaveFailed(path, "the disk is full", "free some space (saving is retried by itself), or use "
                                                    "File ▸ Save a copy… to keep your work on another drive",
                          True, code)
    if _read_only_drive(folder) or (isinstance(error, OSError) and error.errno == errno.EROFS):
        return SaveFailed(path, "the drive is read-only (mounted read-only or write-protected)",
                          SAVE_A_COPY, False, code)
    problem = write_problem(path)
    if problem is not None or code.startswith(("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_AUTH")) or (
            isinstance(error, OSError) and error.errno in (errno.EACCES, errno.EPERM)):
        return SaveFailed(path, problem or "the file or its folder is not writable (no permission)",
                          f"restore the permission (saving is retried by itself), or {SAVE_A_COPY}", True, code)
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return SaveFailed(path, "another program is writing to the file right now",
                          "saving is retried by itself", True, code)
    if code.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return SaveFailed(path, "the file has been damaged", f"{SAVE_A_COPY} at once", False, code)
    if code.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")) or isinstance(error, OSError):
        return SaveFailed(path, "the drive reported an error while writing (was it removed or disconnected?)",
                          f"saving is retried by itself; if it keeps failing, {SAVE_A_COPY}", True, code)
    return SaveFailed(path, f"the file could not be written (storage error {code})", SAVE_A_COPY, True, code)


def is_write_error(error: BaseException) -> bool:
    """Errors that mean "the bytes did not reach the file" (as opposed to a bug in the edit)."""
    if isinstance(error, sqlite3.IntegrityError):
        return False
    return isinstance(error, (sqlite3.DatabaseError, OSError))


def plain_reason(error: BaseException, path: Path) -> str:
    """The cause of a failed write in plain words, for callers that only need a phrase (flag storage)."""
    if is_write_error(error):
        return classify(error, path).reason
    return str(error) or type(error).__name__


def read_failure(error: BaseException, path: Path) -> str:
    """A message for a file that could not be read, naming the cause in plain words."""
    code = _code_name(error)
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return f"{path}: another program has been writing to it for a while; try again in a moment"
    if code.startswith(("SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")) or (
            isinstance(error, OSError) and error.errno in (errno.EACCES, errno.EPERM)):
        return f"{path}: cannot be read (no permission to read it, or its drive is gone)"
    if code.startswith("SQLITE_IOERR") or isinstance(error, OSError):
        return f"{path}: the drive reported an error while reading it; copy it to another drive and try again"
    if code.startswith("SQLITE_NOTADB"):
        return f"{path}: the file is damaged (it is no longer a database file); restore it from a copy"
    return f"{path}: the file is damaged (its internal structure is broken); restore it from a copy"
