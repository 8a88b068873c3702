"""Echo flags in the window: typing a withheld value into public text raises one in the Flags tab."""

from __future__ import annotations

import pytest

from app.ui.window import MainWindow


@pytest.fixture
def window(open_window, qtbot) -> MainWindow:
    window = open_window()
    qtbot.waitUntil(lambda: window.flag_watch is not None and window.flag_watch.ready, timeout=30000)
    return window


def test_typing_the_withheld_planned_compute_into_public_text_raises_an_echo_flag(window, qtbot) -> None:
    panel = window.flags_panel
    window.show_panel("flags")
    assert panel.skipped_note.isVisible()
    assert "too generic to search for echoes" in panel.skipped_note.text()
    assert "a choice from a fixed list" in panel.skipped_note.toolTip()

    edit = window.current_page().fields.rows["header.scope"].binding.widget
    edit.setFocus()
    edit.moveCursor(edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(edit, " Trained to 6 x 10^25 FLOP.")
    window.session.flush()
    window.flag_watch.settle()
    [flag] = window.flag_watch.open_flags("public")
    assert (flag.detector, flag.matched, flag.address) == ("echo_internal", "6 x 10^25", "header.scope")
    assert window.flag_watch.open_flags("reviewers") == []  # reviewers may see the planned compute
    assert panel.tree.topLevelItemCount() == 1
    assert panel.tree.topLevelItem(0).text(1).startswith("echo of Planned effective compute (FLOP)")
    assert "A public export is refused" in panel.summary.text()
    # an internal value has no passage markup: the default redaction says it withholds the whole value
    assert panel.redact_default.text() == "Withhold the whole value (internal)"

    for _ in range(20):  # undo goes word by word
        if "10^25" not in window.session.document.get("header.scope"):
            break
        window.undo_action.trigger()
    window.flag_watch.settle()
    assert window.flag_watch.open_flags() == []
