"""A lean text flowable for the bulk of the PDF: styled runs, greedy line breaks.

reportlab's ``Paragraph`` parses an XML mini-language and re-measures every
word on every wrap; over the large example (1.5 MB of text, 500 evaluation
records) that was most of the export time. Here the markup converter hands
over styled runs directly (no parsing), word widths are cached per font and
size, lines are broken once per width, and a page break splits between
lines already broken. Headings and labels still use ``Paragraph``.

Supports what the report needs: font, size, colour, background highlight
(hazard marks, placeholders, chips), links, underline, strike-through,
raised or lowered text, forced line breaks, left/centre/right alignment, and
a tinted block background. Text without spaces (Chinese, Japanese, long ids)
breaks between characters when a word is wider than the line.
"""

from __future__ import annotations

from functools import lru_cache
from operator import itemgetter
from typing import Any

from reportlab.lib.colors import Color, HexColor, gray
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfgen import canvas as _canvas_module
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Table

from app.export.fonts import encoded_with
from app.model.fast_dataclass import dataclass



@dataclass(frozen=True, init=False)
class RunStyle:
    """A run's style; immutable, compared and hashed by value (the dataclass's methods). Tens of thousands
    are made for the large example, so they are made by filling the instance's dictionary in one step
    (a frozen dataclass's own ``__init__`` sets each field through ``object.__setattr__``)."""

    font: str
    size: float
    colour: str
    back: str | None = None
    link: str | None = None
    underline: bool = False
    strike: bool = False
    rise: float = 0.0

    def __init__(self, font: str, size: float, colour: str, back: str | None = None, link: str | None = None,
                 underline: bool = False, strike: bool = False, rise: float = 0.0) -> None:
        self.__dict__.update(font=font, size=size, colour=colour, back=back, link=link, underline=underline,
                             strike=strike, rise=rise)

    def but(self, **changes: object) -> RunStyle:
        """A new style with ``changes`` (field names only; ``dataclasses.replace`` without its per-call work)."""
        made = object.__new__(RunStyle)
        values = made.__dict__
        values.update(self.__dict__)
        values.update(changes)
        return made


Run = tuple[str, RunStyle]
"""Text and its style; the text ``"\\n"`` alone is a forced line break."""

_WIDTHS: dict[tuple[str, float], dict[str, float]] = {}


def width_of(text: str, font: str, size: float) -> float:
    table = _WIDTHS.get((font, size))
    if table is None:
        table = _WIDTHS[(font, size)] = {}
    width = table.get(text)
    if width is None:
        width = table[text] = stringWidth(text, font, size)
    return width


@lru_cache(maxsize=512)
def colour(hex_colour: str) -> Color:
    return HexColor(hex_colour)


# A line is a list of pieces: (x offset, text, style, width, glued before, glued after). A piece is
# "glued" to its neighbour when the two are one word in two styles (``**Bio**:``).
Piece = tuple[float, str, RunStyle, float, bool, bool]


def _widths(style: RunStyle) -> dict[str, float]:
    table = _WIDTHS.get((style.font, style.size))
    if table is None:
        table = _WIDTHS[(style.font, style.size)] = {}
    return table


_SOFT_BREAKS = frozenset("._-/:")
"""Where a long identifier (``deployment_decision.security_level``) is best cut."""


def _chunks(word: str, style: RunStyle, first_room: float, width: float) -> list[tuple[str, float]]:
    """A word wider than the line, cut into chunks: the first chunk fills ``first_room``.

    Cuts fall after the last '.', '_', '-', '/' or ':' that fits, else between characters.
    """
    chunks: list[tuple[str, float]] = []
    room, start, used = first_room, 0, 0.0
    soft, used_at_soft = 0, 0.0
    for index, char in enumerate(word):
        w = width_of(char, style.font, style.size)
        if used + w > room and index > start:
            if soft > start:
                chunks.append((word[start:soft], used_at_soft))
                start, used = soft, used - used_at_soft
            else:
                chunks.append((word[start:index], used))
                start, used = index, 0.0
            room = width
        used += w
        if char in _SOFT_BREAKS:
            soft, used_at_soft = index + 1, used
    chunks.append((word[start:], used))
    return chunks


