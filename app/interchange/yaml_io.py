"""Assessment <-> YAML.

The YAML follows the forms: one mapping per stage, groups as nested mappings,
tables as lists of records (``id`` first). A value with an explicitly chosen
sensitivity is written as ``{value, sensitivity, sensitivity_reason}``; a
whole record's sensitivity sits on the record. ``load(dump(doc))`` gives the
same document, and dumping that again gives the same text.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from app.content.errors import ContentError, ContentErrors
from app.content.yaml_source import MarkedDict, MarkedList
from app.interchange.bounded_yaml import load_bounded
from app.model.document import Document, Record, Value
from app.model.forms import FieldSpec, FormSet
from app.model.sensitivity import Sensitivity
from app.model.spans import SpanError, parse_spans
from app.model.values import TEXT_TYPES, out_of_range, parse_value

FORMAT_VERSION = 1
_RECORD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_VALUE_KEYS = {"value", "sensitivity", "sensitivity_reason"}


class InterchangeError(Exception):
    """The document cannot be written as YAML (it holds fields the forms do not define)."""


# -- dumping -----------------------------------------------------------------
class _Dumper(yaml.SafeDumper):
    pass


_NORMALISED_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    # YAML folds these line breaks into "\n" or spaces unless they are escaped,
    # which only the double-quoted style does.
    if any(mark in text for mark in _NORMALISED_BREAKS):
        style: str | None = '"'
    else:
        style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_document(doc: Document, forms: FormSet) -> str:
    unknown = sorted(path for path in doc.values if not forms.has_field(path)) + sorted(
        table for table in doc.tables if not forms.has_field(table))
    for table, records in doc.tables.items():
        for record in records:
            unknown += sorted(f"{table}[].{rel}" for rel in record.values
                              if not forms.has_field(f"{table}[].{rel}"))
    if unknown:
        raise InterchangeError(
            f"the assessment holds values for fields the forms do not define: {', '.join(unknown[:5])}")
    tree: dict[str, Any] = {"riskwright": FORMAT_VERSION}
    for form in forms.forms:
        stage = _dump_fields(form.fields, lambda spec: doc.value(spec.path), doc)
        if stage:
            tree[form.stage] = stage
    return yaml.dump(tree, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)


def _dump_value(value: Value) -> Any:
    if value.sensitivity is None and value.sensitivity_reason is None:
        return value.data
    out: dict[str, Any] = {"value": value.data, "sensitivity": value.sensitivity.value
                           if value.sensitivity else None}
    if value.sensitivity_reason is not None:
        out["sensitivity_reason"] = value.sensitivity_reason
    return out


def _dump_fields(specs: tuple[FieldSpec, ...], lookup: Any, doc: Document) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for spec in specs:
        if spec.is_group:
            nested = _dump_fields(spec.fields, lookup, doc)
            if nested:
                out[spec.id] = nested
        elif spec.is_table:
            records = doc.records(spec.path)
            if records:
                out[spec.id] = [_dump_record(spec, record) for record in records]
        else:
            value = lookup(spec)
            if value is not None and not value.is_empty:
                out[spec.id] = _dump_value(value)
    return out


def _dump_record(table: FieldSpec, record: Record) -> dict[str, Any]:
    out: dict[str, Any] = {"id": record.id}
    if record.sensitivity is not None:
        out["sensitivity"] = record.sensitivity.value
    if record.sensitivity_reason is not None:
        out["sensitivity_reason"] = record.sensitivity_reason
    prefix = f"{table.path}[]."
    out.update(_dump_fields(table.fields, lambda spec: record.values.get(spec.path[len(prefix):]),
                            Document()))
    return out


# -- loading -----------------------------------------------------------------
def load_document(text: str, source_name: str, forms: FormSet) -> Document:
    """Read an assessment from YAML; raise ContentErrors listing every problem with its position."""
    try:
        data = load_bounded(text, source_name)
    except ContentError as error:
        raise ContentErrors([error]) from None
    reader = _Reader(source_name, forms)
    doc = reader.read(data)
    if reader.errors:
        raise ContentErrors(reader.errors)
    return doc


class _Reader:
    def __init__(self, source: str, forms: FormSet) -> None:
        self.source = source
        self.forms = forms
        self.errors: list[ContentError] = []
        self.doc = Document()
        self.record_ids: dict[str, set[str]] = {}
        """The ids taken in each table so far (a set, so reading stays linear in the records)."""

    def error(self, at: tuple[int, int], message: str) -> None:
        self.errors.append(ContentError(self.source, at[0], at[1], message))

    def read(self, data: Any) -> Document:
        if not isinstance(data, MarkedDict):
            self.error(getattr(data, "mark", (1, 1)),
                       "expected a mapping with 'riskwright: 1' and one key per stage")
            return self.doc
        version = data.get("riskwright")
        if version != FORMAT_VERSION:
            at = data.value_marks.get("riskwright", data.mark)
            self.error(at, f"expected 'riskwright: {FORMAT_VERSION}' (the interchange format version), "
                           f"got {version!r}")
        for key, body in data.items():
            if key == "riskwright":
                continue
            if key not in self.forms.stages:
                self.error(data.key_marks[key], f"unknown stage {key!r}; stages are {', '.join(self.forms.stages)}")
                continue
            if body is None:
                continue
            self.read_fields(self.forms.form(key).fields, body, data.value_marks[key], None)
        return self.doc

    def read_fields(self, specs: tuple[FieldSpec, ...], body: Any, at: tuple[int, int],
                    record: Record | None) -> None:
        if not isinstance(body, MarkedDict):
            self.error(at, f"expected a mapping of fields ({', '.join(s.id for s in specs)})")
            return
        by_id = {spec.id: spec for spec in specs}
        for key, item in body.items():
            where = body.value_marks[key]
            if record is not None and key in ("id", "sensitivity", "sensitivity_reason"):
                continue
            spec = by_id.get(key)
            if spec is None:
                self.error(body.key_marks[key], f"unknown field {key!r}; fields here: {', '.join(by_id)}")
            elif spec.is_group:
                if item is not None:
                    self.read_fields(spec.fields, item, where, record)
            elif spec.is_table:
                self.read_table(spec, item, where)
            else:
                self.read_leaf(spec, item, where, record)

    def read_leaf(self, spec: FieldSpec, item: Any, at: tuple[int, int], record: Record | None) -> None:
        sensitivity: Sensitivity | None = None
        reason: str | None = None
        raw = item
        if isinstance(item, MarkedDict):
            extra = sorted(set(item) - _VALUE_KEYS)
            if extra:
                self.error(item.key_marks[extra[0]],
                           f"unknown key {extra[0]!r}; a value with a sensitivity has "
                           f"value, sensitivity and sensitivity_reason")
                return
            raw = item.get("value")
            at = item.value_marks.get("value", at)
            if item.get("sensitivity") is not None:
                try:
                    sensitivity = Sensitivity.parse(str(item["sensitivity"]))
                except ValueError as error:
                    self.error(item.value_marks["sensitivity"], str(error))
                    return
            reason = item.get("sensitivity_reason")
            if reason is not None and not isinstance(reason, str):
                self.error(item.value_marks["sensitivity_reason"], "sensitivity_reason must be text")
                return
        elif isinstance(item, MarkedList):
            self.error(at, f"{spec.label}: expected a single value, not a list")
            return
        try:
            data = parse_value(spec.type, raw)
        except ValueError as error:
            self.error(at, f"{spec.label}: {error}")
            return
        outside = out_of_range(data, spec.minimum, spec.maximum)
        if outside:
            self.error(at, f"{spec.label}: {outside}")
            return
        if spec.type == "enum" and data is not None and data not in spec.option_ids():
            self.error(at, f"{spec.label}: {data!r} is not one of {', '.join(spec.option_ids())}")
            return
        if spec.type in TEXT_TYPES and data is not None:
            try:
                parse_spans(data)
            except SpanError as error:
                self.error(at, f"{spec.label}: {error}")
                return
        value = Value(data, sensitivity, reason)
        if value.is_empty and reason is None:
            return
        if record is None:
            self.doc.values[spec.path] = value
        else:
            record.values[spec.path.split("[].", 1)[1]] = value

    def read_table(self, spec: FieldSpec, items: Any, at: tuple[int, int]) -> None:
        if items is None:
            return
        if not isinstance(items, MarkedList):
            self.error(at, f"{spec.label}: expected a list of records")
            return
        records = self.doc.tables.setdefault(spec.path, [])
        taken = self.record_ids.setdefault(spec.path, set())
        for item, item_at in zip(items, items.item_marks, strict=True):
            if not isinstance(item, MarkedDict):
                self.error(item_at, f"{spec.label}: each record is a mapping of its fields")
                continue
            record_id = item.get("id")
            if record_id is None:
                record_id = self._next_id(spec, len(records), taken)
            elif not isinstance(record_id, str) or not _RECORD_ID.match(record_id):
                self.error(item.value_marks["id"], f"record id {record_id!r}: use letters, digits, '-', '_' or '.'")
                continue
            elif record_id in taken:
                self.error(item.value_marks["id"], f"record id {record_id!r} is used twice in {spec.path}")
                continue
            taken.add(record_id)
            record = Record(record_id)
            if item.get("sensitivity") is not None:
                try:
                    record.sensitivity = Sensitivity.parse(str(item["sensitivity"]))
                except ValueError as error:
                    self.error(item.value_marks["sensitivity"], str(error))
            reason = item.get("sensitivity_reason")
            if reason is not None:
                record.sensitivity_reason = str(reason)
            self.read_fields(spec.fields, item, item_at, record)
            records.append(record)
        if not records:
            del self.doc.tables[spec.path]

    @staticmethod
    def _next_id(spec: FieldSpec, count: int, taken: set[str]) -> str:
        number = count + 1
        while f"{spec.id_prefix}-{number}" in taken:
            number += 1
        return f"{spec.id_prefix}-{number}"
