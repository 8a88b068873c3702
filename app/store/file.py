"""An assessment file (`.rwa`): one SQLite database, every edit saved at once.

The file is an SQLite database with our ``application_id``. Each edit is one
durable transaction (rollback journal, ``synchronous=FULL``): when ``apply``
returns, the edit is on disk and the file is a single self-contained file
again, ready to be copied onto a USB stick.

A file is opened in one of three ways (``mode``):

* ``edit`` — for the one program allowed to change it: takes the edit lock
  (``app.store.lock``), refuses a read-only file or folder with the reason;
* ``read`` — a snapshot in memory: never writes the file, needs no lock, works
  on read-only media and beside a window that is editing the file; ``apply``
  is refused;
* ``unlocked`` — read-write without the lock, for library callers and tests
  that manage access themselves.

A save that fails is reported as ``SaveFailed`` with the cause in plain words.
A caller that must not lose the person's edit (the window) passes
``keep_unsaved=True``: the edit stays in the document, waits in ``unsaved`` and
is written, with its history, by the next save that succeeds (``retry_save``).

A window also saves typing on a thread of its own (``start_writer``,
``apply_later``, ``app.store.writer``): the edit is in the document at once and
``saving`` until ``collect_saves`` has seen it committed — only then may anyone
say it is saved. Everything else here (``apply``, ``retry_save``, copies,
``close``) first waits for those saves, so the file's own connection never
writes beside the writer's and the order of edits is kept.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast
from urllib.parse import quote

from app import __version__
from app.model.canonical import revision_hash
from app.model.document import (
    Batch,
    Document,
    Edit,
    InsertRecord,
    MoveRecord,
    Record,
    RemoveRecord,
    SetRecordSensitivity,
    SetSensitivity,
    SetValue,
    Value,
)
from app.model.paths import Address
from app.store import codec, history
from app.store.atomic import temp_beside
from app.store.errors import StoreError
from app.store.hashing import StoredPieces
from app.store.lock import EditLock, FileInUse
from app.store.recovery import RecoveredCopy, has_journal, read_only_explanation, roll_back_in_place
from app.store.readable import Readable
from app.store.reading import read_document
from app.store.schema import APPLICATION_ID, format_version, migration_set
from app.store.write_failure import SAVE_A_COPY, SaveFailed, classify, is_write_error, read_failure, write_problem

if TYPE_CHECKING:
    from sqlite_utils import Database

    from app.store.writer import Head, SaveJob, Writer  # imported where a writer starts: reads never save

Mode = Literal["edit", "read", "unlocked"]
Changes = list[tuple[str, dict[str, Any]]]

SUFFIX = ".rwa"
HISTORY_FORMAT = 3
"""The first format with a history chain (migration 0003_history)."""
_REQUIRED_TABLES = {"meta", "record", "value"}
SCRATCH_TABLES = frozenset({"flag"})
"""Tables a read-only snapshot may still write in memory: derived data (detector flags), recomputed at will."""


class ReadOnlyFile(StoreError):
    """The file cannot be (or was not) opened for editing; the message says why. Nothing was changed."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: read-only: {reason}")
        self.path = path
        self.reason = reason


def _database(conn: sqlite3.Connection) -> Database:
    """``conn`` as an sqlite-utils ``Database``, for opening a file as a whole (to edit, snapshot, create or copy
    it). Imported here, not at start (~55 ms): reading a file needs only a connection (``Readable``)."""
    from sqlite_utils import Database
    return Database(conn, execute_plugins=False)


def _connect(path: Path, read_only: bool, timeout: float = 10, any_thread: bool = False) -> sqlite3.Connection:
    mode = "ro" if read_only else "rw"
    return sqlite3.connect(f"file:{quote(str(path))}?mode={mode}", uri=True, isolation_level=None, timeout=timeout,
                           check_same_thread=not any_thread)


def _check_path(path: Path) -> None:
    if not path.exists():
        raise StoreError(f"{path}: no such file")
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not an assessment file")


def inspect_file(path: Path, shown_as: Path | None = None) -> int:
    """Check that ``path`` is an assessment we can open; change nothing but a crashed save's rollback.

    A rollback journal left by a program that stopped in the middle of a save is
    replayed first when the file and folder are writable (that is what any
    SQLite writer would do); on read-only media the file is refused with what
    happened and how to repair it. Returns the file's format version; raises
    StoreError saying what is wrong. ``shown_as`` names the file in messages
    (for a temporary copy).
    """
    version, conn = open_inspected(path, shown_as, keep_open=False)
    assert conn is None
    return version


