"""Text editors whose hazardous passages are marked regions, not markup.

``MarkedTextEdit`` shows a value's visible text; its ``marks``
(``passage_marks.PassageMarks``) know where the passages are and give back the
stored form with tags. Because the tags are not in the editor's text, the
cursor can never land inside one or split it. What a person sees and can do:

* a passage on a red wash, a chip after it naming the domain, a tooltip saying
  what it means;
* the context menu's "Mark selection hazardous…" and "Unmark hazardous
  passage" (and Ctrl+Shift+H, the window's) — the binding turns either into
  one undo step;
* typing inside a passage extends it, typing at its edges does not; typing
  over a selection within a passage keeps the new words marked;
* copy, cut and paste keep passages marked within Riskwright (the clipboard
  carries the stored form under ``MARKED_MIME`` beside the plain text), and
  pasting stored-form text (from the YAML, say) marks its passages.

``MarkdownEdit`` (long text, grows with its content) and ``LineTextEdit``
(one line of text, Enter finishes) are the two editors the forms use.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QEvent, QMimeData, QPoint, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QKeyEvent, QKeySequence, QPainter, QTextCursor
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QScrollArea, QSizePolicy, QToolTip, QWidget

from app.model.passages import clip, join_marked, split_marked
from app.model.spans import SpanError, has_span_markup
from app.ui.hazard_highlight import HazardHighlighter, hazard_colours, is_dark
from app.ui.passage_marks import PARAGRAPH, PassageMarks, Region

MARKED_MIME = "application/x-riskwright-marked-text"
DOMAIN_NAMES = {"bio": "biology", "chem": "chemistry", "cyber": "cyber", "autonomy": "autonomy", "other": "other"}
HISTORY_KEYS = (QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo)


def leave_history_to_window(event: QEvent) -> bool:
    """Let Ctrl+Z reach the window's undo instead of the widget's private one."""
    if event.type() == QEvent.Type.ShortcutOverride and any(
            cast(QKeyEvent, event).matches(key) for key in HISTORY_KEYS):
        event.ignore()
        return True
    return False


def _x(found: object) -> float:
    """QTextLine.cursorToX's x (PySide returns (x, position) for the int* overload)."""
    return float(found[0] if isinstance(found, tuple) else found)  # type: ignore[arg-type]


