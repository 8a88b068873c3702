"""The audience filter: a copy of the document holding only what a reader may see.

The first wall of redaction.md: writers are given this copy, so a writer
never holds text it must not print. Every withheld value, passage and record
is replaced by a fixed placeholder from ``schemas/audiences.yaml`` (never the
length of the original), and each withholding is counted so the report can
disclose it. Anything the filter cannot be sure about is withheld or refused,
never passed through:

* malformed span markup anywhere (any text, any record id, a non-text field)
  refuses the whole filter with the field path (``FilterRefused``);
* a value of a field the forms do not know, a choice field holding something
  that is not an identifier, a text field holding a non-string: withheld as
  "unchecked";
* a sensitivity lowered below the form's default without a reason counts as
  the default;
* free-text sensitivity reasons are dropped from every copy but the internal
  one (they are the assessor's notes, never scanned for publication).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import field
from typing import Any

from app.model.document import Document, Record, Value
from app.model.fast_dataclass import dataclass
from app.model.forms import FieldSpec, FormSet
from app.model.paths import Address, table_field
from app.model.validate import effective_sensitivity
from app.model.sensitivity import Sensitivity
from app.model.spans import SpanError, has_span_markup, parse_spans
from app.model.values import TEXT_TYPES, parse_value
from app.redaction.audiences import Audience, Audiences, load_audiences

_CHOICE_TYPES = ("enum", "category", "level", "framework")
_IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$")

UNCHECKED = "unchecked"
"""The reason recorded for values withheld because the filter could not vouch for them."""


class FilterRefused(ValueError):
    """The filter will not produce a copy (malformed markup); ``address`` says where."""

    def __init__(self, address: str, message: str) -> None:
        super().__init__(f"{address}: {message}")
        self.address = address


@dataclass(frozen=True)
class Withheld:
    """One withholding, for the report's disclosure (never its text)."""

    address: str
    """Where, in the original document (``table[record-id]`` for a whole record)."""
    kind: str
    """``value``, ``passage`` or ``record``."""
    domain: str | None
    """Hazard domain of a passage; None for whole values and records."""
    reason: str
    """The sensitivity that withheld it (``hazardous``, ``internal``) or ``unchecked``."""


@dataclass(frozen=True)
class WithheldText:
    """A withheld text and where it came from, for the output leak scanner."""

    text: str
    source: str


@dataclass
class Filtered:
    """What ``for_audience`` returns: the copy and an account of what it lacks."""

    document: Document
    audience: Audience
    audiences: Audiences
    withheld: list[Withheld] = field(default_factory=list)
    withheld_texts: list[WithheldText] = field(default_factory=list)
    withheld_values: set[str] = field(default_factory=set)
    """Addresses, in the filtered copy, whose value is a placeholder."""
    withheld_records: set[tuple[str, str]] = field(default_factory=set)
    """(table, record id in the filtered copy) of placeholder records."""

    @property
    def counts(self) -> Counter[tuple[str | None, str]]:
        """Withheld passages, values and records per (domain, reason)."""
        return Counter((w.domain, w.reason) for w in self.withheld)

    @property
    def total(self) -> int:
        return len(self.withheld)

    def by_domain(self) -> dict[str, int]:
        """Withheld hazardous passages per domain (values and records have no domain)."""
        found = Counter(w.domain for w in self.withheld if w.domain is not None)
        return dict(sorted(found.items()))

    def by_reason(self) -> dict[str, int]:
        return dict(sorted(Counter(w.reason for w in self.withheld).items()))

    def by_kind(self) -> dict[str, int]:
        return dict(sorted(Counter(w.kind for w in self.withheld).items()))

    def placeholder(self, sensitivity: Sensitivity) -> str:
        return self.audiences.value(sensitivity)

    def disclosure(self) -> list[str]:
        """Plain sentences for the report: how much was withheld, and why."""
        if not self.withheld:
            return [f"Nothing is withheld from the {self.audience.label.lower()} edition."]
        lines = []
        for domain, reason in sorted(self.counts, key=lambda key: (key[1], key[0] or "")):
            kinds = Counter(w.kind for w in self.withheld if (w.domain, w.reason) == (domain, reason))
            what = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in sorted(kinds.items()))
            about = f" ({self.audiences.domain_label(domain)})" if domain else ""
            lines.append(f"{what} withheld as {reason}{about}")
        return lines


