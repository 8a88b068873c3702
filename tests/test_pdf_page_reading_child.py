"""The PDF leak scan reads page text in a forked child beside the object reader: same channels, never less.

Where the process may fork (``app.redaction.beside``), ``app.redaction.pdf_channels``
forks a child that reads the pages with PDFium while the scanning process reads
the objects with qpdf. What the scan reads must not depend on that: the channels
are the same, in the same order, as when the pages are read in the process
itself; a child that dies has the pages read again here. (The suite's process
has Qt loaded, where nothing forks; these tests fork on purpose.)
"""

from __future__ import annotations

import io
import os
import sys

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from app.redaction import WithheldText, beside, leak_scan
from app.redaction import pdf_channels as channels_module

CANARY = "Quillfeather protocol zebra-nine"


def _pdf(pages: int = 3) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    for number in range(1, pages + 1):
        pdf.setFont("Helvetica", 10)
        pdf.drawString(72, 760, f"Page {number}: public summary.")
        if number == pages:
            pdf.setFillColorRGB(1, 1, 1)  # white on white: only a reader of the page text finds it
            pdf.drawString(72, 700, CANARY)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Fork as a command-line export does; the pids of the page readers started."""
    if not sys.platform.startswith("linux"):
        pytest.skip("forks only on Linux")
    monkeypatch.setattr(beside, "may_fork", lambda: True)
    children: list[int] = []
    start = beside.Child.__init__

    def counted(self: beside.Child, work: object) -> None:
        start(self, work)  # type: ignore[arg-type]
        children.append(self.pid)

    monkeypatch.setattr(beside.Child, "__init__", counted)
    return children


def test_pages_read_by_the_child_give_the_same_channels_in_the_same_order(forking: list[int],
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    data = _pdf()
    forked = list(channels_module.pdf_channels(data))
    assert len(forking) == 1
    monkeypatch.setattr(beside, "may_fork", lambda: False)
    assert forked == list(channels_module.pdf_channels(data))
    assert [channel for channel, _ in forked if channel.endswith(" text")] == [f"pdf page {n} text" for n in (1, 2, 3)]
    monkeypatch.setattr(beside, "may_fork", lambda: True)
    leaks = leak_scan(data, "pdf", [WithheldText(CANARY, "pre_deployment.evaluations[ev-3].task_details")])
    assert "pdf page 3 text" in {leak.channel for leak in leaks if leak.kind == "withheld"}


def test_a_page_reader_that_dies_has_the_pages_read_here(forking: list[int],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    data = _pdf()
    monkeypatch.setattr(beside, "may_fork", lambda: False)
    alone = list(channels_module.pdf_channels(data))
    monkeypatch.setattr(beside, "may_fork", lambda: True)

    parent = os.getpid()

    def dies(_data: bytes) -> object:
        if os.getpid() == parent:  # never end the test run itself if no child was forked
            raise AssertionError("the page reader that dies ran in the scanning process")
        os._exit(1)

    monkeypatch.setattr(channels_module, "_pages_in_child", dies)
    assert list(channels_module.pdf_channels(data)) == alone
    assert forking


def test_a_scan_that_stops_early_leaves_no_child_behind(forking: list[int]) -> None:
    reader = channels_module.pdf_channels(_pdf())
    next(reader)
    reader.close()  # type: ignore[attr-defined]
    (pid,) = forking
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
