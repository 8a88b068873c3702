"""An assessment file (`.rwa`): one SQLite database, every edit saved at once.

The file is an SQLite database with our ``application_id``. Each edit is one
durable transaction (rollback journal, ``synchronous=FULL``): when ``apply``
returns, the edit is on disk and the file is a single self-contained file
again, ready to be copied onto a USB stick.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from sqlite_utils import Database

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
from app.model.sensitivity import Sensitivity
from app.store import codec, history
from app.store.atomic import temp_beside
from app.store.errors import StoreError
from app.store.schema import APPLICATION_ID, format_version, migrations

SUFFIX = ".rwa"
HISTORY_FORMAT = 3
"""The first format with a history chain (migration 0003_history)."""
_REQUIRED_TABLES = {"meta", "record", "value"}


def _sensitivity(text: str | None) -> Sensitivity | None:
    return None if text is None else Sensitivity(text)


def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
    mode = "ro" if read_only else "rw"
    conn = sqlite3.connect(f"file:{quote(str(path))}?mode={mode}", uri=True, isolation_level=None)
    return conn


def inspect_file(path: Path) -> int:
    """Check, without writing anything, that ``path`` is an assessment we can open.

    Returns the file's format version; raises StoreError saying what is wrong.
    """
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
        problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise StoreError(f"{path}: the file is damaged ({problems[0]}); restore it from a copy")
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if version >= 1 and not tables >= _REQUIRED_TABLES:
            raise StoreError(f"{path}: the file is damaged (tables missing); restore it from a copy")
        return int(version)
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{path}: the file is damaged ({error}); restore it from a copy") from None
    finally:
        if conn is not None:
            conn.close()


class AssessmentFile:
    """An open `.rwa` file and the document it holds."""

    def __init__(self, path: Path, db: Database, document: Document) -> None:
        self.path = path
        self.db = db
        self.document = document

    # -- opening and creating ---------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> AssessmentFile:
        path = Path(path)
        version = inspect_file(path)
        try:
            db = Database(_connect(path, read_only=False), execute_plugins=False)
        except sqlite3.Error as error:
            raise StoreError(f"{path}: cannot open for writing ({error})") from None
        _configure(db)
        if version < format_version():
            try:
                migrations.apply(db)
            except sqlite3.Error as error:
                db.close()
                raise StoreError(f"{path}: could not upgrade from format {version} ({error}); "
                                 f"the file was left as it was") from None
        try:
            document = _read_document(db)
        except (sqlite3.Error, ValueError, KeyError) as error:
            db.close()
            raise StoreError(f"{path}: the file is damaged ({error}); restore it from a copy") from None
        if version < HISTORY_FORMAT:
            # Written before history existed: start it from the content as found.
            with db.atomic():
                history.record_base(db, "baseline", revision_hash(document), format=version)
        return cls(path, db, document)

    @classmethod
    def create(cls, path: str | os.PathLike[str], document: Document | None = None,
               overwrite: bool = False) -> AssessmentFile:
        """Write a new file atomically: it appears complete or not at all."""
        path = Path(path)
        if path.exists() and not overwrite:
            raise StoreError(f"{path}: already exists; choose another name or remove it first")
        if not path.parent.is_dir():
            raise StoreError(f"{path.parent}: no such folder")
        document = document or Document()
        temp = temp_beside(path)
        try:
            db = Database(sqlite3.connect(temp, isolation_level=None), execute_plugins=False)
            _configure(db)
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            migrations.apply(db)
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
        return cls.open(path)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> AssessmentFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- editing -----------------------------------------------------------
    def apply(self, edit: Edit) -> Edit:
        """Apply an edit to the document and save it; return the inverse edit."""
        inverse = self.document.apply(edit)
        try:
            with self.db.atomic():
                self._persist(edit)
                history.record_edit(self.db, edit, inverse, self.document)
        except BaseException:
            self.document.apply(inverse)
            raise
        return inverse

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
        value = self.document.value(address)
        key = [address.field, address.record or ""]
        if value is None or value.is_empty:
            self.db.execute("DELETE FROM value WHERE field = ? AND record_id = ?", key)
            return
        _upsert_value(self.db, address.field, address.record or "", value)

    def _renumber(self, table: str) -> None:
        self.db.conn.executemany(
            "UPDATE record SET position = ? WHERE table_path = ? AND id = ?",
            [(index, table, r.id) for index, r in enumerate(self.document.records(table))])

    def replace_document(self, document: Document) -> None:
        """Overwrite everything in one transaction (used by import and tests)."""
        with self.db.atomic():
            self.db.execute("DELETE FROM value")
            self.db.execute("DELETE FROM record")
            _write_document(self.db, document)
            history.record_base(self.db, "replaced", revision_hash(document),
                                previous=revision_hash(self.document))
        self.document = document

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])


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


def _rows(db: Database, sql: str) -> Iterator[tuple]:  # type: ignore[type-arg]
    return iter(db.execute(sql).fetchall())


def _read_document(db: Database) -> Document:
    document = Document()
    by_key: dict[tuple[str, str], Record] = {}
    for table, record_id, _pos, sensitivity, reason in _rows(
            db, "SELECT table_path, id, position, sensitivity, sensitivity_reason FROM record "
                "ORDER BY table_path, position"):
        record = Record(record_id, {}, _sensitivity(sensitivity), reason)
        document.tables.setdefault(table, []).append(record)
        by_key[(table, record_id)] = record
    for field, record_id, data, sensitivity, reason in _rows(
            db, "SELECT field, record_id, data, sensitivity, sensitivity_reason FROM value "
                "ORDER BY field, record_id"):
        value = Value(codec.decode(data), _sensitivity(sensitivity), reason)
        if not record_id:
            document.values[field] = value
            continue
        table, _, relative = field.partition("[].")
        owner = by_key.get((table, record_id))
        if owner is None:
            raise ValueError(f"value {field} belongs to a missing record {record_id!r}")
        owner.values[relative] = value
    return document
