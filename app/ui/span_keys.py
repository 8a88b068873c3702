"""Backspace and Delete at a hazardous passage's tags: the passage is unmarked as a unit.

A tag (``[[hazard:bio]]``, ``[[/hazard]]``) is markup, not text: deleting it one
character at a time would leave a broken span ("opened … never closed"). The
long-text editor asks here before a Backspace or Delete; when the character it
would remove belongs to a tag, the passage is unmarked instead — one undo step,
its words kept, the cursor where the key was pressed.

Only ``app.model.spans`` and Qt are imported, so the editors can use this
without a cycle (``hazard_markup`` imports the editors).
"""

from __future__ import annotations

from typing import Any

from app.model.spans import CLOSE_TAG, OPEN_TAG, SpanError, parse_spans, span_at, unwrap_span


def tag_at(text: str, offset: int) -> tuple[int, int] | None:
    """(start, end) of the span tag holding the character at ``offset``, if that character is in a tag."""
    try:
        segments = parse_spans(text)
    except SpanError:
        return None
    for segment in segments:
        if segment.domain is None:
            continue
        opening = OPEN_TAG.format(domain=segment.domain)
        open_start = segment.start - len(opening)
        close_start = segment.start + len(segment.text)
        for start, end in ((open_start, segment.start), (close_start, close_start + len(CLOSE_TAG))):
            if start <= offset < end:
                return start, end
    return None


def delete_into_tag(binding: Any, backwards: bool) -> str | None:
    """Backspace or Delete about to remove one character of a span tag: unmark the whole passage instead.

    A tag is markup, not text: deleting it character by character would leave a
    broken span ("opened … never closed"). The passage is unmarked as a unit —
    one undo step, the words kept — and the status bar says so. None when the
    key should do what it always does.
    """
    edit = binding.editor
    cursor = edit.textCursor()
    if cursor.hasSelection():
        return None
    text = edit.toPlainText()
    position = cursor.position() - 1 if backwards else cursor.position()
    if position < 0 or position >= len(text) or tag_at(text, position) is None:
        return None
    here = span_at(text, position)
    if here is None:
        return None
    start = here.start - len(OPEN_TAG.format(domain=here.domain))
    binding.replace_text(unwrap_span(text, position), f"Unmark hazardous passage ({here.domain})")
    # The cursor stays where the key was pressed, at the passage's end (Backspace) or start (Delete),
    # so a second press edits the words as usual rather than a selection.
    at = start + len(here.text) if position >= here.start else start
    cursor = edit.textCursor()
    cursor.setPosition(min(at, len(edit.toPlainText())))
    edit.setTextCursor(cursor)
    return f"Unmarked the {here.domain} passage in {binding.spec.label} (a tag is removed as a whole)."
