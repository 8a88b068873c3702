"""Help texts and problem messages under fields show every line, whatever changed since they were measured.

The form's wrapped labels (``app.ui.wrapped_label``) remember how tall their text is at a width, so a layout
pass need not lay the text out again. A height remembered past a change would cut lines off or leave a gap:
each change a label can meet is compared here with Qt's own measure of the same label (``QLabel``'s, which
remembers nothing).
"""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.ui.wrapped_label import WrappedLabel

LONG = ("Name the checkpoint as the training team does, so that results can be traced back to the run; "
        "list the unevaluated ones too, so that anyone can check the cadence promised before training was kept. ")


def _qt_measure(label: QLabel, width: int) -> int:
    return QLabel.heightForWidth(label, width)  # Qt's own measure, nothing remembered


def test_the_height_at_a_width_follows_every_change_a_label_can_meet(qtbot):
    holder = QWidget()
    qtbot.addWidget(holder)
    layout = QVBoxLayout(holder)
    label = WrappedLabel("Short.")
    layout.addWidget(label)
    holder.show()  # shown and styled, as in the window
    qtbot.waitExposed(holder)

    def assert_whole(step: str) -> None:
        for width in (120, 240, 600):  # each width twice: the second answer is the remembered one
            assert label.heightForWidth(width) == _qt_measure(label, width), (step, width)
            assert label.heightForWidth(width) == _qt_measure(label, width), (step, width)

    assert_whole("first text")
    short = label.heightForWidth(240)
    label.setText(LONG * 3)
    assert_whole("longer text")
    assert label.heightForWidth(240) > 2 * short  # the new text is measured, not the old one's height reused
    bigger = QFont(label.font())
    bigger.setPointSizeF(bigger.pointSizeF() * 1.6)
    label.setFont(bigger)
    assert_whole("larger font")
    label.setStyleSheet("font-size: 7pt;")
    assert_whole("style sheet")
    label.setContentsMargins(20, 14, 20, 14)
    assert_whole("margins")
    label.setIndent(30)
    assert_whole("indent")
    label.setMargin(9)
    assert_whole("margin")
    label.setTextFormat(label.textFormat().RichText)
    label.setText("<b>" + LONG * 2 + "</b><br>" + LONG)
    assert_whole("rich text")
    label.setWordWrap(False)
    assert label.heightForWidth(240) == _qt_measure(label, 240)
    label.setWordWrap(True)
    assert_whole("wrapping back on")
    label.clear()
    assert_whole("cleared")


def test_a_field_problem_and_the_help_texts_show_every_line_after_the_window_narrows(open_window, qtbot):
    window = open_window()
    window.resize(1300, 800)
    assert window.go_to("header.scope")
    page = window.current_page()
    row = next(r for r in page.all_rows() if r.spec.path == "header.scope")
    row.set_stored_problem("This answer was stored with a mistake the form cannot show. " * 4)
    qtbot.waitUntil(lambda: row.message.isVisible(), timeout=2000)
    wide = row.message.height()
    window.resize(820, 800)  # the page column narrows: every wrapped text needs more lines

    def whole() -> bool:
        labels = [r.help for r in page.all_rows() if r.help.isVisible()] + [row.message]
        return all(label.height() >= _qt_measure(label, label.width()) for label in labels)

    qtbot.waitUntil(whole, timeout=3000)
    assert row.message.height() > wide
