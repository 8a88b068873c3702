"""The output leak scanner: the third wall, run on every finished export.

Given the bytes an exporter wrote (before they are moved into place), the
texts the audience filter withheld, and the detectors, read every channel a
reader or a tool could pull text out of and report any occurrence. The
channels are the ones redaction.md lists as having leaked in real documents:

* PDF (``app.redaction.pdf_channels``) — per-page text (PDFium, which unlike
  pdftotext also returns text drawn off the page, in white or in invisible
  render mode; words kept apart by where the glyphs stand), the Info dictionary,
  XMP metadata, outline (bookmark) titles, annotations and link URIs, every
  string of every object, every decoded stream (content streams' string
  operands joined, so kerned ``[(Anth) -20 (rax)] TJ`` reads "Anthrax"),
  streams left in the bytes by incremental updates, and the raw bytes; and
  exactly one ``%%EOF`` (more means earlier revisions are still inside).
* HTML — the raw file, the visible text (entities decoded), every attribute
  value (URL-decoded; ``data:`` URIs decoded), comments.
* Markdown — the raw file and the text and attributes of its rendering.
* JSON — every key and value after parsing (``ensure_ascii`` escapes defeat a
  byte grep), with the JSON path.
* DOCX — every entry of the package (``app.redaction.leak_scan_docx``).
* The file name.

Withheld text is compared in the word view (``app.redaction.normalise``) as
whole phrases, in each channel as written and with "word- word" splits joined
(a Markdown renderer turns a hyphen at a line break into a hyphen and a space).
Long texts are cut into overlapping runs of eight words, so a single sentence
of a withheld paragraph is found on its own. Text too short to search without
false alarms (under five letters, or one very common word) is listed in
``WithheldMatcher.skipped`` rather than silently ignored.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Collection, Iterable, Iterator
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote

from app.model.fast_dataclass import dataclass
from app.model.sensitivity import Sensitivity
from app.redaction import beside
from app.redaction.beside import split_map
from app.redaction.detectors import DetectorSet
from app.redaction.filtering import WithheldText
from app.redaction.normalise import word_list, word_view, word_view_and_words
from app.redaction.pdf_channels import pdf_channels
from app.redaction.phrase_index import PhraseIndex

KINDS = ("pdf", "html", "md", "json", "docx")
BINARY = " (bytes)"
"""Channels ending so hold bytes and markup (a font's name table, XML namespaces); only
withheld text is looked for there, since detectors would fire on the format itself."""
BROKEN = " (words across lines)"
"""Channels ending so hold words made by joining the last word of a line with the first of the next
(a word the layout broke in a narrow table cell, read whole); only withheld text is looked for there,
since ordinary neighbouring words joined would trip the detectors."""
WITHHELD_ONLY = (BINARY, BROKEN)
SHINGLE_WORDS = 8
_COMMON = frozenset({
    "none", "unknown", "pending", "internal", "public", "hazardous", "redacted", "withheld", "detail",
    "details", "other", "notes", "results", "result", "summary", "yes", "tbd", "n a", "not applicable",
})


def common_text(phrase: str) -> bool:
    """Whether a word view is one of the words too common to search for (``none``, ``n a``, ``results`` …)."""
    return phrase in _COMMON


class AuthoredHits(Protocol):
    """What people wrote that the audience sees (``app.redaction.authored.Authored``)."""

    def open_texts(self, dismissed: Collection[tuple[str, str]]) -> list[tuple[str, str, str]]: ...

    def wrote(self, detector_id: str, normalised: str, dismissed: Collection[tuple[str, str]]) -> bool: ...


@dataclass(frozen=True)
class Leak:
    channel: str
    """Where in the output: ``pdf page 3 text``, ``html attribute alt``, ``json $.sections[2].title`` …"""
    matched: str
    """What was found there (normalised), shortened for messages."""
    source: str | None
    """The field it came from (withheld text) or ``detector <id>``; None for structural problems."""
    kind: str
    """``withheld``, ``detector``, ``echo`` or ``structure``."""

    def __str__(self) -> str:
        origin = f" (from {self.source})" if self.source else ""
        what = {"withheld": "withheld text", "detector": "detector hit", "echo": "echo of withheld text",
                "structure": "problem"}[self.kind]
        return f"{self.channel}: {what} {self.matched!r}{origin}"


class WithheldMatcher:
    """Finds withheld texts in the word view of a channel (one Aho–Corasick automaton over words,
    ``app.redaction.phrase_index``)."""

    def __init__(self, texts: Iterable[str | WithheldText], every: bool = False) -> None:
        """``every``: search even short or common texts (they were matched by a detector or as an echo)."""
        self.skipped: list[WithheldText] = []
        self.phrase_count = 0
        index: PhraseIndex[str | None] = PhraseIndex()
        for item in texts:
            entry = item if isinstance(item, WithheldText) else WithheldText(item, "")
            words = word_list(entry.text)
            letters = sum(map(len, words))
            key = " ".join(words)
            if not words or (not every and (letters < 5 or key in _COMMON)):
                if words:
                    self.skipped.append(entry)
                continue
            self.phrase_count += index.add_text(words, SHINGLE_WORDS, entry.source or None)
        index.freeze()
        self._index = index

    def find(self, view: str, words: list[str] | None = None) -> list[tuple[str, str | None]]:
        """(phrase, source) for every withheld phrase standing as whole words in ``view`` (a word view;
        ``words``: its words, ``view.split(" ")``, when the caller has them)."""
        return self._index.find(view, words)


def leak_scan(output: Path | str | bytes, kind: str,
              withheld_texts: Iterable[str | WithheldText] | WithheldMatcher = (),
              detectors: DetectorSet | None = None, file_name: str | None = None,
              dismissed: Collection[tuple[str, str]] = (),
              audience_sees: Sensitivity = Sensitivity.PUBLIC, authored: AuthoredHits | None = None) -> list[Leak]:
    """Every leak found in a finished export; an empty list means the file may be published.

    ``output`` is the file (a path) or its bytes; ``kind`` one of pdf, html, md,
    json. ``dismissed`` holds (detector id, normalised match) pairs a person
    dismissed, which are then allowed. Only detectors whose level is above
    ``audience_sees`` count (e-mail addresses are fine for reviewers). With
    ``authored`` (``app.redaction.authored``) a detector hit counts only when it
    is a hit in text an assessor wrote that the audience sees and nobody
    dismissed: generated text (dates, cadence notes, tick labels) never refuses.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown output kind {kind!r}; expected one of {', '.join(KINDS)}")
    if isinstance(output, (str, Path)):
        path = Path(output)
        data = path.read_bytes()
        file_name = file_name if file_name is not None else path.name
    else:
        data = bytes(output)
    readers = {"pdf": pdf_channels, "json": json_channels, "docx": _docx_channels}
    # A PDF's pages, a Markdown or HTML file's markup start being read now (in a forked child where one may be).
    markup = _MarkupReading(kind, data) if kind in _MARKUP_KINDS else None
    channels: Iterator[tuple[str, str]] = iter(()) if markup is not None else readers[kind](data)
    matcher = withheld_texts if isinstance(withheld_texts, WithheldMatcher) else WithheldMatcher(withheld_texts)
    leaks: dict[tuple[str, str, str | None, str], Leak] = {}

    def add(leak: Leak) -> None:
        leaks.setdefault((leak.channel, leak.matched, leak.source, leak.kind), leak)

    allowed = set(dismissed)
    written, kinds = None, {}
    if authored is not None:
        texts = authored.open_texts(allowed)
        kinds = {source: kind for _, source, kind in texts}
        written = WithheldMatcher((WithheldText(text, source) for text, source, _ in texts), every=True)

    def found_in(raw: str, binary: bool) -> list[tuple[str, str | None, str]]:
        """(matched, source, kind) of every leak in one channel's text."""
        found: list[tuple[str, str | None, str]] = []
        for text in _readings(raw):
            view, words = word_view_and_words(text)  # a long text is split into words once, for both searches
            for phrase, source in matcher.find(view, words):
                found.append((_short(phrase), source, "withheld"))
            if written is not None and not binary:
                for phrase, source in written.find(view, words):
                    found.append((_short(phrase), source, kinds.get(source or "", "detector")))
            if detectors is not None and not binary:
                for spec, matched in detectors.matches(text, view):
                    if spec.sensitivity <= audience_sees:
                        continue
                    if authored is not None:
                        if not authored.wrote(spec.id, word_view(matched), allowed):
                            continue
                    elif (spec.id, word_view(matched)) in allowed:
                        continue
                    found.append((_short(matched), f"detector {spec.id}", "detector"))
        return found

    # A finished file repeats texts (a JSON report holds ~136,000 values, ~12,000 of them different):
    # what a text holds is worked out once and reported for every channel it stands in. The different
    # texts are shared with a forked child where that is safe (``app.redaction.beside``), each text read
    # by one process; a child that fails has its share read here.
    searched: dict[tuple[str, bool], list[tuple[str, str | None, str]]] = {}
    if markup is not None:
        # The raw file is searched here while the child parses its markup: the largest text, at hand at once.
        with markup:
            channel, raw = markup.early[0]
            if raw and not channel.startswith("!"):
                key = (raw, channel.endswith(WITHHELD_ONLY))
                searched[key] = found_in(*key)
            channels = iter([*markup.early, *markup.rest()])
    read = list(_with_name(channels, file_name))
    different: dict[tuple[str, bool], int] = {}
    for channel, raw in read:
        if raw and not channel.startswith("!"):
            different.setdefault((raw, channel.endswith(WITHHELD_ONLY)), len(different))
    todo = [key for key in different if key not in searched]
    searched.update(zip(todo, split_map(lambda key: found_in(*key), todo, [len(raw) + _PER_TEXT for raw, _ in todo]),
                        strict=True))
    found = [searched[key] for key in different]
    anything = any(found)
    for channel, raw in read:
        if channel.startswith("!"):
            add(Leak(channel[1:], raw, None, "structure"))
            continue
        if not raw or not anything:
            continue
        for matched, source, kind in found[different[(raw, channel.endswith(WITHHELD_ONLY))]]:
            add(Leak(channel, matched, source, kind))
    return list(leaks.values())


_PER_TEXT = 200
"""What reading one more text costs beside its length, in characters (for sharing the work fairly)."""


# Written to start with the hyphen itself, so the regex engine skips to hyphens quickly.
_SPACED_HYPHEN = re.compile(r"[-\u2010\u2011\u00ad](?<=[^\W_][-\u2010\u2011\u00ad])[ \t\u00a0]+(?=[^\W_])")


def _readings(text: str) -> list[str]:
    """The ways a reader may read ``text``: as it is, and — where a word ends in a hyphen
    followed by spaces ("anth- rax", what a Markdown renderer makes of a hyphen at a line
    break) — with those halves joined."""
    # ``_SPACED_HYPHEN`` needs a hyphen with a space, tab or no-break space right after it: looked for first
    # with substring searches (a content stream holds hyphens in its numbers, rarely one of these pairs).
    for hyphen in _HYPHENS:
        if hyphen in text and (hyphen + " " in text or hyphen + "\t" in text or hyphen + "\u00a0" in text):
            joined = _SPACED_HYPHEN.sub("", text)
            if joined != text:
                return [text, joined]
            break
    return [text]


_HYPHENS = ("-", "\u2010", "\u2011", "\u00ad")


def _with_name(channels: Iterator[tuple[str, str]], file_name: str | None) -> Iterator[tuple[str, str]]:
    if file_name:
        yield "file name", file_name
    yield from channels


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


_READER_MODULES = {"md": ("cmarkgfm",), "docx": ("app.redaction.leak_scan_docx", "PIL.Image"),
                   "pdf": ("pikepdf", "pypdfium2", "pypdfium2.raw")}


def warm_reader(kind: str) -> None:
    """Import what reading a ``kind`` file takes (the exporting process calls this while another process
    writes the file, so the imports are not on the way). Reading needs nothing else from this; an import
    that fails here fails again, and is reported, when the file is read."""
    import contextlib
    import importlib
    for module in _READER_MODULES.get(kind, ()):
        with contextlib.suppress(ImportError):
            importlib.import_module(module)


def _docx_channels(data: bytes) -> Iterator[tuple[str, str]]:
    from app.redaction.leak_scan_docx import docx_channels  # lxml is imported only for a DOCX file
    return docx_channels(data)


# -- HTML and Markdown ---------------------------------------------------------
class _HtmlReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.comments: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes.extend((name, value) for name, value in attrs if value)

    handle_startendtag = handle_starttag

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def handle_decl(self, decl: str) -> None:
        self.comments.append(decl)

    def handle_pi(self, data: str) -> None:
        self.comments.append(data)

    def unknown_decl(self, data: str) -> None:
        self.comments.append(data)


def _data_uri(value: str) -> str | None:
    head, sep, body = value.partition(",")
    if not sep or not head.lower().startswith("data:"):
        return None
    try:
        raw = base64.b64decode(body, validate=False) if ";base64" in head.lower() else unquote(body).encode()
    except (binascii.Error, ValueError):
        return None
    return raw.decode("utf-8", "replace")


def _html_text_channels(prefix: str, text: str) -> Iterator[tuple[str, str]]:
    reader = _HtmlReader()
    reader.feed(text)
    reader.close()
    yield f"{prefix} text", "".join(reader.text)
    yield f"{prefix} text", " ".join(reader.text)
    for name, value in reader.attributes:
        yield f"{prefix} attribute {name}", value
        decoded = unquote(value)
        if decoded != value:
            yield f"{prefix} attribute {name}", decoded
        inner = _data_uri(value)
        if inner is not None:
            yield f"{prefix} attribute {name} (data URI)", inner
            yield from _html_text_channels(f"{prefix} attribute {name} (data URI)", inner)
    for comment in reader.comments:
        yield f"{prefix} comment", comment


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def html_channels(data: bytes) -> Iterator[tuple[str, str]]:
    text = _decode(data)
    yield from _raw_markup_channels("html", text)
    yield from _parsed_markup_channels("html", text)


_MARKUP_KINDS = frozenset({"md", "html"})


def _raw_markup_channels(kind: str, text: str) -> list[tuple[str, str]]:
    """The channels of a Markdown or HTML file that need no parsing, as the first ``markdown_channels`` or
    ``html_channels`` gives them."""
    if kind == "md":
        return [("markdown raw", text)]
    return [("html raw" + BINARY, text), ("html raw, entities decoded" + BINARY, unescape(text))]


def _parsed_markup_channels(kind: str, text: str) -> list[tuple[str, str]]:
    """The channels of a Markdown or HTML file that its parsed markup gives: the rest of
    ``markdown_channels`` or ``html_channels``, in their order."""
    if kind == "md":
        import cmarkgfm
        from cmarkgfm.cmark import Options
        rendered = cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)
        return list(_html_text_channels("markdown rendered", rendered))
    return list(_html_text_channels("html", text))


