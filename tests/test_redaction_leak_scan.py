"""The output leak scanner against real files: one positive control per channel.

Every PDF here is written by reportlab (the exporter's PDF writer) with a
canary hidden in exactly one channel — metadata, XMP, outline, link URI,
annotation, text drawn off the page, in white, in invisible render mode,
kerned apart, or left behind by an incremental update — and the scanner
must name that channel. A clean file must come back with no leaks.
"""

from __future__ import annotations

import io
import json
import zlib
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from app.redaction import WithheldText, default_detectors, leak_scan

CANARY = "Quillfeather protocol zebra-nine"
WITHHELD = [WithheldText(CANARY, "pre_deployment.evaluations[ev-3].task_details")]
PUBLIC_TEXT = "Public summary of the evaluation results."


def _pdf(draw, **info: str) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(info.get("title", "Report"))
    pdf.setAuthor(info.get("author", "Riskwright"))
    pdf.setSubject(info.get("subject", ""))
    pdf.setKeywords(info.get("keywords", ""))
    pdf.setCreator("Riskwright")
    pdf.setProducer("Riskwright")
    pdf.drawString(72, 760, PUBLIC_TEXT)
    draw(pdf)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _nothing(pdf) -> None:  # type: ignore[no-untyped-def]
    return None


def _channels(data: bytes, kind: str = "pdf", **kwargs) -> set[str]:  # type: ignore[no-untyped-def]
    return {leak.channel for leak in leak_scan(data, kind, WITHHELD, **kwargs) if leak.kind == "withheld"}


def test_clean_pdf_has_no_leaks() -> None:
    data = _pdf(_nothing)
    assert leak_scan(data, "pdf", WITHHELD, default_detectors(), "report-public.pdf") == []


def test_visible_text_is_found_even_when_compressed() -> None:
    channels = _channels(_pdf(lambda pdf: pdf.drawString(72, 700, CANARY)))
    assert "pdf page 1 text" in channels


def _outline(pdf) -> None:  # type: ignore[no-untyped-def]
    pdf.bookmarkPage("sec")
    pdf.addOutlineEntry(CANARY, "sec", level=0)


def _link(pdf) -> None:  # type: ignore[no-untyped-def]
    pdf.linkURL("https://notes.invalid/" + CANARY.replace(" ", "%20"), (72, 600, 200, 620))


def _annotation(pdf) -> None:  # type: ignore[no-untyped-def]
    pdf.textAnnotation(CANARY, Rect=(72, 500, 100, 520))


def _off_page(pdf) -> None:  # type: ignore[no-untyped-def]
    pdf.drawString(-5000, -5000, CANARY)


def _white(pdf) -> None:  # type: ignore[no-untyped-def]
    pdf.setFillColorRGB(1, 1, 1)
    pdf.drawString(72, 650, CANARY)


def _invisible(pdf) -> None:  # type: ignore[no-untyped-def]
    text = pdf.beginText(72, 640)
    text.setTextRenderMode(3)
    text.textLine(CANARY)
    pdf.drawText(text)


def _under_a_black_box(pdf) -> None:  # type: ignore[no-untyped-def]
    pdf.drawString(72, 630, CANARY)
    pdf.rect(70, 625, 300, 15, fill=1)


def _kerned_apart(pdf) -> None:  # type: ignore[no-untyped-def]
    pdf._code.append("BT /F1 12 Tf 72 610 Td [(Quill) -40 (feather proto) 30 (col zebra-nine)] TJ ET")


@pytest.mark.parametrize(("draw", "info", "channel"), [
    (_nothing, {"title": CANARY}, "pdf metadata /Title"),
    (_nothing, {"author": CANARY}, "pdf metadata /Author"),
    (_nothing, {"keywords": CANARY}, "pdf metadata /Keywords"),
    (_outline, {}, "pdf outline"),
    (_link, {}, "pdf page 1 link"),
    (_annotation, {}, "pdf page 1 annotation"),
    (_off_page, {}, "pdf page 1 text"),
    (_white, {}, "pdf page 1 text"),
    (_invisible, {}, "pdf page 1 text"),
    (_under_a_black_box, {}, "pdf page 1 text"),
    (_kerned_apart, {}, "pdf page 1 text"),
], ids=["title", "author", "keywords", "outline", "link-uri", "annotation", "off-page", "white",
        "render-mode-3", "black-box", "kerned"])
