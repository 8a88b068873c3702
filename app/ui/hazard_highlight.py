"""Hazardous passages in the text editors, drawn so a reader sees what is withheld.

The markup (``[[hazard:bio]]…[[/hazard]]``) stays visible in the editor — it is
what is stored, and hiding it would make a half-deleted tag invisible — but the
tags are drawn as small labels and the passage on a red wash, so a reader sees
at a glance what is withheld and in which domain. Markdown is made readable
underneath.
"""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from app.model.spans import CLOSE_TAG, OPEN_TAG

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
    ("heading", re.compile(r"^#{1,6} .*$")),
    ("list", re.compile(r"^\s*(?:[-*+]|\d+[.)]) ")),
    ("quote", re.compile(r"^>.*$")),
    ("strong", re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")),
    ("emphasis", re.compile(r"(?<![*\w])([*_])(?=[^\s*_])(.+?)(?<=[^\s*_])\1(?![*\w])")),
    ("code", re.compile(r"`[^`\n]+`")),
    ("link", re.compile(r"\[[^\]\n]+\]\([^)\s]+\)")),
)


class HazardHighlighter(QSyntaxHighlighter):
    """Markdown made readable, and hazardous passages and their tags coloured on top.

    The block state carries an open span from one paragraph to the next.
    """

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        from PySide6.QtWidgets import QApplication
        app = QApplication.instance()
        dark = bool(app is not None and app.property("riskwright_dark"))
        red, wash, fill = (DARK_RED, DARK_WASH, DARK_TAG_FILL) if dark else (HAZARD_RED, HAZARD_WASH, TAG_FILL)
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
        self.markdown["heading"].setForeground(QColor("#1d2939"))
        self.markdown["emphasis"] = QTextCharFormat()
        self.markdown["emphasis"].setFontItalic(True)
        self.markdown["list"] = QTextCharFormat()
        self.markdown["list"].setForeground(QColor("#2e6bd6"))
        self.markdown["list"].setFontWeight(QFont.Weight.Bold)
        self.markdown["quote"] = QTextCharFormat()
        self.markdown["quote"].setForeground(QColor("#5d6b7e"))
        self.markdown["code"] = QTextCharFormat()
        self.markdown["code"].setFontFamilies(["DejaVu Sans Mono", "monospace"])
        self.markdown["code"].setBackground(QColor("#f2f4f7"))
        self.markdown["link"] = QTextCharFormat()
        self.markdown["link"].setForeground(QColor("#1d4ed8"))

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt's name
        for name, pattern in _MARKDOWN:
            for match in pattern.finditer(text):
                self.setFormat(match.start(), match.end() - match.start(), self.markdown[name])
        open_span = self.previousBlockState() == _OPEN_SPAN
        cursor = 0
        for match in _ANY_TAG.finditer(text):
            if open_span and match.start() > cursor:
                self._wash(cursor, match.start())
            self.setFormat(match.start(), match.end() - match.start(), self.tag)
            open_span = match.group(0) != CLOSE_TAG
            cursor = match.end()
        if open_span and cursor < len(text):
            self._wash(cursor, len(text))
        for loose in _LOOKS_LIKE_TAG.finditer(text):
            strict = _ANY_TAG.match(text, loose.start())
            if strict is None or strict.end() != loose.end():
                self.setFormat(loose.start(), loose.end() - loose.start(), self.broken)
        self.setCurrentBlockState(_OPEN_SPAN if open_span else _NO_SPAN)

    def _wash(self, start: int, end: int) -> None:
        """Lay the hazard wash over a passage, keeping its Markdown formats."""
        run_start, run_format = start, self.format(start)
        for position in range(start + 1, end + 1):
            current = self.format(position) if position < end else None
            if current is not None and current == run_format:
                continue
            merged = QTextCharFormat(run_format)
            merged.merge(self.passage)
            self.setFormat(run_start, position - run_start, merged)
            if current is not None:
                run_start, run_format = position, current