def break_lines(runs: list[Run], width: float) -> list[list[Piece]]:
    """Greedy line breaking; a word may span several runs (``**Bio**:``) and moves as a whole.

    Words of one style separated only by that style's spaces are joined into
    one piece as they are placed, so a typical line is drawn in one stroke.
    """
    lines: list[list[Piece]] = []
    line: list[list] = []  # type: ignore[type-arg]  # [x, text, style, width]
    x = 0.0
    gap, gap_count = 0.0, 0
    gap_style: RunStyle | bool | None = None  # the style of every space in the gap; False when mixed
    in_word = False
    word_at = (0, 0, 0.0)  # piece index, character offset in that piece, x of the word being placed

    def finish() -> None:
        count = len(line)
        lines.append([(p[0], p[1], p[2], p[3], bool(p[4]) and i > 0, i + 1 < count and bool(line[i + 1][4]))
                      for i, p in enumerate(line)])

    for text, style in runs:
        if text == "\n":
            finish()
            line, x, gap, gap_count, gap_style, in_word = [], 0.0, 0.0, 0, None, False
            continue
        table = _widths(style)
        space = table.get(" ")
        if space is None:
            space = width_of(" ", style.font, style.size)
        parts = text.split(" ")
        total = len(parts)
        index = -1
        while index + 1 < total:
            index += 1
            part = parts[index]
            if index and in_word and part and line[-1][2] is style:
                # The common case, in a tight loop: this run's next words, one space apart, continue the
                # line's last piece while they fit (the same sums, in the same order, as below).
                last = line[-1]
                added: list[str] = []
                placed_at = placed_width = 0.0
                while index < total and (part := parts[index]):
                    next_width = table.get(part)
                    if next_width is None:
                        next_width = width_of(part, style.font, style.size)
                    next_at = x + space
                    if next_at + next_width > width or next_width > width - next_at:
                        break
                    added.append(part)
                    placed_at, placed_width = next_at, next_width
                    x = placed_at + placed_width
                    index += 1
                if added:
                    last[1] = f"{last[1]} {' '.join(added)}"
                    last[3] = placed_at + placed_width - last[0]
                    word_at = (len(line) - 1, len(last[1]) - len(added[-1]), placed_at)
                    if index >= total:
                        break
                    part = parts[index]
            if index:
                gap += space
                gap_count += 1
                gap_style = style if gap_style is None or gap_style is style else False
                in_word = False
            if not part:
                continue
            w = table.get(part)
            if w is None:
                w = width_of(part, style.font, style.size)
            if in_word:
                if x + w > width and word_at[2] > 0:
                    # The glued word no longer fits: carry all of it to a new line.
                    piece_index, offset, word_x = word_at
                    moved = line[piece_index:]
                    first = moved[0]
                    head = first[1][:offset].rstrip(" ")
                    moved[0] = [word_x, first[1][offset:], first[2], first[0] + first[3] - word_x, False]
                    del line[piece_index:]
                    if head:
                        line.append([first[0], head, first[2], width_of(head, first[2].font, first[2].size),
                                     first[4]])
                    finish()
                    line = [[p[0] - word_x, p[1], p[2], p[3], p[4]] for p in moved]
                    x -= word_x
                    word_at = (0, 0, 0.0)
                last = line[-1]
                if last[2] is style:
                    last[1] += part
                    last[3] += w
                else:
                    line.append([x, part, style, w, True])
                x += w
                continue
            start = x + gap if line else 0.0
            joined = gap_style is style
            count = gap_count
            gap, gap_count, gap_style = 0.0, 0, None
            if line and start + w > width:
                finish()
                line, start, joined = [], 0.0, False
            if w > width - start:
                # Wider than what is left of an empty line: cut between characters.
                chunks = _chunks(part, style, width - start, width)
                for chunk, chunk_width in chunks[:-1]:
                    line.append([start, chunk, style, chunk_width, False])
                    finish()
                    line, start, joined = [], 0.0, False
                part, w = chunks[-1]
            if line and joined and line[-1][2] is style:
                last = line[-1]
                offset = len(last[1]) + count
                last[1] += " " * count + part
                last[3] = start + w - last[0]
                word_at = (len(line) - 1, offset, start)
            else:
                line.append([start, part, style, w, False])
                word_at = (len(line) - 1, 0, start)
            x = start + w
            in_word = True
    if line or not lines:
        finish()
    return lines


