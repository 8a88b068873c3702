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

import difflib
import json
import re
import zlib
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from app.model.canonical import (
    canonical_document,
    document_from_form,
    record_form,
    revision_hash,
    sha256_hex,
    value_form,
)
from app.model.document import Document, Record
from app.model.paths import Address, table_field
from app.store import history
from app.store.errors import StoreError


@dataclass(frozen=True)
class FrozenRevision:
    number: int
    hash: str
    frozen_at: str


def frozen_revisions(db: Database) -> list[FrozenRevision]:
    return [FrozenRevision(int(n), str(h), str(at))
            for n, h, at in db.execute("SELECT number, hash, frozen_at FROM revision ORDER BY number")]


def frozen_revision(db: Database, number: int) -> FrozenRevision | None:
    row = db.execute("SELECT number, hash, frozen_at FROM revision WHERE number = ?", [number]).fetchone()
    return None if row is None else FrozenRevision(int(row[0]), str(row[1]), str(row[2]))


def freeze(db: Database, number: int, document: Document, at: str) -> str:
    """Store revision ``number``'s snapshot and hash (once); return the hash."""
    text = canonical_document(document)
    digest = sha256_hex(text)
    db.execute("INSERT INTO revision (number, hash, frozen_at, snapshot) VALUES (?, ?, ?, ?)",
               [number, digest, at, zlib.compress(text.encode("utf-8"), 6)])
    return digest


def snapshot_text(db: Database, number: int) -> str | None:
    """The canonical JSON of a frozen revision as stored (None if it was never frozen)."""
    row = db.execute("SELECT snapshot FROM revision WHERE number = ?", [number]).fetchone()
    if row is None:
        return None
    return zlib.decompress(row[0]).decode("utf-8")


def snapshot(db: Database, number: int) -> Document | None:
    text = snapshot_text(db, number)
    return None if text is None else document_from_form(json.loads(text))


@dataclass(frozen=True)
class CurrentRevision:
    number: int
    frozen: bool
    """True when this revision was signed and nothing has changed since."""


def current_revision(db: Database) -> CurrentRevision:
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


# -- field-level differences ---------------------------------------------------------
@dataclass(frozen=True)
class Difference:
    change: str
    """``changed``, ``added``, ``removed`` (values); ``record added``, ``record removed``,
    ``record moved``, ``record sensitivity`` (records)."""
    address: str
    before: Any = None
    after: Any = None

    def as_json(self) -> dict[str, Any]:
        return {"change": self.change, "address": self.address, "before": self.before, "after": self.after}


def diff_documents(old: Document, new: Document) -> list[Difference]:
    """What changed from ``old`` to ``new``, field by field, in a stable order."""
    found: list[Difference] = []
    for path in sorted(set(old.values) | set(new.values)):
        _compare_value(found, path, value_form(old.values.get(path)), value_form(new.values.get(path)))
    for table in sorted(set(old.tables) | set(new.tables)):
        _compare_table(found, table, old.records(table), new.records(table))
    return found


def _compare_value(found: list[Difference], address: str, before: Any, after: Any) -> None:
    if before == after:
        return
    change = "added" if before is None else "removed" if after is None else "changed"
    found.append(Difference(change, address, before, after))


def _compare_table(found: list[Difference], table: str, old: list[Record], new: list[Record]) -> None:
    old_by_id = {r.id: r for r in old}
    new_by_id = {r.id: r for r in new}
    for record in old:
        if record.id not in new_by_id:
            found.append(Difference("record removed", f"{table}[{record.id}]", _record_json(record), None))
    common_old = [r.id for r in old if r.id in new_by_id]
    common_new = [r.id for r in new if r.id in old_by_id]
    staying = set()
    for block in difflib.SequenceMatcher(a=common_old, b=common_new, autojunk=False).get_matching_blocks():
        staying.update(common_old[block.a: block.a + block.size])
    for position, record in enumerate(new):
        address = f"{table}[{record.id}]"
        before_record = old_by_id.get(record.id)
        if before_record is None:
            found.append(Difference("record added", address, None, _record_json(record)))
            continue
        if record.id not in staying:
            found.append(Difference("record moved", address, old.index(before_record) + 1, position + 1))
        before_s = _record_sensitivity(before_record)
        after_s = _record_sensitivity(record)
        if before_s != after_s:
            found.append(Difference("record sensitivity", address, before_s, after_s))
        for relative in sorted(set(before_record.values) | set(record.values)):
            _compare_value(found, str(Address(table_field(table, relative), record.id)),
                           value_form(before_record.values.get(relative)), value_form(record.values.get(relative)))


def _record_sensitivity(record: Record) -> dict[str, Any] | None:
    if record.sensitivity is None and record.sensitivity_reason is None:
        return None
    return {"sensitivity": None if record.sensitivity is None else record.sensitivity.value,
            "reason": record.sensitivity_reason}


def _record_json(record: Record) -> dict[str, Any]:
    return record_form(record)
