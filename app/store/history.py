"""The history of an assessment: every change, chained by SHA-256.

Each entry's ``body`` is canonical JSON (who, when, revision, what changed,
before and after) and its ``hash`` is SHA-256 over the previous entry's hash
and that body. Editing, deleting or reordering an entry therefore breaks the
chain from that entry on; ``app.store.verification`` checks it, and replays the
entries backwards over the current content to prove the content is what the
history says it is.

Appending costs one indexed read of the last entry and one insert per change,
whatever the length of the history: the chain is never re-hashed on write.
Entries are written inside the caller's transaction, so an edit and its entry
are saved together or not at all.

Hazardous values are stored here as they are in the document: the file is
internal. Anything leaving the file for another audience goes through the
audience filter (see ``app.cli.cmd_accountability``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from app.model.canonical import (
    canonical_json,
    record_form,
    sha256_hex,
    value_form,
)
from app.model.document import (
    Batch,
    Document,
    Edit,
    InsertRecord,
    MoveRecord,
    RemoveRecord,
    SetRecordSensitivity,
    SetSensitivity,
    SetValue,
    Value,
)
from app.model.fast_dataclass import dataclass
from app.model.paths import Address, table_field
from app.model.text_edits import compact_value_change
from app.model.changes import (  # noqa: F401 - re-exported: the store's callers know them here
    BASE_KINDS,
    CONTENT_KINDS,
    ReplayError,
    brief_data,
    describe,
    sensitivity_form,
    undo_entry,
)
from app.store import identity
from app.store.readable import Readable

if TYPE_CHECKING:
    from sqlite_utils import Database

GENESIS = "0" * 64
"""The ``prev`` of the first entry."""

@dataclass(frozen=True)
class Entry:
    seq: int
    prev: str
    hash: str
    body: dict[str, Any]
    """The parsed canonical body: ``seq, at, who, revision, kind`` and the kind's own keys."""

    @property
    def at(self) -> str:
        return str(self.body["at"])

    @property
    def who(self) -> str:
        return str(self.body["who"])

    @property
    def revision(self) -> int:
        return int(self.body["revision"])

    @property
    def kind(self) -> str:
        return str(self.body["kind"])

    @property
    def location(self) -> tuple[str | None, str | None]:
        """(field path or table path, record id) the entry is about, for filtering."""
        return body_location(self.body)

    @property
    def address(self) -> str | None:
        """The address as people write it (``training.checkpoints[ckpt-7].date``)."""
        body = self.body
        if "address" in body:
            return str(body["address"])
        if "table" in body:
            record = body.get("record_id") or (body.get("record") or {}).get("id")
            return f"{body['table']}[{record}]" if record else str(body["table"])
        return None

    def describe(self) -> str:
        """One line for people: what changed, before → after."""
        return describe(self.body)


def body_location(body: Mapping[str, Any]) -> tuple[str | None, str | None]:
    if "address" in body and body["address"]:
        address = Address.parse(str(body["address"]))
        return address.field, address.record
    if "table" in body:
        record = body.get("record_id") or (body.get("record") or {}).get("id")
        return str(body["table"]), record
    return None, None


