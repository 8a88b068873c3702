"""PDF page text for the leak scan: PDFium's speed, without gluing a passage to the next word.

PDFium drops both spaces where a text run ends in a space glyph and the next
run, placed by its own text matrix, starts with one at the same spot — the
way the report writer sets a marked passage followed by plain text. A leak
scanner that read "zebra-ninewas" would miss "zebra-nine" as a word; the
reader puts the space back from where the glyphs stand.
"""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from app.redaction import WithheldText, default_detectors, leak_scan
from app.redaction.pdf_page_text import page_texts

CANARY = "Quillfeather protocol zebra-nine"


def _two_runs(first: str, second: str, gap: float | None = None) -> bytes:
    """``first`` and ``second`` as two runs on one line, the second placed where the first's
    trailing space starts (``gap`` None), or ``gap`` points after the first's last glyph."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setFont("Helvetica", 10)
    pdf.drawString(72, 760, "Public summary.")
    body = first.rstrip(" ")
    x = 72 + stringWidth(body, "Helvetica", 10) + (gap or 0.0)
    pdf._code.append(f"BT /F1 10 Tf 1 0 0 1 72 700 Tm ({first}) Tj 1 0 0 1 {x:.4f} 700 Tm ({second}) Tj ET")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _pdfium_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    return "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def test_a_passage_pdfium_glues_to_the_next_word_is_read_apart_and_found() -> None:
    data = _two_runs(f" {CANARY} ", " was observed. ")
    assert "zebra-ninewas" in _pdfium_text(data)  # the habit this reader exists for
    (page,) = page_texts(data)
    assert "zebra-nine was observed" in page.text
    leaks = leak_scan(data, "pdf", [WithheldText(CANARY, "pre_deployment.evaluations[ev-3].task_details")])
    assert "pdf page 1 text" in {leak.channel for leak in leaks if leak.kind == "withheld"}


def test_a_detector_term_glued_to_the_next_word_is_found() -> None:
    data = _two_runs(" the agent sarin ", " was observed. ")
    assert "sarinwas" in _pdfium_text(data)
    leaks = leak_scan(data, "pdf", [], default_detectors())
    assert ("pdf page 1 text", "detector chem_schedule_one") in {(leak.channel, leak.source) for leak in leaks}


def test_a_word_kerned_or_drawn_close_stays_one_word() -> None:
    """A gap of a few hundredths of an em is kerning, not a space: the word is not split."""
    (page,) = page_texts(_two_runs("Quillfea", "ther protocol", gap=0.3))
    assert "Quillfeather protocol" in page.text
    leaks = leak_scan(_two_runs("Quillfea", "ther protocol zebra-nine", gap=0.3), "pdf", [CANARY])
    assert "pdf page 1 text" in {leak.channel for leak in leaks}


def test_a_word_split_by_a_visible_gap_is_still_searched_whole() -> None:
    """Where a space is put in that PDFium did not see, the line as PDFium read it is searched too;
    where the gap is wide enough for PDFium to see a space, the drawn strings joined still hold it."""
    data = _two_runs("Quillfea", "ther protocol zebra-nine", gap=2.0)
    (page,) = page_texts(data)
    assert "Quillfea ther" in page.text and "Quillfeather" in page.glued
    assert "pdf page 1 text" in {leak.channel for leak in leak_scan(data, "pdf", [CANARY])}
    wide = _two_runs("Quillfea", "ther protocol zebra-nine", gap=4.0)
    assert "Quillfea ther" in _pdfium_text(wide)
    assert any(leak.channel.endswith("stream strings") for leak in leak_scan(wide, "pdf", [CANARY]))