REASON_WITHHELD = "[reason withheld]"
"""Stands in for a free-text sensitivity reason outside the internal copy.

The reason's words stay inside, but its presence must travel: without it a
value lowered (with a reason) to public would count at its form default again
wherever the filtered copy's sensitivity is computed, e.g. in the reports.
"""


def _reason_mark(reason: str | None) -> str | None:
    return REASON_WITHHELD if reason and reason.strip() else None


def value_sensitivity(spec: FieldSpec, value: Value, record_sensitivity: Sensitivity | None = None
                      ) -> Sensitivity:
    """A value's effective sensitivity, at least that of the record holding it."""
    own = effective_sensitivity(spec.sensitivity, value.sensitivity, value.sensitivity_reason)
    return own if record_sensitivity is None else max(own, record_sensitivity)


def for_audience(doc: Document, audience: Audience | str, forms: FormSet,
                 audiences: Audiences | None = None) -> Filtered:
    """A filtered deep copy of ``doc`` for ``audience`` (an Audience or its id)."""
    audiences = audiences or load_audiences()
    if isinstance(audience, str):
        audience = audiences.get(audience)
    result = Filtered(Document(filtered_for=audience.id), audience, audiences)
    run = _Filter(forms, audience, audiences, result)
    for path, value in doc.values.items():
        kept = run.value(Address(path), value, None)
        if kept is not None:
            result.document.values[path] = kept
    for table, records in doc.tables.items():
        kept_records = run.table(table, records)
        if kept_records:
            result.document.tables[table] = kept_records
    return result


