"""The list of parts on the left: header, the lifecycle stages, accountability.

Each entry carries up to three badges — open violations (red), missing evidence
or invalid values (amber), open flags (violet) — so a person sees where work
is left without opening every stage.
"""

from __future__ import annotations


from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.model import FormSet
from app.session.analysis import StageCounts

_BADGES_ROLE = Qt.ItemDataRole.UserRole + 1
_STAGE_ROLE = Qt.ItemDataRole.UserRole
_SUBTITLE_ROLE = Qt.ItemDataRole.UserRole + 2


BADGE_COLOURS = (("violations", QColor("#c4320a"), "violations"), ("missing", QColor("#b54708"), "missing"),
                 ("flags", QColor("#6941c6"), "flags"))


class BadgeDelegate(QStyledItemDelegate):
    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        metrics = QFontMetrics(option.font)
        return QSize(200, metrics.height() * 2 + 18)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        painter.save()
        style = option.widget.style() if option.widget else None
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        rect = option.rect.adjusted(6, 2, -6, -2)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(option.palette.color(QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(rect, 6, 6)
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(0, 0, 0, 14))
            painter.drawRoundedRect(rect, 6, 6)
        if option.state & QStyle.StateFlag.State_HasFocus and style is not None:
            painter.setPen(QColor("#2e6bd6"))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 6, 6)
        text_colour = option.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        title_font = QFont(option.font)
        title_font.setWeight(QFont.Weight.DemiBold)
        metrics = QFontMetrics(title_font)
        inner = rect.adjusted(10, 5, -8, -5)
        counts: StageCounts = index.data(_BADGES_ROLE) or StageCounts()
        badges_width = self._paint_badges(painter, inner, counts, option.font, selected)
        painter.setFont(title_font)
        painter.setPen(text_colour)
        title_rect = QRect(inner.left(), inner.top(), inner.width() - badges_width - 6, metrics.height())
        painter.drawText(title_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(str(index.data(Qt.ItemDataRole.DisplayRole)),
                                            Qt.TextElideMode.ElideRight, title_rect.width()))
        sub_font = QFont(option.font)
        sub_font.setPointSizeF(max(7.0, option.font.pointSizeF() - 1))
        painter.setFont(sub_font)
        muted = QColor(text_colour)
        muted.setAlpha(170)
        painter.setPen(muted)
        sub_rect = QRect(inner.left(), inner.top() + metrics.height() + 2, inner.width(),
                         QFontMetrics(sub_font).height())
        painter.drawText(sub_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         str(index.data(_SUBTITLE_ROLE) or ""))
        painter.restore()

    def _paint_badges(self, painter: QPainter, inner: QRect, counts: StageCounts, font: QFont,
                      selected: bool) -> int:
        badge_font = QFont(font)
        badge_font.setPointSizeF(max(7.0, font.pointSizeF() - 1.5))
        badge_font.setWeight(QFont.Weight.Bold)
        metrics = QFontMetrics(badge_font)
        painter.setFont(badge_font)
        right = inner.right()
        used = 0
        for attribute, colour, _name in reversed(BADGE_COLOURS):
            count = getattr(counts, attribute)
            if not count:
                continue
            text = str(count) if count < 1000 else "999+"
            width = max(metrics.horizontalAdvance(text) + 12, metrics.height() + 4)
            box = QRect(right - width, inner.top() + 1, width, metrics.height() + 3)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#ffffff") if selected else colour)
            painter.drawRoundedRect(box, box.height() / 2, box.height() / 2)
            painter.setPen(colour if selected else QColor("#ffffff"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
            right -= width + 4
            used += width + 4
        return used


class StageNavigator(QListWidget):
    stage_chosen = Signal(str)

    def __init__(self, forms: FormSet) -> None:
        super().__init__()
        self.setObjectName("navigator")
        self.setAccessibleName("Parts of the assessment")
        self.setAccessibleDescription("Choose a part to edit; badges count violations, missing evidence "
                                      "and open flags")
        self.setItemDelegate(BadgeDelegate(self))
        self.setMouseTracking(True)
        self.setUniformItemSizes(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        stage_number = 0
        for form in forms.forms:
            item = QListWidgetItem(form.title)
            item.setData(_STAGE_ROLE, form.stage)
            if form.stage == "header":
                subtitle = "Model, framework, status"
            elif form.stage == "accountability":
                subtitle = "Standing section"
            else:
                stage_number += 1
                subtitle = f"Stage {stage_number}"
            item.setData(_SUBTITLE_ROLE, subtitle)
            item.setData(_BADGES_ROLE, StageCounts())
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{form.title}: nothing open")
            item.setToolTip(form.summary)
            self.addItem(item)
        self._counts_shown: dict[str, StageCounts] = {}
        """The counts last given to ``set_counts`` (every item shows them)."""
        self.currentItemChanged.connect(self._chosen)

    def _chosen(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if current is not None:
            self.stage_chosen.emit(current.data(_STAGE_ROLE))

    def stage_item(self, stage: str) -> QListWidgetItem | None:
        for row in range(self.count()):
            item = self.item(row)
            if item.data(_STAGE_ROLE) == stage:
                return item
        return None

    def select_stage(self, stage: str) -> None:
        item = self.stage_item(stage)
        if item is not None and self.currentItem() is not item:
            self.setCurrentItem(item)

    def current_stage(self) -> str | None:
        item = self.currentItem()
        return None if item is None else item.data(_STAGE_ROLE)

    def set_counts(self, counts: dict[str, StageCounts]) -> None:
        """Show ``counts`` by stage (a stage not in it: nothing open).

        After every check and flag scan; while someone types they are nearly always the counts already shown,
        and one comparison of the two mappings costs less than asking each item for its badges."""
        if counts == self._counts_shown:
            return
        self._counts_shown = dict(counts)
        for row in range(self.count()):
            item = self.item(row)
            found = counts.get(item.data(_STAGE_ROLE), StageCounts())
            if item.data(_BADGES_ROLE) == found:
                continue  # unchanged: no repaint (this runs after every check and flag scan)
            item.setData(_BADGES_ROLE, found)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{item.text()}: {found.describe()}")
            item.setToolTip(f"{item.text()} — {found.describe()}")

    def counts(self, stage: str) -> StageCounts:
        item = self.stage_item(stage)
        return StageCounts() if item is None else item.data(_BADGES_ROLE)
