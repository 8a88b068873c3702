"""The window as an assessor uses it: type, undo, tables, hazard marking, sensitivity.

Everything runs for real: Qt offscreen, the SQLite file on disk. "Persisted" is
always checked by opening the file again with the core API.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.model import Address, Sensitivity
from app.store import AssessmentFile
from app.ui.field_editors import MarkdownEdit
from app.ui.hazard_markup import DomainChooser
from app.ui.sensitivity_chip import ReasonDialog
from app.ui.window import MainWindow


@pytest.fixture
def window(open_window) -> MainWindow:
    return open_window(remember_window=True)


def reopened(path: Path):
    with AssessmentFile.open(path) as again:
        return again.document


def row(window: MainWindow, path: str):
    page = window.current_page()
    assert page is not None
    for candidate in page.all_rows():
        if candidate.spec.path == path:
            return candidate
    raise AssertionError(f"no row for {path}")


def test_typing_is_saved_after_a_pause_and_undo_redo_follow(window, qtbot, example_file):
    name = row(window, "header.model.name").binding.widget
    name.setFocus()
    name.selectAll()
    qtbot.keyClicks(name, "Halcyon-4")
    # Typing is saved on the writer's thread: the status bar says "saved" once the file has it, never before.
    qtbot.waitUntil(lambda: window.session.document.get("header.model.name") == "Halcyon-4", timeout=3000)
    qtbot.waitUntil(lambda: window.saved_label.text() == "All changes saved", timeout=3000)
    assert reopened(example_file).get("header.model.name") == "Halcyon-4"
    assert window.undo_action.isEnabled() and not window.redo_action.isEnabled()
    assert window.undo_action.text() == "&Undo Edit Model name"  # Edit › Undo names the change

    window.undo_action.trigger()
    assert name.text() == "Halcyon-3"
    assert reopened(example_file).get("header.model.name") == "Halcyon-3"
    assert window.redo_action.isEnabled() and window.redo_action.text() == "&Redo Edit Model name"
    window.redo_action.trigger()
    assert name.text() == "Halcyon-4"
    assert reopened(example_file).get("header.model.name") == "Halcyon-4"


def test_typing_within_a_word_is_one_undo_step(window, qtbot):
    scope = row(window, "header.scope").binding.widget
    assert isinstance(scope, MarkdownEdit)
    before = scope.toPlainText()
    scope.setFocus()
    scope.moveCursor(scope.textCursor().MoveOperation.End)
    qtbot.keyClicks(scope, " Wor")
    window.session.flush()
    qtbot.keyClicks(scope, "ds")
    window.session.flush()
    assert window.session.document.get("header.scope") == before + " Words"
    window.undo_action.trigger()  # the word, typed in two bursts, goes in one step
    assert window.session.document.get("header.scope") in (before, before + " ")
    if window.session.document.get("header.scope") != before:
        window.undo_action.trigger()
    assert window.session.document.get("header.scope") == before
    assert scope.toPlainText() == before


def test_ctrl_z_in_a_field_undoes_through_the_file(window, qtbot, example_file):
    version = row(window, "header.model.version").binding.widget
    version.setFocus()
    version.selectAll()
    qtbot.keyClicks(version, "v9")
    window.session.flush()
    assert reopened(example_file).get("header.model.version") == "v9"
    qtbot.keyClick(version, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert reopened(example_file).get("header.model.version") == "h3-2025-08-rc2"
    assert version.text() == "h3-2025-08-rc2"


def test_bad_flop_is_not_saved_and_says_why(window, qtbot, example_file):
    window.show_stage("pre_training")
    flop_row = row(window, "pre_training.planned_compute_flop")
    edit = flop_row.binding.widget
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "3.2x25")
    window.session.flush()
    assert "FLOP" in flop_row.message.text()
    assert flop_row.message.isVisibleTo(window)
    assert reopened(example_file).get("pre_training.planned_compute_flop") == 6.0e25
    edit.selectAll()
    qtbot.keyClicks(edit, "3.2e25")
    window.session.flush()
    assert not flop_row.message.isVisibleTo(window)
    assert reopened(example_file).get("pre_training.planned_compute_flop") == 3.2e25


def test_choices_save_at_once(window, qtbot, example_file):
    release = row(window, "header.model.release_type").binding.widget
    index = release.findData("open_weights")
    release.setCurrentIndex(index)
    release.activated.emit(index)
    assert reopened(example_file).get("header.model.release_type") == "open_weights"
    window.undo_action.trigger()
    assert reopened(example_file).get("header.model.release_type") == "api"
    assert release.currentData() == "api"


def test_table_add_duplicate_move_remove_and_undo(window, qtbot, example_file):
    window.show_stage("training")
    table = window.current_page().tables["training.checkpoints"]
    ids = [r.id for r in window.session.document.records("training.checkpoints")]
    table.select_row(0)
    table.add_button.click()
    new_id = table.current_id
    assert new_id not in ids
    after = [r.id for r in reopened(example_file).records("training.checkpoints")]
    assert after[1] == new_id and len(after) == len(ids) + 1

    name = table.form.rows["training.checkpoints[].name"].binding.widget
    assert QApplication.focusWidget() is name
    qtbot.keyClicks(name, "h3-step-050k")
    window.session.flush()
    assert reopened(example_file).get(Address("training.checkpoints[].name", new_id)) == "h3-step-050k"
    assert table.model.data(table.model.index(1, 0)) == "h3-step-050k"

    table.duplicate_button.click()
    twin = table.current_id
    assert reopened(example_file).get(Address("training.checkpoints[].name", twin)) == "h3-step-050k"
    table.up_button.click()
    assert [r.id for r in reopened(example_file).records("training.checkpoints")][1] == twin
    table.remove_button.click()
    assert twin not in [r.id for r in reopened(example_file).records("training.checkpoints")]

    window.undo_action.trigger()
    assert [r.id for r in reopened(example_file).records("training.checkpoints")][1] == twin
    assert table.current_id == twin


def test_removed_record_comes_back_with_all_values(window, example_file):
    window.show_stage("pre_deployment")
    table = window.current_page().tables["pre_deployment.evaluations"]
    table.select_row(0)
    record_id = table.current_id
    original = window.session.document.record("pre_deployment.evaluations", record_id)
    values = {k: v.data for k, v in original.values.items()}
    table.remove_button.click()
    assert reopened(example_file).record("pre_deployment.evaluations", record_id) is None
    window.undo_action.trigger()
    back = reopened(example_file).record("pre_deployment.evaluations", record_id)
    assert {k: v.data for k, v in back.values.items()} == values


def test_mark_and_unmark_a_hazardous_span(window, qtbot, example_file, monkeypatch):
    monkeypatch.setattr(DomainChooser, "choose", classmethod(lambda cls, parent, at: ("chem", True)))
    scope_row = row(window, "header.scope")
    edit = scope_row.binding.widget
    edit.setFocus()
    text = edit.toPlainText()
    start = text.index("Halcyon-3")
    cursor = edit.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(start + len("Halcyon-3"), cursor.MoveMode.KeepAnchor)
    edit.setTextCursor(cursor)
    qtbot.keyClick(edit, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    stored = reopened(example_file).get("header.scope")
    assert "[[hazard:chem]]Halcyon-3[[/hazard]]" in stored
    assert edit.toPlainText() == text  # the editor shows the words; the tags are stored, not shown
    assert edit.textCursor().selectedText() == "Halcyon-3"

    # The same command on the passage unmarks it.
    window.hazard_action.trigger()
    assert reopened(example_file).get("header.scope") == text
    # And undo brings the mark back.
    window.undo_action.trigger()
    assert "[[hazard:chem]]Halcyon-3[[/hazard]]" in reopened(example_file).get("header.scope")


def test_marking_needs_a_selection_and_a_domain(window, qtbot, example_file, monkeypatch):
    monkeypatch.setattr(DomainChooser, "choose", classmethod(lambda cls, parent, at: ("", False)))
    edit = row(window, "header.scope").binding.widget
    edit.setFocus()
    text = edit.toPlainText()
    window.hazard_action.trigger()
    assert "Select the passage" in window.statusBar().currentMessage()
    cursor = edit.textCursor()
    cursor.setPosition(0)
    cursor.setPosition(4, cursor.MoveMode.KeepAnchor)
    edit.setTextCursor(cursor)
    window.hazard_action.trigger()
    assert reopened(example_file).get("header.scope") == text


def test_sensitivity_raised_and_lowered_with_a_reason(window, example_file, monkeypatch):
    name_row = row(window, "header.assessors")
    name_row.chip.choose(Sensitivity.HAZARDOUS)
    assert reopened(example_file).value("header.assessors").sensitivity is Sensitivity.HAZARDOUS
    assert "Hazardous" in name_row.chip.text()

    monkeypatch.setattr(ReasonDialog, "get_reason",
                        classmethod(lambda cls, *args: ("Named in the public model card already", True)))
    name_row.chip.choose(Sensitivity.PUBLIC)
    value = reopened(example_file).value("header.assessors")
    assert value.sensitivity is Sensitivity.PUBLIC
    assert value.sensitivity_reason == "Named in the public model card already"

    monkeypatch.setattr(ReasonDialog, "get_reason", classmethod(lambda cls, *args: ("", False)))
    window.undo_action.trigger()
    name_row.chip.choose(Sensitivity.PUBLIC)  # cancelled: nothing changes
    assert reopened(example_file).value("header.assessors").sensitivity is Sensitivity.HAZARDOUS


def test_fields_follow_their_conditions(window, example_file):
    window.show_stage("deployment_decision")
    restrictions = window.current_page().fields.blocks["deployment_decision.restrictions"]
    decision = row(window, "deployment_decision.decision").binding.widget
    for choice, shown in (("deploy", False), ("deploy_with_restrictions", True)):
        index = decision.findData(choice)
        decision.setCurrentIndex(index)
        decision.activated.emit(index)
        assert restrictions.isVisibleTo(window) is shown


def test_undo_of_a_change_elsewhere_brings_its_page_forward(window, qtbot):
    name = row(window, "header.model.name").binding.widget
    name.setFocus()
    qtbot.keyClicks(name, "!")
    window.session.flush()
    window.show_stage("retrospective")
    window.undo_action.trigger()
    assert window.navigator.current_stage() == "header"
    assert QApplication.focusWidget() is name


def test_every_edit_survives_close_and_reopen(qtbot, example_file, forms, monkeypatch):
    monkeypatch.setattr(DomainChooser, "choose", classmethod(lambda cls, parent, at: ("bio", True)))
    window = MainWindow(forms)
    qtbot.addWidget(window)
    window.open_file(example_file)
    window.show()
    name = row(window, "header.model.name").binding.widget
    name.setFocus()
    name.selectAll()
    qtbot.keyClicks(name, "Halcyon-3.1")
    window.show_stage("training")
    table = window.current_page().tables["training.checkpoints"]
    table.add_button.click()
    added = table.current_id
    notes = row(window, "training.summary").binding.widget
    notes.setFocus()
    cursor = notes.textCursor()
    cursor.setPosition(0)
    cursor.setPosition(8, cursor.MoveMode.KeepAnchor)
    notes.setTextCursor(cursor)
    window.hazard_action.trigger()
    window.show_stage("header")
    version = row(window, "header.model.version").binding.widget
    version.setFocus()
    version.end(False)
    qtbot.keyClicks(version, "-b")  # still waiting for its pause when the window closes
    window.close()

    doc = reopened(example_file)
    assert doc.get("header.model.name") == "Halcyon-3.1"
    assert doc.record("training.checkpoints", added) is not None
    assert doc.get("training.summary").startswith("[[hazard:bio]]")
    assert doc.get("header.model.version").endswith("-b")


def test_sensitivity_menu_from_the_keyboard(window, qtbot, example_file):
    """Ctrl+Shift+L in a field opens its sensitivity menu: deliberate, and reachable without a mouse."""
    field = row(window, "header.scope")
    chip = field.chip
    window.activateWindow()
    field.binding.widget.setFocus()
    qtbot.keyClick(field.binding.widget, Qt.Key.Key_L,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    menu = chip._menu
    assert menu is not None and menu.isVisible()
    hazardous = next(a for a in menu.actions() if a.data() == "hazardous")
    hazardous.trigger()
    assert reopened(example_file).value("header.scope").sensitivity is Sensitivity.HAZARDOUS
    assert chip.text().startswith("Hazardous")


def test_long_text_fields_grow_with_wrapped_lines(qtbot):
    edit = MarkdownEdit()
    qtbot.addWidget(edit)
    edit.resize(400, 100)
    edit.show()
    qtbot.waitExposed(edit)
    before = edit.height()
    qtbot.keyClicks(edit, "word " * 60)  # one paragraph, several wrapped lines
    assert edit.height() > before
    for _ in range(40):
        qtbot.keyClick(edit, Qt.Key.Key_Return)
        qtbot.keyClicks(edit, "line")
    assert edit.height() < 40 * edit.fontMetrics().lineSpacing()  # capped; it scrolls beyond that


def test_a_record_titled_by_its_category_shows_the_category_label(window, example_file):
    window.show_stage("pre_deployment")
    table = window.current_page().tables["pre_deployment.determinations"]
    table.select_row(0)
    stored = window.session.document.record("pre_deployment.determinations", table.current_id).get("category")
    label = window.session.choice_labels()[stored]
    assert label != stored
    assert table.detail_title.text() == f"{table.current_id} · {label}"  # as the list shows it, not the stored id


def test_the_status_bar_says_checking_while_a_check_takes_long_then_the_result(window, qtbot, monkeypatch):
    """A re-check that takes long is announced until its result comes; a quick one just shows its result
    (the check here is the real one, held back a second on its worker thread)."""
    import time

    from app.model import SetValue
    from app.session.analysis import LiveChecks
    from app.ui.analysis import SLOW_CHECK_MS
    qtbot.waitUntil(lambda: window.analysis.latest is not None and not window.jobs.busy, timeout=20000)
    label = window.analysis_label
    before = label.text()
    shown: list[str] = []
    show_text = label.show_text
    monkeypatch.setattr(label, "show_text", lambda text, **how: (shown.append(text), show_text(text, **how)))
    began: list[float] = []
    window.analysis.started.connect(lambda: began.append(time.monotonic()))
    window.session.apply(SetValue(Address.parse("header.model.version"), "rc8"), "Edit version")
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=10000)
    if time.monotonic() - began[0] < SLOW_CHECK_MS / 1000 * 0.8:  # quick, as on any but a very busy machine
        assert shown == [before]
    qtbot.wait(SLOW_CHECK_MS)
    shown.clear()
    run = LiveChecks.run

    def slow_run(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(1.0)
        return run(self, *args, **kwargs)
    monkeypatch.setattr(LiveChecks, "run", slow_run)
    window.session.apply(SetValue(Address.parse("header.model.version"), "rc9"), "Edit version")
    qtbot.waitUntil(lambda: label.text() == "Checking…", timeout=5000)
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=10000)
    assert shown == ["Checking…", before] and label.text() == before