def open_inspected(path: Path, shown_as: Path | None = None, keep_open: bool = True, mapped: bool = False
                   ) -> tuple[int, sqlite3.Connection | None]:
    """``inspect_file``, and (``keep_open``) the read-only connection it checked the file with.

    The structure check reads every page of the file; kept open, the connection's page cache holds them
    all, so a reader of the whole document (the portfolio) does not read the file a second time. The kept
    connection is inside a read transaction begun before the check: everything read through it, the check
    included, is one state of the file, even while another program saves into it (that program's save
    waits until this connection is closed).

    ``mapped``: the kept connection reads the file through a memory map (``_map_whole_file``). An error
    reading a mapped page (a network folder that goes away, a file cut short by a program that ignores
    SQLite's locks) stops the process with SIGBUS instead of raising, so only a process whose caller
    recovers from that asks for it (the portfolio's forked workers).
    """
    shown = shown_as or path
    _check_path(path)
    if has_journal(path) and not roll_back_in_place(path):
        raise ReadOnlyFile(shown, read_only_explanation(shown, write_problem(path) or "it is read-only"))
    try:
        return _inspect(path, keep_open, mapped)
    except StoreError as error:
        raise StoreError(str(error).replace(str(path), str(shown), 1)) from None


def _inspect(path: Path, keep_open: bool, mapped: bool = False) -> tuple[int, sqlite3.Connection | None]:
    if not path.exists():
        raise StoreError(f"{path}: no such file")
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not an assessment file")
    try:
        with path.open("rb") as handle:
            head = handle.read(100)
    except OSError as error:
        raise StoreError(f"{path}: cannot read ({error.strerror})") from None
    if not head.startswith(b"SQLite format 3\x00"):
        raise StoreError(f"{path}: not a Riskwright assessment (not an SQLite database file)")
    if len(head) < 100:
        raise StoreError(f"{path}: the file is damaged (truncated header); restore it from a copy")
    conn = None
    try:
        conn = _connect(path, read_only=True)
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if application_id != APPLICATION_ID:
            raise StoreError(f"{path}: not a Riskwright assessment (an SQLite database of another program)")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > format_version():
            raise StoreError(
                f"{path}: written by a newer Riskwright (file format {version}; this version reads up to "
                f"{format_version()}). Update Riskwright to open it.")
        if keep_open:
            conn.execute("BEGIN")
            if mapped:
                _map_whole_file(conn)
            _hold_whole_file(conn)
        problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise StoreError(f"{path}: the file is damaged (its internal structure is broken); "
                             f"restore it from a copy")
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if version >= 1 and not tables >= _REQUIRED_TABLES:
            raise StoreError(f"{path}: the file is damaged (tables missing); restore it from a copy")
        kept, conn = (conn, None) if keep_open else (None, conn)
        return int(version), kept
    except sqlite3.DatabaseError as error:
        raise StoreError(read_failure(error, path)) from None
    finally:
        if conn is not None:
            conn.close()


def _map_whole_file(conn: sqlite3.Connection) -> None:
    """Read the kept connection's pages through a read-only memory map of the file instead of one read call
    and one copy per page: the check and the reader of the whole document touch every page (~1 ms of a
    large file's ~25 ms).

    Only for the kept connection, which is inside its read transaction (``_inspect``): another program's save
    waits for it to close, so the mapped file does not change or shrink while it is read."""
    conn.execute(f"PRAGMA mmap_size = {_MAPPED}")


_MAPPED = 1 << 30
"""The most of a file that is mapped (1 GB; an assessment is a few MB); the rest is read as usual."""