class MarkedTextEdit(QPlainTextEdit):
    """A plain-text editor with hazardous passages as regions (see the module docstring)."""

    focus_left = Signal()
    mark_requested = Signal()
    """The context menu's "Mark selection hazardous…"."""
    unmark_requested = Signal(int)
    """The context menu's "Unmark hazardous passage", with a position inside the passage."""
    CHIP_PADDING = 5.0
    CHIP_GAP = 3.0

    def __init__(self, parent: QWidget | None = None, markdown: bool = True) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setUndoRedoEnabled(False)
        self.marks = PassageMarks(self.document())
        self._continuing: tuple[Region, int] | None = None
        """A passage being typed into at its end after a selection in it was typed over, and where."""
        self.marks.on_change = self._passages_changed
        self._chip_font = QFont(self.font())
        self._chip_font.setPointSizeF(max(6.0, self.font().pointSizeF() * 0.78))
        self._chip_font.setWeight(QFont.Weight.DemiBold)
        self.highlighter = HazardHighlighter(self.document(), self.marks, self._chip_room, markdown)
        self.cursorPositionChanged.connect(self.keep_cursor_in_sight)

    def keep_cursor_in_sight(self) -> None:
        """Scroll the page that holds this field so the point where the person types stays in sight.

        A long field grows with its text and can reach below the bottom of the page's view;
        without this, Ctrl+End (or typing on at the end) puts the cursor where nobody sees it.
        """
        if self.window().focusWidget() is not self:  # the field being typed in, even in a window not yet active
            return
        area = self.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        body = area.widget() if area is not None else None
        if area is None or body is None:
            return
        rect = self.cursorRect()
        centre = self.viewport().mapTo(body, rect.center())
        area.ensureVisible(centre.x(), centre.y(), 20, rect.height())

    # -- what the binding uses ------------------------------------------------------------
    def load_marked(self, marked: str) -> None:
        """Show a stored value, keeping the cursor where it was (clamped)."""
        if self.marks.marked_text() == marked:
            return
        position = self.textCursor().position()
        self.marks.load(marked)
        if self.marks.raw:
            cursor = self.textCursor()
            cursor.setPosition(min(position, self.document().characterCount() - 1))
            self.setTextCursor(cursor)
        self.viewport().update()

    def select_range(self, start: int, end: int) -> None:
        length = self.document().characterCount() - 1
        cursor = self.textCursor()
        cursor.setPosition(max(0, min(start, length)))
        cursor.setPosition(max(0, min(end, length)), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def passage_summary(self) -> str:
        """"2 hazardous passages (biology, cyber)" — for the accessible description; "" when there are none."""
        domains = [domain for _s, _e, domain in self.marks.spans()]
        if not domains:
            return ""
        names = ", ".join(dict.fromkeys(DOMAIN_NAMES.get(d, d) for d in domains))
        return f"Holds {len(domains)} hazardous passage{'s' if len(domains) != 1 else ''} ({names})."

    # -- drawing ---------------------------------------------------------------------------
    def _chip_room(self, domain: str) -> float:
        width = QFontMetricsF(self._chip_font).horizontalAdvance(domain)
        return width + 2 * self.CHIP_PADDING + 2 * self.CHIP_GAP

    def _passages_changed(self, start: int, end: int) -> None:
        block = self.document().findBlock(start)
        while block.isValid() and block.position() <= end + 1:
            self.highlighter.rehighlightBlock(block)
            block = block.next()
        self.viewport().update()

    def paintEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().paintEvent(event)
        spans = self.marks.spans() if not self.marks.raw else []
        if not spans:
            return
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self._chip_font)
        red, _wash, _fill = hazard_colours()
        text_colour = QColor("#1e2229") if is_dark() else QColor("#ffffff")
        visible = QRectF(event.rect())
        first = self.firstVisibleBlock().position()
        past = self.cursorForPosition(self.viewport().rect().bottomRight()).position() + 1
        for start, end, domain in spans:
            if end < first or start > past:
                continue  # off screen: a long text may hold many passages
            chip = self._chip_rect(start, end, domain)
            if chip is None or not chip.intersects(visible):
                continue
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(red)
            painter.drawRoundedRect(chip, 4, 4)
            painter.setPen(text_colour)
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, domain)
        painter.end()

    def _chip_rect(self, start: int, end: int, domain: str) -> QRectF | None:
        """Where the chip after a passage is drawn: the room its last character leaves after itself."""
        last = end - 1
        document = self.document()
        while last >= start and document.characterAt(last) == PARAGRAPH:
            last -= 1
        if last < start:
            return None
        block = document.findBlock(last)
        layout = block.layout()
        if not block.isVisible() or layout is None:
            return None
        inside = last - block.position()
        line = layout.lineForTextPosition(inside)
        if not line.isValid():
            return None
        cursor = QTextCursor(document)
        cursor.setPosition(last)
        left = QRectF(self.cursorRect(cursor))
        advance = _x(line.cursorToX(inside + 1)) - _x(line.cursorToX(inside))
        room = self._chip_room(domain)
        right = left.left() + advance - self.CHIP_GAP
        return QRectF(right - room + 2 * self.CHIP_GAP, left.top() + 1, room - 2 * self.CHIP_GAP,
                      max(8.0, left.height() - 2))

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.ToolTip:
            point = event.pos()  # type: ignore[attr-defined]
            region = self.marks.at(self.cursorForPosition(point).position(), edges=False) \
                or self._chip_at(QPoint(point))
            if region is not None:
                QToolTip.showText(event.globalPos(), self._region_tip(region), self)  # type: ignore[attr-defined]
                return True
        return super().viewportEvent(event)

    def _chip_at(self, point: QPoint) -> Region | None:
        for region in self.marks.regions:
            start, end = region.span
            chip = self._chip_rect(start, end, region.domain)
            if chip is not None and chip.contains(point.toPointF()):
                return region
        return None

    @staticmethod
    def _region_tip(region: Region) -> str:
        return (f"Hazardous passage ({DOMAIN_NAMES.get(region.domain, region.domain)}): withheld from "
                f"reviewers' and public reports, shown in internal ones.\n"
                f"Right-click › Unmark hazardous passage, or Ctrl+Shift+H, removes the mark (the words stay).")

    # -- menu --------------------------------------------------------------------------------
    def contextMenuEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        menu = self.build_context_menu(event.pos())
        menu.exec(event.globalPos())
        menu.deleteLater()

    def build_context_menu(self, at: QPoint) -> QMenu:
        menu = self.createStandardContextMenu(at)
        for action in menu.actions():  # the window's Undo/Redo are the ones that save; the widget has none
            if action.text().replace("&", "").startswith(("Undo", "Redo")):
                menu.removeAction(action)
        menu.addSeparator()
        position = self.cursorForPosition(at).position()
        cursor = self.textCursor()
        region = None if self.marks.raw else (
            self.marks.at(cursor.selectionStart()) if cursor.hasSelection() and
            cursor.selectionStart() <= position <= cursor.selectionEnd() else self.marks.at(position))
        if self.marks.raw:
            fix = menu.addAction("Mark hazardous… (fix the span markup first)")
            fix.setEnabled(False)
        elif region is not None:
            name = DOMAIN_NAMES.get(region.domain, region.domain)
            unmark = menu.addAction(f"Unmark hazardous passage ({name})")
            unmark.setShortcut(QKeySequence("Ctrl+Shift+H"))
            unmark.setEnabled(not self.isReadOnly())
            inside = region.span[0]
            unmark.triggered.connect(lambda: self.unmark_requested.emit(inside))
        else:
            mark = menu.addAction("Mark selection hazardous…")
            mark.setShortcut(QKeySequence("Ctrl+Shift+H"))
            mark.setEnabled(cursor.hasSelection() and not self.isReadOnly())
            mark.triggered.connect(self.mark_requested.emit)
        return menu

    # -- typing and the clipboard ---------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        return True if leave_history_to_window(event) else super().event(event)

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        if any(event.matches(key) for key in HISTORY_KEYS):
            event.ignore()
            return
        typed = event.text()
        printable = bool(typed) and typed.isprintable()
        continuing, self._continuing = self._continuing, None
        if printable and self.textCursor().hasSelection():
            self._keeping_passage(lambda: super(MarkedTextEdit, self).keyPressEvent(event))
            return
        super().keyPressEvent(event)
        if printable and continuing is not None:
            region, at = continuing
            if region in self.marks.regions and region.end.position() == at and at < self.textCursor().position():
                # The words typed over a selection in a passage go on: the rest of the word stays in it too.
                region.end.setPosition(self.textCursor().position())
                self.marks.changed_at(region)
                self._continuing = (region, self.textCursor().position())

    def focusOutEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().focusOutEvent(event)
        self.focus_left.emit()

    def createMimeDataFromSelection(self) -> QMimeData:  # noqa: N802 - Qt's name
        mime = QMimeData()
        cursor = self.textCursor()
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        text = cursor.selectedText().replace(PARAGRAPH, "\n")
        mime.setText(text)
        passages = clip(self.marks.passages(), start, end) if not self.marks.raw else []
        if passages:
            mime.setData(MARKED_MIME, join_marked(text, passages).encode("utf-8"))
        return mime

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 - Qt's name
        marked = None
        if source.hasFormat(MARKED_MIME):
            marked = bytes(source.data(MARKED_MIME).data()).decode("utf-8", errors="replace")
        elif source.hasText() and has_span_markup(source.text()):
            marked = source.text()  # stored-form text (from the YAML, a report source): mark its passages
        if marked is not None and not self.marks.raw:
            try:
                visible, passages = split_marked(marked)
            except SpanError:
                pass  # not valid markup: pasted as written, and underlined as a broken tag
            else:
                self._keeping_passage(lambda: self._insert_marked(self.fit_pasted(visible), passages))
                return
        text = self.fit_pasted(source.text()) if source.hasText() else ""
        self._keeping_passage(lambda: self.textCursor().insertText(text) if text else None)
        self.ensureCursorVisible()

    def fit_pasted(self, text: str) -> str:
        """What pasted text becomes in this editor (a one-line editor has no line breaks)."""
        return text

    def _insert_marked(self, visible: str, passages) -> None:  # type: ignore[no-untyped-def]
        cursor = self.textCursor()
        cursor.insertText(visible)
        self.marks.add(cursor.position() - len(visible), passages)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def _keeping_passage(self, replace) -> None:  # type: ignore[no-untyped-def]
        """Replace the selection; if it lay within one passage, what replaces it stays in that passage."""
        cursor = self.textCursor()
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        region = self.marks.at(start) if cursor.hasSelection() and not self.marks.raw else None
        if region is not None and not (region.span[0] <= start and end <= region.span[1]):
            region = None
        replace()
        if region is not None and (region.empty or region not in self.marks.regions):
            if region in self.marks.regions:
                self.marks.regions.remove(region)
            after = self.textCursor().position()
            if after > start:
                self.marks.mark(start, after, region.domain)
                kept = self.marks.at(start)
                self._continuing = (kept, after) if kept is not None else None


