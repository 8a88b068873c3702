"""The fonts embedded in every PDF and named in every SVG.

reportlab's built-in Helvetica only knows Latin-1, so a name in Greek or a
quotation in Russian would come out as black boxes. DejaVu Sans (shipped in
``resources/fonts`` with its licence) covers Latin, Greek, Cyrillic, Hebrew,
Arabic letters and most symbols; Droid Sans Fallback covers Chinese,
Japanese and Korean. Text runs that DejaVu lacks are switched to the
fallback face, so a mixed sentence renders whole.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.content.locate import content_path

SANS = "RW-Sans"
SANS_BOLD = "RW-Sans-Bold"
SANS_ITALIC = "RW-Sans-Oblique"
SANS_BOLD_ITALIC = "RW-Sans-BoldOblique"
MONO = "RW-Mono"
FALLBACK = "RW-Fallback"

_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    SANS_ITALIC: "DejaVuSans-Oblique.ttf",
    SANS_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
    MONO: "DejaVuSansMono.ttf",
    FALLBACK: "DroidSansFallbackFull.ttf",
}

CSS_STACK = "'DejaVu Sans', 'Noto Sans', 'Segoe UI', Helvetica, Arial, sans-serif"
"""What the HTML export asks the browser for (the HTML file does not embed fonts)."""


class _FastTTFont(TTFont):
    """A TrueType font whose text encoding skips reportlab's per-character loop when it can.

    Embedding a TrueType font means mapping every character to a code in a
    subset of the font; reportlab does that one character at a time in
    Python, which is a noticeable share of a 500-page export. Once every
    character of a string has its code, one ``str.translate`` gives the same
    bytes. New characters still go through reportlab, so the output is
    identical.
    """

    def splitString(self, text, doc, encoding="utf-8"):  # type: ignore[no-untyped-def]  # noqa: N802
        state = self.state.get(doc)
        if state is not None and isinstance(text, str):
            assignments = state.assignments
            fast = getattr(state, "_rw_tables", None)
            if fast is None or fast[0] != len(assignments):
                fast = (len(assignments), _subset_tables(assignments))
                state._rw_tables = fast
            chars = set(text)
            for subset, charset, table, ascii_table in fast[1]:
                if chars <= charset:
                    return [(subset, _translated(text, table, ascii_table))]
        return super().splitString(text, doc, encoding)


def encoded_in_subset(font: TTFont, doc: object, text: str, subset: int) -> bytes | None:
    """``text`` encoded in ``subset`` of ``font`` for ``doc`` when every character already has a code there,
    else None: what ``splitString`` returns then as its only chunk, without its list and lookups (the
    caller, which draws in ``subset`` already, writes no font change)."""
    state = font.state.get(doc)
    return None if state is None else encoded_with(state, text, subset)


def encoded_with(state: object, text: str, subset: int) -> bytes | None:
    """``encoded_in_subset`` with the font's state for the document already looked up."""
    if not text:
        return None
    fast = getattr(state, "_rw_tables", None)
    if fast is None or fast[0] != len(state.assignments):  # type: ignore[attr-defined]
        return None  # splitString brings the tables up to date
    for number, charset, table, ascii_table in fast[1]:
        if number == subset:
            return _translated(text, table, ascii_table) if charset.issuperset(text) else None
    return None


def _translated(text: str, table: dict[int, int], ascii_table: bytes) -> bytes:
    """``text`` (every character of it in the subset) as the subset's codes: an ASCII text through the
    256-byte table (``bytes.translate``, no object per character), any other through the mapping."""
    if text.isascii():
        return text.encode("ascii").translate(ascii_table)
    return text.translate(table).encode("latin-1")


def _subset_tables(assignments: dict[int, int]) -> list[tuple[int, frozenset[str], dict[int, int], bytes]]:
    tables: dict[int, dict[int, int]] = {}
    for code, n in assignments.items():
        tables.setdefault(n >> 8, {})[code] = n & 0xFF
    if 32 in assignments:  # reportlab draws a no-break space with the space's code
        tables[assignments[32] >> 8][0xA0] = assignments[32] & 0xFF
    made = []
    for subset, table in sorted(tables.items()):
        # The ASCII characters' codes by position (the others' positions are never read: a text is
        # translated only when the subset holds all its characters).
        ascii_table = bytes(table.get(code, 0) for code in range(256))
        made.append((subset, frozenset(map(chr, table)), table, ascii_table))
    return made


