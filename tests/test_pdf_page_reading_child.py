"""The PDF leak scan reads page text in a forked child beside the object reader: same channels, fails closed.

With a second core and no other thread, ``app.redaction.pdf_channels`` forks a
child that reads the pages with PDFium while the scanning process reads the
objects with qpdf. What the scan reads must not depend on that: the channels
are the same, in the same order, as when the pages are read in the process
itself; a child that dies is a file that cannot be checked, never a pass.
"""

from __future__ import annotations

import io
import os

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from app.redaction import WithheldText, leak_scan
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


needs_fork = pytest.mark.skipif(not channels_module._may_fork(), reason="no second core or no fork here")


@needs_fork
def test_pages_read_by_the_child_give_the_same_channels_in_the_same_order(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _pdf()
    forked = list(channels_module.pdf_channels(data))
    monkeypatch.setattr(channels_module, "_may_fork", lambda: False)
    assert forked == list(channels_module.pdf_channels(data))
    assert [channel for channel, _ in forked if channel.endswith(" text")] == [f"pdf page {n} text" for n in (1, 2, 3)]
    leaks = leak_scan(data, "pdf", [WithheldText(CANARY, "pre_deployment.evaluations[ev-3].task_details")])
    assert "pdf page 3 text" in {leak.channel for leak in leaks if leak.kind == "withheld"}


@needs_fork
def test_a_page_reader_that_dies_refuses_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    def dies(_data: bytes) -> object:
        os._exit(1)  # runs in the forked child only

    monkeypatch.setattr(channels_module, "_page_channels", dies)
    found = list(channels_module.pdf_channels(_pdf()))
    assert ("!pdf structure", "page text cannot be extracted (the page reader stopped)") in found
    assert not any(channel.startswith("pdf page") and channel.endswith(" text") for channel, _ in found)
    leaks = leak_scan(_pdf(), "pdf", [])
    assert any(leak.kind == "structure" for leak in leaks)


@needs_fork
def test_a_scan_that_stops_early_leaves_no_child_behind() -> None:
    reader = channels_module.pdf_channels(_pdf())
    next(reader)
    reader.close()  # type: ignore[attr-defined]
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)