class _MarkupReading:
    """A Markdown or HTML file's channels in two parts: ``early``, the raw text, at hand at once, and
    ``rest()``, the text, attributes and comments of its parsed markup — parsed by a forked child
    (``app.redaction.beside``) from the finished bytes while the scanning process searches the raw text,
    or here where no child may be forked or the child fails in any way. Together they are exactly
    ``markdown_channels``/``html_channels`` of the bytes, in the same order."""

    def __init__(self, kind: str, data: bytes) -> None:
        self._child: beside.Child | None = None
        self._kind = kind
        self._text = _decode(data)
        self.early = _raw_markup_channels(kind, self._text)
        if beside.may_fork():
            try:
                self._child = beside.Child(lambda: _parsed_markup_channels(kind, self._text))
            except OSError:
                self._child = None

    def rest(self) -> list[tuple[str, str]]:
        child, self._child = self._child, None
        if child is not None:
            ok, found = child.answer()
            if ok and isinstance(found, list) and all(
                    isinstance(pair, tuple) and len(pair) == 2 and all(type(part) is str for part in pair)
                    for pair in found):
                return found
        return _parsed_markup_channels(self._kind, self._text)  # the child failed: parsed here

    def __enter__(self) -> _MarkupReading:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __del__(self) -> None:  # rest() never asked for (an error before it): the child is still reaped
        self.close()

    def close(self) -> None:
        child, self._child = self._child, None
        if child is not None:
            child.close()