def _hold_whole_file(conn: sqlite3.Connection) -> None:
    """Make the connection's page cache big enough for the whole file (it is read whole, twice)."""
    size = int(conn.execute("PRAGMA cache_size").fetchone()[0])
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    if (size if size >= 0 else -size * 1024 // max(page_size, 1)) < pages:
        conn.execute(f"PRAGMA cache_size = {pages + 64}")


class AssessmentFile:
    """An open `.rwa` file and the document it holds."""

    def __init__(self, path: Path, db: Database, document: Document, *, read_only_reason: str | None = None,
                 lock: EditLock | None = None) -> None:
        self.path = path
        self.db = db
        self.document = document
        self.read_only_reason = read_only_reason
        """Why this file is open read-only (None: it is open for editing)."""
        self.lock = lock
        self.unsaved: list[Changes] = []
        """History changes of edits kept in the document whose save failed, oldest first."""
        self.save_problem: SaveFailed | None = None
        """Why the last save failed, while ``unsaved`` is not empty."""
        self.outside_change_listeners: list[Callable[[], None]] = []
        """Called after the document was re-read because another program changed the file."""
        self._identity = _identity(path) if read_only_reason is None else None
        self._snapshot_stamp = _stamp(path) if read_only_reason is not None else None
        self._data_version = self._read_data_version()
        self._head = self._read_head()
        self._head_seen: tuple[tuple[int, str], int] | None = None
        """The head ``follow_outside_changes`` last read, with this connection's change count then."""
        self._writer: Writer | None = None

    @property
    def read_only(self) -> bool:
        return self.read_only_reason is not None

    # -- opening and creating ---------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str], mode: Mode = "unlocked", program: str = "Riskwright",
             reason: str | None = None, *, reads_only: bool = False) -> AssessmentFile:
        """Open ``path`` (see the module docstring for ``mode``).

        ``edit`` raises ``ReadOnlyFile`` for a file that cannot be written and
        ``FileInUse`` for one that another program has open for editing;
        ``program`` is what that other program is told about us. ``reason`` is
        kept as the read-only reason of a ``read`` snapshot.

        ``reads_only`` (with ``read``): the caller only reads the snapshot (``db.execute``, ``Readable``) —
        an export — so ``db`` may be the plain in-memory connection and sqlite-utils is not imported
        (~55 ms of a command's start). Not for a caller that writes its flag table (``scan``).
        """
        path = Path(path)
        if mode == "read":
            return cls._snapshot(path, reason or "opened read-only", reads_only)
        _check_path(path)
        lock = None
        if mode == "edit":
            problem = write_problem(path)
            if problem is not None:
                raise ReadOnlyFile(path, read_only_explanation(path, problem) if has_journal(path) else problem)
            try:
                lock = EditLock.acquire(path, program)
            except OSError as error:
                raise ReadOnlyFile(path, classify(error, path).reason) from None
        try:
            version = inspect_file(path)
            try:
                db = _database(_connect(path, read_only=False))
            except sqlite3.Error as error:
                raise ReadOnlyFile(path, classify(error, path).reason) from None
            try:
                document = _prepare(db, path, version, on_disk=True)
            except BaseException:
                db.close()
                raise
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        return cls(path, db, document, lock=lock)

    @classmethod
    def _snapshot(cls, path: Path, reason: str, reads_only: bool = False) -> AssessmentFile:
        """The file as it is now, copied into memory: read-only, no lock, nothing written to disk. With
        ``reads_only``, a file of the current format keeps its plain connection (an older one is upgraded
        in memory first, which takes sqlite-utils)."""
        _check_path(path)
        recovered = None
        if has_journal(path) and not roll_back_in_place(path):
            try:
                recovered = RecoveredCopy(path)
            except (OSError, sqlite3.Error) as error:
                raise StoreError(read_failure(error, path)) from None
            reason = read_only_explanation(path, write_problem(path) or "it is read-only")
        source = recovered.path if recovered else path
        try:
            version = inspect_file(source, shown_as=path)
            memory = sqlite3.connect(":memory:", isolation_level=None)
            disk = _connect(source, read_only=True)
            try:
                disk.backup(memory)
            except sqlite3.Error as error:
                memory.close()
                raise StoreError(read_failure(error, path)) from None
            finally:
                disk.close()
        finally:
            if recovered is not None:
                recovered.cleanup()
        plain = reads_only and version >= format_version()
        # Typed as a Database for the many callers that hold one; a reads-only caller only calls ``execute``
        # and ``close``, which a plain connection has (``Readable``).
        db = cast("Database", memory) if plain else _database(memory)
        try:
            document = _prepare(db, path, version, on_disk=False)
        except BaseException:
            db.close()
            raise
        memory.set_authorizer(_scratch_only)
        return cls(path, db, document, read_only_reason=reason)

    @classmethod
    def create(cls, path: str | os.PathLike[str], document: Document | None = None,
               overwrite: bool = False, mode: Mode = "unlocked") -> AssessmentFile:
        """Write a new file atomically: it appears complete or not at all.

        Replacing a file that another program has open for editing is refused
        (``FileInUse``): that program would go on saving into the replaced file.
        """
        path = Path(path)
        if path.exists() and not overwrite:
            raise StoreError(f"{path}: already exists; choose another name or remove it first")
        if not path.parent.is_dir():
            raise StoreError(f"{path.parent}: no such folder")
        holder = EditLock.holder(path) if path.exists() else None
        if holder is not None:
            raise FileInUse(path, holder, "Close it there before replacing it.")
        import uuid  # here, not at the top (it imports platform): only a new file needs an id
        document = document or Document()
        temp = temp_beside(path)
        try:
            db = _database(sqlite3.connect(temp, isolation_level=None))
            _configure(db)
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            migration_set().apply(db)
            with db.atomic():
                db.execute("INSERT INTO meta (key, value) VALUES ('document_id', ?), ('created_by', ?)",
                           [str(uuid.uuid4()), f"riskwright {__version__}"])
                _write_document(db, document)
                history.record_base(db, "created", revision_hash(document))
            db.close()
            os.replace(temp, path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return cls.open(path, mode)

    def close(self) -> None:
        """Close the file and let the next writer in. Edits in ``unsaved`` are lost: ask first.

        Saves still running on the writer's thread finish first.
        """
        if self._writer is not None:
            self._writer.close()
            self.collect_saves()
            self._writer = None
        self.db.close()
        if self.lock is not None:
            self.lock.release()

    def __enter__(self) -> AssessmentFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open_reader(self) -> sqlite3.Connection:
        """A read-only connection of its own to this file, for a worker thread that only reads (the window's
        flag re-scan). Usable from any one thread at a time (the caller keeps to that); the caller closes it.
        It waits at most 0.1 s for a save to finish: its reader holds a lock the GUI thread may wait on, and a
        read that gives up only hands the work back to the GUI thread's own read."""
        return _connect(self.path, read_only=True, timeout=0.1, any_thread=True)

    # -- editing -----------------------------------------------------------
    def require_writable(self) -> None:
        """Raise ReadOnlyFile when this file is open read-only (call before any change)."""
        if self.read_only_reason is not None:
            raise ReadOnlyFile(self.path, f"{self.read_only_reason}; nothing was changed")

    def apply(self, edit: Edit, keep_unsaved: bool = False) -> Edit:
        """Apply an edit to the document and save it; return the inverse edit.

        A failed save raises ``SaveFailed`` and leaves the document as it was,
        unless ``keep_unsaved``: then the edit stays in the document, waits in
        ``unsaved`` (``save_problem`` says why) and is saved by ``retry_save``
        or the next edit; the inverse is returned as usual.
        """
        self.require_writable()
        self.wait_for_saves()
        if self.unsaved and not keep_unsaved:
            assert self.save_problem is not None
            raise self.save_problem
        self.follow_outside_changes()
        inverse = self.document.apply(edit)
        if self.unsaved:
            self.unsaved.append(history.edit_changes(edit, inverse, self.document))
            self._save_unsaved()
            return inverse
        try:
            with self.db.atomic():
                self._persist(edit)
                history.record_edit(self.db, edit, inverse, self.document)
        except BaseException as error:
            if not is_write_error(error):
                self.document.apply(inverse)
                raise
            failure = classify(error, self.path, self._identity)
            if not keep_unsaved:
                self.document.apply(inverse)
                raise failure from None
            self.unsaved.append(history.edit_changes(edit, inverse, self.document))
            self.save_problem = failure
            return inverse
        self._head = self._read_head()
        return inverse

    def retry_save(self) -> bool:
        """Try again to save the edits a failed save left in ``unsaved``; True when nothing is left unsaved."""
        self.wait_for_saves()
        if not self.unsaved:
            return True
        self._save_unsaved()
        return not self.unsaved

    def _save_unsaved(self) -> None:
        """Write the whole document and the pending history in one transaction."""
        try:
            with self.db.atomic():
                if self._read_head() != self._head:
                    self.save_problem = SaveFailed(
                        self.path, "another program changed the file while your edits were waiting to be saved",
                        f"{SAVE_A_COPY}, then compare the two", False, "changed on disk")
                    return
                _rewrite_content(self.db, self.document)
                for changes in self.unsaved:
                    history.append(self.db, changes)
        except BaseException as error:
            if not is_write_error(error):
                raise
            self.save_problem = classify(error, self.path, self._identity)
            return
        self.unsaved.clear()
        self.save_problem = None
        self._head = self._read_head()

    # -- saving on a thread of its own (the window) ---------------------------------------
    def start_writer(self, notify: Callable[[], None],
                     start: Callable[[Callable[[], None]], None] | None = None) -> None:
        """Save what ``apply_later`` is given on a thread of its own, through a connection of its own.

        ``notify`` is called from that thread after each save (succeeded or not): the window collects
        then. ``start`` runs the writer's loop on a thread (default: a new Python thread).
        """
        if self.read_only or self._writer is not None:
            return
        path, identity = self.path, self._identity

        def connect() -> Database:
            try:
                db = _database(_connect(path, read_only=False))
                _configure(db)
            except BaseException as error:
                if is_write_error(error):
                    raise classify(error, path, identity) from None
                raise
            return db

        def save(db: Database, job: SaveJob, changes: Changes, head: Head | None) -> Head:
            return _save_job(db, job, changes, head, path, identity)
        from app.store.writer import Writer
        self._writer = Writer(connect, _job_changes, save, notify, start)

    @property
    def saving(self) -> bool:
        """Whether edits given to ``apply_later`` are not yet known to be on disk (never say "saved" then)."""
        return self._writer is not None and self._writer.outstanding > 0

    def apply_later(self, edit: Edit) -> Edit:
        """Apply ``edit`` to the document now and save it on the writer's thread; return the inverse.

        A value or sensitivity change goes that way while nothing waits in ``unsaved``; anything else
        (and everything when no writer runs) is saved here and now by ``apply(keep_unsaved=True)``,
        after the saves before it. The edit is ``saving`` until ``collect_saves`` has seen it
        committed; a failed save moves it to ``unsaved`` with ``save_problem`` saying why, as
        ``apply(keep_unsaved=True)`` does.
        """
        writer = self._writer
        self.collect_saves()
        if writer is None or self.unsaved or not isinstance(edit, (SetValue, SetSensitivity)):
            return self.apply(edit, keep_unsaved=True)
        self.require_writable()
        expected = None
        if not writer.outstanding:
            # Nothing in flight: the history ends where this connection sees it end (after another
            # program's change was followed, and after what this connection wrote itself — a sign-off).
            # After the writer's last save another connection has written, so following reads the head:
            # that read is the one used, unless this connection wrote since (then it is read again).
            self._head_seen = None
            self.follow_outside_changes()
            seen, self._head_seen = self._head_seen, None
            if seen is not None and seen[1] == self.db.conn.total_changes:
                expected = self._head = seen[0]
            else:
                expected = self._head = self._read_head()
        inverse = self.document.apply(edit)
        from app.store.writer import SaveJob
        writer.submit(SaveJob(edit, inverse, self.document.value(edit.address), expected))
        return inverse

    def collect_saves(self) -> bool:
        """Take in what the writer finished (call on this file's thread); True when there was anything."""
        if self._writer is None:
            return False
        outcomes = self._writer.take()
        for outcome in outcomes:
            if outcome.failure is None:
                assert outcome.head is not None
                self._head = outcome.head
                continue
            failure = outcome.failure
            if not isinstance(failure, SaveFailed):
                failure = SaveFailed(self.path, f"the change could not be written ({failure})", SAVE_A_COPY, True,
                                     type(failure).__name__)
            self.unsaved.append(outcome.changes)
            self.save_problem = failure
        return bool(outcomes)

    def wait_for_saves(self) -> None:
        """Until every edit given to ``apply_later`` is saved or known to have failed (then collected)."""
        if self._writer is not None and self._writer.outstanding:
            self._writer.wait()
            self.collect_saves()

    # -- changes made by other programs ------------------------------------------
    def follow_outside_changes(self) -> bool:
        """Re-read the document if another program changed the file's content; True if it did.

        One cheap ``PRAGMA data_version`` per call; the document is re-read only
        when the history's last entry moved (every content change writes one),
        so a helper process refreshing detector flags costs nothing here.
        """
        self.collect_saves()
        if self.read_only or self.unsaved or self.saving:
            return False  # the writer's own saves move data_version too; it checks the head before each one
        version = self._read_data_version()
        if version == self._data_version:
            return False
        self._data_version = version
        head = self._read_head()
        self._head_seen = (head, self.db.conn.total_changes)
        if head == self._head:
            return False
        self._head = head
        document = _read_document(self.db)
        if document == self.document:
            return False
        self.document = document
        for listener in list(self.outside_change_listeners):
            listener()
        return True

    def snapshot_is_stale(self) -> bool:
        """For a read-only snapshot: whether the file on disk has changed since it was taken."""
        return self._snapshot_stamp is not None and _stamp(self.path) != self._snapshot_stamp

    def _read_data_version(self) -> int:
        try:
            return int(self.db.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error:
            return -1

    def _read_head(self) -> tuple[int, str]:
        try:
            last = history.head(self.db)
        except sqlite3.Error:
            return (-1, "")
        return (last.seq, last.hash)

    # -- copies --------------------------------------------------------------
    def save_copy(self, target: str | os.PathLike[str]) -> None:
        """Write everything — history, flags, sign-offs and any unsaved edits — to a new file ``target``.

        The copy appears complete or not at all; this file is left as it is.
        """
        self.wait_for_saves()
        target = Path(target)
        if target.exists() and target.resolve() == self.path.resolve():
            raise StoreError(f"{target}: is the file itself; choose another name")
        holder = EditLock.holder(target) if target.exists() else None
        if holder is not None:
            raise FileInUse(target, holder, "Close it there before replacing it.")
        if not target.parent.is_dir():
            raise StoreError(f"{target.parent}: no such folder")
        temp = temp_beside(target)
        try:
            copy = sqlite3.connect(temp, isolation_level=None)
            try:
                self.db.conn.backup(copy)
                copy_db = _database(copy)
                _configure(copy_db)
                if self.unsaved:
                    with copy_db.atomic():
                        _rewrite_content(copy_db, self.document)
                        for changes in self.unsaved:
                            history.append(copy_db, changes)
            finally:
                copy.close()
            os.replace(temp, target)
        except (OSError, sqlite3.Error) as error:
            temp.unlink(missing_ok=True)
            raise classify(error, target) from None
        except BaseException:
            temp.unlink(missing_ok=True)
            raise

    def _persist(self, edit: Edit) -> None:
        if isinstance(edit, Batch):
            for inner in edit.edits:
                self._persist(inner)
        elif isinstance(edit, (SetValue, SetSensitivity)):
            self._write_value(edit.address)
        elif isinstance(edit, InsertRecord):
            record = self.document.record(edit.table, edit.record.id)
            assert record is not None
            _write_record(self.db, edit.table, record, 0)
            self._renumber(edit.table)
        elif isinstance(edit, RemoveRecord):
            self.db.execute("DELETE FROM record WHERE table_path = ? AND id = ?", [edit.table, edit.record_id])
            prefix = f"{edit.table}[]."
            self.db.execute("DELETE FROM value WHERE substr(field, 1, ?) = ? AND record_id = ?",
                            [len(prefix), prefix, edit.record_id])
            self._renumber(edit.table)
        elif isinstance(edit, MoveRecord):
            self._renumber(edit.table)
        elif isinstance(edit, SetRecordSensitivity):
            self.db.execute(
                "UPDATE record SET sensitivity = ?, sensitivity_reason = ? WHERE table_path = ? AND id = ?",
                [None if edit.sensitivity is None else edit.sensitivity.value, edit.reason, edit.table,
                 edit.record_id])
        else:  # pragma: no cover - every Edit kind is handled above
            raise TypeError(f"unknown edit {edit!r}")

    def _write_value(self, address: Address) -> None:
        _write_value(self.db, address, self.document.value(address))

    def _renumber(self, table: str) -> None:
        self.db.conn.executemany(
            "UPDATE record SET position = ? WHERE table_path = ? AND id = ?",
            [(index, table, r.id) for index, r in enumerate(self.document.records(table))])

    def replace_document(self, document: Document) -> None:
        """Overwrite everything in one transaction (used by import and tests)."""
        self.require_writable()
        self.wait_for_saves()
        with self.db.atomic():
            _rewrite_content(self.db, document)
            history.record_base(self.db, "replaced", revision_hash(document),
                                previous=revision_hash(self.document))
        self.document = document
        self._head = self._read_head()

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])


