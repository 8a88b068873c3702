"""The assessment document, with no Qt and no I/O: values, records, spans, paths."""

from app.model.document import (
    Batch,
    Document,
    Edit,
    InsertRecord,
    MoveRecord,
    Record,
    RemoveRecord,
    SetRecordSensitivity,
    SetSensitivity,
    SetValue,
    Value,
    touched_addresses,
)
from app.model.forms import FieldSpec, FormSet, FormSpec, Option, SourcePosition
from app.model.paths import Address
from app.model.sensitivity import HAZARD_DOMAINS, Sensitivity
from app.model.spans import Segment, SpanError, parse_spans
from app.model.validate import Problem, Vocabulary, validate

__all__ = [
    "HAZARD_DOMAINS",
    "Address",
    "Batch",
    "Document",
    "Edit",
    "FieldSpec",
    "FormSet",
    "FormSpec",
    "InsertRecord",
    "MoveRecord",
    "Option",
    "Problem",
    "Record",
    "RemoveRecord",
    "Segment",
    "Sensitivity",
    "SetRecordSensitivity",
    "SetSensitivity",
    "SetValue",
    "SourcePosition",
    "SpanError",
    "Value",
    "Vocabulary",
    "parse_spans",
    "touched_addresses",
    "validate",
]
