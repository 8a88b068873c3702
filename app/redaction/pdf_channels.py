"""Every channel of a finished PDF, read by C-backed readers, each byte once.

The output leak scan (``app.redaction.leak_scan``) asks for (channel, text)
pairs; for a PDF these are the ones ``shared/redaction.md`` lists:

* the bytes themselves: exactly one ``%%EOF`` (more means an incremental
  update kept an earlier revision inside), and the file outside its streams
  (comments, dictionaries, anything between objects);
* every stream, decoded once — by qpdf (``pikepdf``) through the filters its
  dictionary names, or, for a stream no cross-reference points to (left over
  from an earlier revision), by trying Flate, ASCII85 and both on the bytes —
  with the string operands in it joined (a kerned ``[(Anth) -20 (rax)] TJ``
  reads "Anthrax");
* the strings and names of every object, the Info dictionary, XMP metadata,
  outline (bookmark) titles, annotations and link URIs;
* each page's words that a line break may have cut (a long word in a narrow table cell), read whole
  and searched for withheld text only (``_words_across_lines``);
* each page's text as a reader sees it, by PDFium (``app.redaction.pdf_page_text``),
  which unlike ``pdftotext`` returns text drawn off the page, in white or in
  invisible render mode. Where this process may fork (``app.redaction.beside``:
  a second core, no other thread, Qt not loaded), a forked child reads the
  pages while this process reads the objects (``_PageReading``): the two
  readers share nothing but the bytes, and the channels come out in the same
  order either way.

Only a page's text and the strings a page or form draws go to the detectors
as well as the withheld-text search; font programs, images and the bytes of
the file hold bytes that look like words, so channels ending in ``(bytes)``
are only searched for withheld text. A channel starting with ``!`` is a
structural problem: the file is refused.
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from collections.abc import Callable, Iterator
from html import unescape
from io import BytesIO
from typing import Any
from urllib.parse import unquote

from app.redaction import beside
from app.redaction.pdf_page_text import PageTextError, page_texts

BINARY = " (bytes)"
BROKEN = " (words across lines)"
_LINE_BREAKS = re.compile(r"[\r\n]+")
_WORD_LINES = 4
"""A word is read across at most this many lines (a narrow cell breaks a long word two or three times)."""
# A literal string (one level of nested brackets) or a hex string. Each character has exactly one reading
# (escape, plain run, nested string), so runs are taken whole and never given back (possessive ``++``/``*+``):
# the same matches as one character per step, several times faster on a content stream.
_PDF_STRING = re.compile(rb"\((?:[^\\()]++|\\.|\((?:[^\\()]++|\\.)*+\))*+\)|<[0-9A-Fa-f\s]+>")
_PDF_NAME = re.compile(rb"/([^\s/\[\]()<>{}%]+)")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM_START = re.compile(rb"(?<!end)stream\r?\n")
_ASCII85 = bytes(range(33, 118)) + b"z~> \t\r\n\f\x00"
_OUTLINE_DEPTH = 64
_OUTLINE_ITEMS = 100_000


def pdf_channels(data: bytes) -> Iterator[tuple[str, str]]:
    """(channel, text) for every place text can hide in a PDF; '!channel' marks a structural problem.

    The pages' text starts being read (``_PageReading``) as soon as this is called, before the
    first channel is asked for, so the caller can prepare its search meanwhile.
    """
    return _read(data, _PageReading(data))


def _read(data: bytes, pages: _PageReading) -> Iterator[tuple[str, str]]:
    with pages:
        yield from _channels(data, pages)


def _channels(data: bytes, pages: _PageReading) -> Iterator[tuple[str, str]]:
    import pikepdf

    eof_markers = data.count(b"%%EOF")
    if eof_markers != 1:
        yield "!pdf structure", f"{eof_markers} %%EOF markers; earlier revisions may still be inside"
    raw_streams = _raw_stream_spans(data)
    yield "pdf raw" + BINARY, _outside(data, raw_streams)
    pdf, problem = _open(data, pikepdf)
    if pdf is None:
        yield "!pdf structure", f"cannot be read ({problem})"
        yield from _orphan_streams(data, raw_streams, None)
        return
    with pdf:
        if problem:
            yield "!pdf structure", problem
        if pdf.is_encrypted:
            yield "!pdf structure", "encrypted; cannot be checked"
            return
        known: set[bytes] = set()
        yield from _objects(pdf, known, pikepdf)
        # A file whose cross-reference table had to be rebuilt holds objects a reader may not see
        # where qpdf found them: every stream in its bytes is read as found there as well.
        yield from _orphan_streams(data, raw_streams, None if problem else known)
        yield from _document_channels(pdf, pikepdf)
    yield from pages.channels()


def _raw_stream_spans(data: bytes) -> list[tuple[int, int]]:
    """Where each stream's bytes stand in the file: from ``stream`` and its line end to the first
    ``endstream`` after it, less one line end before that — what the pattern
    ``(?<!end)stream\\r?\\n(.*?)(?:\\r?\\n)?endstream`` (dot matching all) finds, without trying the end
    at every byte of the stream."""
    spans: list[tuple[int, int]] = []
    position = 0
    while (opening := _STREAM_START.search(data, position)) is not None:
        start = opening.end()
        closing = data.find(b"endstream", start)
        if closing < 0:
            break
        end = closing
        if closing - 2 >= start and data[closing - 2:closing] == b"\r\n":
            end = closing - 2
        elif closing - 1 >= start and data[closing - 1:closing] == b"\n":
            end = closing - 1
        spans.append((start, end))
        position = closing + len(b"endstream")
    return spans


# -- page text ----------------------------------------------------------------------
CHILD_SHARE = 0.63
"""The share of the pages the forked child reads; the scanning process reads the rest once it has read
the objects, and the two finish together: reading the objects costs about as much as 35-38 % of the
pages for every public report kind of the large example (150-310 pages, ~1.7 ms a page)."""


def _child_pages(count: int) -> range:
    return range(0, round(count * CHILD_SHARE))


def _own_pages(count: int) -> range:
    return range(round(count * CHILD_SHARE), count)


def _page_channels(data: bytes, pages: Callable[[int], range] | None = None) -> Iterator[tuple[str, str]]:
    """Each page's text as PDFium reads it (``app.redaction.pdf_page_text``); ``pages`` picks a range."""
    try:
        for page in page_texts(data, pages):
            yield f"pdf page {page.number} text", page.text
            if page.glued:
                yield f"pdf page {page.number} text", page.glued
            broken = _words_across_lines(page.text)
            if broken:
                yield f"pdf page {page.number} text" + BROKEN, broken
    except PageTextError as error:
        yield "!pdf structure", f"page text cannot be extracted ({error})"