class MarkdownEdit(MarkedTextEdit):
    """Long text: grows with its content up to a limit, Tab moves focus."""

    MIN_LINES = 3
    MAX_LINES = 14

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().blockCountChanged.connect(self._fit_height)
        layout = self.document().documentLayout()
        if layout is not None:  # wrapped lines change the height without a new paragraph
            layout.documentSizeChanged.connect(self._fit_height)
        self._fit_height()

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().resizeEvent(event)
        self._fit_height()
        self.keep_cursor_in_sight()  # grown by a line while typing at the end: the new line is in sight too
        if event.oldSize().height() != event.size().height():
            # The page below the field grows only once its layout has run (later, in the event loop): follow the
            # cursor again then, or a page that could not yet scroll far enough leaves the new line out of sight.
            QTimer.singleShot(0, self, self.keep_cursor_in_sight)  # not called once this field is gone

    def _fit_height(self) -> None:
        lines = 0
        block = self.document().firstBlock()
        while block.isValid() and lines <= self.MAX_LINES:
            layout = block.layout()
            lines += max(1, layout.lineCount() if layout is not None else 1)
            block = block.next()
        lines = max(self.MIN_LINES, min(self.MAX_LINES, lines))
        metrics = self.fontMetrics()
        margins = self.contentsMargins()
        height = lines * metrics.lineSpacing() + 2 * int(self.document().documentMargin()) \
            + margins.top() + margins.bottom() + 4
        if self.height() != height:
            self.setFixedHeight(height)


