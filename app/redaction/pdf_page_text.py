"""The text of each PDF page as a reader sees it, read by PDFium (``pypdfium2``), words kept apart.

PDFium is the PDF engine of a widely used browser: the text it extracts is
the text a person can select and copy, drawn off the page, in white or in
invisible render mode included, with each font's ToUnicode map applied and
kerned ``TJ`` arrays read as one word. It reads a page in C, about twenty
times faster than a pure-Python reader.

It has one habit a leak scanner cannot accept: where one text run ends with a
space glyph and the next, placed by its own text matrix, starts with one at
the same spot, it drops both spaces, so a marked passage is glued to the next
word ("zqwktsqzwith") and a withheld phrase or a detector term in it is no
longer a word of its own. So word separation is decided again from where the
glyphs are: PDFium's rectangles of text runs (one per run and line, fetched
in one call per rectangle, not one per character) give the gap between two
runs on a line; where that gap is wider than a sixth of the taller run's height and
no whitespace stands between the runs, a space is put in. Each page yields
its text so spaced, and — where a space was put in — the lines concerned as
PDFium read them, so a word drawn in two runs with a gap is still found as
one word.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterator

from app.model.fast_dataclass import dataclass

GAP_OF_HEIGHT = 1 / 6
"""A gap between two runs on a line wider than this share of the taller run's height (about the
font size) separates words: a space glyph is a quarter to a third of the font size, kerning a few
hundredths. PDFium itself puts a space in from about a quarter."""
SAME_LINE_OF_HEIGHT = 0.5
"""Two runs are on one line when their bottoms differ by less than this share of the text height."""


class PageTextError(Exception):
    """PDFium could not open the file or a page."""


@dataclass(frozen=True)
class PageText:
    number: int
    text: str
    """The page's text, a space put in wherever runs on a line stand apart without one."""
    glued: str
    """The lines a space was put into, as PDFium read them ("" when none was)."""


def page_texts(data: bytes, pages: Callable[[int], range] | None = None) -> Iterator[PageText]:
    """Every page's text, first page first — or, with ``pages``, the pages of the range it gives for
    the document's page count (0-based); raise PageTextError when PDFium cannot read the file."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise PageTextError(str(error)) from None
    try:
        reader = _RunReader(pdfium_c)
        count = len(document)
        for index in pages(count) if pages is not None else range(count):
            try:
                page = document[index]
                textpage = page.get_textpage()
            except pdfium.PdfiumError as error:
                raise PageTextError(f"page {index + 1}: {error}") from None
            try:
                yield reader.read(index + 1, textpage)
            finally:
                textpage.close()
                page.close()
    finally:
        document.close()


class _RunReader:
    """Reads one text page through PDFium's C functions with reused out-parameters."""

    def __init__(self, pdfium_c: object) -> None:
        self._c = pdfium_c
        self._box = [ctypes.c_double() for _ in range(4)]
        self._box_refs = [ctypes.byref(value) for value in self._box]

    def read(self, number: int, textpage: object) -> PageText:
        c: object = self._c
        count = c.FPDFText_CountChars(textpage)  # type: ignore[attr-defined]
        if count <= 0:
            return PageText(number, "", "")
        text = _all_text(c, textpage, count)
        breaks = sorted(set(self._run_breaks(textpage, text)))
        if not breaks:
            return PageText(number, text, "")
        parts: list[str] = []
        cursor = 0
        for position in breaks:
            parts.append(text[cursor:position])
            parts.append(" ")
            cursor = position
        parts.append(text[cursor:])
        return PageText(number, "".join(parts), _lines_at(text, breaks))

    def _rects(self, textpage: object) -> list[tuple[float, float, float, float]]:
        c: object = self._c
        left, top, right, bottom = self._box
        refs = self._box_refs
        get_rect = c.FPDFText_GetRect  # type: ignore[attr-defined]
        rects = []
        for index in range(c.FPDFText_CountRects(textpage, 0, -1)):  # type: ignore[attr-defined]
            if get_rect(textpage, index, *refs):
                rects.append((left.value, top.value, right.value, bottom.value))
        return rects

    def _run_breaks(self, textpage: object, text: str) -> Iterator[int]:
        """Offsets in ``text`` before which a space belongs: the first character of a run that
        stands apart from the run before it on the same line, with no whitespace between them."""
        c: object = self._c
        at_position = c.FPDFText_GetCharIndexAtPos  # type: ignore[attr-defined]
        text_index = c.FPDFText_GetTextIndexFromCharIndex  # type: ignore[attr-defined]
        rects = self._rects(textpage)
        for (_l0, top0, right0, bottom0), (left1, top1, _r1, bottom1) in zip(rects, rects[1:], strict=False):
            height = max(top0 - bottom0, top1 - bottom1)
            if height <= 0 or abs(bottom1 - bottom0) > SAME_LINE_OF_HEIGHT * height:
                continue
            if left1 - right0 <= GAP_OF_HEIGHT * height:
                continue
            char = at_position(textpage, left1 + min(0.5, height / 8), (top1 + bottom1) / 2, 0.5, 0.5)
            if char <= 0:
                continue
            position = text_index(textpage, char)
            if 0 < position < len(text) and not text[position - 1].isspace() and not text[position].isspace():
                yield position


def _all_text(c: object, textpage: object, count: int) -> str:
    """The page's whole text in one call (a buffer with room for characters beyond the BMP,
    which PDFium writes as two UTF-16 units)."""
    size = 2 * count + 2
    buffer = (ctypes.c_ushort * size)()
    written = c.FPDFText_GetText(textpage, 0, count, buffer)  # type: ignore[attr-defined]
    if written <= 0:
        return ""
    return bytes(memoryview(buffer).cast("B")[:2 * (written - 1)]).decode("utf-16-le", "replace")


def _lines_at(text: str, positions: list[int]) -> str:
    """The lines of ``text`` holding ``positions``, each once, in order."""
    lines: list[str] = []
    last_start = -1
    for position in positions:
        start = max(text.rfind("\n", 0, position), text.rfind("\r", 0, position)) + 1
        if start == last_start:
            continue
        end_candidates = [i for i in (text.find("\r", position), text.find("\n", position)) if i != -1]
        end = min(end_candidates) if end_candidates else len(text)
        lines.append(text[start:end])
        last_start = start
    return "\n".join(lines)
