"""The PDF report: banner and page numbers on every page, contents and bookmarks that agree, neutral
metadata, embedded Unicode fonts, tables that split with their header, reproducible bytes."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from app.content.report_layout import load_styles
from app.export.formats import writer_for
from app.export.pipeline import build_for_audience
from app.interchange.examples import example_document
from app.model import Record, Value


def _pdf(doc, audience: str) -> bytes:
    return writer_for("pdf", load_styles()).write(build_for_audience(doc, audience))


@pytest.fixture(scope="module")
def doc():
    return example_document()


@pytest.fixture(scope="module")
def internal_pdf(doc) -> bytes:
    return _pdf(doc, "internal")


@pytest.fixture(scope="module")
def public_pdf(doc) -> bytes:
    return _pdf(doc, "public")


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def _outline(data: bytes) -> list[tuple[int, str, int]]:
    reader = PdfReader(io.BytesIO(data))
    found: list[tuple[int, str, int]] = []

    def walk(items, level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, item.title, reader.get_destination_page_number(item) + 1))
    walk(reader.outline, 0)
    return found


@pytest.mark.parametrize("audience, banner", [("internal", "INTERNAL — CONTAINS HAZARDOUS INFORMATION"),
                                              ("public", "PUBLIC")])
def test_every_page_carries_the_banner_and_its_number(audience: str, banner: str, internal_pdf: bytes,
                                                      public_pdf: bytes) -> None:
    pages = _pages(internal_pdf if audience == "internal" else public_pdf)
    assert len(pages) > 20
    for number, text in enumerate(pages, start=1):
        assert text.count(banner) >= 2 or (number == 1 and banner in text), f"page {number}"
        assert f"Page {number} of {len(pages)}" in " ".join(text.split()), f"page {number}"


def test_contents_page_numbers_match_the_bookmarks(internal_pdf: bytes) -> None:
    outline = _outline(internal_pdf)
    sections = [(title, page) for level, title, page in outline if level == 0]
    assert [t for t, _ in sections][:3] == ["1  Summary", "2  About this assessment", "3  Before training"]
    assert sections[-1][0] == "Appendix B  Revision"
    contents = " ".join(_pages(internal_pdf)[1].split())
    for title, page in sections:
        assert re.search(re.escape(" ".join(title.split())) + r"[ .…]*" + str(page) + r"\b", contents), title
    tables = [title for level, title, _ in outline if level == 1]
    assert "Capability evaluations" in tables and "Checkpoints" in tables


def test_public_bookmarks_hold_no_withheld_text(doc, public_pdf: bytes) -> None:
    titles = " ".join(title for _, title, _ in _outline(public_pdf))
    assert "Capture-the-flag ladder" in titles  # a public record title is there …
    assert "Glimmerpox" not in titles  # … the hazardous record (ev-5) is not
    assert "[redacted" not in titles


def test_public_metadata_is_neutral_and_fixed(public_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(public_pdf))
    info = reader.metadata
    assert info["/Author"] == "Riskwright" and info["/Producer"] == "Riskwright"
    assert info["/Title"] == "Frontier model risk assessment: Halcyon-3"
    assert info["/Subject"] == "PUBLIC edition"
    assert info["/CreationDate"].startswith("D:20000101000000")
    assert reader.xmp_metadata is None
    assert public_pdf.count(b"%%EOF") == 1


def test_all_text_is_drawn_in_the_embedded_ttf(internal_pdf: bytes) -> None:
    """reportlab names Helvetica in an empty text block on every page; no glyph may be drawn with it."""
    reader = PdfReader(io.BytesIO(internal_pdf))
    drawing_blocks = 0
    for page in reader.pages:
        streams = [page.get_contents().get_data()]
        streams += [x.get_object().get_data() for x in page["/Resources"].get("/XObject", {}).values()]
        fonts = page["/Resources"]["/Font"]
        for stream in streams:
            for block in re.findall(rb"BT\b(.*?)\bET", stream, flags=re.S):
                if b"Tj" not in block and b"TJ" not in block:
                    continue
                drawing_blocks += 1
                names = re.findall(rb"/(F\d+(?:\+\d+)?) [\d.]+ Tf", block)
                assert names and b"F1" not in names, block[:120]
                for name in names:
                    font = fonts["/" + name.decode()].get_object()
                    assert str(font["/BaseFont"]).split("+")[-1].startswith(("DejaVuSans", "DroidSansFallback")), \
                        font["/BaseFont"]
                    descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
                    assert "/FontFile2" in descendant["/FontDescriptor"].get_object()  # embedded TrueType
    assert drawing_blocks > 500


def test_text_in_any_script_renders(doc) -> None:
    other = doc.copy()
    other.values["header.model.name"] = Value("Гальцион-3 Ἀλκυών 翡翠")
    other.values["header.scope"] = Value("Scope in Greek: **ασφάλεια**, Russian: *безопасность*, Japanese: 安全性。")
    text = " ".join(_pages(_pdf(other, "internal"))[:4])
    for word in ("Гальцион-3", "Ἀλκυών", "翡翠", "ασφάλεια", "безопасность", "安全性"):
        assert word in text


def test_markdown_becomes_formatting_not_markup(internal_pdf: bytes) -> None:
    text = "\n".join(_pages(internal_pdf))
    assert "Covered:" in text and "**Covered:**" not in text
    assert "| point | effective compute |" not in text and "full battery (baseline for the run)" in text
    assert "[[hazard:" not in text
    assert "HAZARDOUS · CYBERSECURITY" in text  # marked passages are labelled with their domain


def test_a_long_table_splits_over_pages_repeating_its_header(doc) -> None:
    other = doc.copy()
    start = date(2025, 1, 1)
    other.tables["training.checkpoints"] = [
        Record(f"ckpt-{i}", {"name": Value(f"step-{i:04d}"), "effective_compute_flop": Value(1e23 * 1.05 ** i),
                             "date": Value(start + timedelta(days=i)), "evaluated": Value(i % 2 == 0),
                             "action": Value("continue")})
        for i in range(1, 121)]
    pages = _pages(_pdf(other, "internal"))
    with_rows = [text for text in pages if "step-0" in text and "ckpt-" not in text]
    assert len(with_rows) >= 2
    for text in with_rows:
        assert "Effective compute (FLOP)" in text  # the header row is repeated on every page of the table


def test_same_revision_gives_the_same_bytes(doc, public_pdf: bytes, internal_pdf: bytes) -> None:
    assert _pdf(doc, "public") == public_pdf
    assert _pdf(example_document(), "internal") == internal_pdf
