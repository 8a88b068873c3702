"""Revisions: numbered states of an assessment, frozen when someone signs one.

A revision is identified by the SHA-256 of the whole assessment in canonical
form (``app.model.canonical``). Revision 1 starts when the file is created;
edits accumulate in the current revision until someone signs it. Signing
freezes it: its canonical snapshot is stored (compressed) so it can be compared
with later ones and re-hashed by ``verify``; the next edit starts the next
revision, and sign-offs never carry over.

Nothing here hashes on every edit: the revision number of an edit comes from
the last history entry (``history.head``), and the hash of the current content
is computed only when asked for.
"""

from __future__ import annotations

import json
import re
import zlib
from typing import TYPE_CHECKING

from app.model.canonical import (
    canonical_document,
    document_from_form,
    revision_hash,
    sha256_hex,
)
from app.model.document import Document
from app.model.changes import Difference, diff_documents  # noqa: F401 - re-exported
from app.model.fast_dataclass import dataclass
from app.store import history
from app.store.errors import StoreError
from app.store.readable import Readable

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass(frozen=True)
class FrozenRevision:
    number: int
    hash: str
    frozen_at: str


def frozen_revisions(db: Readable) -> list[FrozenRevision]:
    return [FrozenRevision(int(n), str(h), str(at))
            for n, h, at in db.execute("SELECT number, hash, frozen_at FROM revision ORDER BY number")]


def frozen_revision(db: Readable, number: int) -> FrozenRevision | None:
    row = db.execute("SELECT number, hash, frozen_at FROM revision WHERE number = ?", [number]).fetchone()
    return None if row is None else FrozenRevision(int(row[0]), str(row[1]), str(row[2]))


def freeze(db: Database, number: int, document: Document, at: str) -> str:
    """Store revision ``number``'s snapshot and hash (once); return the hash."""
    text = canonical_document(document)
    digest = sha256_hex(text)
    db.execute("INSERT INTO revision (number, hash, frozen_at, snapshot) VALUES (?, ?, ?, ?)",
               [number, digest, at, zlib.compress(text.encode("utf-8"), 6)])
    return digest


def snapshot_text(db: Readable, number: int) -> str | None:
    """The canonical JSON of a frozen revision as stored (None if it was never frozen)."""
    row = db.execute("SELECT snapshot FROM revision WHERE number = ?", [number]).fetchone()
    if row is None:
        return None
    return zlib.decompress(row[0]).decode("utf-8")


def snapshot(db: Readable, number: int) -> Document | None:
    text = snapshot_text(db, number)
    return None if text is None else document_from_form(json.loads(text))


@dataclass(frozen=True)
class CurrentRevision:
    number: int
    frozen: bool
    """True when this revision was signed and nothing has changed since."""


def current_revision(db: Readable) -> CurrentRevision:
    """The revision the content is in now, from the last history entry (no hashing)."""
    last = history.head(db)
    return CurrentRevision(last.revision, last.frozen)


# -- naming revisions --------------------------------------------------------------
_NUMBER = re.compile(r"^(?:r|rev|revision)?\s*(\d+)$", re.IGNORECASE)
_HEX = re.compile(r"^[0-9a-f]{4,64}$")


@dataclass(frozen=True)
class RevisionContent:
    label: str
    number: int
    hash: str
    document: Document


def resolve(db: Database, current: Document, reference: str) -> RevisionContent:
    """A revision named by number (``2``, ``r2``), by hash prefix, or ``current``.

    Raises StoreError naming the revisions that exist when the reference fits none.
    """
    text = reference.strip().lower()
    now = current_revision(db)
    frozen = frozen_revisions(db)
    if text in ("current", "head", "working"):
        return RevisionContent(f"current (revision {now.number})", now.number, revision_hash(current), current)
    match = _NUMBER.match(text)
    if match:
        number = int(match.group(1))
        known_numbers = {r.number for r in frozen} | {now.number}
        # An all-digit hash prefix ("71202042") reads as a number too: a number no revision has
        # falls through to the hash prefixes.
        if number in known_numbers or not _HEX.match(text):
            return _by_number(db, current, now, number, frozen)
    if _HEX.match(text):
        hits = {r.number for r in frozen if r.hash.startswith(text)}
        current_hash = revision_hash(current)
        if current_hash.startswith(text) and not now.frozen:
            hits.add(now.number)
        if len(hits) == 1:
            return _by_number(db, current, now, hits.pop(), frozen)
        if len(hits) > 1:
            raise StoreError(f"revision hash prefix {reference!r} is ambiguous; give more digits")
    known = ", ".join([str(r.number) for r in frozen] + ([] if now.frozen else [f"{now.number} (current)"]))
    raise StoreError(f"no revision {reference!r}; revisions: {known}, or 'current'")


def _by_number(db: Database, current: Document, now: CurrentRevision, number: int,
               frozen: list[FrozenRevision]) -> RevisionContent:
    stored = {r.number: r for r in frozen}
    if number in stored:
        document = snapshot(db, number)
        assert document is not None
        return RevisionContent(f"revision {number}", number, stored[number].hash, document)
    if number == now.number:
        return RevisionContent(f"revision {number} (current)", number, revision_hash(current), current)
    known = ", ".join([str(n) for n in sorted(stored)] + ([] if now.frozen else [f"{now.number} (current)"]))
    raise StoreError(f"no revision {number}; revisions: {known}, or 'current'")