def now() -> str:
    """UTC time to the second, ISO 8601 with a ``Z``: the same text on every machine."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- writing -----------------------------------------------------------------
@dataclass(frozen=True)
class Head:
    seq: int
    hash: str
    revision: int
    frozen: bool
    """Whether ``revision`` has been signed (so the next content change starts a new one)."""


def head(db: Readable) -> Head:
    """The last entry: where the next one is chained on. One indexed lookup."""
    row = db.execute(
        "SELECT h.seq, h.hash, h.revision, EXISTS (SELECT 1 FROM revision r WHERE r.number = h.revision) "
        "FROM history h ORDER BY h.seq DESC LIMIT 1").fetchone()
    if row is None:
        return Head(0, GENESIS, 1, False)
    return Head(int(row[0]), str(row[1]), int(row[2]), bool(row[3]))


def append(db: Database, changes: Iterable[tuple[str, dict[str, Any]]], who: str | None = None,
           revision: int | None = None) -> list[Entry]:
    """Chain ``(kind, details)`` changes onto the history, in the current transaction.

    A content change made after the current revision was signed goes into the
    next revision; other entries stay in the current one unless ``revision``
    says otherwise.
    """
    changes = list(changes)
    if not changes:
        return []
    who = who or identity.assessor_name()
    at = now()
    written: list[Entry] = []
    with db.atomic():
        last = head(db)
        seq, prev = last.seq, last.hash
        for kind, details in changes:
            number = revision
            if number is None:
                number = last.revision + 1 if (last.frozen and kind in CONTENT_KINDS) else last.revision
            seq += 1
            body = {**details, "seq": seq, "at": at, "who": who, "revision": number, "kind": kind}
            text = canonical_json(body)
            digest = chain_hash(prev, text)
            field, record_id = body_location(body)
            db.execute(
                "INSERT INTO history (seq, prev, hash, body, at, who, revision, kind, field, record_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [seq, prev, digest, text, at, who, number, kind, field, record_id])
            written.append(Entry(seq, prev, digest, body))
            prev = digest
    return written


def chain_hash(prev: str, body: str) -> str:
    return sha256_hex(f"{prev}\n{body}")


def record_edit(db: Database, edit: Edit, inverse: Edit, document: Document,
                who: str | None = None) -> list[Entry]:
    """Write the entries for an edit already applied to ``document`` (called by ``AssessmentFile.apply``)."""
    return append(db, edit_changes(edit, inverse, document), who)


def record_event(db: Database, event: str, address: Address | str | None = None,
                 detail: Mapping[str, Any] | None = None, who: str | None = None) -> Entry:
    """Record something that is not an edit (a flag redacted or dismissed, with the reason).

    Call it inside the transaction that makes the decision (``with db.atomic():``)
    so the decision and its history entry are saved together. ``detail`` must be
    JSON data; it stays inside the file and is withheld from other audiences.
    """
    details: dict[str, Any] = {"event": event, "detail": dict(detail or {})}
    if address is not None:
        details["address"] = str(address)
    return append(db, [("event", details)], who)[0]


def record_base(db: Database, kind: str, content_hash: str, who: str | None = None,
                **extra: Any) -> Entry:
    """State the whole content's hash: at creation, on upgrade from an older format, on replacement."""
    assert kind in BASE_KINDS
    return append(db, [(kind, {"content": content_hash, **extra})], who)[0]


# -- edits → changes -----------------------------------------------------------
def _pairs(edit: Edit, inverse: Edit) -> Iterator[tuple[Edit, Edit]]:
    """Each single edit with its own inverse, in the order they were applied."""
    if isinstance(edit, Batch):
        assert isinstance(inverse, Batch)
        count = len(edit.edits)
        for index, inner in enumerate(edit.edits):
            yield from _pairs(inner, inverse.edits[count - 1 - index])
    else:
        yield edit, inverse


def edit_changes(edit: Edit, inverse: Edit, document: Document) -> list[tuple[str, dict[str, Any]]]:
    """The history changes of an applied edit: before and after of every step.

    ``document`` is the state after the whole edit. Walking the steps backwards
    with their inverses recovers each step's before and after without copying
    the document; steps that changed nothing are left out.
    """
    overlay: dict[Address, Value | None] = {}

    def current(address: Address) -> Value | None:
        if address in overlay:
            return overlay[address]
        value = document.value(address)
        return None if value is None else Value(value.data, value.sensitivity, value.sensitivity_reason)

    changes: list[tuple[str, dict[str, Any]]] = []
    for step, undo in reversed(list(_pairs(edit, inverse))):
        if isinstance(step, (SetValue, SetSensitivity)):
            after = current(step.address)
            base = after or Value()
            if isinstance(undo, SetValue):
                before = Value(undo.data, base.sensitivity, base.sensitivity_reason)
            else:
                assert isinstance(undo, SetSensitivity)
                before = Value(base.data, undo.sensitivity, undo.reason)
            overlay[step.address] = before
            before_form, after_form = value_form(before), value_form(after)
            if before_form != after_form:
                # A long text's entry holds what changed, not two copies (app.model.text_edits).
                changes.append(("value", {"address": str(step.address),
                                          **compact_value_change(before_form, after_form)}))
        elif isinstance(step, InsertRecord):
            changes.append(("record_added", {"table": step.table, "index": step.index,
                                             "record": record_form(step.record)}))
        elif isinstance(step, RemoveRecord):
            assert isinstance(undo, InsertRecord)
            for relative, value in undo.record.values.items():
                overlay[Address(table_field(step.table, relative), step.record_id)] = value
            changes.append(("record_removed", {"table": step.table, "index": undo.index,
                                               "record": record_form(undo.record)}))
        elif isinstance(step, MoveRecord):
            assert isinstance(undo, MoveRecord)
            if undo.index != step.index:
                changes.append(("record_moved", {"table": step.table, "record_id": step.record_id,
                                                 "from": undo.index, "to": step.index}))
        elif isinstance(step, SetRecordSensitivity):
            assert isinstance(undo, SetRecordSensitivity)
            before_s = sensitivity_form(undo.sensitivity, undo.reason)
            after_s = sensitivity_form(step.sensitivity, step.reason)
            if before_s != after_s:
                changes.append(("record_sensitivity", {"table": step.table, "record_id": step.record_id,
                                                       "before": before_s, "after": after_s}))
    changes.reverse()
    return changes


