"""Normalised views of text, so a disguised word still matches.

Detectors and the leak scanner never match raw text. redaction.md lists the
disguises seen to slip past naive matching — zero-width characters and soft
hyphens inside a word, fullwidth or mathematical letters, inserted combining
accents, look-alike letters from other scripts, a word split by a hyphen and a
line break, Markdown emphasis inside a word, Turkish dotted capital I and
German sharp s — and each is undone here:

* the **word view** (term lists, withheld text): NFKD, case-folded, soft
  hyphens and hyphen + line-break joined, format characters (Cf) and combining
  marks dropped, non-ASCII characters mapped to their confusable prototype
  (Unicode TS #39 skeleton data, vendored in ``schemas/detectors/``), Markdown
  emphasis inside a word removed, and then reduced to its words (letters and
  digits) separated by single spaces — so hyphens, underscores, punctuation and
  any whitespace all fold to one space.
* the **pattern view** (sequences, keys, addresses): NFKD with format
  characters and combining marks dropped and look-alikes mapped, but case,
  digits and punctuation kept, because patterns depend on them.

ASCII characters are never remapped by the skeleton (UTS #39 would map ``0`` to
``o`` and ``m`` to ``rn``): the disguises that matter here are cross-script,
and keeping ASCII as it is lets most text take a fast path.

Each view has a fast form (C-level string operations, used for detection over
megabytes) and a *mapped* form that also returns, for every character of the
view, the offset of the original character it came from; the mapped form is
only computed for text that has hits, to put flags at the right place in the
document. Offsets in a view do not map back one to one — redaction always
happens in the document model, never in a view.
"""

from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from app.content.locate import content_path

_DROPPED_CATEGORIES = frozenset({"Cf", "Mn", "Me"})
_SOFT_HYPHEN = "\u00ad"
# A soft hyphen never separates words; a hyphen at the end of a line joins the
# word with the next line (the PDF / typesetting split). Runs after format
# characters and combining marks are dropped (so none can sit between the
# hyphen and the line break) but before the soft hyphen, a format character
# itself, is dropped.
_JOIN = re.compile(r"-(?:[^\S\n]|[*~`\u00ad])*\n(?:\s|[*~`\u00ad])*|\u00ad(?:\s|[*~`\u00ad])*")
"""Markdown emphasis markers next to the break (``anth-**\nrax**``) are part of the join."""
# Written to start with the marker itself, so the regex engine skips to markers quickly.
_EMPHASIS = re.compile(r"[*~`](?<=[^\W_][*~`])[*~`]*(?=[^\W_])")
_WORD = re.compile(r"[^\W_]+")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


