"""Marking a passage hazardous, or unmarking it, in a text editor (Ctrl+Shift+H, the context menu).

The editor's passages are regions (``passage_marks``); marking or unmarking
changes only them, and the binding saves the resulting stored text as one undo
step. This module turns a selection into a region and a domain, and a region
back into plain words. It takes the binding by what it does (``MarkedField``),
so the editors can call it without an import cycle.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMenu, QWidget

from app.model.forms import FieldSpec
from app.model.sensitivity import HAZARD_DOMAINS
from app.ui.marked_edit import DOMAIN_NAMES, MarkedTextEdit

DOMAIN_LABELS = {
    "bio": "&Biology", "chem": "&Chemistry", "cyber": "C&yber", "autonomy": "&Autonomy", "other": "&Other",
}


class MarkedField(Protocol):
    spec: FieldSpec

    @property
    def editor(self) -> MarkedTextEdit: ...

    def flush(self) -> None: ...

    def save_marks(self, label: str) -> None: ...


class DomainChooser:
    """Asks which hazard domain a passage belongs to (a menu at the cursor, keyboard-friendly)."""

    @classmethod
    def choose(cls, parent: QWidget, at: QPoint) -> tuple[str, bool]:
        menu = QMenu(parent)
        menu.setAccessibleName("Hazard domain")
        menu.setTitle("Mark hazardous as")
        title = menu.addAction("Mark the selection hazardous:")
        title.setEnabled(False)
        for domain in HAZARD_DOMAINS:
            action = menu.addAction(f"{DOMAIN_LABELS.get(domain, domain)}  ({domain})")
            action.setData(domain)
        menu.setActiveAction(menu.actions()[1])
        chosen = menu.exec(at)
        if chosen is None or chosen.data() is None:
            return "", False
        return str(chosen.data()), True


def toggle_hazard(binding: MarkedField, parent: QWidget) -> str:
    """Mark the selection hazardous, or unmark the passage at the cursor; a message for the status bar."""
    edit = binding.editor
    marks = edit.marks
    if marks.raw:
        return f"Fix the span markup first: {marks.raw_problem}"
    cursor = edit.textCursor()
    start, end = cursor.selectionStart(), cursor.selectionEnd()
    here = marks.at(start)
    if here is not None and (not cursor.hasSelection() or end <= here.span[1]):
        return unmark_passage(binding, start)
    if not cursor.hasSelection():
        return "Select the passage to mark hazardous, then press Ctrl+Shift+H."
    text = marks.visible_text()
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return "The selection holds only spaces; select the passage to mark."
    at = edit.mapToGlobal(edit.cursorRect(cursor).bottomLeft())
    domain, accepted = DomainChooser.choose(parent, at)
    if not accepted:
        return "Nothing marked."
    binding.flush()  # typing waiting for its pause is its own undo step, before the mark
    joined = len(marks.overlapping(start, end))
    marks.mark(start, end, domain)
    binding.save_marks(f"Mark passage hazardous ({domain})")
    region = marks.at(start)
    if region is not None:
        edit.select_range(*region.span)
    joined_note = f", joined with {joined} marked passage{'s' if joined != 1 else ''}" if joined else ""
    return (f"Marked {end - start} characters hazardous ({DOMAIN_NAMES.get(domain, domain)}) in "
            f"{binding.spec.label}{joined_note}.")


def unmark_passage(binding: MarkedField, position: int) -> str:
    """Remove the mark of the passage at ``position`` (its words stay, selected), as one undo step."""
    edit = binding.editor
    binding.flush()
    region = edit.marks.at(position)
    if region is None:
        return "There is no marked passage here."
    domain = region.domain
    start, end = edit.marks.unmark(region)
    binding.save_marks(f"Unmark hazardous passage ({domain})")
    edit.select_range(start, end)
    return f"Unmarked the {DOMAIN_NAMES.get(domain, domain)} passage in {binding.spec.label} (its words stay)."
