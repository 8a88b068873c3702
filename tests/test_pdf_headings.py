"""A section heading never ends a PDF page alone: it is kept with the start of its section.

The internal EU model report and system card left "Appendix A Redaction log"
alone on a page: the table under it (kept with its own sub-heading) fitted a
page but not the space under the section heading, so it moved on by itself.
"""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from app.content.report_layout import load_styles
from app.export.formats import writer_for
from app.export.pipeline import build_for_audience
from app.interchange.examples import example_document


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("kind", ["eu-model-report", "system-card", "assessment"])
def test_no_page_ends_with_a_section_heading(kind: str) -> None:
    report = build_for_audience(example_document(), "internal", kind=kind)
    headings = {_squash(section.heading) for section in report.sections}
    pages = PdfReader(io.BytesIO(writer_for("pdf", load_styles()).write(report))).pages
    for number, page in enumerate(pages[1:], start=2):
        lines = [_squash(line) for line in (page.extract_text() or "").splitlines()]
        body = [line for line in lines if line and not line.startswith(report.header.banner)
                and not re.fullmatch(r"(Page )?\d+ of \d+", line) and not line.startswith(report.header.model)]
        assert body and body[-1] not in headings, f"page {number} ends with the heading {body[-1] if body else ''!r}"
