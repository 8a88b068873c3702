"""History and revision comparisons for audiences other than internal.

The history keeps every value as it was entered, hazardous ones included, so
anything shown to reviewers or the public goes through the same audience
filter and placeholders as the reports (``app.redaction.filtering``), and
fails closed where the filter cannot vouch for a value:

* **Text is never shown.** Earlier versions of a text were never scanned by
  the detectors nor reviewed in the Flags panel — a passage typed before it
  was marked hazardous sits unmarked in the entry that recorded the typing.
  So text and Markdown values appear as a fixed placeholder; the reports
  carry the current, checked text.
* Other values (dates, numbers, choices) are judged at the higher of their
  sensitivity then — replayed backwards from the current content, so a
  record's sensitivity at that moment counts — and the same address's
  sensitivity now.
* People's names follow the sensitivity of ``header.assessors``; free-text
  reasons, flag details and entry hashes (a hash over a short withheld value
  could be reversed by guessing) are left out.
* A record id is as sensitive as the most sensitive its record has ever been
  (in any entry, or now): where the audience may not see that, every address,
  summary and record view names the record by the placeholder instead — the
  id is often the most telling part of a withheld record.
* A history that does not replay over the content (tampering) or span
  markup the filter refuses produces nothing at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import field
from typing import Any

from app.model.canonical import record_form, record_from_form, value_form, value_from_form
from app.model.changes import BASE_KINDS, CONTENT_KINDS, Difference, ReplayError, undo_entry
from app.model.document import Document, Record, Value
from app.model.fast_dataclass import dataclass
from app.model.forms import FormSet
from app.model.labelled import quoted
from app.model.paths import Address, table_field
from app.model.sensitivity import Sensitivity
from app.model.text_edits import is_compact
from app.model.values import TEXT_TYPES
from app.redaction.audiences import Audiences, load_audiences
from app.model.validate import effective_sensitivity
from app.redaction.filtering import FilterRefused, for_audience, value_sensitivity

NAMES_FIELD = "header.assessors"
"""People's names in the history are as sensitive as the assessors' names in the header."""
TEXT_PLACEHOLDER = "[text not shown to this audience]"
_CHOICE_TYPES = ("enum", "category", "level", "framework")
"""Fixed, like every placeholder: it never reveals the length of what it replaces."""


class AudienceViewRefused(Exception):
    """No view for this audience can be produced safely; the message says why."""


@dataclass
class _Context:
    forms: FormSet
    audience: str
    audiences: Audiences
    clearance: Sensitivity
    current: Document
    names_visible: bool
    record_peaks: dict[tuple[str, str], Sensitivity] = field(default_factory=dict)
    """The highest sensitivity each record has had, anywhere in the history or now."""

    def names(self, name: str) -> str:
        return name if self.names_visible else self.audiences.value(Sensitivity.INTERNAL)

    def record_id(self, table: str, record_id: str) -> str:
        """The id, or the record placeholder when the audience may not see the record at some point.

        The id is labelled with its record's peak sensitivity and rendered for the audience, like every
        derived text (``app.model.labelled``).
        """
        peak = self.record_peaks.get((table, record_id), Sensitivity.HAZARDOUS)  # unknown: fail closed
        return quoted(record_id, peak, f"{table}[{record_id}]").render(self.clearance, self.audiences.record)

    def address(self, text: str) -> str:
        address = Address.parse(text)
        if address.record is None:
            return text
        return str(Address(address.field, self.record_id(address.table or "", address.record)))

    def table_level(self, table: str, sensitivity: object, reason: object) -> Sensitivity:
        if not self.forms.has_field(table):
            return Sensitivity.HAZARDOUS
        level = sensitivity if sensitivity is None or isinstance(sensitivity, Sensitivity) \
            else Sensitivity(str(sensitivity))
        return effective_sensitivity(self.forms.field(table).sensitivity, level,
                                     None if reason is None else str(reason))


def _context(document: Document, audience: str, forms: FormSet) -> _Context:
    audiences = load_audiences()
    clearance = audiences.get(audience).sees
    names = document.value(NAMES_FIELD) or Value()
    visible = (value_sensitivity(forms.field(NAMES_FIELD), names) <= clearance
               if forms.has_field(NAMES_FIELD) else clearance >= Sensitivity.INTERNAL)
    return _Context(forms, audience, audiences, clearance, document, visible)


# -- history ------------------------------------------------------------------------------
def history_for_audience(bodies: Sequence[Mapping[str, Any]], document: Document, audience: str,
                         forms: FormSet, wanted: set[int] | None = None) -> list[dict[str, Any]]:
    """The history entries' ``bodies`` (the whole history, oldest first) as ``audience`` may see them.

    A body is an entry's canonical JSON mapping (``seq``, ``kind``, … as the
    store keeps it); this module never reads the file itself. ``wanted``
    limits the result to those sequence numbers (a field filter); the replay
    still needs every entry.
    """
    context = _context(document, audience, forms)
    context.record_peaks = _record_peaks(bodies, document, context)
    state: Document | None = document.copy()
    shown: list[dict[str, Any]] = []
    for body in reversed(bodies):
        seq, kind = int(body["seq"]), str(body["kind"])
        if wanted is None or seq in wanted:
            try:
                shown.append(_entry_view(body, state, context))
            except FilterRefused as refused:
                raise AudienceViewRefused(f"entry #{seq}: {refused}") from None
        if state is not None and kind in CONTENT_KINDS:
            try:
                undo_entry(state, body)
            except (ReplayError, KeyError, IndexError, ValueError) as error:
                raise AudienceViewRefused(
                    f"the history does not match the content at entry #{seq} ({error}); run "
                    f"`riskwright verify` — no filtered history is produced from a file that does not "
                    f"verify") from None
        elif kind in BASE_KINDS:
            state = None  # the content before a replacement is unknown: its records count as hazardous
    shown.reverse()
    return shown


def _record_peaks(bodies: Sequence[Mapping[str, Any]], document: Document, context: _Context
                  ) -> dict[tuple[str, str], Sensitivity]:
    """Every record's highest effective sensitivity: now, and in every record form or level the history holds."""
    peaks: dict[tuple[str, str], Sensitivity] = {}

    def note(table: str, record_id: str, level: Sensitivity) -> None:
        key = (table, record_id)
        peaks[key] = max(level, peaks.get(key, Sensitivity.PUBLIC))
    for table, records in document.tables.items():
        for record in records:
            note(table, record.id, context.table_level(table, record.sensitivity, record.sensitivity_reason))
    for body in bodies:
        kind = body.get("kind")
        if kind in ("record_added", "record_removed"):
            form = body["record"]
            note(str(body["table"]), str(form["id"]),
                 context.table_level(str(body["table"]), form.get("sensitivity"), form.get("reason")))
        elif kind == "record_sensitivity":
            for side in (body["before"], body["after"]):
                note(str(body["table"]), str(body["record_id"]),
                     context.table_level(str(body["table"]), side.get("sensitivity"), side.get("reason")))
    return peaks


