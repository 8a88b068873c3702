"""Hazardous passages in the text editors, drawn so a reader sees what is withheld.

The editor's text has no tags (``passage_marks``): each passage is drawn on a
red wash with a red underline, and after its last character the highlighter
leaves room (letter spacing on that one character) where the editor paints a
small chip naming the domain. Markdown is made readable underneath.

A value whose markup does not parse is shown as written (``PassageMarks.raw``):
its tags are then drawn as small labels and the broken one with a wavy red
underline, so the mistake can be seen and fixed. Tag-like text typed into a
rendered editor is underlined the same way: it would be stored as markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from app.model.spans import CLOSE_TAG, OPEN_TAG
from app.ui.passage_marks import PassageMarks

_OPEN = re.compile(re.escape(OPEN_TAG).replace(re.escape("{domain}"), "([a-z]+)"))
_CLOSE = re.compile(re.escape(CLOSE_TAG))
_ANY_TAG = re.compile(f"{_OPEN.pattern}|{_CLOSE.pattern}")
_LOOKS_LIKE_TAG = re.compile(r"\[\[\s*/?\s*hazard\b[^\]]*\]?\]?", re.IGNORECASE)
_NO_SPAN = -1
_OPEN_SPAN = 1

HAZARD_RED = QColor("#b42318")
HAZARD_WASH = QColor("#fde8e6")
TAG_FILL = QColor("#f6c9c4")
DARK_RED = QColor("#ff8a80")
DARK_WASH = QColor("#4a2522")
DARK_TAG_FILL = QColor("#6b2d27")


_MARKDOWN = (
    ("heading", re.compile(r"^#{1,6} .*$"), ("#",)),
    ("list", re.compile(r"^\s*(?:[-*+]|\d+[.)]) "), ()),
    ("quote", re.compile(r"^>.*$"), (">",)),
    ("strong", re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), ("**", "__")),
    ("emphasis", re.compile(r"(?<![*\w])([*_])(?=[^\s*_])(.+?)(?<=[^\s*_])\1(?![*\w])"), ("*", "_")),
    ("code", re.compile(r"`[^`\n]+`"), ("`",)),
    ("link", re.compile(r"\[[^\]\n]+\]\([^)\s]+\)"), ("](",)),
)
"""(name, pattern, text one of which every match holds — () for any text). A paragraph without them is not
searched: the emphasis and strong patterns try every position of a long paragraph, and the highlighter
runs on the paragraph being typed in at every keystroke (~0.15 ms for a 5,000-character one)."""


def is_dark() -> bool:
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance()
    return bool(app is not None and app.property("riskwright_dark"))


def hazard_colours() -> tuple[QColor, QColor, QColor]:
    """(red, wash, tag fill) for the current scheme."""
    return (DARK_RED, DARK_WASH, DARK_TAG_FILL) if is_dark() else (HAZARD_RED, HAZARD_WASH, TAG_FILL)


class HazardHighlighter(QSyntaxHighlighter):
    """Markdown made readable, and hazardous passages coloured on top.

    ``marks`` are the editor's passages; ``chip_room(domain)`` is the width to
    leave after a passage for its chip (0: no chip, as in a plain document).
    """

    def __init__(self, document: QTextDocument, marks: PassageMarks | None = None,
                 chip_room: Callable[[str], float] | None = None, markdown: bool = True) -> None:
        self.marks = marks
        self.chip_room = chip_room or (lambda _domain: 0.0)
        self.with_markdown = markdown
        self._edges: set[int] = set()
        red, wash, fill = hazard_colours()
        self.passage = QTextCharFormat()
        self.passage.setBackground(wash)
        self.passage.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
        self.passage.setUnderlineColor(red)
        self.tag = QTextCharFormat()
        self.tag.setBackground(fill)
        self.tag.setForeground(red)
        self.tag.setFontWeight(QFont.Weight.DemiBold)
        self.broken = QTextCharFormat()
        self.broken.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        self.broken.setUnderlineColor(QColor("#d92d20"))
        self.broken.setForeground(QColor("#d92d20"))
        self.markdown: dict[str, QTextCharFormat] = {}
        for name in ("heading", "strong"):
            self.markdown[name] = QTextCharFormat()
            self.markdown[name].setFontWeight(QFont.Weight.Bold)
        self.markdown["heading"].setForeground(QColor("#e6e8eb" if is_dark() else "#1d2939"))
        self.markdown["emphasis"] = QTextCharFormat()
        self.markdown["emphasis"].setFontItalic(True)
        self.markdown["list"] = QTextCharFormat()
        self.markdown["list"].setForeground(QColor("#2e6bd6"))
        self.markdown["list"].setFontWeight(QFont.Weight.Bold)
        self.markdown["quote"] = QTextCharFormat()
        self.markdown["quote"].setForeground(QColor("#5d6b7e"))
        self.markdown["code"] = QTextCharFormat()
        self.markdown["code"].setFontFamilies(["DejaVu Sans Mono", "monospace"])
        self.markdown["code"].setBackground(QColor("#2b3038" if is_dark() else "#f2f4f7"))
        self.markdown["link"] = QTextCharFormat()
        self.markdown["link"].setForeground(QColor("#1d4ed8"))
        super().__init__(document)  # last: attaching highlights the text already there

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt's name
        self._edges = {0, len(text)}
        if self.with_markdown:
            for name, pattern, needs in _MARKDOWN:
                if needs and not any(need in text for need in needs):
                    continue
                for match in pattern.finditer(text):
                    self.setFormat(match.start(), match.end() - match.start(), self.markdown[name])
                    self._edges.update(match.span())
        if self.marks is None or self.marks.raw:
            self._tags_as_written(text)
        else:
            self._passages(text)
        for loose in _LOOKS_LIKE_TAG.finditer(text) if "[[" in text else ():
            strict = _ANY_TAG.match(text, loose.start())
            if self.marks is not None and not self.marks.raw or strict is None or strict.end() != loose.end():
                self.setFormat(loose.start(), loose.end() - loose.start(), self.broken)

    def _passages(self, text: str) -> None:
        assert self.marks is not None
        block = self.currentBlock()
        first, past = block.position(), block.position() + len(text)
        for start, end, domain in self.marks.spans():
            if end <= first:
                continue
            if start > past:
                break
            low, high = max(start, first) - first, min(end, past) - first
            if high > low:
                self._wash(low, high)
            last = min(end, past) - 1  # the chip follows the passage's last character (not a line break)
            if end <= past + 1 and last >= max(start, first):
                room = self.chip_room(domain)
                if room > 0:
                    spaced = QTextCharFormat(self.format(last - first))
                    spaced.setFontLetterSpacingType(QFont.SpacingType.AbsoluteSpacing)
                    spaced.setFontLetterSpacing(room)
                    self.setFormat(last - first, 1, spaced)

    def _tags_as_written(self, text: str) -> None:
        open_span = self.previousBlockState() == _OPEN_SPAN
        cursor = 0
        for match in _ANY_TAG.finditer(text):
            if open_span and match.start() > cursor:
                self._wash(cursor, match.start())
            self.setFormat(match.start(), match.end() - match.start(), self.tag)
            self._edges.update(match.span())
            open_span = match.group(0) != CLOSE_TAG
            cursor = match.end()
        if open_span and cursor < len(text):
            self._wash(cursor, len(text))
        self.setCurrentBlockState(_OPEN_SPAN if open_span else _NO_SPAN)

    def _wash(self, start: int, end: int) -> None:
        """Lay the hazard wash over a passage, keeping its Markdown formats.

        Formats change only at the edges of what was set in this block, so the
        format is read once per run between edges, not once per character.
        """
        edges = sorted(edge for edge in self._edges if start < edge < end)
        for run_start, run_end in zip([start, *edges], [*edges, end], strict=True):
            merged = QTextCharFormat(self.format(run_start))
            merged.merge(self.passage)
            self.setFormat(run_start, run_end - run_start, merged)
