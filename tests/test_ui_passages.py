"""Hazardous passages as marked regions in every text editor (issue 16 item 3).

What an assessor notices: the words, not ``[[hazard:…]]`` markup; the passage
highlighted with its domain, in long and one-line fields; typing inside
extends it, typing beside it does not; Backspace at its edge deletes words,
never half a tag; unmarking is one step and undo/redo give back exactly what
was stored; copy and paste keep the mark. The stored text (and so the YAML,
the filter and the leak scan) keeps the markup.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.model import Address, SetValue
from app.model.spans import parse_spans
from app.store import AssessmentFile
from app.ui.hazard_markup import DomainChooser
from app.ui.marked_edit import LineTextEdit, MarkdownEdit
from app.ui.passage_cells import PASSAGES_ROLE
from app.ui.window import MainWindow

MARKED = "[[hazard:bio]]Halcyon-3[[/hazard]]"


@pytest.fixture
def window(open_window, monkeypatch) -> MainWindow:
    monkeypatch.setattr(DomainChooser, "choose", classmethod(lambda cls, parent, at: ("bio", True)))
    return open_window()


def stored(window: MainWindow, path: str) -> str:
    window.session.flush()
    return window.session.document.get(Address.parse(path))


def on_disk(path: Path, field: str) -> str:
    with AssessmentFile.open(path, mode="read") as again:
        return again.document.get(Address.parse(field))


def editor(window: MainWindow, path: str):  # type: ignore[no-untyped-def]
    for page in window.pages.values():
        for row in page.all_rows():
            if row.spec.path == path:
                window.show_stage(row.spec.path.split(".")[0])
                return row.binding.widget
    raise AssertionError(path)


def put_cursor(edit, at: int, to: int | None = None) -> None:  # type: ignore[no-untyped-def]
    edit.setFocus()
    edit.select_range(at, at if to is None else to)


def mark(window: MainWindow, edit, words: str) -> int:  # type: ignore[no-untyped-def]
    start = edit.toPlainText().index(words)
    put_cursor(edit, start, start + len(words))
    window.hazard_action.trigger()
    return start


def test_a_marked_passage_hides_its_markup_and_typing_follows_its_edges(window, qtbot, example_file):
    scope = editor(window, "header.scope")
    assert isinstance(scope, MarkdownEdit)
    original = stored(window, "header.scope")
    start = mark(window, scope, "Halcyon-3")
    assert MARKED in on_disk(example_file, "header.scope")
    assert "[[" not in scope.toPlainText() and scope.toPlainText() == original
    assert [(p.start, p.end, p.domain) for p in scope.marks.passages()] == [(start, start + 9, "bio")]
    assert "1 hazardous passage (biology)" in scope.accessibleDescription()

    put_cursor(scope, start + len("Halcyon"))  # inside: the passage grows
    qtbot.keyClicks(scope, "X")
    put_cursor(scope, start + len("HalcyonX-3"))  # at its end: outside
    qtbot.keyClicks(scope, "Y")
    put_cursor(scope, start)  # at its start: outside
    qtbot.keyClicks(scope, "Z")
    assert "Z[[hazard:bio]]HalcyonX-3[[/hazard]]Y" in stored(window, "header.scope")


def test_backspace_and_delete_at_a_passage_edge_remove_words_never_half_a_tag(window, qtbot):
    scope = editor(window, "header.scope")
    start = mark(window, scope, "Halcyon-3")
    put_cursor(scope, start + 9)  # just after the passage
    for _ in range(3):
        qtbot.keyClick(scope, Qt.Key.Key_Backspace)
    put_cursor(scope, start)  # just before it
    qtbot.keyClick(scope, Qt.Key.Key_Delete)
    text = stored(window, "header.scope")
    assert "[[hazard:bio]]alcyo[[/hazard]]" in text
    parse_spans(text)  # well-formed throughout
    for _ in range(5):  # the passage's last words gone: so is its mark, no empty tags left behind
        qtbot.keyClick(scope, Qt.Key.Key_Delete)
    text = stored(window, "header.scope")
    assert "hazard" not in text and scope.marks.passages() == ()


def test_unmark_from_the_context_menu_is_one_step_and_undo_redo_give_back_exactly_what_was_stored(
        window, example_file):
    scope = editor(window, "header.scope")
    original = stored(window, "header.scope")
    start = mark(window, scope, "Halcyon-3")
    marked = stored(window, "header.scope")
    put_cursor(scope, start + 3)
    menu = scope.build_context_menu(scope.cursorRect().center())
    unmark = next(a for a in menu.actions() if a.text().startswith("Unmark hazardous passage (biology)"))
    unmark.trigger()
    assert on_disk(example_file, "header.scope") == original
    assert scope.textCursor().selectedText() == "Halcyon-3"  # the words stay, selected
    window.undo_action.trigger()
    assert stored(window, "header.scope") == marked and on_disk(example_file, "header.scope") == marked
    assert [p.domain for p in scope.marks.passages()] == ["bio"] and scope.toPlainText() == original
    window.undo_action.trigger()  # and the mark itself
    assert stored(window, "header.scope") == original and scope.marks.passages() == ()
    window.redo_action.trigger()
    window.redo_action.trigger()
    assert stored(window, "header.scope") == original
    window.undo_action.trigger()
    assert stored(window, "header.scope") == marked


def test_a_one_line_field_marks_and_highlights_its_passage(window, qtbot, example_file):
    version = editor(window, "header.model.version")
    assert isinstance(version, LineTextEdit)
    mark(window, version, "2025")
    assert on_disk(example_file, "header.model.version") == "h3-[[hazard:bio]]2025[[/hazard]]-08-rc2"
    assert version.text() == "h3-2025-08-rc2"
    block = version.document().firstBlock()
    washed = [f for f in block.layout().formats() if f.format.background().color() == version.highlighter.passage
              .background().color()]
    assert sorted(i for f in washed for i in range(f.start, f.start + f.length)) == [3, 4, 5, 6]
    assert washed[-1].format.fontLetterSpacing() > 0  # room for the domain chip after the passage
    version.end(False)
    qtbot.keyClick(version, Qt.Key.Key_Return)  # Enter finishes; a one-line field never takes a line break
    qtbot.keyClicks(version, "x")
    assert stored(window, "header.model.version") == "h3-[[hazard:bio]]2025[[/hazard]]-08-rc2x"


def test_copy_and_paste_keep_a_passage_marked_within_the_app(window, qtbot):
    scope = editor(window, "header.scope")
    start = mark(window, scope, "Halcyon-3")
    put_cursor(scope, start - len("covers **"), start + len("Halcyon-3** from"))
    scope.copy()
    assert QApplication.clipboard().text() == "covers **Halcyon-3** from"  # outside the app: the words only
    developer = editor(window, "header.model.developer")
    developer.end(False)
    developer.setFocus()
    qtbot.keyClick(developer, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert stored(window, "header.model.developer") == f"Meridian Foundrycovers **{MARKED}** from"
    # Stored-form text pasted from elsewhere (the YAML, say) is marked too.
    QApplication.clipboard().setText("[[hazard:chem]]Reagent Q[[/hazard]] note")
    put_cursor(scope, 0)
    scope.paste()
    assert stored(window, "header.scope").startswith("[[hazard:chem]]Reagent Q[[/hazard]] note")
    assert scope.toPlainText().startswith("Reagent Q note")


def test_typing_over_a_selection_inside_a_passage_keeps_it_marked(window, qtbot):
    scope = editor(window, "header.scope")
    start = mark(window, scope, "Halcyon-3")
    put_cursor(scope, start, start + 9)  # the whole passage selected, then typed over
    qtbot.keyClicks(scope, "the model")
    assert "[[hazard:bio]]the model[[/hazard]]" in stored(window, "header.scope")


def test_table_cells_and_search_show_words_and_select_them_in_the_editor(window, qtbot):
    window.show_stage("training")
    table = window.current_page().tables["training.checkpoints"]
    window.session.apply(SetValue(Address("training.checkpoints[].name", "ckpt-7"),
                                  "h3-[[hazard:cyber]]step[[/hazard]]-1180k"), "Edit")
    row = table.model.row_of("ckpt-7")
    cell = table.model.index(row, 0)
    assert cell.data() == "h3-step-1180k" and [p.domain for p in cell.data(PASSAGES_ROLE)] == ["cyber"]
    assert "hazardous passage (cyber)" in cell.data(Qt.ItemDataRole.ToolTipRole)
    table.select_record("ckpt-7")
    heading = table.detail_title.text()  # the record's heading: the words, the passage on the wash
    assert table.detail_title.textFormat() == Qt.TextFormat.RichText and "[[" not in heading
    assert heading.startswith("ckpt-7 · h3-<span style=") and heading.endswith(">step</span>-1180k")
    window.session.apply(SetValue(Address("training.checkpoints[].name", "ckpt-7"), "h3-step-1180k"), "Edit")
    assert table.detail_title.textFormat() == Qt.TextFormat.PlainText
    assert table.detail_title.text() == "ckpt-7 · h3-step-1180k"

    from PySide6.QtGui import QFontMetricsF

    from app.ui.passage_cells import _fitted
    metrics = QFontMetricsF(table.view.font())  # a cell too narrow for its text ends in "…", as the others do
    fitted = _fitted("Vulnerability discovery with the blue handshake scaffold", metrics.horizontalAdvance, 150)
    assert fitted.endswith("…") and metrics.horizontalAdvance(fitted) <= 150 and len(fitted) > 10

    from app.ui.find_bar import find_in
    (hit,) = find_in(window.session, "stronger scaffold chained")  # words across the hidden tag
    assert "[[" not in hit.snippet
    window.go_to(hit.address, hit.offset, hit.length)
    notes = QApplication.focusWidget()
    assert notes.textCursor().selectedText() == "stronger scaffold chained"


def test_a_value_with_broken_markup_is_shown_as_written_until_fixed(window, example_file):
    window.session.apply(SetValue(Address.parse("header.scope"), "Keep [[hazard:bio]]this open"), "Edit")
    scope = editor(window, "header.scope")
    assert scope.marks.raw and scope.toPlainText() == "Keep [[hazard:bio]]this open"
    put_cursor(scope, 0, 4)
    window.hazard_action.trigger()
    assert "Fix the span markup first" in window.statusBar().currentMessage()
    assert on_disk(example_file, "header.scope") == "Keep [[hazard:bio]]this open"