class _Filter:
    def __init__(self, forms: FormSet, audience: Audience, audiences: Audiences, result: Filtered) -> None:
        self.forms = forms
        self.audience = audience
        self.audiences = audiences
        self.result = result
        self.sees_all = audience.sees >= Sensitivity.HAZARDOUS

    # -- helpers -------------------------------------------------------------
    def _segments(self, where: str, text: str) -> list[Any]:
        try:
            return parse_spans(text)
        except SpanError as error:
            raise FilterRefused(where, f"{error}; fix the markup before exporting "
                                       f"(nothing is exported while span markup is malformed)") from None

    def _texts_of(self, where: str, data: Any) -> None:
        """Remember withheld text (tags removed) for the output leak scan."""
        if isinstance(data, str):
            plain = "".join(s.text for s in self._segments(where, data)) if has_span_markup(data) else data
            if plain.strip():
                self.result.withheld_texts.append(WithheldText(plain, where))
        elif data is not None and not isinstance(data, (bool, int, float)):
            self.result.withheld_texts.append(WithheldText(str(data), where))

    def _withhold(self, where: str, kind: str, domain: str | None, reason: str) -> None:
        self.result.withheld.append(Withheld(where, kind, domain, reason))

    def _spec(self, path: str) -> FieldSpec | None:
        if not self.forms.has_field(path):
            return None
        spec = self.forms.field(path)
        return spec if spec.is_leaf else None

    # -- values ----------------------------------------------------------------
    def value(self, address: Address, value: Value, record_sensitivity: Sensitivity | None) -> Value | None:
        where = str(address)
        data = value.data
        spec = self._spec(address.field)
        if isinstance(data, str) and (spec is None or spec.type in TEXT_TYPES or has_span_markup(data)):
            if spec is not None and spec.type not in TEXT_TYPES:
                raise FilterRefused(where, "hazard-span markup in a field that is not text; remove it")
            self._segments(where, data)
        if self.sees_all:
            return Value(data, value.sensitivity, value.sensitivity_reason)
        if spec is None or not _trustworthy(spec, data):
            self._withhold(where, "value", None, UNCHECKED)
            self._texts_of(where, data)
            if spec is None:
                return None
            self.result.withheld_values.add(where)
            return Value(self.audiences.unchecked(), value.sensitivity)
        sensitivity = value_sensitivity(spec, value, record_sensitivity)
        if not self.audience.may_see(sensitivity):
            if data is None:
                return Value(None, sensitivity)
            self._withhold(where, "value", None, sensitivity.value)
            self._texts_of(where, data)
            self.result.withheld_values.add(where)
            return Value(self.audiences.value(sensitivity), sensitivity)
        if isinstance(data, str) and spec.type in TEXT_TYPES:
            data = self._passages(where, data)
        return Value(data, value.sensitivity, _reason_mark(value.sensitivity_reason))

    def _passages(self, where: str, text: str) -> str:
        if not has_span_markup(text):
            return text
        parts: list[str] = []
        for segment in self._segments(where, text):
            if segment.domain is None:
                parts.append(segment.text)
                continue
            parts.append(self.audiences.passage(segment.domain))
            self._withhold(where, "passage", segment.domain, Sensitivity.HAZARDOUS.value)
            if segment.text.strip():
                self.result.withheld_texts.append(WithheldText(segment.text, where))
        return "".join(parts)

    # -- records ---------------------------------------------------------------
    def table(self, table: str, records: list[Record]) -> list[Record]:
        spec = self.forms.field(table) if self.forms.has_field(table) else None
        if spec is not None and not spec.is_table:
            spec = None
        kept: list[Record] = []
        taken = {r.id for r in records}
        numbering = 0
        for record in records:
            where = f"{table}[{record.id}]"
            if has_span_markup(record.id):
                raise FilterRefused(where, "hazard-span markup in a record id; rename the record")
            if self.sees_all:
                kept.append(self._record_copy(table, record, None))
                continue
            if spec is None:
                self._withhold(where, "record", None, UNCHECKED)
                self._record_texts(table, record)
                continue
            sensitivity = effective_sensitivity(spec.sensitivity, record.sensitivity, record.sensitivity_reason)
            if self.audience.may_see(sensitivity):
                kept.append(self._record_copy(table, record, sensitivity))
                continue
            self._record_texts(table, record)
            numbering += 1
            while f"withheld-{numbering}" in taken:
                numbering += 1
            new_id = f"withheld-{numbering}"
            taken.add(new_id)
            values: dict[str, Value] = {}
            if spec.title_field:
                values[spec.title_field] = Value(self.audiences.record(sensitivity), sensitivity)
            kept.append(Record(new_id, values, sensitivity, None))
            self._withhold(where, "record", None, sensitivity.value)
            self.result.withheld_records.add((table, new_id))
        return kept

    def _record_copy(self, table: str, record: Record, sensitivity: Sensitivity | None) -> Record:
        values: dict[str, Value] = {}
        for relative, value in record.values.items():
            kept = self.value(Address(table_field(table, relative), record.id), value, sensitivity)
            if kept is not None:
                values[relative] = kept
        if self.sees_all:
            return Record(record.id, values, record.sensitivity, record.sensitivity_reason)
        return Record(record.id, values, record.sensitivity, _reason_mark(record.sensitivity_reason))

    def _record_texts(self, table: str, record: Record) -> None:
        for relative, value in record.values.items():
            where = str(Address(table_field(table, relative), record.id))
            if isinstance(value.data, str):
                self._segments(where, value.data)
            self._texts_of(where, value.data)


def _trustworthy(spec: FieldSpec, data: Any) -> bool:
    """Whether a value is what its field type promises (so it cannot smuggle free text)."""
    if data is None:
        return True
    if spec.type in TEXT_TYPES:
        return isinstance(data, str)
    try:
        canonical = parse_value(spec.type, data)
    except ValueError:
        return False
    if canonical != data or type(canonical) is not type(data):
        return False
    if spec.type in _CHOICE_TYPES:
        if not _IDENTIFIER.match(str(data)):
            return False
        if spec.type == "enum" and data not in spec.option_ids():
            return False
    return True