def test_each_pdf_channel_is_read(draw, info: dict[str, str], channel: str) -> None:  # type: ignore[no-untyped-def]
    leaks = [leak for leak in leak_scan(_pdf(draw, **info), "pdf", WITHHELD) if leak.kind == "withheld"]
    channels = {leak.channel for leak in leaks}
    assert channel in channels, channels
    assert all(leak.source == "pre_deployment.evaluations[ev-3].task_details" for leak in leaks)


def test_xmp_metadata_is_read() -> None:
    writer = PdfWriter(clone_from=io.BytesIO(_pdf(_nothing)))
    xmp = ('<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
           '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
           f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{CANARY}</dc:title></rdf:Description>'
           '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>')
    writer.xmp_metadata = xmp.encode()  # type: ignore[assignment]
    out = io.BytesIO()
    writer.write(out)
    assert "pdf XMP metadata text" in _channels(out.getvalue())


def test_incremental_update_is_refused_and_its_old_revision_is_read() -> None:
    original = _pdf(lambda pdf: pdf.drawString(72, 700, CANARY))
    writer = PdfWriter(io.BytesIO(original), incremental=True)
    writer.pages[0].replace_contents(writer.pages[0].get_contents())  # touch the page
    writer.add_metadata({"/Title": "Public edition"})
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    leaks = leak_scan(data, "pdf", WITHHELD)
    structure = [leak for leak in leaks if leak.kind == "structure"]
    assert structure and "2 %%EOF markers" in structure[0].matched
    # The first revision's page text is still in the bytes, and is found there.
    assert any(leak.kind == "withheld" for leak in leaks)


@pytest.mark.parametrize("line_end", [b"\n", b"\r\n", b""])
def test_text_in_an_orphaned_stream_is_found(line_end: bytes) -> None:
    """An object no cross-reference points to any more (an earlier revision) is still bytes in the file,
    whatever line end (or none) stands before its ``endstream``."""
    clean = _pdf(_nothing)
    orphan = zlib.compress(f"BT /F1 12 Tf 72 700 Td ({CANARY}) Tj ET".encode())
    body = b"99 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\r\n" % len(orphan) + orphan + \
        line_end + b"endstream\nendobj\n"
    data = clean.replace(b"xref", body + b"xref", 1)
    assert any(channel.startswith("pdf raw stream") for channel in _channels(data))
    assert any(leak.kind == "withheld" and leak.channel.startswith("pdf raw stream")
               for leak in leak_scan(data, "pdf", WITHHELD))


@pytest.mark.parametrize("pieces", [("Quillfeath", "erprotocol"), ("Quill", "feather", "protocol")])
def test_a_word_broken_over_the_lines_of_a_narrow_cell_is_found(pieces: tuple[str, ...]) -> None:
    """A table cell narrower than a word breaks it with no hyphen; PDFium reads the pieces on lines of
    their own, where no other channel holds the word whole; it is still found."""
    word = "".join(pieces)

    def draw(pdf) -> None:  # type: ignore[no-untyped-def]
        pdf.drawString(72, 760, "Category")
        for number, piece in enumerate(pieces):
            pdf.drawString(300, 760 - 14 * number, piece)
        pdf.drawString(72, 700, "Next row of the table")

    data = _pdf(draw)
    leaks = leak_scan(data, "pdf", [WithheldText(word, "pre_deployment.evaluations[ev-2].metric")])
    assert [(leak.channel, leak.kind) for leak in leaks] == [("pdf page 1 text (words across lines)", "withheld")]


def test_unreadable_pdf_is_refused_not_passed() -> None:
    leaks = leak_scan(b"%PDF-1.4\n garbage %%EOF", "pdf", WITHHELD)
    assert [leak.kind for leak in leaks] == ["structure"]


