"""``verify``: is this assessment what its history and its signatures say it is?

Six independent checks, each naming the first place it fails:

1. the chain: every entry's hash covers the previous hash and its own body, and
   the sequence has no gaps (an edited, deleted, inserted or reordered entry
   shows up here);
2. the signatures: each sign-off's Ed25519 signature over its payload, its key
   fingerprint, the history head it signed (so a wholesale rewrite of earlier
   history, hashes recomputed, still fails), the document it names, and the
   frozen snapshot of the revision it signed;
3. the sign-off table and the revisions table agree with the chain;
4. the content: replaying the entries backwards over the current document must
   arrive, at each sign-off and at creation, at exactly the content whose hash
   was recorded there — so content changed behind the history's back (say, with
   the ``sqlite3`` shell) is found, and named field by field against the
   signed snapshot;
5. the flag decisions: every redaction and dismissal in the flag tables is
   bound to a history entry (``app.store.flags.check_decisions``), so a
   dismissal added with the ``sqlite3`` shell — which would let a flagged
   passage into a public export — is found;
6. the schema: the file holds exactly the tables, indexes, views and
   triggers its format's migrations create; a planted trigger or table is
   named.

The history rows' copied columns (``at``, ``who``, ``revision``, ``kind``,
``field``, ``record_id``) must agree with the chained body.

Opens the file read-only: verifying never changes it.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import field
from pathlib import Path
from typing import Any

from app.model.canonical import canonical_json, sha256_hex, short_hash
from app.model.document import Document
from app.model.fast_dataclass import dataclass
from app.model.paths import Address
from app.store import history, revision
from app.store.errors import StoreError
from app.model.changes import BASE_KINDS, CONTENT_KINDS, ReplayError, diff_documents, undo_entry
from app.store.flags import check_decisions
from app.store.hashing import ContentHasher, detached
from app.store.history import GENESIS
from app.store.readable import Readable
from app.store.schema import BOOKKEEPING, expected_objects
from app.store.signatures import SignOff, signoff_from_entry

_COLUMNS = ("at", "who", "revision", "kind", "field", "record_id")


@dataclass
class Verdict:
    """What ``verify`` found. ``problems`` are in the order checked; the first one is named first."""

    entries: int = 0
    problems: list[str] = field(default_factory=list)
    signoffs: list[tuple[SignOff, bool]] = field(default_factory=list)
    """Every sign-off with whether its signature checked out."""
    checkpoints: int = 0
    """Points at which the replayed content matched a recorded hash."""

    @property
    def intact(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class _Row:
    seq: int
    prev: str
    hash: str
    text: str
    columns: dict[str, Any]
    body: dict[str, Any] | None


def verify_file(path: Path) -> Verdict:
    """Verify a file on disk without writing to it; StoreError if it cannot be checked at all."""
    from app.store.file import HISTORY_FORMAT, _connect, _read_document, inspect_file
    version = inspect_file(path)
    if version < HISTORY_FORMAT:
        raise StoreError(f"{path}: written before Riskwright kept a history (file format {version}); "
                         f"open it once with this version to start its history, then verify it")
    db = _connect(path, read_only=True)
    try:
        try:
            document = _read_document(db)
        except (sqlite3.Error, ValueError, KeyError) as error:
            raise StoreError(f"{path}: the file is damaged ({error}); restore it from a copy") from None
        return verify(db, document)
    except sqlite3.Error as error:
        raise StoreError(f"{path}: cannot be checked ({error})") from None
    finally:
        db.close()


def verify(db: Readable, document: Document, hasher: ContentHasher | None = None) -> Verdict:
    """Every check above over the open file ``db`` holding ``document`` (as read from it).

    ``hasher`` lets a caller that hashes the same content afterwards (the portfolio's current revision)
    reuse what the content check encoded.
    """
    hasher = hasher or ContentHasher()
    verdict = Verdict()
    rows = _read_rows(db)
    verdict.entries = len(rows)
    if not rows:
        verdict.problems.append("the history is empty: its entries were deleted")
        return verdict
    recomputed = _check_chain(rows, verdict)
    _check_signoffs(db, rows, recomputed, verdict)
    _check_content(db, rows, document, verdict, hasher)
    verdict.problems.extend(check_decisions(db, [row.body for row in rows if row.body is not None]).problems)
    _check_schema(db, verdict)
    return verdict


def _check_schema(db: Readable, verdict: Verdict) -> None:
    """Name every table, index, view or trigger the file's format does not create, or whose SQL changed."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    expected = expected_objects(version)
    found = db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
    present = set()
    for kind, name, table, sql in found:
        present.add((kind, name))
        if kind in ("table", "index") and (table in BOOKKEEPING or name in BOOKKEEPING):
            continue
        if (kind, name) not in expected:
            verdict.problems.append(f"the file holds a {kind} {name!r} that Riskwright never creates "
                                    f"(planted: a {kind} can change or hide what the file says)")
        elif expected[(kind, name)] != sql:
            verdict.problems.append(f"the {kind} {name!r} was altered outside Riskwright")
    for kind, name in sorted(set(expected) - present):
        verdict.problems.append(f"the {kind} {name!r} is missing from the file (deleted)")


def _read_rows(db: Readable) -> list[_Row]:
    rows = []
    for seq, prev, digest, text, at, who, number, kind, field_path, record_id in db.execute(
            "SELECT seq, prev, hash, body, at, who, revision, kind, field, record_id FROM history ORDER BY seq"):
        try:
            body = json.loads(text)
            body = body if isinstance(body, dict) else None
        except (TypeError, ValueError):
            body = None
        rows.append(_Row(int(seq), str(prev), str(digest), str(text),
                         {"at": at, "who": who, "revision": number, "kind": kind, "field": field_path,
                          "record_id": record_id}, body))
    return rows


def _check_chain(rows: list[_Row], verdict: Verdict) -> dict[int, str]:
    """Check links, hashes, numbering and copied columns; return the hash each entry should have."""
    recomputed: dict[int, str] = {0: GENESIS}
    expected_seq, previous = 1, GENESIS
    for row in rows:
        if row.seq != expected_seq:
            missing = f"#{expected_seq}" if row.seq == expected_seq + 1 else f"#{expected_seq}–#{row.seq - 1}"
            verdict.problems.append(f"entry {missing} is missing: entries were deleted from the history")
        elif row.prev != previous:
            verdict.problems.append(f"entry #{row.seq} does not follow entry #{row.seq - 1}: entries were "
                                    f"removed, inserted or reordered")
        own = history.chain_hash(row.prev, row.text)
        if own != row.hash:
            verdict.problems.append(f"entry #{row.seq} was altered after it was written (its content "
                                    f"does not match its hash)")
        elif row.body is None or canonical_json(row.body) != row.text or row.body.get("seq") != row.seq:
            verdict.problems.append(f"entry #{row.seq} is not a well-formed entry for its place in the history")
        else:
            location = history.body_location(row.body)
            stated = {**row.body, "field": location[0], "record_id": location[1]}
            for column in _COLUMNS:
                if row.columns[column] != stated.get(column):
                    verdict.problems.append(
                        f"entry #{row.seq}: its {column} column says {row.columns[column]!r} but the entry "
                        f"itself says {stated.get(column)!r} (altered)")
                    break
        before = recomputed.get(row.seq - 1, row.prev)
        recomputed[row.seq] = own if before == row.prev else history.chain_hash(before, row.text)
        expected_seq, previous = row.seq + 1, row.hash
    first = rows[0].body
    if rows[0].seq == 1 and first is not None and first.get("kind") not in BASE_KINDS:
        verdict.problems.append("entry #1 is not the creation of the assessment: the start of the history "
                                "was removed")
    return recomputed


def _check_signoffs(db: Readable, rows: list[_Row], recomputed: dict[int, str], verdict: Verdict) -> None:
    document_id = _meta(db, "document_id")
    frozen = {r.number: r for r in revision.frozen_revisions(db)}
    table = {int(seq): (int(number), str(payload), str(signature), str(public))
             for seq, number, payload, signature, public in db.execute(
                 "SELECT history_seq, revision, payload, signature, public_key FROM signoff")}
    signed_revisions: set[int] = set()
    for row in rows:
        if row.body is None or row.body.get("kind") != "signoff":
            continue
        try:
            signoff = signoff_from_entry(row.body, row.seq)
        except (KeyError, TypeError, ValueError):
            verdict.problems.append(f"sign-off in entry #{row.seq} is incomplete (altered)")
            continue
        valid = signoff.signature_is_valid()
        verdict.signoffs.append((signoff, valid))
        where = f"sign-off in entry #{row.seq} ({signoff.name} as {signoff.role}, revision {signoff.revision})"
        if not valid:
            verdict.problems.append(f"{where}: the signature does not match what was signed (altered)")
            continue
        signed_revisions.add(signoff.revision)
        if signoff.history_head != recomputed.get(row.seq - 1):
            verdict.problems.append(f"{where}: the history before it is not the history that was signed "
                                    f"(earlier entries were rewritten)")
        if signoff.document != document_id:
            verdict.problems.append(f"{where}: it was made for another document ({signoff.document})")
        stored = frozen.get(signoff.revision)
        if stored is None:
            verdict.problems.append(f"{where}: the signed revision's snapshot is missing (deleted)")
        elif stored.hash != signoff.revision_hash:
            verdict.problems.append(f"{where}: the stored revision hash differs from the signed one (altered)")
        else:
            text = revision.snapshot_text(db, signoff.revision)
            if text is None or sha256_hex(text) != signoff.revision_hash:
                verdict.problems.append(f"{where}: the stored snapshot of revision {signoff.revision} no "
                                        f"longer matches its signed hash (altered)")
        copy = table.pop(row.seq, None)
        if copy is None:
            verdict.problems.append(f"{where}: missing from the sign-off table (deleted)")
        elif copy != (signoff.revision, canonical_json(signoff.payload()), signoff.signature,
                      signoff.public_key):
            verdict.problems.append(f"{where}: the sign-off table's copy differs from the history (altered)")
    for seq in sorted(table):
        verdict.problems.append(f"sign-off table row for entry #{seq} has no sign-off in the history "
                                f"(added outside Riskwright)")
    for number in sorted(set(frozen) - signed_revisions):
        verdict.problems.append(f"revision {number} is marked as signed but has no valid sign-off")


def _check_content(db: Readable, rows: list[_Row], current: Document, verdict: Verdict,
                   hasher: ContentHasher) -> None:
    """Replay backwards from the current content; compare at every recorded hash.

    The replay works on its own copy of the document's lists, and copies a record before an entry
    changes it (``_detach``): the current document is never changed, and the hasher re-encodes only the
    records the replay touched.
    """
    document: Document | None = None
    digest: str | None = None
    for row in reversed(rows):
        body = row.body
        if body is None:
            return
        kind = body.get("kind")
        if kind in CONTENT_KINDS:
            document = document or _replay_copy(current)
            try:
                _detach(document, body)
                undo_entry(document, body)
            except (ReplayError, KeyError, IndexError, TypeError, ValueError) as error:
                verdict.problems.append(f"the content does not match the history at entry #{row.seq} "
                                        f"({error}): it was changed outside Riskwright")
                return
            digest = None
        elif kind == "signoff" or kind in BASE_KINDS:
            expected = body.get("revision_hash") if kind == "signoff" else body.get("content")
            digest = digest or hasher.digest_against(document or current, expected)
            if digest != expected:
                verdict.problems.append(_content_problem(db, row.seq, body, document or current))
                return
            verdict.checkpoints += 1
            if kind in BASE_KINDS:
                return


def _replay_copy(current: Document) -> Document:
    """A document sharing ``current``'s records and values, with lists and mappings of its own."""
    return Document(dict(current.values), {table: list(records) for table, records in current.tables.items()})


def _detach(document: Document, body: dict[str, Any]) -> None:
    """Give ``document`` its own copy of the record ``undo_entry`` is about to change in place.

    Only two kinds of entry change a record in place: a value inside a record, and a record's
    sensitivity; the others add, remove or move records in the (already copied) lists. The record is
    found as ``undo_entry`` finds it (the first with that id); when it cannot be found, ``undo_entry``
    fails on the same lookup before changing anything.
    """
    try:
        kind = body.get("kind")
        if kind == "value":
            address = Address.parse(str(body["address"]))
            if address.record is None:
                return
            table, record_id = address.table or "", address.record
        elif kind == "record_sensitivity":
            table, record_id = body["table"], body["record_id"]
        else:
            return
        records = document.tables.get(table) or []
        for index, record in enumerate(records):
            if record.id == record_id:
                records[index] = detached(record)
                return
    except (KeyError, TypeError, ValueError, AttributeError):
        return


def _content_problem(db: Readable, seq: int, body: dict[str, Any], document: Document) -> str:
    if body.get("kind") == "signoff":
        number = int(body["revision"])
        text = (f"the content of revision {number} ({short_hash(str(body['revision_hash']))}) was changed "
                f"after it was signed in entry #{seq}, with no history entry")
        signed = revision.snapshot(db, number)
        if signed is not None:
            changed = diff_documents(signed, document)
            if changed:
                names = ", ".join(d.address for d in changed[:5])
                more = f" and {len(changed) - 5} more" if len(changed) > 5 else ""
                text += f": {names}{more}"
        return text
    return (f"the content differs from what the history records since entry #{seq} "
            f"({body.get('kind')}): it was changed outside Riskwright")


def _meta(db: Readable, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return None if row is None else str(row[0])