# -- reading -----------------------------------------------------------------
def _entry(row: tuple[Any, ...]) -> Entry:
    return Entry(int(row[0]), str(row[1]), str(row[2]), json.loads(row[3]))


def entries(db: Database, where: str | None = None, newest_first: bool = False,
            limit: int | None = None, after: int | None = None) -> list[Entry]:
    """Entries in order, optionally only those about a field, table, stage or record.

    ``where`` is a field path (``header.model.name``), a table or stage prefix
    (``training``, ``training.checkpoints``) or a record address
    (``training.checkpoints[ckpt-7]`` or ``…[ckpt-7].date``); ValueError if it
    is none of these. ``after`` skips entries up to that sequence number, so a
    panel can fetch only what is new.
    """
    sql = "SELECT seq, prev, hash, body FROM history"
    conditions: list[str] = []
    params: list[Any] = []
    if where:
        condition, params = _where(where)
        conditions.append(f"({condition})")
    if after is not None:
        conditions.append("seq > ?")
        params.append(int(after))
    if conditions:
        sql += " WHERE " + " AND ".join(conditions)
    sql += " ORDER BY seq DESC" if newest_first else " ORDER BY seq"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [_entry(row) for row in db.execute(sql, params).fetchall()]


def _where(where: str) -> tuple[str, list[Any]]:
    where = where.strip()
    if "[" in where:
        address = Address.parse(where)
        table = address.table or address.field
        if address.record is None:
            return "field = ?", [address.field]
        if address.field.endswith("[]"):
            return (r"(field = ? OR field LIKE ? ESCAPE '\') AND record_id = ?",
                    [table, f"{_like(table)}[].%", address.record])
        return "field = ? AND record_id = ?", [address.field, address.record]
    return (r"field = ? OR field LIKE ? ESCAPE '\' OR field LIKE ? ESCAPE '\'",
            [where, f"{_like(where)}.%", f"{_like(where)}[]%"])


def _like(text: str) -> str:
    """``text`` as a literal LIKE prefix ('_' and '%' would otherwise match anything)."""
    return text.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%")


def count(db: Database) -> int:
    return int(db.execute("SELECT count(*) FROM history").fetchone()[0])


@dataclass(frozen=True)
class AuditSummary:
    """For a report's audit section: how much history there is, over what time, by whom."""

    entries: int
    first_at: str | None
    last_at: str | None
    people: tuple[str, ...]
    """Everyone who changed or signed the assessment, in order of first appearance."""
    head: str
    """Hash of the newest entry: quoting it pins the report to this exact history."""


def audit_summary(db: Database) -> AuditSummary:
    total, first, last = db.execute("SELECT count(*), min(at), max(at) FROM history").fetchone()
    people = tuple(str(who) for (who,) in db.execute(
        "SELECT who FROM history GROUP BY who ORDER BY min(seq)"))
    return AuditSummary(int(total), first, last, people, head(db).hash)
