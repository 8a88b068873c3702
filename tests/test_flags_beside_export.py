"""The export's flag scan runs in a forked child beside the report's build (``authored.start_document_hits``).

The child's answer must be exactly the flags worked out in process, it must be
ignored when the document changed in between, and a child nobody asks is reaped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
import sys

import pytest

from app.content.forms import load_forms
from app.model.document import Document, SetValue
from app.model.paths import Address
from app.redaction import default_detectors, load_audiences
from app.redaction import authored
from app.interchange.examples import example_document

SUMMARY = Address("training.summary")


def _echoed() -> Document:
    """The example with its withheld planned compute repeated in public text (an echo flag)."""
    doc = example_document()
    text = doc.get(SUMMARY)
    doc.apply(SetValue(SUMMARY, text + " It reached the planned 6.0e25 FLOP of effective compute."))
    return doc


def _fields(hits: list[authored.FlagHit]) -> list[tuple[object, ...]]:
    return [(h.id, str(h.address), h.target, h.start, h.end, h.detector, h.matched, h.normalised, h.sensitivity,
             h.audience) for h in hits]


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # The suite's process has Qt loaded, so the export would not fork here; these tests fork on purpose
    # (the child runs plain Python and leaves with os._exit).
    monkeypatch.setattr(authored, "may_fork", lambda: sys.platform.startswith("linux"))
    authored._LAST.clear()
    yield
    authored.discard_document_hits()
    authored._LAST.clear()


def test_the_childs_flags_are_the_flags_worked_out_in_process() -> None:
    doc, tools = _echoed(), (load_forms(), default_detectors(), load_audiences())
    expected = authored._work_out(doc, *tools)
    assert any(hit.detector.kind == "echo" for hit in expected)
    started = authored.start_document_hits(doc, *tools)
    assert started == authored.may_fork()
    got = authored.document_hits(doc, *tools)
    assert _fields(got) == _fields(expected)
    assert all(a.detector is b.detector for a, b in zip(got, expected, strict=True) if a.detector.kind != "echo")


def test_an_edit_after_the_start_is_not_missed() -> None:
    doc, tools = _echoed(), (load_forms(), default_detectors(), load_audiences())
    if not authored.start_document_hits(doc, *tools):
        pytest.skip("this process cannot fork a scan")
    doc.apply(SetValue(SUMMARY, "Nothing withheld is repeated here."))
    assert _fields(authored.document_hits(doc, *tools)) == _fields(authored._work_out(doc, *tools))


def test_a_child_nobody_asks_is_reaped() -> None:
    doc, tools = _echoed(), (load_forms(), default_detectors(), load_audiences())
    if not authored.start_document_hits(doc, *tools):
        pytest.skip("this process cannot fork a scan")
    pid = authored._PENDING[0][2].pid
    authored.discard_document_hits()
    assert not authored._PENDING
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_no_process_to_spare_means_the_flags_are_worked_out_here(monkeypatch: pytest.MonkeyPatch) -> None:
    doc, tools = _echoed(), (load_forms(), default_detectors(), load_audiences())

    def no_fork() -> int:
        raise BlockingIOError("Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    assert not authored.start_document_hits(doc, *tools)
    assert _fields(authored.document_hits(doc, *tools)) == _fields(authored._work_out(doc, *tools))