def _words_across_lines(text: str) -> str:
    """Every word a line break may have cut, read whole: where a line ends in a word and the next starts
    with one, the two joined — and, while the next line holds that one word only (the middle of a word
    broken twice), joined on with the line after. One word per line of the result.

    A table cell narrower than a word breaks it where the cell ends, with no hyphen: PDFium then reads
    ``zqzgrrbvg`` and ``dqz`` on two lines and neither is the withheld word. Joining every line end with
    the next line start also makes words that were never one ("assessors" + "after"); they are searched
    for withheld text only, which a made-up word matches only by spelling it exactly."""
    lines = [line.split() for line in _LINE_BREAKS.split(text)]
    words: list[str] = []
    for index in range(len(lines) - 1):
        if not lines[index] or not lines[index + 1]:
            continue
        word = lines[index][-1]
        following = index + 1
        while following < len(lines) and lines[following] and following - index < _WORD_LINES:
            word += lines[following][0]
            words.append(word)
            if len(lines[following]) != 1:
                break
            following += 1
    return "\n".join(words)


def _pages_in_child(data: bytes) -> list[tuple[str, str]]:
    """What the forked child works out: the channels of its share of the pages (``beside.Child``)."""
    return list(_page_channels(data, _child_pages))


class _PageReading:
    """The pages' text, read by a forked child (``app.redaction.beside``) while this process reads the
    objects and builds its search.

    The child reads its share of the pages (``CHILD_SHARE``, the first ones)
    from the finished bytes it was handed (a copy of this process's memory at
    the fork) and hands back its (channel, text) pairs; ``channels`` reads the
    remaining pages here, then takes the child's. A child that fails in any
    way has its share read here again: the answer is always the complete one.
    Where this process may not fork (``beside.may_fork``: no second core, other
    threads, Qt loaded), all pages are read here.
    """

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._child: beside.Child | None = None
        if beside.may_fork():
            try:
                self._child = beside.Child(lambda: _pages_in_child(data))
            except OSError:
                self._child = None

    def channels(self) -> Iterator[tuple[str, str]]:
        """Every page's channels, first page first: the child's share, then the rest read here."""
        child, self._child = self._child, None
        if child is None:
            yield from _page_channels(self._data)
            return
        own = list(_page_channels(self._data, _own_pages))  # read while the child finishes its share
        ok, found = child.answer()
        if not ok or not isinstance(found, list):
            found = list(_page_channels(self._data, _child_pages))  # the child failed: its share is read here
        yield from found
        yield from own

    def __enter__(self) -> _PageReading:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __del__(self) -> None:  # channels never asked for: the child is still stopped and reaped
        self.close()

    def close(self) -> None:
        child, self._child = self._child, None
        if child is not None:
            child.close()


