"""Flags: detector hits in text bound for a wider audience than the hit allows.

A hit of a detector whose ``sensitivity`` is *S* is a flag when the text it
sits in is treated as less sensitive than *S* — that text would reach an
audience that may not see *S*-level detail. Text inside a hazardous span or a
hazardous value or record is never flagged (it is already withheld from
everyone who could be harmed by it). This module only computes flags from a
document; ``app.store.flags`` keeps them in the ``.rwa`` file.

Flag ids are stable across rescans: they are derived from the address, the
detector, the normalised match and which occurrence of that match it is, not
from offsets, so editing text earlier in a value does not rename its flags.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

from app.model.document import Document, Record, Value
from app.model.fast_dataclass import dataclass
from app.model.forms import FormSet
from app.model.paths import Address, table_field
from app.model.sensitivity import Sensitivity
from app.model.spans import SpanError, Segment, parse_spans
from app.model.values import TEXT_TYPES
from app.redaction.audiences import Audiences
from app.redaction.definitions import DetectorSpec
from app.redaction.detectors import DetectorSet
from app.model.validate import effective_sensitivity
from app.redaction.filtering import value_sensitivity

VALUE = "value"
RECORD_ID = "record_id"


@dataclass(frozen=True)
class FlagHit:
    """A flag as computed from the document (not yet compared with dismissals)."""

    id: str
    address: Address
    """The value's address; for a record id, ``Address("table[]", record_id)``."""
    target: str
    """``value`` (offsets in the stored, marked-up text) or ``record_id`` (offsets in the id)."""
    start: int
    end: int
    detector: DetectorSpec
    matched: str
    normalised: str
    sensitivity: Sensitivity
    """How sensitive the text holding the hit is treated as."""
    audience: str
    """The widest audience that would see the text (and so the hit)."""


def flag_id(address: Address, target: str, detector_id: str, normalised: str, occurrence: int) -> str:
    key = f"{address}|{target}|{detector_id}|{normalised}|{occurrence}"
    return "F" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:9]


def _record_sensitivity(forms: FormSet, table: str, record: Record) -> Sensitivity | None:
    if not forms.has_field(table):
        return None
    return effective_sensitivity(forms.field(table).sensitivity, record.sensitivity, record.sensitivity_reason)


def _plain_segments(text: str) -> list[Segment]:
    """The parts of a text outside hazardous spans; malformed markup: all of it."""
    try:
        return [s for s in parse_spans(text) if s.domain is None]
    except SpanError:
        return [Segment(text, None, 0)]


def _numbered(address: Address, target: str, raw: Iterable[tuple[int, int, DetectorSpec, str, str]],
              sensitivity: Sensitivity, audiences: Audiences) -> list[FlagHit]:
    seen: dict[tuple[str, str], int] = {}
    audience = audiences.widest_seeing(sensitivity).id
    hits: list[FlagHit] = []
    for start, end, spec, matched, normalised in sorted(raw, key=lambda r: (r[0], r[1], r[2].id)):
        occurrence = seen.get((spec.id, normalised), 0)
        seen[(spec.id, normalised)] = occurrence + 1
        hits.append(FlagHit(flag_id(address, target, spec.id, normalised, occurrence), address, target,
                            start, end, spec, matched, normalised, sensitivity, audience))
    return hits


def value_flags(doc: Document, forms: FormSet, address: Address, detectors: DetectorSet,
                audiences: Audiences) -> list[FlagHit]:
    """Flags in the value at ``address`` (none if it is empty, not text, or hazardous)."""
    record = None
    if address.table is not None and address.record is not None:
        record = doc.record(address.table, address.record)
        value = None if record is None else record.values.get(address.relative)
        record_sensitivity = None if record is None else _record_sensitivity(forms, address.table, record)
    else:
        value = doc.value(address)
        record_sensitivity = None
    return _flags_in(forms, address, value, record_sensitivity, detectors, audiences)


def _flags_in(forms: FormSet, address: Address, value: Value | None, record_sensitivity: Sensitivity | None,
              detectors: DetectorSet, audiences: Audiences) -> list[FlagHit]:
    """``value_flags`` once the value and its record's sensitivity are known: a table walk passes
    them in, instead of finding the record by its id once per value (quadratic in a large table)."""
    if value is None or not isinstance(value.data, str) or not forms.has_field(address.field):
        return []
    spec = forms.field(address.field)
    if spec.type not in TEXT_TYPES:
        return []
    sensitivity = value_sensitivity(spec, value, record_sensitivity)
    if sensitivity >= Sensitivity.HAZARDOUS:
        return []
    raw = []
    for segment in _plain_segments(value.data):
        for hit in detectors.find(segment.text):
            if hit.detector.sensitivity > sensitivity:
                raw.append((segment.start + hit.start, segment.start + hit.end, hit.detector, hit.matched,
                            hit.normalised))
    return _numbered(address, VALUE, raw, sensitivity, audiences)


def record_id_flags(forms: FormSet, table: str, record: Record, detectors: DetectorSet,
                    audiences: Audiences) -> list[FlagHit]:
    """Flags in a record's id (ids imported from YAML can be any text)."""
    sensitivity = _record_sensitivity(forms, table, record) or Sensitivity.PUBLIC
    if sensitivity >= Sensitivity.HAZARDOUS:
        return []
    raw = [(h.start, h.end, h.detector, h.matched, h.normalised) for h in detectors.find(record.id)
           if h.detector.sensitivity > sensitivity]
    return _numbered(Address(f"{table}[]", record.id), RECORD_ID, raw, sensitivity, audiences)


def table_flags(doc: Document, forms: FormSet, table: str, detectors: DetectorSet,
                audiences: Audiences) -> list[FlagHit]:
    hits: list[FlagHit] = []
    for record in doc.records(table):
        hits.extend(record_id_flags(forms, table, record, detectors, audiences))
        record_sensitivity = _record_sensitivity(forms, table, record)
        for relative, value in record.values.items():
            hits.extend(_flags_in(forms, Address(table_field(table, relative), record.id), value,
                                  record_sensitivity, detectors, audiences))
    return hits


def document_flags(doc: Document, forms: FormSet, detectors: DetectorSet, audiences: Audiences
                   ) -> Iterator[FlagHit]:
    """Every flag in the document."""
    for path in doc.values:
        yield from value_flags(doc, forms, Address(path), detectors, audiences)
    for table in doc.tables:
        yield from table_flags(doc, forms, table, detectors, audiences)


def reaches(hit_audience_sees: Sensitivity, detector_sensitivity: Sensitivity, audience_sees: Sensitivity
            ) -> bool:
    """Whether a flag matters to an audience: it sees the text but may not see the hit's kind."""
    return hit_audience_sees <= audience_sees < detector_sensitivity