class TextBlock(Flowable):
    """A paragraph of styled runs; splits between lines at a page end."""

    def __init__(self, runs: list[Run], style: ParagraphStyle, lines: list[list[Piece]] | None = None,
                 broken_at: float | None = None) -> None:
        super().__init__()
        self.runs = runs
        self.style = style
        self._lines = lines
        self._broken_at = broken_at
        self._memo_key: tuple[float, int] | None = None if lines is None else (broken_at or 0.0, id(style))
        self._wrapped_width: float | None = None
        self._wrapped_lines: list[list[Piece]] | None = None

    # -- layout ----------------------------------------------------------------
    def _text_width(self, avail_width: float) -> float:
        style = self.style
        return max(avail_width - style.leftIndent - style.rightIndent, 1.0)

    def _ensure(self, avail_width: float) -> list[list[Piece]]:
        key = (self._text_width(avail_width), id(self.style))
        if self._lines is None or self._memo_key != key:
            self._lines = break_lines(self.runs, key[0])
            self._memo_key = key
        return self._lines

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        # A table asks each cell again and again (a row's height, each split, each drawing): the same width
        # gives the same height, while the lines are still those broken for it.
        if availWidth != self._wrapped_width or self._lines is not self._wrapped_lines:
            lines = self._ensure(availWidth)
            self.height = len(lines) * self.style.leading
            self._wrapped_width, self._wrapped_lines = availWidth, lines
        self.width = availWidth
        return availWidth, self.height

    def wrapOn(self, canv: Any, aW: float, aH: float) -> tuple[float, float]:  # noqa: N802, N803 - reportlab's names
        """``wrap`` (breaking lines needs no canvas, so none is set and removed around it)."""
        return self.wrap(aW, aH)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        lines = self._ensure(availWidth)
        fit = int((availHeight + 1e-6) // self.style.leading)
        if fit >= len(lines):
            return [self]
        if len(lines) >= 4:
            if fit < 2:
                return []
            if len(lines) - fit < 2:
                fit = len(lines) - 2
        elif fit < 1:
            return []
        key = self._memo_key[0] if self._memo_key else None
        head = TextBlock(self.runs, _no_space(self.style, after=True), lines[:fit], key)
        tail = TextBlock(self.runs, _no_space(self.style, before=True), lines[fit:], key)
        return [head, tail]

    def getSpaceBefore(self) -> float:  # noqa: N802 - reportlab API
        return self.style.spaceBefore

    def getSpaceAfter(self) -> float:  # noqa: N802
        return self.style.spaceAfter

    # -- drawing ---------------------------------------------------------------
    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803 - reportlab's names
        """``Flowable.drawOn`` — save the graphics state, move the origin to ``x``, ``y``, draw, restore it —
        writing the same operators and leaving the canvas in the same state, with the state kept as one
        tuple (``saveState`` copies it name by name into a dictionary; thousands of blocks are drawn)."""
        x = self._hAlignAdjust(x, _sW)
        values = canvas.__dict__
        saved = _CANVAS_STATE(values)
        values["_extgstate"] = saved[_EXTGSTATE].pushCopy()
        # ``translate(x, y)`` after ``q``: the matrix as ``Canvas.transform(1, 0, 0, 1, x, y)`` tracks it (the
        # same products and sums), and its operator (a ``cm`` right after ``q`` is never merged with another).
        if _canvas_module.ENABLE_TRACKING:
            a0, b0, c0, d0, e0, f0 = values["_currentMatrix"]
            values["_currentMatrix"] = (a0 * 1 + c0 * 0, b0 * 1 + d0 * 0, a0 * 0 + c0 * 1, b0 * 0 + d0 * 1,
                                        a0 * x + c0 * y + e0, b0 * x + d0 * y + f0)
        code = canvas._code
        code.append("q")
        code.append(f"{fp_str(1, 0, 0, 1, x, y)} cm")
        self.canv = canvas
        self.draw()
        del self.canv
        if getattr(self, "_showBoundary", None):
            canvas.setStrokeColor(gray)
            canvas.rect(0, 0, self.width, self.height)
        canvas._code.append("Q")
        values.update(zip(_STATE_NAMES, saved, strict=True))

    def draw(self) -> None:
        canvas = self.canv
        style = self.style
        lines = self._lines or []
        leading = style.leading
        width = self._text_width(self.width)
        if style.backColor:
            top, right, bottom, left = _padding(style.borderPadding)
            canvas.setFillColor(style.backColor)
            canvas.rect(style.leftIndent - left, -bottom, width + left + right, self.height + top + bottom,
                        stroke=0, fill=1)
        alignment = style.alignment
        offsets = []
        for line in lines:
            used = (line[-1][0] + line[-1][3]) if line else 0.0
            if alignment == 2:
                offsets.append(style.leftIndent + width - used)
            elif alignment == 1:
                offsets.append(style.leftIndent + (width - used) / 2)
            else:
                offsets.append(style.leftIndent)
        baseline0 = self.height - style.fontSize
        # Backgrounds first, then all text in one text object, then decorations and links.
        for index, line in enumerate(lines):
            y = baseline0 - index * leading
            for x, _text, run, w, _before, _after in line:
                if run.back:
                    canvas.setFillColor(colour(run.back))
                    canvas.rect(offsets[index] + x - 0.6, y + run.rise - run.size * 0.24, w + 1.2,
                                run.size * 1.16, stroke=0, fill=1)
        text = canvas.beginText()
        current: tuple[str, float, str] | None = None
        strings = _StringWriter(canvas, text)
        show = strings.show
        add, at = strings.code.append, strings.origin_operator  # each string's origin (as setTextOrigin writes it)
        last: RunStyle | None = None  # the previous piece's style: most pieces share it, and so its state
        space, state, changed = 0.0, current, False
        for index, line in enumerate(lines):
            y = baseline0 - index * leading
            left = offsets[index]
            for x, chunk, run, _w, glued_before, glued_after in line:
                # A space before and after each string (the origin moved back by one space width, so
                # nothing moves on the page): tools that join a content stream's strings never run two
                # neighbouring texts (a label and its value, two cells) into one word. Not where one
                # word changes style (``**Bio**:``): extracted text must keep that word whole.
                if run is not last:
                    last = run
                    space = width_of(" ", run.font, run.size)
                    state = (run.font, run.size, run.colour)
                    changed = state != current
                else:
                    changed = False  # the previous piece, in this same style, set it
                add(at % fp_str(left + x - (0.0 if glued_before else space), y + run.rise))
                if changed:
                    strings.change(run.font, run.size, run.colour)
                    current = state
                show(("" if glued_before else " ") + chunk + ("" if glued_after else " "))
        canvas.drawText(text)
        for index, line in enumerate(lines):
            y = baseline0 - index * leading
            for x, _chunk, run, w, _before, _after in line:
                left = offsets[index] + x
                if run.underline or run.strike:
                    canvas.setStrokeColor(colour(run.colour))
                    canvas.setLineWidth(max(run.size / 18, 0.4))
                    level = y - run.size * 0.12 if run.underline else y + run.size * 0.3
                    canvas.line(left, level, left + w, level)
                if run.link:
                    canvas.linkURL(run.link, (left, y - run.size * 0.25, left + w, y + run.size * 0.9),
                                   relative=1, thickness=0)


_STATE_NAMES = tuple(Canvas.STATE_ATTRIBUTES)
_CANVAS_STATE = itemgetter(*_STATE_NAMES)
"""What ``Canvas.saveState`` keeps and ``restoreState`` puts back (``TextBlock.drawOn``)."""
_EXTGSTATE = _STATE_NAMES.index("_extgstate")


@lru_cache(maxsize=256)
def _font_state(font_name: str, size: float) -> tuple[Any, bool, str]:
    """The font, whether its strings can be encoded here (plain TrueType), and its ``Tf``/``TL`` text."""
    font = getFont(font_name)
    plain = bool(font._dynamicFont and not getattr(font, "shapable", False))
    return font, plain, f"{fp_str(size)} Tf {fp_str(size * 1.2)} TL"


@lru_cache(maxsize=512)
def _fill_operator(hex_colour: str) -> str:
    fill = colour(hex_colour)
    return f"{fp_str((fill.red, fill.green, fill.blue))} rg"


class _StringWriter:
    """Writes a text object's positioning and string operators as reportlab's ``setTextOrigin`` and
    ``textOut`` do, byte for byte, without their per-call overhead: ``textOut`` measures every string
    to advance a cursor this flowable never uses (each string gets its own origin), and dispatches on
    the font's kind each time. Fonts other than plain TrueType go through ``textOut`` itself."""

    def __init__(self, canvas: Any, text: Any) -> None:
        self._text = text
        self._code: list[str] = text._code
        self._doc = canvas._doc
        self._escape = canvas._escape
        self._origin = "1 0 0 1 %s Tm" if canvas.bottomup else "1 0 0 -1 %s Tm"
        self._font: Any = None
        self._font_state: Any = None  # the font's state for this document, once it has one
        self._size_and_leading = ""
        self._recording = hasattr(text, "_recorder")  # a split layout's child (pdf_split): text is recorded

    @property
    def code(self) -> list[str]:
        return self._code

    @property
    def origin_operator(self) -> str:
        return self._origin

    def change(self, font_name: str, size: float, hex_colour: str) -> None:
        """``setFont`` then ``setFillColor`` on the text object, as reportlab writes them: for an
        embedded (dynamic) font nothing is written until the next string names its subset; the
        colour is one ``r g b rg`` operator (a colour without a colour space to enforce)."""
        text = self._text
        font, plain, size_and_leading = _font_state(font_name, size)
        if font._dynamicFont:
            text._fontname, text._fontsize, text._leading = font_name, size, size * 1.2
            text._curSubset = -1
        else:
            text.setFont(font_name, size)
        self._font = font if plain else None
        self._font_state = None
        self._size_and_leading = size_and_leading
        fill = colour(hex_colour)
        if text._enforceColorSpace is None and fill.alpha == 1:
            text._fillColorObj = fill
            self._code.append(_fill_operator(hex_colour))
        else:
            text.setFillColor(fill)

    def show(self, string: str) -> None:
        font = self._font
        if self._recording:  # the string is recorded, for the process that gets the page to encode as here
            self._text._code.append(self._text.record(string, font is not None))
            return
        if font is None:
            self._text.textOut(string)
            return
        text = self._text
        # Most strings use characters the font's first subset already holds: encoded in one step
        # (``fonts.encoded_in_subset``); anything else goes through the font's own splitString.
        state = self._font_state
        if state is None:
            state = self._font_state = font.state.get(self._doc)  # None before the font's first string here
        if state is not None:
            current = text._curSubset
            if current != -1:
                encoded = encoded_with(state, string, current)
                if encoded is not None:
                    self._code.append(f"({escapePDF(encoded)}) Tj")
                    return
            else:  # the first string since the font was set, all of it in the first subset:
                encoded = encoded_with(state, string, 0)  # what splitString gives, in one chunk
                if encoded is not None:
                    # The name getSubsetInternalName gives once the font has one in this document.
                    name = (f"/{state.internalName}+0" if state.internalName is not None
                            else font.getSubsetInternalName(0, self._doc))
                    self._code.append(f"{name} {self._size_and_leading} ({escapePDF(encoded)}) Tj")
                    text._curSubset = 0
                    return
        parts = []
        for subset, encoded in font.splitString(string, self._doc):
            if subset != text._curSubset:
                parts.append(f"{font.getSubsetInternalName(subset, self._doc)} {self._size_and_leading}")
                text._curSubset = subset
            parts.append(f"({self._escape(encoded)}) Tj")
        self._code.append(" ".join(parts))


def _padding(padding: object) -> tuple[float, float, float, float]:
    if isinstance(padding, (int, float)):
        return (float(padding),) * 4  # type: ignore[return-value]
    values = list(padding)  # type: ignore[call-overload]
    if len(values) == 2:
        values = values * 2
    return tuple(float(v) for v in values)  # type: ignore[return-value]


_NO_SPACE: dict[tuple[int, bool, bool], ParagraphStyle] = {}


def _no_space(style: ParagraphStyle, before: bool = False, after: bool = False) -> ParagraphStyle:
    """The style without space before (a continued block) or after (a block continued over the page)."""
    key = (id(style), before, after)
    found = _NO_SPACE.get(key)
    if found is None or found.parent is not style:
        found = ParagraphStyle(style.name + ("_cont" if before else "_head"), parent=style,
                               spaceBefore=0 if before else style.spaceBefore,
                               spaceAfter=0 if after else style.spaceAfter)
        _NO_SPACE[key] = found
    return found


class TextTable(Table):
    """A table whose cells are mostly one ``TextBlock`` each: such a cell is measured without the general
    path's per-cell work (a loop over a list, a canvas looked up and set), with the same sums in the same
    order, so the same sizes and the same pages. Any other cell goes the general way.

    A table too long for the space left is measured to see whether it fits (``wrap``), then at once again,
    for the same space, to be split (``split``); nothing about it changes in between, so the second time the
    first's results stand."""

    _measured_for: tuple[float, float] | None = None

    def _cr_1_1(self, n: int, nRows: int, repeatRows: list[int], cmds: list[tuple[Any, ...]],  # noqa: N803
                doInRowSplit: Any, _srflMode: bool = False) -> None:  # noqa: N803 - reportlab's names
        """The commands of the part of a split table after row ``n`` (its repeated header rows first), as
        reportlab's own method gives them. For commands on numbered rows only — every command here — the
        repeated rows a command covers are found among those rows, not by listing every row it covers
        (the table's grid covers all of hundreds of rows, at each split); anything else goes reportlab's way."""
        if not all(type(command[1][1]) is int and type(command[2][1]) is int for command in cmds):
            super()._cr_1_1(n, nRows, repeatRows, cmds, doInRowSplit, _srflMode)
            return
        repeated = len(repeatRows)
        add = self._addCommand
        for command in cmds:
            op, (first_column, first_row), (last_column, last_row) = command[:3]
            rest = tuple(command[3:])
            if first_row < 0:
                first_row += nRows
            if last_row < 0:
                last_row += nRows
            held = [row for row in repeatRows if first_row <= row <= last_row]
            if held:
                add((op, (first_column, repeatRows.index(min(held))), (last_column, repeatRows.index(max(held))))
                    + rest)
            if last_row < n:
                continue
            add((op, (first_column, max(first_row - n, 0) + repeated), (last_column, max(last_row - n, 0) + repeated))
                + rest)
        super()._cr_1_1(n, nRows, repeatRows, [], doInRowSplit, _srflMode)  # what follows the commands

    def _calc(self, availWidth: float, availHeight: float) -> None:  # noqa: N803 - reportlab's names
        if self._measured_for == (availWidth, availHeight):
            return
        self._measured_for = None
        super()._calc(availWidth, availHeight)
        self._measured_for = (availWidth, availHeight)

    def _listCellGeom(self, V: Any, w: float, s: Any, W: list[float] | None = None,  # noqa: N802, N803
                      H: list[float] | None = None, aH: float = 72000) -> tuple[float, float]:  # noqa: N803
        if len(V) == 1 and type(V) is not str:
            block = V[0]
            room = w - s.leftPadding - s.rightPadding
            if type(block) is TextBlock and room >= 0:
                width, height = block.wrap(room, aH - s.topPadding - s.bottomPadding)
                before, after = block.style.spaceBefore, block.style.spaceAfter
                if W is not None:
                    W.append(width)
                if H is not None:
                    H.append(height)
                return max(0, width), height + after + before - before - after
        return super()._listCellGeom(V, w, s, W, H, aH)  # type: ignore[no-any-return]