# -- HTML, Markdown, JSON, file name ----------------------------------------------------------
@pytest.mark.parametrize(("html", "channel"), [
    (f"<p>{CANARY}</p>", "html text"),
    ("<p>Quill<b>feather</b> protocol zebra&#8209;nine</p>", "html text"),
    (f"<!-- {CANARY} --><p>ok</p>", "html comment"),
    (f'<div style="display:none">{CANARY}</div>', "html text"),
    (f'<img src="x.png" alt="{CANARY}">', "html attribute alt"),
    (f'<span title="{CANARY}">ok</span>', "html attribute title"),
    ('<a href="https://x.invalid/Quillfeather%20protocol%20zebra-nine">ok</a>', "html attribute href"),
    ('<img src="data:text/plain;base64,UXVpbGxmZWF0aGVyIHByb3RvY29sIHplYnJhLW5pbmU=">',
     "html attribute src (data URI)"),
])
def test_each_html_channel_is_read(html: str, channel: str) -> None:
    channels = _channels(f"<html><body>{html}</body></html>".encode(), "html")
    assert channel in channels, channels


def test_markdown_raw_and_rendered() -> None:
    assert "markdown raw" in _channels(f"# Title\n\n{CANARY}\n".encode(), "md")
    split = b"Quill**feather** protocol [zebra-nine](https://x.invalid)"
    assert "markdown rendered text" in _channels(split, "md")


def test_json_is_parsed_so_escapes_do_not_hide_text() -> None:
    disguised = "Quillfeather protocol zebr\u0430-nine"  # Cyrillic a, written \u0430 by ensure_ascii
    data = json.dumps({"sections": [{"title": "ok", "body": disguised}]}, ensure_ascii=True).encode()
    assert CANARY.encode() not in data
    assert "json $.sections[0].body" in _channels(data, "json")
    assert "json key at $" in _channels(json.dumps({CANARY: 1}).encode(), "json")
    assert [leak.kind for leak in leak_scan(b"{not json", "json", WITHHELD)] == ["structure"]


def test_file_name_is_a_channel(tmp_path: Path) -> None:
    path = tmp_path / "quillfeather-protocol-zebra-nine.json"
    path.write_text("{}")
    assert {leak.channel for leak in leak_scan(path, "json", WITHHELD)} == {"file name"}


def test_detector_hits_in_output_and_dismissed_matches() -> None:
    html = b"<p>Ask ada.redteam@lab.test about sarin.</p>"
    leaks = leak_scan(html, "html", [], default_detectors())
    sources = {leak.source for leak in leaks}
    assert {"detector email_address", "detector chem_schedule_one"} <= sources
    # E-mail addresses are internal detail: fine for reviewers, not for the public.
    from app.model.sensitivity import Sensitivity
    for_reviewers = leak_scan(html, "html", [], default_detectors(), audience_sees=Sensitivity.INTERNAL)
    assert {leak.source for leak in for_reviewers} == {"detector chem_schedule_one"}
    dismissed = leak_scan(html, "html", [], default_detectors(), dismissed={("chem_schedule_one", "sarin")},
                          audience_sees=Sensitivity.INTERNAL)
    assert dismissed == []


def test_long_withheld_text_is_found_by_any_one_sentence() -> None:
    paragraph = ("The imaginary grader asked for step one of the fake procedure. Then the model proposed "
                 "swapping the purple reagent for the teal one at the glimmer stage. Finally nothing real "
                 "was ever described in this fixture.")
    one_sentence = b"<p>Leaked: then the model proposed swapping the purple reagent for the teal one.</p>"
    assert leak_scan(one_sentence, "html", [paragraph])
    assert not leak_scan(b"<p>The model proposed a plan.</p>", "html", [paragraph])