_UNKNOWN = Record("unknown", {}, Sensitivity.HAZARDOUS)
"""Stands in for a record whose state is unknown (before a replacement)."""


def _find(state: Document | None, table: str, record_id: str) -> Record | None:
    if state is None:
        return _UNKNOWN
    return next((r for r in state.tables.get(table, []) if r.id == record_id), None)


def _entry_view(body: Mapping[str, Any], state: Document | None, context: _Context) -> dict[str, Any]:
    kind = body["kind"]
    view: dict[str, Any] = {key: body[key] for key in ("seq", "at", "revision", "kind")}
    view["who"] = context.names(str(body["who"]))
    if kind == "value":
        address = Address.parse(str(body["address"]))
        record = None if address.record is None else _find(state, address.table or "", address.record)
        view["address"] = context.address(str(body["address"]))
        view["before"] = _value_view(address, body["before"], record, context)
        view["after"] = _value_view(address, body["after"], record, context)
        if view["before"] == view["after"]:
            view["detail_withheld"] = True
    elif kind in ("record_added", "record_removed"):
        shown = _record_view(body["table"], body["record"], context)
        shown["id"] = context.record_id(str(body["table"]), str(body["record"]["id"]))
        view.update(table=body["table"], index=body["index"], record=shown)
    elif kind == "record_moved":
        view.update(table=body["table"], record_id=context.record_id(str(body["table"]), str(body["record_id"])),
                    **{"from": body["from"], "to": body["to"]})
    elif kind == "record_sensitivity":
        view.update(table=body["table"], record_id=context.record_id(str(body["table"]), str(body["record_id"])),
                    before={"sensitivity": body["before"]["sensitivity"], "reason": None},
                    after={"sensitivity": body["after"]["sensitivity"], "reason": None})
    elif kind == "signoff":
        view.update({key: body[key] for key in ("revision_hash", "role", "signed_at", "fingerprint")})
        view["name"] = context.names(str(body["name"]))
    elif kind == "event":
        view.update(event=body["event"], detail={})
        if body.get("address"):
            view["address"] = context.address(str(body["address"]))
    else:  # created, baseline, replaced: content hashes only
        view.update({key: body[key] for key in body if key not in view and key != "who"})
    view["audience"] = context.audience
    return view