class LineTextEdit(MarkedTextEdit):
    """One line of text (names, versions, short answers): Enter finishes, line breaks are never typed.

    A one-line field needs its passages marked as much as a long one, which a
    QLineEdit cannot draw; this keeps QLineEdit's small API (``text``,
    ``setText``, ``cursorPosition``, ``setSelection``, ``editingFinished``).
    """

    editingFinished = Signal()  # noqa: N815 - QLineEdit's name, so callers need not care which editor it is

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, markdown=False)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().setDocumentMargin(2)
        self.focus_left.connect(self.editingFinished.emit)
        self.document().blockCountChanged.connect(self._fit_height)
        self._fit_height()

    def _fit_height(self) -> None:
        # A stored value may hold line breaks (from an import): show them rather than hide all but one.
        lines = max(1, min(4, self.document().blockCount()))
        margins = self.contentsMargins()
        height = lines * self.fontMetrics().lineSpacing() + 2 * int(self.document().documentMargin()) \
            + margins.top() + margins.bottom() + 2
        if self.height() != height:
            self.setFixedHeight(height)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._fit_height()

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.editingFinished.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def wheelEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        event.ignore()  # the page scrolls, as over a QLineEdit

    def fit_pasted(self, text: str) -> str:
        return text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace(PARAGRAPH, " ")

    # -- QLineEdit's API --------------------------------------------------------------------
    def text(self) -> str:
        return self.marks.visible_text()

    def setText(self, text: str) -> None:  # noqa: N802
        self.setPlainText(text)

    def cursorPosition(self) -> int:  # noqa: N802
        return self.textCursor().position()

    def setCursorPosition(self, position: int) -> None:  # noqa: N802
        self.select_range(position, position)

    def setSelection(self, start: int, length: int) -> None:  # noqa: N802
        self.select_range(start, start + length)

    def end(self, mark: bool) -> None:
        self.moveCursor(QTextCursor.MoveOperation.End,
                        QTextCursor.MoveMode.KeepAnchor if mark else QTextCursor.MoveMode.MoveAnchor)

    def home(self, mark: bool) -> None:
        self.moveCursor(QTextCursor.MoveOperation.Start,
                        QTextCursor.MoveMode.KeepAnchor if mark else QTextCursor.MoveMode.MoveAnchor)