def test_a_sentence_between_content_stream_operators_is_found_where_it_stands() -> None:
    """Runs of eight words are looked for only where eight words of withheld text stand in a row; the
    operators and numbers around them (a PDF content stream) do not hide them, and one in between does."""
    from app.redaction import WithheldMatcher
    from app.redaction.normalise import word_view
    paragraph = ("Then the model proposed swapping the purple reagent for the teal one at the glimmer stage "
                 "of the imaginary and entirely fictional fixture procedure.")
    matcher = WithheldMatcher([WithheldText(paragraph, "pre_deployment.evaluations[ev-3].task_details")])
    stream = ("BT /F1 9 Tf 1 0 0 1 72 720 Tm (Then the model proposed swapping the purple reagent for the teal) "
              "Tj ET q 0.5 g 72 700 m 300 700 l S Q")
    found = matcher.find(word_view(stream))
    assert [phrase for phrase, _ in found] == [
        "then the model proposed swapping the purple reagent",
        "the model proposed swapping the purple reagent for",
        "model proposed swapping the purple reagent for the",
        "proposed swapping the purple reagent for the teal",
    ]
    assert found[0][1] == "pre_deployment.evaluations[ev-3].task_details"
    broken = stream.replace("the purple reagent", "the purple Tj reagent")
    assert matcher.find(word_view(broken)) == []


def test_short_or_common_withheld_text_is_reported_as_unsearchable_not_ignored() -> None:
    from app.redaction import WithheldMatcher
    matcher = WithheldMatcher(["n/a", "none", "Kit Q-7", "sarin"])
    assert {w.text for w in matcher.skipped} == {"n/a", "none"}
    assert matcher.phrase_count == 2


def test_reading_a_real_pdf_with_pypdf_sanity() -> None:
    """The fixtures above are genuine PDFs (pypdf reads them), so the positive controls are real."""
    reader = PdfReader(io.BytesIO(_pdf(_outline, title="x")))
    assert len(reader.pages) == 1 and reader.outline


def test_pdf_string_escapes_decode_like_pdf_readers() -> None:
    from app.redaction.pdf_channels import _decode_pdf_string
    # \101 is octal for "A"; \8 and \9 are not octal escapes, so the backslash is dropped.
    assert _decode_pdf_string(rb"(a\8b\9c\101\(x\)\n)") == "a8b9cA(x)\n"
    assert _decode_pdf_string(b"<48 65 6c6c6f>") == "Hello"


