"""The export gate and the finished-file scan of one export work out a document's flags once."""

from __future__ import annotations

import pytest

from app.content.forms import load_forms
from app.model.document import Document, Record, Value
from app.redaction import authored, default_detectors
from app.redaction.audiences import load_audiences


def _document(records: int) -> Document:
    rows = [Record(f"ev-{n}", {"name": Value(f"Evaluation {n}"), "description": Value(f"Ran suite {n}.")})
            for n in range(records)]
    return Document(values={"header.model": Value("Gallowglass-7")}, tables={"pre_deployment.evaluations": rows})


def test_a_large_table_is_scanned_once_for_the_gate_and_the_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    scans = []
    real = authored.document_flags
    monkeypatch.setattr(authored, "document_flags", lambda *a: scans.append(1) or real(*a))
    tools = (load_forms(), default_detectors(), load_audiences())
    doc = _document(500)  # more than 256 records: its count is a new int object each time
    first = authored.document_hits(doc, *tools)
    assert authored.document_hits(doc, *tools) == first
    assert len(scans) == 1
    doc.tables["pre_deployment.evaluations"].append(Record("ev-new", {"name": Value("Late run")}))
    authored.document_hits(doc, *tools)
    assert len(scans) == 2  # an added record is a change
