"""Status-bar labels whose text changes on every pause in typing, without laying the status bar out again.

A label whose text changes asks its parent's layout to run again, and a status bar answers by laying
out and repainting every widget in it. On every pause in typing the check's label says "Checking…" and
then the result, and the save label "Saving…" and then "All changes saved": four times the whole bar,
which on the large example was the largest part of the window's work per edit. A label kept at a fixed
size repaints only itself. ``show_text`` keeps the box a free label would have: exactly the text's own
size for a lasting text, and for a passing one (``passing``) the box it already has when the text fits,
with the text right-aligned — where a free label in the bar's right-packed area would have put it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel


def steady(label: QLabel) -> QLabel:
    """Make ``label`` one that ``show_text`` keeps at a fixed size (call once, when building the bar)."""
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    fit(label)
    return label


def show_text(label: QLabel, text: str, passing: bool = False, restyled: bool = False) -> None:
    """Set the text; the box changes only when a lasting text needs another size, or a passing one more room.

    ``restyled``: the label's style changed since it was last fitted (a bold "Not saved"): fit it again.
    """
    if text == label.text() and not restyled:
        return
    label.setText(text)
    fit(label, passing)


def fit(label: QLabel, passing: bool = False) -> None:
    """Fix ``label`` at its text's size (``passing``: keep a wider box it already has). Call after a restyle."""
    label.ensurePolished()  # the style sheet's font decides the size
    hint = label.sizeHint()
    width = hint.width()
    fixed = label.minimumSize() == label.maximumSize()
    if passing and fixed:
        width = max(width, label.maximumWidth())
    if not fixed or label.maximumWidth() != width or label.maximumHeight() != hint.height():
        label.setFixedSize(width, hint.height())
