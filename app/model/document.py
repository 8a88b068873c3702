"""The assessment document: values, table records and their sensitivities.

The document is plain data. Every change goes through an ``Edit`` applied with
``Document.apply``, which returns the edit that undoes it: the undo stack, the
store and the history all speak in edits, so they cannot disagree about what
changed.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import field, replace
from typing import Any, Union

from app.model.fast_dataclass import dataclass
from app.model.paths import Address, table_field
from app.model.sensitivity import Sensitivity


@dataclass(slots=True)
class Value:
    data: Any = None
    sensitivity: Sensitivity | None = None
    """Explicitly chosen sensitivity; None means the form's default."""
    sensitivity_reason: str | None = None
    """Why the sensitivity was lowered below the form's default (required then)."""

    @property
    def is_empty(self) -> bool:
        return self.data is None and self.sensitivity is None


@dataclass
class Record:
    id: str
    values: dict[str, Value] = field(default_factory=dict)
    """Keyed by the path inside the record (``elicitation.person_hours``)."""
    sensitivity: Sensitivity | None = None
    """Set when the whole record is withheld from wider audiences."""
    sensitivity_reason: str | None = None

    def get(self, relative: str) -> Any:
        value = self.values.get(relative)
        return None if value is None else value.data


@dataclass
class Document:
    values: dict[str, Value] = field(default_factory=dict)
    """Values outside tables, keyed by field path."""
    tables: dict[str, list[Record]] = field(default_factory=dict)
    """Records per table path (``training.checkpoints``), in order."""
    filtered_for: str | None = field(default=None, compare=False, repr=False)
    """The audience whose filter made this copy (``app.redaction.filtering``); a report for a wider audience
    is built only from such a copy (``app.export.build``). A copy (``copy()``) does not keep it."""
    _found: dict[str, dict[str, int]] = field(default_factory=dict, compare=False, repr=False)
    """Per table, where ``record`` found each id (the first record with it) when it last walked the table.
    Typing in a record asks for it half a dozen times per pause, and an export's compliance table asks for
    500 records of the large example one after another: walking from the start each time cost the window
    ~0.07 ms an edit and an export ~6 ms. Structural edits forget their table's entry; a position that no
    longer holds the id asked for, or an id not seen, walks the table again."""

    # -- reading -----------------------------------------------------------
    def get(self, address: Address | str) -> Any:
        value = self.value(address)
        return None if value is None else value.data

    def value(self, address: Address | str) -> Value | None:
        address = _address(address)
        if address.record is None:
            return self.values.get(address.field)
        record = self.record(address.table or "", address.record)
        return None if record is None else record.values.get(address.relative)

    def records(self, table: str) -> list[Record]:
        return self.tables.get(table, [])

    def record(self, table: str, record_id: str) -> Record | None:
        records = self.tables.get(table)
        if not records:
            return None
        positions = self._found.get(table)
        index = positions.get(record_id) if positions is not None else None
        if index is not None and index < len(records) and records[index].id == record_id:
            return records[index]
        positions = {}
        for index, record in enumerate(records):
            positions.setdefault(record.id, index)
        self._found[table] = positions
        index = positions.get(record_id)
        return None if index is None else records[index]

    def record_index(self, table: str, record_id: str) -> int:
        for index, record in enumerate(self.tables.get(table, [])):
            if record.id == record_id:
                return index
        raise KeyError(f"no record {record_id!r} in {table}")

    def addresses(self) -> Iterator[tuple[Address, Value]]:
        """Every stored value with its address, tables included."""
        for path, value in self.values.items():
            yield Address(path), value
        for table, records in self.tables.items():
            for record in records:
                for relative, value in record.values.items():
                    yield Address(table_field(table, relative), record.id), value

    def new_record_id(self, table: str, prefix: str) -> str:
        taken = {r.id for r in self.records(table)}
        number = len(taken) + 1
        while f"{prefix}-{number}" in taken:
            number += 1
        return f"{prefix}-{number}"

    def copy(self) -> Document:
        """An independent copy (edits to one never reach the other).

        Built field by field rather than with ``copy.deepcopy``: values hold
        JSON-like data, so only lists and dicts need copying, and this is about
        ten times faster on a large assessment (verification copies before it
        replays the history).
        """
        return Document({key: _copied(value) for key, value in self.values.items()},
                        {table: [Record(record.id, {key: _copied(value) for key, value in record.values.items()},
                                        record.sensitivity, record.sensitivity_reason) for record in records]
                         for table, records in self.tables.items()})

    # -- changing ----------------------------------------------------------
    def apply(self, edit: Edit) -> Edit:
        """Apply ``edit`` and return its inverse."""
        return edit.apply_to(self)