def _write_value(db: Database, address: Address, value: Value | None) -> None:
    key = [address.field, address.record or ""]
    if value is None or value.is_empty:
        db.execute("DELETE FROM value WHERE field = ? AND record_id = ?", key)
        return
    _upsert_value(db, address.field, address.record or "", value)


def _job_changes(job: SaveJob) -> Changes:
    """The history changes of a writer's job (on the writer's thread: a long text's diff is worked out there)."""
    holding = Document()
    address, value = job.edit.address, job.value
    if value is not None:
        if address.table is None or address.record is None:
            holding.values[address.field] = value
        else:
            holding.tables[address.table] = [Record(address.record, {address.relative: value})]
    return history.edit_changes(job.edit, job.inverse, holding)


def _save_job(db: Database, job: SaveJob, changes: Changes, head: Head | None, path: Path,
              identity: tuple[int, int] | None) -> Head:
    """Write one job and its history entries in one transaction, on the writer's thread; the new head.

    ``head`` is where the history should end before it: anything else means another program wrote
    the file meanwhile, and nothing is written (the edit waits for a whole-document save).
    """
    try:
        with db.atomic():
            last = history.head(db)
            if head is not None and (last.seq, last.hash) != head:
                raise SaveFailed(path, "another program changed the file while your edits were waiting to be saved",
                                 f"{SAVE_A_COPY}, then compare the two", False, "changed on disk")
            _write_value(db, job.edit.address, job.value)
            written = history.append(db, changes)
    except SaveFailed:
        raise
    except BaseException as error:
        if is_write_error(error):
            raise classify(error, path, identity) from None
        raise
    return (written[-1].seq, written[-1].hash) if written else (last.seq, last.hash)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def _prepare(db: Database, path: Path, version: int, on_disk: bool) -> Document:
    """Configure, upgrade an older format and read the document (in memory for a snapshot)."""
    if on_disk:
        _configure(db)
    if version < format_version():
        try:
            migration_set().apply(db)
        except sqlite3.Error as error:
            failure = classify(error, path) if on_disk else None
            raise StoreError(f"{path}: could not upgrade from format {version} "
                             f"({failure.reason if failure else 'the file is damaged'}); "
                             f"the file was left as it was") from None
    try:
        document = _read_document(db)
    except (ValueError, KeyError) as error:
        raise StoreError(f"{path}: the file is damaged ({error}); restore it from a copy") from None
    except sqlite3.Error as error:
        raise StoreError(read_failure(error, path)) from None
    if version < HISTORY_FORMAT:
        # Written before history existed: start it from the content as found.
        with db.atomic():
            history.record_base(db, "baseline", revision_hash(document), format=version)
    return document


