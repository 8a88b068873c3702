"""The revision hash of a document and of earlier states replayed from it, encoding each record once.

Verifying a file hashes the content at every point its history states a hash
(each sign-off, the creation), after replaying the later entries backwards;
the portfolio then needs the hash of the current content too. Each is
``revision_hash`` of a whole assessment — thousands of values — while only the
few records an entry touched differ between them. ``ContentHasher`` keeps the
canonical JSON of every record it has encoded, keyed by the record object, and
builds the document's canonical JSON from those pieces: JSON with sorted keys
and no spaces is the concatenation of its members' own canonical JSON, so the
bytes, and the hash, are exactly ``revision_hash``'s (a test holds them to it).

A remembered piece is only right while its record is unchanged: whoever
changes a record must change a copy (``detached``), never the record a hasher
has seen. Replaying for verification does exactly that (``app.store.verification``).
"""

from __future__ import annotations

import hashlib

from app.model.canonical import CANONICAL_FORM, canonical_json, record_form, value_form
from app.model.document import Document, Record

_HEAD = '{"form":' + canonical_json(CANONICAL_FORM) + ',"tables":{'


class ContentHasher:
    """``revision_hash`` for one document and states replayed from it (one verification, one file)."""

    def __init__(self) -> None:
        self._pieces: dict[int, tuple[Record, str]] = {}
        """id(record) → (the record, kept alive so its id is not reused; its canonical JSON)."""

    def digest(self, document: Document) -> str:
        """The same hex digest as ``app.model.canonical.revision_hash(document)``."""
        sha = hashlib.sha256()
        sha.update(_HEAD.encode("utf-8"))
        first = True
        for table in sorted(document.tables):
            records = document.tables[table]
            if not records:
                continue  # the canonical form leaves out a table with no records
            text = ("" if first else ",") + canonical_json(table) + ":[" + ",".join(
                self._piece(record) for record in records) + "]"
            sha.update(text.encode("utf-8"))
            first = False
        values = {path: form for path, value in document.values.items() if (form := value_form(value)) is not None}
        sha.update(('},"values":' + canonical_json(values) + "}").encode("utf-8"))
        return sha.hexdigest()

    def _piece(self, record: Record) -> str:
        known = self._pieces.get(id(record))
        if known is not None and known[0] is record:
            return known[1]
        text = canonical_json(record_form(record))
        self._pieces[id(record)] = (record, text)
        return text


def detached(record: Record) -> Record:
    """A copy of ``record`` that can be changed without changing it (its values are replaced, never edited)."""
    return Record(record.id, dict(record.values), record.sensitivity, record.sensitivity_reason)
