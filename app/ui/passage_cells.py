"""Hazardous passages in a table's cells: the words on the red wash, never the markup.

A record list shows a few short values per record; a text among them may hold a
marked passage. The model gives the cell its visible text (``cell_text``) and
the passages (``PASSAGES_ROLE``); ``PassageDelegate`` draws those on the wash
the editors use, underlined, and the tooltip names the domain. Cells without
passages are drawn as usual.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.model.passages import Passage, split_marked
from app.model.spans import SpanError
from app.ui.hazard_highlight import hazard_colours

PASSAGES_ROLE = Qt.ItemDataRole.UserRole + 7


def marked_html(text: str, passages: Sequence[Passage]) -> str:
    """Rich text for a label: ``text`` escaped, each passage on the wash, underlined, its domain in the tooltip."""
    _red, wash, _fill = hazard_colours()
    pieces: list[str] = []
    at = 0
    for passage in passages:
        pieces.append(html.escape(text[at:passage.start]))
        pieces.append(f'<span style="background-color:{wash.name()}; text-decoration:underline;">'
                      f"{html.escape(text[passage.start:passage.end])}</span>")
        at = passage.end
    pieces.append(html.escape(text[at:]))
    return "".join(pieces)


def cell_text(value: str) -> tuple[str, tuple[Passage, ...]]:
    """The visible text of a stored value and its passages (markup that does not parse: shown as written)."""
    try:
        return split_marked(value)
    except SpanError:
        return value, ()


class PassageDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        passages = index.data(PASSAGES_ROLE)
        if not passages:
            super().paint(painter, option, index)
            return
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        text, item.text = item.text, ""
        widget = item.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, widget)
        area = QRectF(style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, item, widget)).adjusted(3, 0, -3, 0)
        metrics = item.fontMetrics
        red, wash, _fill = hazard_colours()
        selected = bool(item.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setClipRect(area)
        painter.setFont(item.font)
        x = area.left()
        baseline = area.center().y() + (metrics.ascent() - metrics.descent()) / 2
        text = _fitted(text.replace("\n", " "), metrics.horizontalAdvance, area.width())
        edges = sorted({0, len(text), *(p.start for p in passages if p.start < len(text)),
                        *(min(p.end, len(text)) for p in passages if p.start < len(text))})
        for start, end in zip(edges, edges[1:], strict=False):
            piece = text[start:end]
            width = metrics.horizontalAdvance(piece)
            hazardous = any(p.start <= start and end <= p.end for p in passages)
            if hazardous:
                painter.fillRect(QRectF(x, area.top() + 3, width, area.height() - 6), wash)
                painter.setPen(QPen(red, 1))
                painter.drawLine(int(x), int(baseline + 2), int(x + width), int(baseline + 2))
            painter.setPen(item.palette.highlightedText().color() if selected and not hazardous
                           else item.palette.text().color())
            painter.drawText(int(x), int(baseline), piece)
            x += width
        painter.restore()


def _fitted(text: str, advance: Callable[[str], float], room: float) -> str:
    """``text``, or as much of its start as fits in ``room`` with "…" after it, as the list's other cells show."""
    text = text[:400]  # a cell never shows more; measuring a long value whole would be slow
    if advance(text) <= room:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest start that fits with its ellipsis
        middle = (low + high + 1) // 2
        if advance(text[:middle] + "…") <= room:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"