_WRITES = {sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE}


def _scratch_only(action: int, table: str | None, *_rest: Any) -> int:
    """Authorizer of a read-only snapshot: only derived data may change, and only in memory.

    So nothing can pretend to have saved a change (a sign-off, a flag decision)
    into a file that was opened read-only.
    """
    if action in _WRITES and table not in SCRATCH_TABLES:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _rewrite_content(db: Database, document: Document) -> None:
    db.execute("DELETE FROM value")
    db.execute("DELETE FROM record")
    _write_document(db, document)


def _configure(db: Database) -> None:
    db.execute("PRAGMA journal_mode = DELETE")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA foreign_keys = ON")


def _upsert_value(db: Database, field: str, record_id: str, value: Value) -> None:
    db.execute(
        "INSERT INTO value (field, record_id, data, sensitivity, sensitivity_reason) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (field, record_id) DO UPDATE SET data = excluded.data, "
        "sensitivity = excluded.sensitivity, sensitivity_reason = excluded.sensitivity_reason",
        [field, record_id, codec.encode(value.data),
         None if value.sensitivity is None else value.sensitivity.value, value.sensitivity_reason])


def _write_record(db: Database, table: str, record: Record, position: int) -> None:
    db.execute(
        "INSERT INTO record (table_path, id, position, sensitivity, sensitivity_reason) VALUES (?, ?, ?, ?, ?)",
        [table, record.id, position, None if record.sensitivity is None else record.sensitivity.value,
         record.sensitivity_reason])
    for relative, value in record.values.items():
        if not value.is_empty:
            _upsert_value(db, f"{table}[].{relative}", record.id, value)


def _write_document(db: Database, document: Document) -> None:
    for path, value in document.values.items():
        if not value.is_empty:
            _upsert_value(db, path, "", value)
    for table, records in document.tables.items():
        for position, record in enumerate(records):
            _write_record(db, table, record, position)


def _read_document(db: Readable, stored: StoredPieces | None = None) -> Document:
    """The document as stored; with ``stored``, also each record's stored pieces (``app.store.reading``)."""
    return read_document(db, stored)
