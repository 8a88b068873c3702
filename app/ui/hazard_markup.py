"""Marking a passage hazardous, or unmarking it, in a long-text editor (Ctrl+Shift+H).

Wrapping and unwrapping are ``app.model.spans``'; this module only turns a
selection into offsets and a domain into an edit. How the markup looks in the
editor is ``hazard_highlight``'s.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMenu, QWidget

from app.model.sensitivity import HAZARD_DOMAINS
from app.model.spans import OPEN_TAG, SpanError, span_at, unwrap_span, wrap_span
from app.ui.field_editors import MarkdownBinding, MarkdownEdit

DOMAIN_LABELS = {
    "bio": "&Biology", "chem": "&Chemistry", "cyber": "C&yber", "autonomy": "&Autonomy", "other": "&Other",
}
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


def toggle_hazard(binding: MarkdownBinding, parent: QWidget) -> str:
    """Mark the selection hazardous, or unmark the passage under the cursor.

    Returns a message for the status bar.
    """
    edit = binding.editor
    text = edit.toPlainText()
    cursor = edit.textCursor()
    try:
        here = span_at(text, cursor.selectionStart())
    except SpanError as error:
        return f"Fix the span markup first: {error}"
    if here is not None:
        new_text = unwrap_span(text, cursor.selectionStart())
        binding.replace_text(new_text, f"Unmark hazardous passage ({here.domain})")
        start = here.start - len(OPEN_TAG.format(domain=here.domain))
        _select(edit, start, start + len(here.text))
        return f"Unmarked the {here.domain} passage in {binding.spec.label}."
    if not cursor.hasSelection():
        return "Select the passage to mark hazardous, then press Ctrl+Shift+H."
    start, end = cursor.selectionStart(), cursor.selectionEnd()
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
    try:
        new_text = wrap_span(text, start, end, domain)
    except (ValueError, SpanError) as error:
        return str(error)[:1].upper() + str(error)[1:] + "."
    binding.replace_text(new_text, f"Mark passage hazardous ({domain})")
    opened = start + len(OPEN_TAG.format(domain=domain))
    _select(edit, opened, opened + (end - start))
    return f"Marked {end - start} characters hazardous ({domain}) in {binding.spec.label}."


def _select(edit: MarkdownEdit, start: int, end: int) -> None:
    cursor = edit.textCursor()
    length = len(edit.toPlainText())
    cursor.setPosition(min(start, length))
    cursor.setPosition(min(end, length), cursor.MoveMode.KeepAnchor)
    edit.setTextCursor(cursor)

