"""After a crash: the rollback journal left beside the file.

SQLite writes each save as a transaction with a rollback journal
(``NAME.rwa-journal``) that holds the pages as they were before. If the program
is killed in the middle of a save, the journal stays behind ("hot") and the file
may hold half of the unfinished change. The next connection that *may write*
rolls the file back to the last completed save and removes the journal: every
save that had finished is kept, the unfinished one is undone — exactly right,
since it was never reported as saved.

A read-only connection cannot do that and refuses the file. So before reading
we let a writable connection do the rollback when the file and its folder are
writable. On read-only media the rollback is done in a temporary copy instead
(file and journal copied together), so the person can still read the file, and
is told how to repair the original.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path
from urllib.parse import quote

from app.store.write_failure import write_problem


def journal_path(path: Path) -> Path:
    return path.with_name(f"{path.name}-journal")


def has_journal(path: Path) -> bool:
    """Whether a non-empty rollback journal lies beside ``path`` (hot, or a save in progress elsewhere)."""
    try:
        return journal_path(path).stat().st_size > 0
    except OSError:
        return False


def _roll_back(path: Path) -> None:
    # Any read through a connection that may write replays a hot journal first.
    conn = sqlite3.connect(f"file:{quote(str(path))}?mode=rw", uri=True, isolation_level=None, timeout=10)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()


def roll_back_in_place(path: Path) -> bool:
    """Finish a crashed save's rollback if ``path`` may be written; return False when it may not."""
    if write_problem(path) is not None:
        return False
    _roll_back(path)
    return True


def read_only_explanation(path: Path, problem: str) -> str:
    journal = journal_path(path)
    return (f"a save was interrupted (the program stopped in the middle of it) and {problem}, so the "
            f"unfinished change could not be undone in the file itself. It is shown here as it was after the "
            f"last completed save, read-only. To repair the file, copy {path.name} and {journal.name} "
            f"together into a folder you can write to and open the copy there.")


class RecoveredCopy:
    """A temporary copy of a file and its journal, rolled back; removed by ``cleanup``."""

    def __init__(self, path: Path) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="riskwright-recovery-"))
        self.path = self._folder / path.name
        shutil.copyfile(path, self.path)
        journal = journal_path(path)
        if journal.exists():
            shutil.copyfile(journal, journal_path(self.path))
        _roll_back(self.path)

    def cleanup(self) -> None:
        shutil.rmtree(self._folder, ignore_errors=True)