@cache
def register_face(name: str) -> None:
    """Register one TTF face with reportlab, once per process: a chart drawn as SVG for a text format
    measures its labels in two faces and need not read the other four (the fallback face is 4 MB)."""
    pdfmetrics.registerFont(_FastTTFont(name, str(content_path("resources", "fonts", _FILES[name]))))


def registered_face(name: str) -> bool:
    """Whether ``name`` is a font reportlab can draw with in this process (one of ours once registered, or
    one of its standard fonts)."""
    try:
        pdfmetrics.getFont(name)
    except Exception:  # noqa: BLE001 - reportlab raises its own errors for an unknown name
        return False
    return True


@cache
def register_fonts() -> None:
    """Register the TTF faces with reportlab once per process. The fallback face (4 MB, a tenth of a second
    to read) is read the first time a text holds a character DejaVu Sans lacks (``_missing_pattern``,
    ``_covered``): only such text is ever drawn in it."""
    for name in _FILES:
        if name != FALLBACK:
            register_face(name)
    pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD, italic=SANS_ITALIC,
                                  boldItalic=SANS_BOLD_ITALIC)
    for bold, italic, face in ((0, 0, SANS), (1, 0, SANS_BOLD), (0, 1, SANS_ITALIC), (1, 1, SANS_BOLD_ITALIC)):
        addMapping(SANS, bold, italic, face)
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(MONO, bold, italic, MONO)
            addMapping(FALLBACK, bold, italic, FALLBACK)


@cache
def _missing_pattern() -> re.Pattern[str]:
    """Characters DejaVu Sans has no glyph for but the fallback face has."""
    register_fonts()
    register_face(FALLBACK)
    sans = set(pdfmetrics.getFont(SANS).face.charToGlyph)
    fallback = set(pdfmetrics.getFont(FALLBACK).face.charToGlyph)
    wanted = sorted(c for c in fallback - sans if c > 0x7F)
    ranges = []
    start = previous = wanted[0]
    for code in wanted[1:]:
        if code != previous + 1:
            ranges.append((start, previous))
            start = code
        previous = code
    ranges.append((start, previous))
    body = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
                   for a, b in ranges)
    return re.compile(f"[{body}]+")


@cache
def _in_sans() -> frozenset[int]:
    """The characters DejaVu Sans draws: text of these alone needs neither the fallback face nor a substitute."""
    register_face(SANS)
    return frozenset(pdfmetrics.getFont(SANS).face.charToGlyph)


def _sans_draws(text: str) -> bool:
    """Whether every character of ``text`` beyond ASCII is one DejaVu Sans draws (ASCII is never changed)."""
    in_sans = _in_sans()
    return all(ord(c) in in_sans for c in text if c > "\x7f")


@cache
def _covered() -> frozenset[int]:
    register_fonts()
    register_face(FALLBACK)
    return frozenset(pdfmetrics.getFont(SANS).face.charToGlyph) | frozenset(
        pdfmetrics.getFont(FALLBACK).face.charToGlyph)


def drawable(text: str) -> str:
    """The text with characters neither face has replaced by their compatibility form, when that has one.

    Mathematical bold or script letters (U+1D400…) are in neither font; their
    NFKC form is the plain letter, which reads the same and is searched the
    same. Anything else neither face covers is left as it is (drawn as an
    empty box, still extractable as text).
    """
    if text.isascii() or _sans_draws(text):
        return text
    covered = _covered()
    if all(ord(c) in covered for c in text):
        return text
    out = []
    for char in text:
        if ord(char) in covered or char in "\n\t":
            out.append(char)
            continue
        compatible = unicodedata.normalize("NFKC", char)
        out.append(compatible if compatible != char and all(ord(c) in covered for c in compatible) else char)
    return "".join(out)


def with_fallback(markup: str) -> str:
    """Wrap runs of characters DejaVu lacks in the fallback face (reportlab paragraph markup)."""
    if markup.isascii() or _sans_draws(markup):
        return markup
    markup = drawable(markup)
    return _missing_pattern().sub(lambda m: f'<font face="{FALLBACK}">{m.group(0)}</font>', markup)


def plain_with_fallback(text: str) -> list[tuple[str, str]]:
    """Split plain text into (font name, run) for drawing on a canvas or in a chart."""
    if text.isascii() or _sans_draws(text):
        return [(SANS, text)]
    text = drawable(text)
    runs: list[tuple[str, str]] = []
    cursor = 0
    for match in _missing_pattern().finditer(text):
        if match.start() > cursor:
            runs.append((SANS, text[cursor:match.start()]))
        runs.append((FALLBACK, match.group(0)))
        cursor = match.end()
    if cursor < len(text):
        runs.append((SANS, text[cursor:]))
    return runs