def _open(data: bytes, pikepdf: Any) -> tuple[Any, str]:
    """The file opened by qpdf, and a problem ("" for none): a cross-reference table that does
    not match the bytes is rebuilt from them to read on, and reported."""
    try:
        return pikepdf.Pdf.open(BytesIO(data), attempt_recovery=False), ""
    except pikepdf.PasswordError:
        return None, "encrypted; cannot be checked"
    except Exception:  # noqa: BLE001 - read it again with the table rebuilt, or refuse
        pass
    try:
        return (pikepdf.Pdf.open(BytesIO(data)),
                "the cross-reference table does not match the file (damaged, or changed after writing)")
    except Exception as error:  # noqa: BLE001 - any failure to read must refuse, not pass
        return None, type(error).__name__


# -- the bytes ---------------------------------------------------------------------
def _outside(data: bytes, spans: list[tuple[int, int]]) -> str:
    """The file with every stream's bytes left out (each stream is read decoded instead)."""
    parts: list[bytes] = []
    cursor = 0
    for start, end in spans:
        parts.append(data[cursor:start])
        cursor = end
    parts.append(data[cursor:])
    return b" ".join(parts).decode("latin-1")


def _undo_filters(raw: bytes) -> list[bytes]:
    """Decode a stream found in the raw bytes without trusting the (maybe orphaned) dictionary:
    try Flate, ASCII85 and ASCII85 + Flate, the filters PDF writers use for text."""
    found: list[bytes] = []
    candidates = [raw]
    if raw.strip() and not raw.translate(None, _ASCII85):
        try:
            candidates.append(base64.a85decode(raw.strip().removesuffix(b"~>"), adobe=False,
                                               ignorechars=b" \t\r\n\f\x00"))
            found.append(candidates[-1])
        except ValueError:
            pass
    for candidate in candidates:
        try:
            found.append(zlib.decompress(candidate))
        except zlib.error:
            continue
    return found


def _orphan_streams(data: bytes, spans: list[tuple[int, int]], known: set[bytes] | None
                    ) -> Iterator[tuple[str, str]]:
    """Streams in the bytes that no object of the cross-reference table holds (an earlier
    revision's); with ``known`` None, every stream in the bytes."""
    for index, (start, end) in enumerate(spans):
        raw = data[start:end]
        if known is not None and raw.rstrip(b"\r\n") in known:
            continue
        for decoded in _undo_filters(raw):
            yield from _stream_texts(f"pdf raw stream {index + 1}", decoded)


# -- strings in PDF syntax -----------------------------------------------------------
def _decode_pdf_string(token: bytes) -> str:
    if token.startswith(b"<"):
        hexdigits = token[1:-1].translate(None, b" \t\r\n\f\x00")
        if len(hexdigits) % 2:
            hexdigits += b"0"
        raw = binascii.unhexlify(hexdigits)
    else:
        raw = token[1:-1]
        if b"\\" in raw:
            raw = _ESCAPE.sub(_unescape, raw)
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", "replace")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", "replace")
    return raw.decode("latin-1")


_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(match: re.Match[bytes]) -> bytes:
    code = match.group(1)
    if code[:1] in b"01234567":
        return bytes([int(code, 8) & 0xFF])
    return _ESCAPES.get(code, code)


def _strings(syntax: bytes) -> list[str]:
    return [_decode_pdf_string(match.group()) for match in _PDF_STRING.finditer(syntax)]


def _names(syntax: bytes) -> list[str]:
    """The names in PDF syntax (``/Quillfeather#20protocol`` reads "Quillfeather protocol")."""
    outside_strings = _PDF_STRING.sub(b" ", syntax)
    return [_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1)).decode("latin-1")
            for match in _PDF_NAME.finditer(outside_strings)]


def _stream_texts(label: str, data: bytes, content: bool = False) -> Iterator[tuple[str, str]]:
    """A decoded stream, and the string operands in it joined (kerned ``TJ`` arrays read whole).

    Only what a page or form draws holds text; in any other stream (a font
    program, an image) "strings" are bytes that happen to sit in brackets, so
    there — as in every stream found only in the raw bytes — the strings are
    searched for withheld text but not run through the detectors.
    """
    yield label + BINARY, data.decode("latin-1")
    strings = _strings(data)
    if strings:
        kind = "" if content else BINARY
        yield f"{label} strings{kind}", "".join(strings)
        yield f"{label} strings{kind}", " ".join(strings)


# -- objects -----------------------------------------------------------------------------
def _drawing_streams(pdf: Any, pikepdf: Any) -> set[tuple[int, int]]:
    """Streams that draw: page contents, and every form XObject (appearance streams included)."""
    found: set[tuple[int, int]] = set()
    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        parts = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        found.update(part.objgen for part in parts if isinstance(part, pikepdf.Stream))
    return found


