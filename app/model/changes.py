"""What changed in a document: history bodies replayed backwards, and field-level differences.

Pure functions over ``app.model.document``: the store uses them to verify its
audit chain and to compare revisions, and the audience views of history and
differences (``app.redaction.history_view``) use them without reaching into
the store. A history entry here is its canonical body (a JSON mapping with
``seq``, ``kind`` and the kind's own keys), not a row of the file.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from typing import Any

from app.model.canonical import record_form, record_from_form, short_hash, value_form, value_from_form
from app.model.document import Document, Record, Value
from app.model.fast_dataclass import dataclass
from app.model.paths import Address, table_field
from app.model.sensitivity import Sensitivity
from app.model.text_edits import (
    TextEditMismatch, describe_text_edit, earlier_text, is_compact, same_apart_from_text, text_change,
)

CONTENT_KINDS = ("value", "record_added", "record_removed", "record_moved", "record_sensitivity")
"""Entries that change the document (and so start a new revision after a sign-off)."""
BASE_KINDS = ("created", "baseline", "replaced")
"""Entries that state the whole content's hash; replaying backwards stops at them."""


class ReplayError(Exception):
    """An entry does not fit the document it is replayed over."""


def sensitivity_form(sensitivity: Any, reason: str | None) -> dict[str, Any]:
    return {"sensitivity": None if sensitivity is None else Sensitivity(sensitivity).value, "reason": reason}


# -- replay -----------------------------------------------------------------------
def undo_entry(document: Document, body: Mapping[str, Any]) -> None:
    """Turn ``document`` back into the state before the entry; raise ReplayError if it does not fit."""
    kind = body["kind"]
    if kind == "value":
        address = Address.parse(str(body["address"]))
        slot = _slot(document, address)
        found = value_form(slot.get(address.relative))
        if is_compact(body["after"]):
            before = _compact_before(address, found, body)
        elif found != body["after"]:
            raise ReplayError(f"{address} holds {_brief(found)}, the entry says it was set to "
                              f"{_brief(body['after'])}")
        else:
            before = value_from_form(body["before"])
        if before is None:
            slot.pop(address.relative, None)
        else:
            slot[address.relative] = before
    elif kind == "record_added":
        table, record = body["table"], body["record"]
        index = _index(document, table, record["id"])
        if record_form(document.tables[table][index]) != record:
            raise ReplayError(f"record {table}[{record['id']}] is not as it was when it was added")
        del document.tables[table][index]
        if not document.tables[table]:
            del document.tables[table]
    elif kind == "record_removed":
        table, record = body["table"], body["record"]
        records = document.tables.setdefault(table, [])
        if any(r.id == record["id"] for r in records):
            raise ReplayError(f"record {table}[{record['id']}] exists although the entry removed it")
        records.insert(min(int(body["index"]), len(records)), record_from_form(record))
    elif kind == "record_moved":
        table, record_id = body["table"], body["record_id"]
        records = document.tables.get(table, [])
        moved = records.pop(_index(document, table, record_id))
        records.insert(int(body["from"]), moved)
    elif kind == "record_sensitivity":
        table, record_id = body["table"], body["record_id"]
        record = document.tables[table][_index(document, table, record_id)]
        found = sensitivity_form(record.sensitivity, record.sensitivity_reason)
        if found != body["after"]:
            raise ReplayError(f"record {table}[{record_id}] sensitivity is not what the entry set")
        before = body["before"]
        record.sensitivity = None if before["sensitivity"] is None else Sensitivity(before["sensitivity"])
        record.sensitivity_reason = before["reason"]


def _compact_before(address: Address, found: dict[str, Any] | None, body: Mapping[str, Any]) -> Value | None:
    """The value before a compact entry (see ``app.model.text_edits``), rebuilt from the text after it."""
    if found is None or not same_apart_from_text(found, body["after"]):
        raise ReplayError(f"{address} holds {_brief(found)}, not the text of {body['after']['text']['chars']} "
                          f"characters the entry says it was set to")
    before = body["before"]
    if not is_compact(before):
        return value_from_form(before)
    try:
        text = earlier_text(str(found["data"]), body)
    except (TextEditMismatch, KeyError, TypeError) as error:
        raise ReplayError(f"{address}: {error}") from None
    sensitivity = before.get("sensitivity")
    return Value(text, None if sensitivity is None else Sensitivity(sensitivity), before.get("reason"))