def _copied(value: Value) -> Value:
    data = value.data
    if isinstance(data, (list, dict)):
        data = copy.deepcopy(data)
    return Value(data, value.sensitivity, value.sensitivity_reason)


def _address(address: Address | str) -> Address:
    return address if isinstance(address, Address) else Address.parse(address)


def _normalise(data: Any) -> Any:
    return None if isinstance(data, str) and data == "" else data


def _slot(doc: Document, address: Address) -> dict[str, Value]:
    if address.record is None:
        if address.table is not None:
            raise KeyError(f"{address} names a table field without a record id")
        return doc.values
    record = doc.record(address.table or "", address.record)
    if record is None:
        raise KeyError(f"no record {address.record!r} in {address.table}")
    return record.values


def _store(slot: dict[str, Value], key: str, value: Value) -> None:
    if value.is_empty:
        slot.pop(key, None)
    else:
        slot[key] = value


@dataclass(frozen=True)
class SetValue:
    address: Address
    data: Any

    def apply_to(self, doc: Document) -> SetValue:
        slot = _slot(doc, self.address)
        key = self.address.relative
        old = slot.get(key, Value())
        _store(slot, key, replace(old, data=_normalise(self.data)))
        return SetValue(self.address, old.data)


@dataclass(frozen=True)
class SetSensitivity:
    address: Address
    sensitivity: Sensitivity | None
    reason: str | None = None

    def apply_to(self, doc: Document) -> SetSensitivity:
        slot = _slot(doc, self.address)
        key = self.address.relative
        old = slot.get(key, Value())
        _store(slot, key, replace(old, sensitivity=self.sensitivity, sensitivity_reason=self.reason))
        return SetSensitivity(self.address, old.sensitivity, old.sensitivity_reason)


@dataclass(frozen=True)
class InsertRecord:
    table: str
    index: int
    record: Record

    def apply_to(self, doc: Document) -> RemoveRecord:
        doc._found.pop(self.table, None)
        records = doc.tables.setdefault(self.table, [])
        if any(r.id == self.record.id for r in records):
            raise KeyError(f"record id {self.record.id!r} already used in {self.table}")
        records.insert(max(0, min(self.index, len(records))), copy.deepcopy(self.record))
        return RemoveRecord(self.table, self.record.id)


@dataclass(frozen=True)
class RemoveRecord:
    table: str
    record_id: str

    def apply_to(self, doc: Document) -> InsertRecord:
        doc._found.pop(self.table, None)
        index = doc.record_index(self.table, self.record_id)
        record = doc.tables[self.table].pop(index)
        if not doc.tables[self.table]:
            del doc.tables[self.table]
        return InsertRecord(self.table, index, record)


@dataclass(frozen=True)
class MoveRecord:
    table: str
    record_id: str
    index: int

    def apply_to(self, doc: Document) -> MoveRecord:
        doc._found.pop(self.table, None)
        records = doc.tables[self.table]
        old = doc.record_index(self.table, self.record_id)
        record = records.pop(old)
        records.insert(max(0, min(self.index, len(records))), record)
        return MoveRecord(self.table, self.record_id, old)


@dataclass(frozen=True)
class SetRecordSensitivity:
    table: str
    record_id: str
    sensitivity: Sensitivity | None
    reason: str | None = None

    def apply_to(self, doc: Document) -> SetRecordSensitivity:
        record = doc.record(self.table, self.record_id)
        if record is None:
            raise KeyError(f"no record {self.record_id!r} in {self.table}")
        inverse = SetRecordSensitivity(self.table, self.record_id, record.sensitivity,
                                       record.sensitivity_reason)
        record.sensitivity, record.sensitivity_reason = self.sensitivity, self.reason
        return inverse


@dataclass(frozen=True)
class Batch:
    """Several edits as one step (one undo, one transaction)."""

    edits: tuple[Edit, ...]
    label: str = ""

    def apply_to(self, doc: Document) -> Batch:
        inverses: list[Edit] = []
        try:
            for edit in self.edits:
                inverses.append(edit.apply_to(doc))
        except Exception:
            for inverse in reversed(inverses):
                inverse.apply_to(doc)
            raise
        return Batch(tuple(reversed(inverses)), self.label)


Edit = Union[SetValue, SetSensitivity, InsertRecord, RemoveRecord, MoveRecord, SetRecordSensitivity, Batch]


def touched_addresses(edit: Edit) -> Iterator[Address | str]:
    """What an edit changes: addresses for values, table paths for record edits."""
    if isinstance(edit, (SetValue, SetSensitivity)):
        yield edit.address
    elif isinstance(edit, Batch):
        for inner in edit.edits:
            yield from touched_addresses(inner)
    else:
        yield edit.table
