"""The `.rwa` file's tables and their migrations.

``user_version`` is the number of migrations applied, so it is the format
version. Each migration is registered once and never edited after release; a
frozen fixture per version in ``tests/_files/`` proves old files still open.
Each migration runs in one transaction with its bookkeeping (sqlite-utils
``Migrations``), so a failed upgrade leaves the file as it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from app.store.readable import Readable

if TYPE_CHECKING:  # sqlite-utils is imported when a file is created or upgraded: ~55 ms of every command's start
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

APPLICATION_ID = 0x52574131  # "RWA1"
_registered: list[str] = []
_runs: list[Callable[[Database], None]] = []
_steps: list[Callable[[Readable], None]] = []
"""Each migration's own statements: they only ``execute``, so ``expected_objects`` replays them on a plain
connection (a reader of a file, the portfolio, never imports sqlite-utils)."""


def migration(name: str) -> Callable[[Callable[[Readable], None]], Callable[[Readable], None]]:
    """Register the next format version's migration; it also stamps ``user_version``."""
    version = len(_registered) + 1
    _registered.append(name)

    def register(step: Callable[[Readable], None]) -> Callable[[Readable], None]:
        def run(db: Database) -> None:
            step(db)
            db.execute(f"PRAGMA user_version = {version}")
        run.__name__ = name
        _runs.append(run)
        _steps.append(step)
        return step
    return register


@cache
def migration_set() -> Migrations:
    """Every registered migration, as sqlite-utils ``Migrations`` (``.apply(db)`` brings a file up to date)."""
    from sqlite_utils.migrations import Migrations
    found = Migrations("riskwright")
    for run in _runs:
        found(name=run.__name__)(run)
    return found


def __getattr__(name: str) -> Any:
    """``migrations``: ``migration_set()``, under the name it had when it was made at import."""
    if name == "migrations":
        return migration_set()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def format_version() -> int:
    """The format this build writes: one per registered migration."""
    return len(_registered)


BOOKKEEPING = ("_sqlite_migrations", "sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4")
"""Tables (and their indexes) that sqlite-utils and SQLite keep for themselves; their SQL is theirs. The first is
sqlite-utils' ``Migrations.migrations_table`` (a test holds them equal)."""


@cache
def expected_objects(version: int) -> dict[tuple[str, str], str | None]:
    """``(type, name) -> SQL`` of every schema object a file of format ``version`` holds.

    Computed by replaying the first ``version`` migrations in memory, so a
    table, view, trigger or index found in a file but not here was planted
    (``app.store.verification``).
    """
    db = sqlite3.connect(":memory:", isolation_level=None)
    for step in _steps[:version]:
        step(db)
    found = {(str(kind), str(name)): sql for kind, name, sql in
             db.execute("SELECT type, name, sql FROM sqlite_master")}
    db.close()
    return found


def _statements(db: Readable, script: str) -> None:
    # executescript() would commit the migration's transaction half-way.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


@migration("0001_document")
def _document(db: Readable) -> None:
    _statements(db, """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE record (
            table_path TEXT NOT NULL,
            id TEXT NOT NULL,
            position INTEGER NOT NULL,
            sensitivity TEXT,
            sensitivity_reason TEXT,
            PRIMARY KEY (table_path, id)
        );
        CREATE TABLE value (
            field TEXT NOT NULL,
            record_id TEXT NOT NULL DEFAULT '',
            data TEXT,
            sensitivity TEXT,
            sensitivity_reason TEXT,
            PRIMARY KEY (field, record_id)
        )
    """)


@migration("0002_flags")
def _flags(db: Readable) -> None:
    # Detector hits in text bound for a wider audience than its sensitivity
    # (owned by app.store.flags). `flag` holds the current hits and is
    # rebuilt per address on every scan; `flag_dismissal` keeps an assessor's
    # "not hazardous, because …" across rescans, keyed by what was matched
    # where, not by offsets; `flag_resolution` is the record of every decision.
    _statements(db, """
        CREATE TABLE flag (
            id TEXT PRIMARY KEY,
            field TEXT NOT NULL,
            record_id TEXT NOT NULL DEFAULT '',
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            detector TEXT NOT NULL,
            category TEXT NOT NULL,
            domain TEXT,
            matched TEXT NOT NULL,
            normalised TEXT NOT NULL,
            audience TEXT NOT NULL
        );
        CREATE INDEX flag_address ON flag (field, record_id);
        CREATE TABLE flag_dismissal (
            field TEXT NOT NULL,
            record_id TEXT NOT NULL DEFAULT '',
            detector TEXT NOT NULL,
            normalised TEXT NOT NULL,
            reason TEXT NOT NULL,
            dismissed_at TEXT NOT NULL,
            PRIMARY KEY (field, record_id, detector, normalised)
        );
        CREATE TABLE flag_resolution (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            flag_id TEXT NOT NULL,
            field TEXT NOT NULL,
            record_id TEXT NOT NULL DEFAULT '',
            detector TEXT NOT NULL,
            category TEXT NOT NULL,
            normalised TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('redact', 'dismiss')),
            detail TEXT NOT NULL,
            at TEXT NOT NULL
        )
    """)


@migration("0003_history")
def _history(db: Readable) -> None:
    # The audit chain and sign-offs (owned by app.store.history / .revision /
    # .signoff). `history.body` is the canonical JSON that `hash` covers; the
    # other columns copy parts of it so panels can filter without parsing, and
    # verification checks they agree. `revision` holds the canonical snapshot
    # of every revision that was signed (zlib), so revisions can be compared
    # and the signed content re-hashed. Files from before this version get a
    # "baseline" entry the first time they are opened (app.store.file).
    _statements(db, """
        CREATE TABLE history (
            seq INTEGER PRIMARY KEY,
            prev TEXT NOT NULL,
            hash TEXT NOT NULL,
            body TEXT NOT NULL,
            at TEXT NOT NULL,
            who TEXT NOT NULL,
            revision INTEGER NOT NULL,
            kind TEXT NOT NULL,
            field TEXT,
            record_id TEXT
        );
        CREATE INDEX history_field ON history (field, record_id);
        CREATE TABLE revision (
            number INTEGER PRIMARY KEY,
            hash TEXT NOT NULL,
            frozen_at TEXT NOT NULL,
            snapshot BLOB NOT NULL
        );
        CREATE TABLE signoff (
            id INTEGER PRIMARY KEY,
            revision INTEGER NOT NULL,
            history_seq INTEGER NOT NULL,
            payload TEXT NOT NULL,
            signature TEXT NOT NULL,
            public_key TEXT NOT NULL
        )
    """)


@migration("0004_flag_resolution_who")
def _flag_resolution_who(db: Readable) -> None:
    # Who redacted or dismissed a flag: the redaction log in the internal report names them.
    # Older decisions were not attributed; they read "(not recorded)".
    db.execute("ALTER TABLE flag_resolution ADD COLUMN who TEXT NOT NULL DEFAULT ''")


@migration("0005_compact_text_history")
def _compact_text_history(db: Readable) -> None:
    # No table changes. From this format on, the history entry of a long text may hold the change
    # (``text_edit``) and the texts' lengths and hashes instead of two whole copies
    # (app.model.text_edits). The new number makes an older Riskwright refuse such a file
    # ("written by a newer version") instead of reading compact entries as tampering.
    del db