def _value_view(address: Address, form: dict[str, Any] | None, record: Record | None,
                context: _Context) -> dict[str, Any] | None:
    """One value as the audience may see it: a placeholder unless it is checked, non-text and visible."""
    value = value_from_form(form)
    if value is None:
        return None
    spec = context.forms.field(address.field) if context.forms.has_field(address.field) else None
    if spec is None or not spec.is_leaf:
        return {"data": context.audiences.unchecked()}
    long_text = is_compact(form)  # a long text kept as its length and hash (app.model.text_edits)
    if long_text or spec.type in TEXT_TYPES or (isinstance(value.data, str) and spec.type not in _CHOICE_TYPES):
        placeholder: dict[str, Any] = {"data": TEXT_PLACEHOLDER}
        if value.sensitivity is not None:
            placeholder["sensitivity"] = value.sensitivity.value  # levels are not secret; the text is
        return placeholder
    then = value_sensitivity(spec, value, None if record is None else _record_level(record, address, context))
    now_value = context.current.value(address)
    now = value_sensitivity(spec, now_value) if now_value is not None else then
    current_record = None if address.record is None else _find(context.current, address.table or "",
                                                                address.record)
    if current_record is not None:
        now = max(now, _record_level(current_record, address, context))
    sensitivity = max(then, now)
    if sensitivity > context.clearance:
        return {"data": context.audiences.value(sensitivity), "sensitivity": sensitivity.value}
    raised = Value(value.data, None if sensitivity == spec.sensitivity else sensitivity,
                   "lowered with a reason" if sensitivity < spec.sensitivity else None)
    kept = for_audience(Document(values={address.field: raised}) if address.record is None else
                        Document(tables={address.table or "": [Record(address.record,
                                                                      {address.relative: raised})]}),
                        context.audience, context.forms, context.audiences).document
    filtered = kept.value(address)
    shown = value_form(filtered) if filtered is not None else {"data": context.audiences.unchecked()}
    if shown is not None:
        shown.pop("reason", None)
    return shown


def _record_level(record: Record, address: Address, context: _Context) -> Sensitivity:
    table = address.table or ""
    if not context.forms.has_field(table):
        return Sensitivity.HAZARDOUS
    return effective_sensitivity(context.forms.field(table).sensitivity, record.sensitivity, record.sensitivity_reason)


