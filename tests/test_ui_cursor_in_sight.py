"""Typing on at the end of a long field keeps the typing point in sight.

A long text field grows with its text, so it can reach below the bottom of the
page; the page must follow the cursor or the person types where they cannot see.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt


def _cursor_in_page_view(window, editor) -> bool:
    page = window.current_page()
    cursor = editor.cursorRect()
    top_left = editor.viewport().mapTo(page.viewport(), cursor.topLeft())
    return page.viewport().rect().contains(QRect(top_left, cursor.size()))


def test_typing_lines_at_the_end_of_a_long_field_scrolls_the_page_to_follow(open_window, qtbot):
    window = open_window()
    window.resize(1100, 520)
    qtbot.wait(50)
    assert window.go_to("header.scope")
    page = window.current_page()
    scope = next(r for r in page.all_rows() if r.spec.path == "header.scope").binding.widget
    window.activateWindow()
    scope.setFocus()
    page.verticalScrollBar().setValue(0)
    qtbot.keyClick(scope, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    for line in range(12):
        qtbot.keyClick(scope, Qt.Key.Key_Return)
        qtbot.keyClicks(scope, f"Line {line} typed at the end")
    assert scope.toPlainText().endswith("Line 11 typed at the end")
    # Once the window has laid itself out (a busy machine takes longer than a fixed wait):
    qtbot.waitUntil(lambda: _cursor_in_page_view(window, scope), timeout=3000)
    assert page.verticalScrollBar().value() > 0, "the page never scrolled"
