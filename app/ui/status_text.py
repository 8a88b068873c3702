"""Status-bar labels whose text changes on every pause in typing, without laying the status bar out again.

A label whose text changes asks its parent's layout to run again, and a status bar answers by laying
out and repainting every widget in it. On every pause in typing the save label says "Saving…" and then
"All changes saved", and the check's label its result ("Checking…" first when the check takes long):
the whole bar each time, which on the large example was the largest part of the window's work per edit.
A label kept at a fixed size repaints only itself.

``SteadyLabel.show_text`` keeps the box a free label would have: exactly the size a free label takes for
a lasting text (measured on a hidden twin styled like it, since a fixed label's own size hint never
drops below its fixed size), and for a passing one (``passing``) the box it already has when the text
fits, right-aligned — about where a free label in the bar's right-packed area would show it.

The same few texts come back on every pause ("Saving…", "All changes saved", "Checking…", the check's
line), and measuring one on the twin (polish, text layout, size hint) cost more than drawing it; so
each text's size is measured once per look (the label's ``state``) and remembered until the font or
style changes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLabel, QWidget

LASTING = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
PASSING = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class SteadyLabel(QLabel):
    """A status-bar label kept at a fixed size; change its text with ``show_text``."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._twin = QLabel(self)
        """Hidden, never laid out: measures texts with the same style rules (name, state, parents)."""
        self._twin.setObjectName(name)
        self._twin.hide()
        self._sizes: dict[tuple[str, object], tuple[int, int]] = {}
        """Natural size by (text, state), measured once; forgotten when the font or style changes."""
        self.setFixedSize(0, 0)
        self._box = (0, 0)
        self._alignment = self.alignment()
        """The fixed size and alignment ``show_text`` last gave it (it alone sets them), kept here: asking Qt
        costs a call each, while the writer's thread may be waiting to take the interpreter lock."""

    def show_text(self, text: str, passing: bool = False, restyled: bool = False) -> None:
        """Set the text; the box changes only when a lasting text needs another size, or a passing one more room.

        ``restyled``: the label's style changed since it was last fitted (a bold "Not saved"): fit it again.
        """
        if text == self.text() and not restyled:
            return
        alignment = PASSING if passing else LASTING
        if self._alignment != alignment:
            self._alignment = alignment
            self.setAlignment(alignment)
        self.setText(text)
        width, height = self._natural(text)
        box = (max(width, self._box[0]) if passing else width, height)
        if box != self._box:
            self._box = box
            self.setFixedSize(*box)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.PaletteChange):
            self._sizes.clear()
        super().changeEvent(event)

    def _natural(self, text: str) -> tuple[int, int]:
        state = self.property("state")
        key = (text, state)
        known = self._sizes.get(key)
        if known is not None:
            return known
        if len(self._sizes) > 64:  # texts that name counts or files vary: keep only recent ones
            self._sizes.clear()
        twin = self._twin
        if twin.property("state") != state:
            twin.setProperty("state", state)
            twin.style().unpolish(twin)
            twin.style().polish(twin)
        twin.setText(text)
        twin.ensurePolished()
        hint = twin.sizeHint()
        size = self._sizes[key] = (hint.width(), hint.height())
        return size