def _record_view(table: str, form: dict[str, Any], context: _Context) -> dict[str, Any]:
    """A whole record: withheld as a whole when the audience may not see it, else value by value."""
    record = record_from_form(form)
    kept = for_audience(Document(tables={table: [Record(record.id, {}, record.sensitivity,
                                                        record.sensitivity_reason)]}),
                        context.audience, context.forms, context.audiences).document.tables.get(table, [])
    if not kept or kept[0].id != record.id:
        return record_form(kept[0]) if kept else {"id": "withheld", "values": {}}
    values: dict[str, Any] = {}
    for relative, value in sorted(record.values.items()):
        address = Address(table_field(table, relative), record.id)
        shown = _value_view(address, value_form(value), record, context)
        if shown is not None:
            values[relative] = shown
    shown_record: dict[str, Any] = {"id": record.id, "values": values}
    if record.sensitivity is not None:
        shown_record["sensitivity"] = record.sensitivity.value
    return shown_record


# -- comparing revisions ------------------------------------------------------------------------
def differences_for_audience(old: Document, new: Document, changes: list[Difference], audience: str,
                             forms: FormSet) -> tuple[list[Difference], int]:
    """The changes between two revisions as ``audience`` may see them, and how many were withheld.

    A change is listed by address only ("detail withheld") when either
    revision withholds the value there or it is text; whole records the
    audience may not see are left out and counted.
    """
    context = _context(new, audience, forms)
    try:
        seen_old = for_audience(old, audience, forms, context.audiences)
        seen_new = for_audience(new, audience, forms, context.audiences)
    except FilterRefused as refused:
        raise AudienceViewRefused(str(refused)) from None
    hidden_records = {f"{table}[{record.id}]" for table, records in old.tables.items() for record in records
                      if not _record_visible(seen_old.document, table, record.id)}
    hidden_records |= {f"{table}[{record.id}]" for table, records in new.tables.items() for record in records
                       if not _record_visible(seen_new.document, table, record.id)}
    shown: list[Difference] = []
    withheld = 0
    for change in changes:
        record_part = change.address.split("]")[0] + "]" if "[" in change.address else None
        if record_part in hidden_records:
            withheld += 1
            continue
        table = change.address.partition("[")[0]
        if change.change == "record added":
            shown.append(Difference(change.change, change.address, None, _record_view(table, change.after, context)))
        elif change.change == "record removed":
            shown.append(Difference(change.change, change.address, _record_view(table, change.before, context),
                                    None))
        elif change.change == "record sensitivity":
            shown.append(Difference(change.change, change.address, _level_only(change.before),
                                    _level_only(change.after)))
        elif change.change == "record moved":
            shown.append(change)
        else:
            shown.append(_value_difference(change, seen_old, seen_new, context))
    return shown, withheld


def _level_only(form: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if form is None else {"sensitivity": form.get("sensitivity"), "reason": None}


def _value_difference(change: Difference, seen_old: Any, seen_new: Any, context: _Context) -> Difference:
    """Both sides of a value change; if either revision withholds it, both sides are placeholders."""
    address = Address.parse(change.address)
    spec = context.forms.field(address.field) if context.forms.has_field(address.field) else None
    if spec is not None and spec.type in TEXT_TYPES:
        def side(form: Any) -> Any:
            return None if form is None else {"data": TEXT_PLACEHOLDER}
        return Difference(change.change, change.address, side(change.before), side(change.after))
    placeholder = None
    for seen in (seen_new, seen_old):
        if change.address in seen.withheld_values or (spec is None and seen.document.value(address) is None):
            value = seen.document.value(address)
            placeholder = {"data": value.data if value is not None else context.audiences.unchecked()}
            break
    if placeholder is not None:
        return Difference(change.change, change.address, None if change.before is None else placeholder,
                          None if change.after is None else placeholder)
    return Difference(change.change, change.address, _filtered(seen_old.document, address, change.before),
                      _filtered(seen_new.document, address, change.after))


def _filtered(document: Document, address: Address, original: Any) -> dict[str, Any] | None:
    if original is None:
        return None
    shown = value_form(document.value(address))
    if shown is not None:
        shown.pop("reason", None)
    return shown


def _record_visible(filtered: Document, table: str, record_id: str) -> bool:
    return any(r.id == record_id for r in filtered.tables.get(table, []))