def _objects(pdf: Any, known: set[bytes], pikepdf: Any) -> Iterator[tuple[str, str]]:
    """Every object's strings and names; every stream decoded once."""
    drawing = _drawing_streams(pdf, pikepdf)
    names_seen: set[str] = set()
    for obj in pdf.objects:
        number, generation = obj.objgen
        label = f"pdf object {number}"
        is_stream = isinstance(obj, pikepdf.Stream)
        try:
            syntax = (obj.stream_dict if is_stream else obj).unparse(resolved=True)
        except (pikepdf.PdfError, ValueError, TypeError):  # a null or broken object: its bytes are read raw
            syntax = b""
        texts = _strings(syntax)
        for name in _names(syntax):
            if name not in names_seen:
                names_seen.add(name)
                texts.append(name)
        if texts:
            yield label, "\n".join(texts)
        if not is_stream:
            continue
        try:
            raw = obj.read_raw_bytes()
        except pikepdf.PdfError:
            raw = b""
        known.add(raw.rstrip(b"\r\n"))
        content = (number, generation) in drawing or obj.stream_dict.get("/Subtype") == "/Form"
        for decoded in _decoded(obj, raw, pikepdf):
            yield from _stream_texts(f"{label} stream", decoded, content)


def _decoded(stream: Any, raw: bytes, pikepdf: Any) -> list[bytes]:
    """A stream through the filters its dictionary names; with none (or none that work), the
    filters text is usually hidden behind are tried on the bytes."""
    try:
        decoded = stream.read_bytes()
    except (pikepdf.PdfError, ValueError, RuntimeError):
        decoded = None
    if decoded is None or decoded == raw:
        return [raw, *_undo_filters(raw)]
    return [decoded]


# -- metadata, outline, annotations -------------------------------------------------------
def _document_channels(pdf: Any, pikepdf: Any) -> Iterator[tuple[str, str]]:
    for number, page in enumerate(pdf.pages, start=1):
        for annotation in page.obj.get("/Annots") or []:
            if not isinstance(annotation, pikepdf.Dictionary):
                continue
            for text in _strings(annotation.unparse(resolved=True)):
                yield f"pdf page {number} annotation", text
            action = annotation.get("/A")
            if isinstance(action, pikepdf.Dictionary):
                for text in _strings(action.unparse(resolved=True)):
                    yield f"pdf page {number} link", unquote(text)
    info = pdf.trailer.get("/Info")
    if isinstance(info, pikepdf.Dictionary):
        for key, value in info.items():
            for text in _readings(value, pikepdf):
                yield f"pdf metadata {key}", text
    metadata = pdf.Root.get("/Metadata")
    if isinstance(metadata, pikepdf.Stream):
        try:
            xml = metadata.read_bytes().decode("utf-8", "replace")
        except pikepdf.PdfError:
            xml = metadata.read_raw_bytes().decode("latin-1")
        yield "pdf XMP metadata" + BINARY, xml
        yield "pdf XMP metadata text", unescape(re.sub(r"<[^>]*>", " ", xml))
    outlines = pdf.Root.get("/Outlines")
    if isinstance(outlines, pikepdf.Dictionary):
        yield from (("pdf outline", title) for title in _outline_titles(outlines, pikepdf))


def _readings(value: Any, pikepdf: Any) -> list[str]:
    """A string as qpdf reads it (PDFDocEncoding or UTF-16) and, where that differs, as its bytes
    read as Latin-1 (byte 0xAD, undefined in PDFDocEncoding, is a soft hyphen there)."""
    readings = [str(value)]
    if isinstance(value, pikepdf.String):
        raw = bytes(value)
        if not raw.startswith((b"\xfe\xff", b"\xff\xfe", b"\xef\xbb\xbf")):
            latin = raw.decode("latin-1")
            if latin != readings[0]:
                readings.append(latin)
    return readings


def _outline_titles(outlines: Any, pikepdf: Any) -> Iterator[str]:
    """Every title of the outline tree (first child, next sibling), each item once."""
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[Any, int]] = [(outlines.get("/First"), 0)]
    while stack and len(seen) < _OUTLINE_ITEMS:
        item, depth = stack.pop()
        while isinstance(item, pikepdf.Dictionary) and depth <= _OUTLINE_DEPTH:
            key = item.objgen
            if key != (0, 0):
                if key in seen:
                    break
                seen.add(key)
            title = item.get("/Title")
            if title is not None:
                yield from _readings(title, pikepdf)
            child = item.get("/First")
            if child is not None:
                stack.append((child, depth + 1))
            item = item.get("/Next")
