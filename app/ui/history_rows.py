"""What a history row says: the field by its label, the record by its title, before → after, shortened.

"pre_deployment.evaluations[ev-3].elicitation.person_hours: 160 → 210" tells an
assessor little at a glance; "Capability evaluations › End-to-end operation on a
cyber range (ev-3) › Person-hours: 160 → 210" does. Labels come from the forms,
record titles from the open document.

The History tab is the internal audience's view (the file holds every value as
entered, hazardous ones included), so values are shown as the form shows them.
Wider audiences never read this module: ``riskwright history --audience`` goes
through ``app.redaction.history_view``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.model import Address, Document, FormSet
from app.model.changes import brief_data, describe
from app.model.text_edits import describe_text_edit, is_compact, text_change

VALUE_WIDTH = 40
"""Characters of a before or after value shown in the row (the tooltip has more)."""


def change_text(body: Mapping[str, Any], forms: FormSet, document: Document | None) -> str:
    """One row's text for a history entry body."""
    kind = body.get("kind")
    try:
        if kind == "value" and not body.get("detail_withheld"):
            return _value_change(body, forms, document)
        if kind in ("record_added", "record_removed"):
            record = body["record"]
            table = str(body["table"])
            title = _record_name(forms, document, table, str(record["id"]), record.get("values"))
            verb, to = ("Added", "to") if kind == "record_added" else ("Removed", "from")
            return f"{verb} {title} {to} {_label(forms, table)}"
        if kind == "record_moved":
            table = str(body["table"])
            title = _record_name(forms, document, table, str(body["record_id"]))
            return (f"Moved {title} in {_label(forms, table)} from position {int(body['from']) + 1} "
                    f"to {int(body['to']) + 1}")
        if kind == "record_sensitivity":
            table = str(body["table"])
            title = _record_name(forms, document, table, str(body["record_id"]))
            return (f"{_label(forms, table)} › {title} › whole record sensitivity: "
                    f"{_level(body.get('before'))} → {_level(body.get('after'))}")
    except (KeyError, TypeError, ValueError):
        pass
    text = describe(body)
    return text[:1].upper() + text[1:]


def _value_change(body: Mapping[str, Any], forms: FormSet, document: Document | None) -> str:
    address = Address.parse(str(body["address"]))
    where = []
    table = address.table
    if table is not None:
        where.append(_label(forms, table))
        if address.record is not None:
            where.append(_record_name(forms, document, table, address.record))
    where.append(_label(forms, address.field))
    before, after = body.get("before") or {}, body.get("after") or {}
    parts = []
    if is_compact(after):  # a long text: the entry holds what changed (app.model.text_edits)
        if "text_edit" in body:
            parts.append(describe_text_edit(body, VALUE_WIDTH))
        elif not is_compact(before):
            parts.append(f"{_value(forms, address.field, before)} → {describe_text_edit(body, VALUE_WIDTH)}")
    elif before.get("data") != after.get("data"):
        earlier, later = before.get("data"), after.get("data")
        spec = forms.field(address.field) if forms.has_field(address.field) else None
        change = text_change(earlier, later, VALUE_WIDTH) if isinstance(earlier, str) and isinstance(later, str) \
            and not (spec is not None and spec.option_ids()) else None  # a change past the shortened texts
        parts.append(change or f"{_value(forms, address.field, before)} → {_value(forms, address.field, after)}")
    if _level(before) != _level(after):
        parts.append(f"sensitivity {_level(before)} → {_level(after)}")
    return " › ".join(where) + ": " + ("; ".join(parts) or "unchanged")


def _label(forms: FormSet, path: str) -> str:
    return forms.field(path).label if forms.has_field(path) else path.rsplit(".", 1)[-1].replace("_", " ")


def _record_name(forms: FormSet, document: Document | None, table: str, record_id: str,
                 values: Mapping[str, Any] | None = None) -> str:
    """``“Title” (ev-3)`` from the record's title field (as it is now, or as the entry kept it), else the id."""
    spec = forms.field(table) if forms.has_field(table) else None
    title_field = spec.title_field if spec is not None else None
    title = None
    if title_field:
        if values and isinstance(values.get(title_field), Mapping):
            title = values[title_field].get("data")
        elif document is not None:
            record = document.record(table, record_id)
            title = record.get(title_field) if record is not None else None
    if isinstance(title, str) and title.strip():
        return f"“{_short(title, 36)}” ({record_id})"
    return record_id


def _value(forms: FormSet, path: str, form: Mapping[str, Any]) -> str:
    data = form.get("data")
    if data is None:
        return "(empty)"
    spec = forms.field(path) if forms.has_field(path) else None
    if spec is not None and isinstance(data, str) and spec.option_ids():
        return spec.option_label(data)
    if isinstance(data, str):
        return f"“{_short(data, VALUE_WIDTH)}”"
    return brief_data(data, VALUE_WIDTH)


def _level(form: Any) -> str:
    if not isinstance(form, Mapping) or form.get("sensitivity") is None:
        return "default"
    return str(form["sensitivity"])


def _short(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"