@cache
def confusable_prototypes() -> dict[str, str]:
    """UTS #39 source → prototype, from the vendored generated file."""
    path = content_path("schemas", "detectors", "confusables.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    entries = {**data.get("supplement", {}), **data["mapping"]}
    return {chr(int(source, 16)): "".join(chr(int(code, 16)) for code in target.split())
            for source, target in entries.items()}


def _fixpoint(char: str, step: Callable[[str], str]) -> str:
    text = char
    for _ in range(10):
        following = step(text)
        if following == text:
            break
        text = following
    return text


def _folder(casefold: bool) -> Callable[[str], str]:
    prototypes = confusable_prototypes()

    def step(text: str) -> str:
        text = unicodedata.normalize("NFKD", text)
        if casefold:
            text = text.casefold()
        out: list[str] = []
        for ch in text:
            if unicodedata.category(ch) == "Pd":
                ch = "-"
            elif not ch.isascii():
                prototype = prototypes.get(ch, ch)
                # A punctuation mark or symbol that looks like a letter of another
                # script (an em dash like a katakana prolonged sound mark) must not
                # glue two words together; one that looks like a Latin letter or
                # digit (an inverted exclamation mark like i) is mapped.
                if ch.isalnum() or (prototype.isascii() and prototype.isalnum()) or not casefold:
                    ch = prototype
            for part in unicodedata.normalize("NFKD", ch):
                category = unicodedata.category(part)
                if category in _DROPPED_CATEGORIES:
                    continue
                out.append("-" if category == "Pd" else part)
        return "".join(out)
    return step


@cache
def _special_characters() -> tuple[str, ...]:
    """Every non-ASCII character whose folding may differ from itself."""
    found = set(confusable_prototypes())
    for code in range(0x80, 0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        if unicodedata.category(chr(code)) in _DROPPED_CATEGORIES or unicodedata.category(chr(code)) == "Pd":
            found.add(chr(code))
    return tuple(sorted(c for c in found if not c.isascii()))


@cache
def _divergent_characters() -> frozenset[str]:
    """Characters whose words differ between the word view and the lower-cased pattern view."""
    return _folding()[2]


def _build_divergent(word_table: dict[int, str], pattern_table: dict[int, str]) -> frozenset[str]:
    """Characters whose words differ between the word view and the lower-cased pattern view.

    For text without them (and without a possible hyphen join or emphasis inside
    a word, see ``pattern_view_gated``) every word of the word view occurs in the
    lower-cased pattern view, so the pattern view can answer "could a term be
    here?" and the word view is only built when it might be.
    """
    candidates = set(_special_characters())
    for code in range(0x80, 0x110000):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        if unicodedata.decomposition(char) or char.lower() != char or char.casefold() != char:
            candidates.add(char)
    divergent = set()
    for char in candidates:
        in_words = "".join(c.translate(word_table).translate(_NON_WORD) if not c.isascii() else c
                           for c in unicodedata.normalize("NFKD", char).casefold())
        in_patterns = unicodedata.normalize("NFKD", char).translate(pattern_table).lower()
        in_patterns = "".join(c if c.isalnum() else " " for c in in_patterns)
        if " ".join(in_words.translate(_ASCII_SEPARATORS).split()) != " ".join(in_patterns.split()):
            divergent.add(char)
    return frozenset(divergent)


@cache
def _table(casefold: bool) -> dict[int, str]:
    """``str.translate`` table folding every special character (word view: ``casefold``)."""
    word_table, pattern_table, _ = _folding()
    return word_table if casefold else pattern_table


@cache
def _folding() -> tuple[dict[int, str], dict[int, str], frozenset[str]]:
    """The word-view table, the pattern-view table and the divergent characters, from the cache
    folder when an earlier run worked them out from the same Unicode data, confusables and code."""
    from app.content.derived_cache import cached
    try:
        code = Path(__file__).read_bytes()
    except OSError:  # a frozen bundle: its version names the code
        code = b""
    inputs = [unicodedata.unidata_version.encode(), content_path("schemas", "detectors", "confusables.json")
              .read_bytes(), code]
    return cached("confusable-folding", inputs, _build_folding, _encode_folding, _decode_folding)


def _build_folding() -> tuple[dict[int, str], dict[int, str], frozenset[str]]:
    word_table, pattern_table = _build_table(True), _build_table(False)
    return word_table, pattern_table, _build_divergent(word_table, pattern_table)


def _encode_folding(folding: tuple[dict[int, str], dict[int, str], frozenset[str]]) -> dict[str, object]:
    word_table, pattern_table, divergent = folding
    return {"word": {str(code): text for code, text in word_table.items()},
            "pattern": {str(code): text for code, text in pattern_table.items()},
            "divergent": "".join(sorted(divergent))}


def _decode_folding(data: dict[str, Any]) -> tuple[dict[int, str], dict[int, str], frozenset[str]]:
    word = {int(code): str(text) for code, text in data["word"].items()}
    pattern = {int(code): str(text) for code, text in data["pattern"].items()}
    if not word or not pattern:
        raise ValueError("empty folding table")
    return word, pattern, frozenset(data["divergent"])


def _build_table(casefold: bool) -> dict[int, str]:
    step = _folder(casefold)
    table: dict[int, str] = {}
    for char in _special_characters():
        folded = _fixpoint(char, step)
        if folded != char:
            table[ord(char)] = folded
    if casefold:
        del table[ord(_SOFT_HYPHEN)]  # kept for _JOIN, which removes it
    return table


def _delete(text: str, origin: list[int], pattern: re.Pattern[str]) -> tuple[str, list[int]]:
    parts: list[str] = []
    kept: list[int] = []
    cursor = 0
    for match in pattern.finditer(text):
        parts.append(text[cursor:match.start()])
        kept.extend(origin[cursor:match.start()])
        cursor = match.end()
    if not parts:
        return text, origin
    parts.append(text[cursor:])
    kept.extend(origin[cursor:])
    return "".join(parts), kept


def _expand(text: str, per_char: Callable[[str], str], ascii_part: Callable[[str], str]) -> tuple[str, list[int]]:
    """Apply ``per_char`` to each non-ASCII character and ``ascii_part`` (which must keep
    lengths) to each ASCII stretch, recording where every output character came from."""
    parts: list[str] = []
    origin: list[int] = []
    cursor = 0
    for run in _NON_ASCII_RUN.finditer(text):
        if run.start() > cursor:
            parts.append(ascii_part(text[cursor:run.start()]))
            origin.extend(range(cursor, run.start()))
        for index in range(run.start(), run.end()):
            piece = per_char(text[index])
            parts.append(piece)
            origin.extend([index] * len(piece))
        cursor = run.end()
    if cursor < len(text):
        parts.append(ascii_part(text[cursor:]))
        origin.extend(range(cursor, len(text)))
    return "".join(parts), origin


# -- the word view ---------------------------------------------------------
_ASCII_SEPARATORS = {code: " " for code in range(128) if not chr(code).isalnum()}


class _NonWordToSpace(dict):  # type: ignore[type-arg]
    """str.translate table: non-ASCII letters and digits stay, anything else becomes a space."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        value = char if code < 128 or char.isalnum() or char == _SOFT_HYPHEN else " "
        self[code] = value
        return value


_NON_WORD = _NonWordToSpace()


def decomposed(text: str) -> str:
    """NFKD of ``text`` — the first step of both views; compute it once and pass it on."""
    return text if text.isascii() else unicodedata.normalize("NFKD", text)


_MAY_JOIN = re.compile("-[\n\r \t*~`\f\v]")
"""A hyphen followed by a line end, a space or tab, or an emphasis marker: where ``_JOIN`` may join."""


def _may_join(folded: str) -> bool:
    # One search for the nine pairs (hyphen, then one of them) instead of nine scans of the text: a content
    # stream or a report's text holds hyphens (negative numbers, dates) but often none of the pairs.
    return _SOFT_HYPHEN in folded or ("-" in folded and _MAY_JOIN.search(folded) is not None)


def word_list(text: str, nfkd: str | None = None) -> list[str]:
    """The words of the word view (fast path: C-level string operations only).

    ``nfkd`` is ``decomposed(text)`` if the caller already has it.
    """
    if text.isascii():
        folded = text.lower()
    else:
        folded = (nfkd if nfkd is not None else unicodedata.normalize("NFKD", text)).casefold()
        table = _table(True)
        folded = _NON_ASCII_RUN.sub(lambda run: run.group().translate(table).translate(_NON_WORD), folded)
    if _may_join(folded):
        folded = _JOIN.sub("", folded)
    if "*" in folded or "~" in folded or "`" in folded:
        folded = _EMPHASIS.sub("", folded)
    if folded.isascii():
        return folded.translate(_ASCII_SEPARATORS).split()
    return _WORD.findall(folded)


def word_view_and_words(text: str) -> tuple[str, list[str] | None]:
    """``word_view(text)`` and, for a long text, its words (``word_list(text)``, which are exactly
    ``word_view(text).split(" ")`` when there are any): a caller that searches the view word by word
    (``app.redaction.phrase_index``) need not split it again. None for a short text, whose view is
    remembered (``word_view``)."""
    if len(text) > _REMEMBERED_CHARS:
        words = word_list(text)
        return " ".join(words), words
    return word_view(text), None


def word_view(text: str) -> str:
    """Lower-case words separated by single spaces, every listed disguise undone."""
    if len(text) > _REMEMBERED_CHARS:
        return " ".join(word_list(text))
    view = _VIEWS.get(text)
    if view is None:
        if len(_VIEWS) >= _REMEMBERED_VIEWS:
            _VIEWS.clear()
        view = _VIEWS[text] = " ".join(word_list(text))
    return view


_REMEMBERED_CHARS = 256
_REMEMBERED_VIEWS = 65_536
_VIEWS: dict[str, str] = {}
"""Word views of short texts seen before: a finished report repeats its placeholders, levels and
labels thousands of times (a JSON export has ~136,000 values, ~12,000 of them different)."""


normalise = word_view
"""The comparison form used everywhere ("contains" means: in the word view)."""


def _folded_with_origin(text: str) -> tuple[str, list[int]]:
    """The word view before it is cut into words, with each character's original offset."""
    table = _table(True)

    def fold(char: str) -> str:
        folded = unicodedata.normalize("NFKD", char).casefold()
        return "".join(c.translate(table).translate(_NON_WORD) if not c.isascii() else c for c in folded)

    folded, origin = _expand(text, fold, str.lower)
    folded, origin = _delete(folded, origin, _JOIN)
    return _delete(folded, origin, _EMPHASIS)


def word_view_mapped(text: str) -> tuple[str, list[int]]:
    """The word view and, per character, the offset of the original character."""
    folded, origin = _folded_with_origin(text)
    words: list[str] = []
    word_origin: list[int] = []
    for match in _WORD.finditer(folded):
        if words:
            words.append(" ")
            word_origin.append(origin[match.start()])
        words.append(match.group())
        word_origin.extend(origin[match.start():match.end()])
    return "".join(words), word_origin


def _word_spans_to_original(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """The word view of ``text`` and the original offsets of ``spans`` of it.

    Like ``word_view_mapped`` but without building a per-character map of the
    whole view: only the word starts are recorded, and only the spans asked for
    are mapped.
    """
    folded, origin = _folded_with_origin(text)
    starts: list[int] = []
    ends: list[int] = []
    view_starts: list[int] = []
    length = 0
    for match in _WORD.finditer(folded):
        if starts:
            length += 1
        starts.append(match.start())
        ends.append(match.end())
        view_starts.append(length)
        length += match.end() - match.start()
    view = " ".join(folded[a:b] for a, b in zip(starts, ends, strict=True))

    def folded_offset(position: int) -> int:
        word = bisect_right(view_starts, position) - 1
        return starts[word] + (position - view_starts[word])

    placed = []
    for start, end in spans:
        first = origin[folded_offset(start)]
        last = origin[folded_offset(end - 1)] + 1
        placed.append((first, last))
    return view, placed


# -- the pattern view --------------------------------------------------------
def pattern_view(text: str, nfkd: str | None = None) -> str:
    """Text for regular-expression detectors: disguises undone, case and punctuation kept."""
    if text.isascii():
        return text
    table = _table(False)
    return _NON_ASCII_RUN.sub(lambda run: run.group().translate(table),
                              nfkd if nfkd is not None else unicodedata.normalize("NFKD", text))


_LOOSE_JOIN = re.compile(r"-[^\w\n]*\n\W*")


def pattern_view_gated(text: str, nfkd: str | None = None) -> tuple[str, bool]:
    """The pattern view, and whether ``gate_texts`` of it can stand in for the word view.

    False when the text holds a character the two views fold differently (``ß``,
    a Greek capital …) or a soft hyphen: then only the word view can tell which
    words there are.
    """
    if text.isascii():
        return text, True
    if _SOFT_HYPHEN in text:
        return pattern_view(text, nfkd), False
    clean = [True]

    def fold(run: re.Match[str]) -> str:
        folded = _RUNS.get(run.group())
        if folded is None:
            folded = _fold_run(run.group())
        if not folded[1]:
            clean[0] = False
        return folded[0]

    view = _NON_ASCII_RUN.sub(fold, nfkd if nfkd is not None else unicodedata.normalize("NFKD", text))
    return view, clean[0]


_RUNS: dict[str, tuple[str, bool]] = {}
"""Pattern-view folding of non-ASCII runs seen before (typographic quotes and dashes repeat)."""


def _fold_run(part: str) -> tuple[str, bool]:
    if len(_RUNS) > 4096:
        _RUNS.clear()
    folded = (part.translate(_table(False)), _divergent_characters().isdisjoint(part))
    _RUNS[part] = folded
    return folded


def gate_texts(view: str) -> tuple[str, str | None]:
    """Lower-cased forms of a pattern view in which every word of the word view occurs.

    The first drops emphasis markers; the second (None unless a hyphen ends a
    line) also joins hyphenated line breaks. Both glue words more eagerly than
    the word view does, which cannot hide a word from a substring search. Words
    that contain no marker are found in the first as written.
    """
    gate = view.lower()
    if "*" in gate or "~" in gate or "`" in gate:
        gate = gate.replace("*", "").replace("~", "").replace("`", "")
    joined = None
    if "-" in gate and "\n" in gate:
        candidate = _LOOSE_JOIN.sub("", gate)
        if candidate != gate:
            joined = candidate
    return gate, joined


def pattern_view_mapped(text: str) -> tuple[str, list[int]]:
    if text.isascii():
        return text, list(range(len(text)))
    table = _table(False)
    return _expand(text, lambda ch: unicodedata.normalize("NFKD", ch).translate(table), str)


def _safe_breaks(text: str) -> list[int]:
    """Offsets just after the line breaks no hyphen join can cross (the line does not end,
    before spaces, markers and invisible characters, in a hyphen or a soft hyphen)."""
    breaks: list[int] = []
    position = text.find("\n")
    while position != -1:
        before = position - 1
        safe = True
        while before >= 0:
            char = text[before]
            if char == _SOFT_HYPHEN:
                safe = False
                break
            if char in " \t\r\n*~`" or unicodedata.category(char) in _DROPPED_CATEGORIES:
                before -= 1
                continue
            safe = unicodedata.category(unicodedata.normalize("NFKD", char)[-1]) != "Pd"
            break
        if safe:
            breaks.append(position + 1)
        position = text.find("\n", position + 1)
    return breaks


_REGION_CHARS = 300


def locate_word_spans(text: str, view: str, spans: list[tuple[int, int]]) -> list[tuple[int, int] | None]:
    """Original offsets of ``spans`` of ``word_view(text)``, mapping only the lines involved.

    Mapping a whole value character by character is the slow part of a hit; a
    hit only needs its own line(s). None for a span that cannot be placed this
    way (the caller maps the whole text instead).
    """
    breaks = _safe_breaks(text)
    if not breaks:
        return [None] * len(spans)
    bounds = [0]
    for position in breaks:   # regions of about a kilobyte: few calls, little to map per hit
        if position - bounds[-1] >= _REGION_CHARS and position < len(text):
            bounds.append(position)
    bounds.append(len(text))
    region_words = [word_list(text[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]
    if " ".join(word for words in region_words for word in words) != view:
        return [None] * len(spans)
    first_word: list[int] = []
    total = 0
    for words in region_words:
        first_word.append(total)
        total += len(words)
    located: dict[int, tuple[int, int] | None] = {}
    groups: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
    counted_to, spaces = 0, 0
    for index, (start, end) in sorted(enumerate(spans), key=lambda item: item[1]):
        spaces += view.count(" ", counted_to, start)
        counted_to = start
        w0 = spaces
        w1 = w0 + view.count(" ", start, end)
        k0 = bisect_right(first_word, w0) - 1
        k1 = bisect_right(first_word, w1) - 1
        local_words = [w for words in region_words[k0:k1 + 1] for w in words]
        local_start = sum(len(w) + 1 for w in local_words[:w0 - first_word[k0]])
        groups.setdefault((k0, k1), []).append((index, local_start, local_start + (end - start)))
    for (k0, k1), members in groups.items():
        mapped, placed = _word_spans_to_original(text[bounds[k0]:bounds[k1 + 1]],
                                                 [(local_start, local_end) for _, local_start, local_end in members])
        for (index, local_start, local_end), (first, last) in zip(members, placed, strict=True):
            start, end = spans[index]
            if mapped[local_start:local_end] != view[start:end]:
                located[index] = None
            else:
                located[index] = (bounds[k0] + first, bounds[k0] + last)
    return [located[index] for index in range(len(spans))]


def original_span(origin: list[int], start: int, end: int) -> tuple[int, int]:
    """Offsets in the original text of the view's ``[start, end)``."""
    return origin[start], origin[end - 1] + 1


def warm_up() -> None:
    """Build the folding tables now (about a second) rather than on the first keystroke."""
    _table(True)
    _table(False)
    _divergent_characters()
