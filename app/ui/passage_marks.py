"""The hazardous passages of one text editor, kept as regions of its document.

The editor's document holds the visible text only; each passage is a pair of
``QTextCursor`` s, which the document itself moves through every edit. The
start cursor moves on when text is inserted at it and the end cursor stays, so
typing at either edge of a passage goes outside it and typing within it
extends it; deleting a passage's words shrinks it, and deleting all of them
removes it. Format changes (the highlighter's) never move a cursor, so no edit
has to be interpreted from ``contentsChange``, which Qt sometimes reports wider
than the change was.

A stored value whose markup does not parse cannot be shown as regions without
guessing; it is shown as written (``raw``), tags and all, with the broken tag
underlined, until it is fixed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QTextCursor, QTextDocument

from app.model.passages import Passage, join_marked, split_marked
from app.model.spans import SpanError
from app.model.text_edits import common_end, common_start

PARAGRAPH = "\u2029"
"""How a QTextDocument's raw text separates paragraphs."""


@dataclass
class Region:
    start: QTextCursor
    end: QTextCursor
    domain: str

    @property
    def span(self) -> tuple[int, int]:
        return self.start.position(), self.end.position()

    @property
    def empty(self) -> bool:
        return self.end.position() <= self.start.position()


class PassageMarks:
    """Hazardous passages over a QTextDocument; ``marked_text`` is what is stored."""

    def __init__(self, document: QTextDocument) -> None:
        self.document = document
        self.regions: list[Region] = []
        self.raw = False
        self.raw_problem: str | None = None
        self.on_change: Callable[[int, int], None] = lambda _start, _end: None
        """Called with a range of the document whose passages changed (to redraw it)."""
        self._pending: tuple[Passage, ...] = ()
        self._spans_at = -1
        self._spans: list[tuple[int, int, str]] = []

    # -- reading ----------------------------------------------------------------------
    def visible_text(self) -> str:
        return self.document.toRawText().replace(PARAGRAPH, "\n")

    def passages(self) -> tuple[Passage, ...]:
        return tuple(Passage(start, end, domain) for start, end, domain in self.spans())

    def spans(self) -> list[tuple[int, int, str]]:
        """(start, end, domain) of every non-empty passage, in order; cached per document revision."""
        if self._pending:
            return [(p.start, p.end, p.domain) for p in self._pending]
        revision = self.document.revision()
        if revision != self._spans_at:
            self.regions = [r for r in self.regions if not r.empty]
            self._spans = sorted((r.start.position(), r.end.position(), r.domain) for r in self.regions)
            self._spans_at = revision
        return self._spans

    def marked_text(self) -> str:
        """The stored form of what the editor shows (tags around each passage)."""
        if self.raw:
            return self.visible_text()
        spans = self.spans()
        text = self.visible_text()
        return join_marked(text, (Passage(*span) for span in spans)) if spans else text

    def at(self, position: int, edges: bool = True) -> Region | None:
        """The passage holding ``position`` (a cursor position; ``edges``: its two ends count)."""
        for region in self.regions:
            start, end = region.span
            inside = (start <= position <= end) if edges else (start < position < end)
            if inside and end > start:
                return region
        return None

    def overlapping(self, start: int, end: int) -> list[Region]:
        return [r for r in self.regions if not r.empty and r.span[0] < end and r.span[1] > start]

    # -- changing -----------------------------------------------------------------------
    def load(self, marked: str) -> None:
        """Show a stored value: only the changed part of the text is replaced, passages as stored."""
        try:
            visible, passages = split_marked(marked)
        except SpanError as error:
            self._show_raw(marked, str(error))
            return
        if self.raw or self.document.isEmpty():
            self.raw, self.raw_problem = False, None
            self._replace_all(visible, passages)
            return
        current = self.visible_text()
        if current != visible:
            self._splice(current, visible)
        if self.passages() != passages:
            self._set_regions(passages)

    def mark(self, start: int, end: int, domain: str) -> None:
        """Make ``[start, end)`` one passage of ``domain``; passages it overlaps or touches become part of it."""
        for region in self.overlapping(start, end):
            region_start, region_end = region.span
            start, end = min(start, region_start), max(end, region_end)
            self.regions.remove(region)
        self.regions.append(self._region(start, end, domain))
        self._spans_at = -1
        self.on_change(start, end)

    def changed_at(self, region: Region) -> None:
        """A passage's extent was changed by hand (its cursors moved): redraw it."""
        self._spans_at = -1
        self.on_change(*region.span)

    def unmark(self, region: Region) -> tuple[int, int]:
        """Remove a passage's mark (its words stay); returns where it was."""
        start, end = region.span
        self.regions.remove(region)
        self._spans_at = -1
        self.on_change(start, end)
        return start, end

    def add(self, offset: int, passages: tuple[Passage, ...]) -> None:
        """Passages of text just inserted at ``offset`` (a paste)."""
        for passage in passages:
            start, end = offset + passage.start, offset + passage.end
            if self.at(start, edges=False) is None:  # inside a passage, pasted words are already part of it
                self.regions.append(self._region(start, end, passage.domain))
        self._spans_at = -1
        if passages:
            self.on_change(offset + passages[0].start, offset + passages[-1].end)

    # -- inside ---------------------------------------------------------------------------
    def _region(self, start: int, end: int, domain: str) -> Region:
        first = QTextCursor(self.document)
        first.setPosition(start)
        last = QTextCursor(self.document)
        last.setPosition(end)
        last.setKeepPositionOnInsert(True)
        return Region(first, last, domain)

    def _show_raw(self, marked: str, problem: str) -> None:
        self.regions = []
        self._spans_at = -1
        if not self.raw or self.visible_text() != marked:
            self.raw = True
            self._replace_all(marked, ())
        self.raw, self.raw_problem = True, problem

    def _replace_all(self, visible: str, passages: tuple[Passage, ...]) -> None:
        self.regions = []
        self._pending = passages  # the highlighter reads them while setPlainText lays the text out
        try:
            self.document.setPlainText(visible)
        finally:
            self._pending = ()
        self.regions = [self._region(p.start, p.end, p.domain) for p in passages]
        self._spans_at = -1

    def _splice(self, current: str, visible: str) -> None:
        """Replace only what differs (an undone word in a megabyte costs microseconds, not a new layout)."""
        start = common_start(current, visible)
        end = common_end(current, visible, len(current) - start, len(visible) - start)
        cursor = QTextCursor(self.document)
        cursor.setPosition(start)
        cursor.setPosition(len(current) - end, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(visible[start:len(visible) - end])

    def _set_regions(self, passages: tuple[Passage, ...]) -> None:
        before = self.spans()
        self.regions = [self._region(p.start, p.end, p.domain) for p in passages]
        self._spans_at = -1
        touched = [(s, e) for s, e, _d in before] + [(p.start, p.end) for p in passages]
        if touched:
            self.on_change(min(s for s, _e in touched), max(e for _s, e in touched))
