"""A word-wrapped label that measures its text once per width, not at every layout pass.

Qt's ``QLabel`` lays its whole text out again each time a layout asks how tall it is at a
width (``heightForWidth``), and a layout asks several times per pass (minimum, preferred,
total). A form page holds a help text under every field, so when one field grows by a line
while a person types, the page's layout pass measured every help text on it again: on the
large example ~75 % of that pass's ~15 ms of GUI-thread time went to laying out text that
had not changed. This label keeps what it measured per width until something it depends on
changes: its text, text format, wrapping, indent, margins, font or style.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel

_KEPT_WIDTHS = 16
"""Widths remembered at once; a window being resized asks at many, and only the latest matter."""
_CHANGES = frozenset({QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.LanguageChange,
                      QEvent.Type.LayoutDirectionChange, QEvent.Type.ContentsRectChange,
                      QEvent.Type.ScreenChangeInternal,  # another screen: another resolution, other text metrics
                      QEvent.Type.DevicePixelRatioChange})


class WrappedLabel(QLabel):
    """A ``QLabel`` with word wrap on whose height for a width is measured once per text and look."""

    def __init__(self, text: str = "", parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(text, parent)
        self._heights: dict[int, int] = {}
        self.setWordWrap(True)

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        height = self._heights.get(width)
        if height is None:
            if len(self._heights) >= _KEPT_WIDTHS:
                self._heights.clear()
            height = self._heights[width] = super().heightForWidth(width)
        return height

    def _forget(self) -> None:
        self._heights.clear()

    def setText(self, text: str) -> None:  # noqa: N802
        if text != self.text():
            self._forget()
        super().setText(text)

    def clear(self) -> None:
        self._forget()
        super().clear()

    def setTextFormat(self, text_format) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        self._forget()
        super().setTextFormat(text_format)

    def setWordWrap(self, on: bool) -> None:  # noqa: N802
        self._forget()
        super().setWordWrap(on)

    def setIndent(self, indent: int) -> None:  # noqa: N802
        self._forget()
        super().setIndent(indent)

    def setMargin(self, margin: int) -> None:  # noqa: N802
        self._forget()
        super().setMargin(margin)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in _CHANGES:
            self._forget()
        super().changeEvent(event)
