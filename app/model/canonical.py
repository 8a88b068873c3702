"""The canonical form of an assessment, and the revision hash computed from it.

Signatures and the history chain are only worth something if the same content
always gives the same bytes, on any machine and in any later version. So the
canonical form is plain JSON with sorted keys, no insignificant whitespace and
UTF-8 text, built from a fixed, explicit shape (``CANONICAL_FORM``). Empty
values are left out, exactly as the store leaves them out, so a document read
back from a file hashes the same as the one that was written.

Never change this shape or its encoding: every signed revision in every file
ever written would stop verifying. A new shape needs a new ``CANONICAL_FORM``
tag and code that still reads the old one.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from app.model.document import Document, Record, Value
from app.model.sensitivity import Sensitivity

CANONICAL_FORM = "riskwright-document/1"
"""Tag inside every canonical document; part of what is hashed."""


def canonical_json(obj: Any) -> str:
    """One fixed JSON spelling of ``obj`` (sorted keys, no spaces, NaN refused)."""
    return _CANONICAL.encode(obj)


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
"""``json.dumps`` with these arguments builds this very encoder on every call (~1 µs; verifying a file spells
every history entry again); the encoder keeps nothing between calls, so one serves every call and thread."""


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- values and records ----------------------------------------------------
def encode_data(data: Any) -> Any:
    """A value's data as JSON; dates are tagged so they come back as dates."""
    if isinstance(data, date):
        return {"date": data.isoformat()}
    if isinstance(data, (list, tuple)):
        return [encode_data(item) for item in data]
    return data


def decode_data(data: Any) -> Any:
    if isinstance(data, dict) and set(data) == {"date"}:
        return date.fromisoformat(data["date"])
    if isinstance(data, list):
        return [decode_data(item) for item in data]
    return data


def value_form(value: Value | None) -> dict[str, Any] | None:
    """A value as canonical JSON data, or None when it is empty (not stored)."""
    if value is None or value.is_empty:
        return None
    form: dict[str, Any] = {"data": encode_data(value.data)}
    if value.sensitivity is not None:
        form["sensitivity"] = value.sensitivity.value
    if value.sensitivity_reason is not None:
        form["reason"] = value.sensitivity_reason
    return form


def value_from_form(form: dict[str, Any] | None) -> Value | None:
    if form is None:
        return None
    sensitivity = form.get("sensitivity")
    return Value(decode_data(form.get("data")), None if sensitivity is None else Sensitivity(sensitivity),
                 form.get("reason"))


def record_form(record: Record) -> dict[str, Any]:
    values = {relative: shown for relative, value in sorted(record.values.items())
              if (shown := value_form(value)) is not None}
    form: dict[str, Any] = {"id": record.id, "values": values}
    if record.sensitivity is not None:
        form["sensitivity"] = record.sensitivity.value
    if record.sensitivity_reason is not None:
        form["reason"] = record.sensitivity_reason
    return form


def record_from_form(form: dict[str, Any]) -> Record:
    values = {relative: value for relative, value_data in form.get("values", {}).items()
              if (value := value_from_form(value_data)) is not None}
    sensitivity = form.get("sensitivity")
    return Record(form["id"], values, None if sensitivity is None else Sensitivity(sensitivity),
                  form.get("reason"))


# -- whole documents -------------------------------------------------------
def document_form(document: Document) -> dict[str, Any]:
    """The whole assessment as canonical JSON data. Record order counts; key order does not."""
    values = {path: form for path, value in document.values.items()
              if (form := value_form(value)) is not None}
    tables = {table: [record_form(record) for record in records]
              for table, records in document.tables.items() if records}
    return {"form": CANONICAL_FORM, "values": values, "tables": tables}


def document_from_form(form: dict[str, Any]) -> Document:
    if form.get("form") != CANONICAL_FORM:
        raise ValueError(f"unknown canonical form {form.get('form')!r}")
    document = Document()
    for path, value_data in form.get("values", {}).items():
        value = value_from_form(value_data)
        if value is not None:
            document.values[path] = value
    for table, records in form.get("tables", {}).items():
        document.tables[table] = [record_from_form(record) for record in records]
    return document


def canonical_document(document: Document) -> str:
    return canonical_json(document_form(document))


class RecordTexts:
    """Each record's canonical JSON, kept from one ``revision_hash`` to the next (``revision_hash(memo=…)``).

    For documents that share the records nobody changed: the live check's snapshots
    (``app.session.analysis.snapshot_since``), where a record not edited since the last check is the same
    object, never changed after the snapshot was taken. The canonical JSON of the whole document is its
    records' JSON texts put together (sorted keys and no spaces at every level), so only the records not
    seen last time are encoded again: encoding the large example's 6,000 records on every pause in typing
    was most of the check's work after validation. The bytes are ``canonical_document``'s (tested).
    """

    def __init__(self) -> None:
        self._known: dict[int, tuple[Record, str]] = {}

    def document(self, document: Document) -> str:
        """``canonical_document(document)``, encoding only records not seen last time."""
        known: dict[int, tuple[Record, str]] = self._known
        kept: dict[int, tuple[Record, str]] = {}
        tables = []
        for table in sorted(table for table, records in document.tables.items() if records):
            texts = []
            for record in document.tables[table]:
                seen = known.get(id(record))
                text = seen[1] if seen is not None and seen[0] is record else canonical_json(record_form(record))
                kept[id(record)] = (record, text)
                texts.append(text)
            tables.append(f"{canonical_json(table)}:[{','.join(texts)}]")
        self._known = kept
        values = {path: form for path, value in document.values.items()
                  if (form := value_form(value)) is not None}
        # The keys of document_form, sorted: "form", "tables", "values".
        return (f'{{"form":{canonical_json(CANONICAL_FORM)},"tables":{{{",".join(tables)}}},'
                f'"values":{canonical_json(values)}}}')


def revision_hash(document: Document, memo: RecordTexts | None = None) -> str:
    """SHA-256 (hex) of the canonical form: what a sign-off signs. ``memo``: see ``RecordTexts`` (only for
    documents whose records are never changed once made, such as the live check's snapshots)."""
    return sha256_hex(canonical_document(document) if memo is None else memo.document(document))


def short_hash(digest: str) -> str:
    """The first 12 hex digits: enough for a person to compare two revisions by eye."""
    return digest[:12]
