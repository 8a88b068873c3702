"""reportlab helpers the PDF writer makes cheaper (``app.export.formats.pdf_speedups``) return the same bytes."""

from __future__ import annotations

import random

import pytest
from reportlab.pdfbase import pdfdoc

import app.export.formats.pdf  # noqa: F401 - installs the speedups


def test_encoding_is_the_codecs_for_every_character_it_can_encode() -> None:
    fast, original = pdfdoc.pdfdocEnc, pdfdoc.pdfdocEnc.__wrapped__
    texts = [chr(code) for code in range(0x300)] + ["1 0 0 1 72 700 Tm", "/Type /Page\n", "Café — naïve\t(x)"]
    rng = random.Random(7)
    texts += ["".join(chr(rng.randrange(0x20, 0x100)) for _ in range(40)) for _ in range(200)]
    for text in texts:
        try:
            expected = original(text)
        except UnicodeEncodeError:
            with pytest.raises(UnicodeEncodeError):
                fast(text)
            continue
        assert fast(text) == expected, repr(text)
    assert fast(b"raw") == b"raw"


def test_names_are_the_same_as_made_afresh() -> None:
    original = pdfdoc.PDFName.__wrapped__
    for name in ("Type", "Annot", "Quill feather#1", "Ünïcode", "a(b)c", "Type"):
        assert pdfdoc.PDFName(name) == original(name)


def test_format_is_the_same_for_names_numbers_bytes_and_objects() -> None:
    fast, original = pdfdoc.format, pdfdoc.format.__wrapped__
    document = pdfdoc.PDFDocument(invariant=1)
    values = ["Type", "1 0 0 1 72 700 Tm", "Café", b"raw bytes", 0, 7, -3, 0.5, 612.0, 1e-7, True, None,
              pdfdoc.PDFArray([1, 2.5, "x"]), pdfdoc.PDFDictionary({"Type": pdfdoc.PDFName("Page"), "N": 3}),
              pdfdoc.PDFString("(hello)")]
    for value in values:
        assert fast(value, document) == original(value, document), repr(value)


def test_markup_parsed_once_gives_the_same_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Headings and labels repeated in a kind's report reuse the first one's parse (``parsing_once``); the
    PDF must be byte for byte the one written when every paragraph is parsed afresh."""
    import contextlib

    from app.content.report_layout import load_styles
    from app.export.formats import pdf, writer_for
    from app.export.pipeline import build_for_audience
    from app.interchange.examples import example_document
    report = build_for_audience(example_document(), "internal", kind="eu-model-report")
    once = writer_for("pdf", load_styles()).write(report)
    monkeypatch.setattr(pdf, "parsing_once", contextlib.nullcontext)
    assert writer_for("pdf", load_styles()).write(report) == once


def test_dictionaries_are_written_as_reportlab_writes_them() -> None:
    fast, original = pdfdoc.PDFDictionary.format, pdfdoc.PDFDictionary.format.__wrapped__
    document = pdfdoc.PDFDocument(invariant=1)
    entries = {f"K{index}": index * 0.5 for index in range(14)}
    entries.update({"Type": pdfdoc.PDFName("Annot"), "Name with space": "x", "Arr": pdfdoc.PDFArray([1, 2])})
    for multiline in (0, 1, "forced"):
        dictionary = pdfdoc.PDFDictionary(entries)
        dictionary.multiline = multiline
        assert fast(dictionary, document) == original(dictionary, document)
        assert fast(dictionary, document) == original(dictionary, document)  # keys remembered: still the same


def test_number_arrays_and_strings_are_written_as_reportlab_writes_them() -> None:
    fast, original = pdfdoc.format, pdfdoc.format.__wrapped__
    document = pdfdoc.PDFDocument(invariant=1)
    rng = random.Random(11)
    arrays = [pdfdoc.PDFArray([]), pdfdoc.PDFArray([0, 0, 0]), pdfdoc.PDFArray(list(range(10))),
              pdfdoc.PDFArray(list(range(11))), pdfdoc.PDFArray([1, "x"]), pdfdoc.PDFArray([True, 2.5]),
              pdfdoc.PDFArrayCompact([1.5, 2]), pdfdoc.PDFArray([pdfdoc.PDFArray([1, 2])])]
    arrays += [pdfdoc.PDFArray([rng.uniform(-1e4, 1e4) if rng.random() < 0.7 else rng.randrange(-9, 9999)
                                for _ in range(rng.randrange(0, 14))]) for _ in range(300)]
    for array in arrays:
        assert fast(array, document) == original(array, document), repr(array.sequence)
    texts: list[object] = ["https://example.org/a(b)c\\d", "", "Café — naïve", "日本語", b"raw\x00bytes",
                           "\ufeffbom", "tab\tnew\nline"]
    texts += ["".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(rng.randrange(0, 30))) for _ in range(200)]
    for text in texts:
        for escape in (0, 1, 3):
            for enc in ("auto", "raw"):
                made = pdfdoc.PDFString(text, escape=escape, enc=enc)
                first, again = made.format(document), made.format(document)
                assert first == again == pdfdoc.PDFString.format.__wrapped__(made, document), repr(text)


def test_a_paragraph_set_up_from_a_template_has_the_fragments_of_its_own_parse() -> None:
    """Headings that differ only in their texts reuse the parse of the tags (``Para._setup_from_template``)."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus.paragraph import cleanBlockQuotedText
    from reportlab.platypus.paraparser import ParaParser

    from app.export.fonts import register_fonts
    from app.export.formats.pdf_styles import Para, parsing_once
    register_fonts()
    style = ParagraphStyle("h", fontName="RW-Sans", fontSize=9)
    chip = ('\u00a0\u00a0<font size="6.5" color="#ffffff" backColor="#aa0000">'
            '<b>\u00a0WHOLE RECORD HAZARDOUS\u00a0</b></font>')
    texts = [f'{title}  <font color="#667788" size="8">{record}</font>{tail}'
             for title in ("Benchmark one", "Ünïcode — dash", "  spaced   out  ", "x > y", "日本語のタイトル", "a")
             for record in ("ev-1", "ev-300", "rt 7")
             for tail in ("", chip)]
    texts += ["<b>Bold</b> and <i>italic</i> and plain", "<b>Other</b> and <i>words</i> and here",
              'see <a href="https://example.org/x">the link</a> now', 'see <a href="https://example.org/x">a link</a>',
              "Tom &amp; Jerry", "no tags at all", "other words, no tags"]
    with parsing_once():
        for text in texts:
            made = Para(text, style)
            parser = ParaParser()
            parser.caseSensitive = 1
            expected_style, expected, _ = parser.parse(cleanBlockQuotedText(text), style)
            assert made.text == cleanBlockQuotedText(text)
            assert [f.__dict__ for f in made.frags] == [f.__dict__ for f in expected], text
            assert made.style == expected_style


def test_the_remembered_strings_stay_bounded_in_a_long_lived_export_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """An export worker lives as long as the window; the strings it wrote must not pile up export after export."""
    from app.export.formats import pdf_speedups
    monkeypatch.setattr(pdf_speedups, "_REMEMBERED_STRINGS", 50)
    document = pdfdoc.PDFDocument()
    remembered = pdfdoc.PDFString.format.remembered
    for number in range(400):
        made = pdfdoc.PDFString(f"https://example.invalid/framework#{number}")
        assert made.format(document) == pdfdoc.PDFString.format.__wrapped__(made, document)
        assert len(remembered) <= 50