def markdown_channels(data: bytes) -> Iterator[tuple[str, str]]:
    """The raw file, and the text and attributes of its rendering by cmark-gfm (GitHub's C renderer,
    with raw HTML kept: a comment or a hidden block in the file is read, not left out)."""
    text = _decode(data)
    yield from _raw_markup_channels("md", text)
    yield from _parsed_markup_channels("md", text)


# -- JSON ------------------------------------------------------------------------
def json_channels(data: bytes) -> Iterator[tuple[str, str]]:
    try:
        parsed = json.loads(_decode(data))
    except json.JSONDecodeError as error:
        yield "!json structure", f"not valid JSON ({error.msg} at line {error.lineno}); cannot be checked"
        return
    yield from _json_walk(parsed, "$")


def _json_walk(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every key and scalar with its JSON path, in document order: a key, then what it holds. One
    generator walks a stack of the open containers' item iterators (a report nests ten deep, and nested
    generators would pass each of its ~100,000 values up through every level); an item's path is made
    as the item is reached, a key's channel names the container it stands in."""
    if not isinstance(value, (dict, list)):
        yield from _json_leaf(value, path)
        return
    stack = [_json_items(value, path)]
    while stack:
        for key, item, where, container in stack[-1]:
            if key is not _NO_KEY:
                yield f"json key at {container}", str(key)
            if isinstance(item, (dict, list)):
                stack.append(_json_items(item, where))
                break
            if isinstance(item, str):
                yield f"json {where}", item
            elif item is not None and not isinstance(item, bool):
                yield f"json {where}", str(item)
        else:
            stack.pop()


_NO_KEY = object()


def _json_items(container: dict[Any, Any] | list[Any], path: str) -> Iterator[tuple[Any, Any, str, str]]:
    """(key or _NO_KEY, item, the item's path, the container's path) for each item of ``container``."""
    if isinstance(container, dict):
        return ((key, item, f"{path}.{key}", path) for key, item in container.items())
    return ((_NO_KEY, item, f"{path}[{index}]", path) for index, item in enumerate(container))


def _json_leaf(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield f"json {path}", value
    elif value is not None and not isinstance(value, bool):
        yield f"json {path}", str(value)