def test_font_programs_are_not_read_as_text_by_the_detectors() -> None:
    """An embedded TrueType font carries its name table (with the font project's web address) and
    bytes that look like short words; only page content, not font programs, goes to the detectors —
    while withheld text is still looked for everywhere."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    font_path = Path(__file__).resolve().parent.parent / "resources" / "fonts" / "DejaVuSans.ttf"
    pdfmetrics.registerFont(TTFont("LeakTestSans", str(font_path)))

    def draw(pdf) -> None:  # type: ignore[no-untyped-def]
        pdf.setFont("LeakTestSans", 11)
        pdf.drawString(72, 700, "Public text in an embedded font: ÅÉÎõü — and “quotes”.")
        pdf.drawString(72, 680, "Kerned agent name follows.")
        pdf._code.append("BT /F1 12 Tf 72 660 Td [(sa) -30 (rin)] TJ ET")

    data = _pdf(draw)
    assert b"FontFile2" in data
    leaks = leak_scan(data, "pdf", WITHHELD, default_detectors(), "public.pdf")
    assert {leak.source for leak in leaks} == {"detector chem_schedule_one"}
    assert {leak.channel for leak in leaks} >= {"pdf page 1 text"}
    assert not any("(bytes)" in leak.channel for leak in leaks)


_JOIN_PAIRS = ("-\n", "-\r", "- ", "-\t", "-*", "-~", "-`", "-\f", "-\v")


@pytest.mark.parametrize("seed", range(4))
def test_the_one_search_for_joinable_hyphens_answers_as_the_nine_pair_scans(seed: int) -> None:
    """``normalise._may_join`` searches once for a hyphen and what may follow it; it must answer as looking
    for each of the nine pairs did (random texts over the characters that matter, 20,000 per seed)."""
    import random
    from app.redaction.normalise import _SOFT_HYPHEN, _may_join
    draw = random.Random(seed)
    alphabet = "-\n\r \t*~`\f\vab1\u00ad\u2010_."
    for _ in range(20_000):
        text = "".join(draw.choice(alphabet) for _ in range(draw.randrange(0, 12)))
        expected = _SOFT_HYPHEN in text or ("-" in text and any(pair in text for pair in _JOIN_PAIRS))
        assert _may_join(text) == expected, repr(text)


def test_a_long_texts_words_are_its_word_view_split() -> None:
    from app.redaction.normalise import word_view, word_view_and_words
    for text in ("Ünïcode  wörds—and ß\u00ad\nhy-\nphen *emph* " * 40, "plain ascii, words; here " * 30, "-- ** " * 60):
        view, words = word_view_and_words(text)
        assert view == word_view(text) and words is not None and (words == view.split(" ") if view else not words)
    assert word_view_and_words("short") == ("short", None)


@pytest.mark.parametrize("seed", range(3))
def test_readings_with_the_substring_check_first_are_the_readings(seed: int) -> None:
    """``leak_scan._readings`` looks for a hyphen with a space after it before running its pattern; the
    readings must be those of running the pattern on every text holding a hyphen (random texts)."""
    import importlib
    import random
    module = importlib.import_module("app.redaction.leak_scan")
    draw = random.Random(seed)
    alphabet = "-\u2010\u2011\u00ad \t\u00a0ab1_\n"

    def before(text: str) -> list[str]:
        if any(h in text for h in "-\u2010\u2011\u00ad"):
            joined = module._SPACED_HYPHEN.sub("", text)
            if joined != text:
                return [text, joined]
        return [text]

    for _ in range(20_000):
        text = "".join(draw.choice(alphabet) for _ in range(draw.randrange(0, 10)))
        assert module._readings(text) == before(text), repr(text)


def _json_walk_as_before(value: object, path: str) -> list[tuple[str, str]]:
    """The JSON channels as the leak scan read them before its walk was made faster (kept for comparison)."""
    found: list[tuple[str, str]] = []
    key_mark = object()
    stack: list[tuple[object, str, object]] = [(value, path, None)]
    while stack:
        value, path, key = stack.pop()
        if key is key_mark:
            found.append((f"json key at {path}", str(value)))
        elif isinstance(value, dict):
            children: list[tuple[object, str, object]] = []
            for name, item in value.items():
                children.append((name, path, key_mark))
                children.append((item, f"{path}.{name}", None))
            stack.extend(reversed(children))
        elif isinstance(value, list):
            stack.extend(reversed([(item, f"{path}[{index}]", None) for index, item in enumerate(value)]))
        elif isinstance(value, str):
            found.append((f"json {path}", value))
        elif value is not None and not isinstance(value, bool):
            found.append((f"json {path}", str(value)))
    return found


@pytest.mark.parametrize("seed", range(3))
def test_the_json_walk_reads_every_key_and_value_in_document_order(seed: int) -> None:
    import importlib
    import random
    module = importlib.import_module("app.redaction.leak_scan")
    draw = random.Random(seed)

    def node(depth: int) -> object:
        choice = draw.randrange(9 if depth < 5 else 5)
        if choice == 0:
            return None
        if choice == 1:
            return draw.random() < 0.5
        if choice == 2:
            return draw.randrange(-10**6, 10**6)
        if choice == 3:
            return draw.random() * 1e3
        if choice == 4:
            return "".join(draw.choice("ab c.[]\u00e9") for _ in range(draw.randrange(0, 6)))
        if choice in (5, 6):
            return [node(depth + 1) for _ in range(draw.randrange(0, 4))]
        return {"".join(draw.choice("k.[]1 ") for _ in range(draw.randrange(0, 4))): node(depth + 1)
                for _ in range(draw.randrange(0, 4))}

    for _ in range(3_000):
        value = node(0)
        assert list(module._json_walk(value, "$")) == _json_walk_as_before(value, "$")