def _slot(document: Document, address: Address) -> dict[str, Value]:
    if address.record is None:
        return document.values
    table = address.table or ""
    return document.tables[table][_index(document, table, address.record)].values


def _index(document: Document, table: str, record_id: str) -> int:
    for index, record in enumerate(document.tables.get(table, [])):
        if record.id == record_id:
            return index
    raise ReplayError(f"record {table}[{record_id}] is missing")


# -- describing ------------------------------------------------------------------
def _brief(form: Mapping[str, Any] | None, width: int = 60) -> str:
    if form is None:
        return "(empty)"
    if is_compact(form):
        return f"a text of {int(form['text']['chars']):,} characters"
    return brief_data(form.get("data"), width)


def brief_data(data: Any, width: int = 60) -> str:
    if data is None:
        return "(empty)"
    if isinstance(data, dict) and set(data) == {"date"}:
        return str(data["date"])
    if isinstance(data, str):
        text = " ".join(data.split())
        return json.dumps(text if len(text) <= width else text[: width - 1] + "…", ensure_ascii=False)
    return json.dumps(data, ensure_ascii=False)


def _sensitivity_text(form: Mapping[str, Any] | None) -> str:
    if not form or form.get("sensitivity") is None:
        return "default"
    text = str(form["sensitivity"])
    return f"{text} ({form['reason']})" if form.get("reason") else text


def describe(body: Mapping[str, Any], width: int = 60) -> str:
    kind = body["kind"]
    if kind == "value" and body.get("detail_withheld"):
        return f"{body['address']}: changed (the detail is withheld from this audience)"
    if kind == "value":
        before, after = body["before"], body["after"]
        parts = []
        if "text_edit" in body:
            parts.append(describe_text_edit(body, width))
        elif is_compact(after) and not is_compact(before):
            parts.append(f"{_brief(before, width)} → {describe_text_edit(body, width)}")
        elif not is_compact(after) and (before or {}).get("data") != (after or {}).get("data"):
            earlier, later = (before or {}).get("data"), (after or {}).get("data")
            change = text_change(earlier, later, width) if isinstance(earlier, str) and isinstance(later, str) \
                else None
            parts.append(change or f"{_brief(before, width)} → {_brief(after, width)}")
        if _sensitivity_text(before) != _sensitivity_text(after):
            parts.append(f"sensitivity {_sensitivity_text(before)} → {_sensitivity_text(after)}")
        return f"{body['address']}: " + "; ".join(parts or ["unchanged"])
    if kind == "record_added":
        return f"added record {body['record']['id']} to {body['table']}"
    if kind == "record_removed":
        return f"removed record {body['record']['id']} from {body['table']}"
    if kind == "record_moved":
        return (f"moved record {body['record_id']} in {body['table']} from position "
                f"{int(body['from']) + 1} to {int(body['to']) + 1}")
    if kind == "record_sensitivity":
        return (f"{body['table']}[{body['record_id']}]: record sensitivity "
                f"{_sensitivity_text(body['before'])} → {_sensitivity_text(body['after'])}")
    if kind == "signoff":
        print_ = str(body["fingerprint"])
        return (f"signed off revision {body['revision']} ({short_hash(body['revision_hash'])}) as "
                f"{body['role']}, key {print_[:4]} {print_[4:8]} {print_[8:12]} {print_[12:16]}")
    if kind == "created":
        return f"created the assessment (content {short_hash(body['content'])})"
    if kind == "baseline":
        return (f"history started for a file from before history existed (format {body.get('format')}, "
                f"content {short_hash(body['content'])})")
    if kind == "replaced":
        return f"replaced the whole content (content {short_hash(body['content'])})"
    if kind == "event":
        text = str(body["event"]).replace("_", " ")
        if body.get("address"):
            text += f": {body['address']}"
        reason = (body.get("detail") or {}).get("reason")
        return f"{text} — {reason}" if reason else text
    return str(kind)


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
