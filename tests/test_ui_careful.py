"""The window as a careful user finds it (issue 16): focus, sensitivity, buttons, dialogs, panels.

Each test drives the real window offscreen against a real assessment file, the way a person with
keyboard and mouse would, and checks what they would notice.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.model import Sensitivity
from app.store import AssessmentFile
from app.ui.sensitivity_chip import ReasonDialog
from app.ui.window import MainWindow


@pytest.fixture
def window(open_window) -> MainWindow:
    return open_window()


def reopened(path: Path):
    with AssessmentFile.open(path) as again:
        return again.document


def row(window: MainWindow, path: str):
    page = window.current_page()
    assert page is not None
    return next(r for r in page.all_rows() if r.spec.path == path)


def test_tab_then_typing_goes_into_the_next_field_and_never_changes_a_sensitivity(window, qtbot, example_file):
    """Item 2: click Developer, Tab, type — the words land in the next answer; no chip moves."""
    developer = row(window, "header.model.developer")
    modalities = row(window, "header.model.modalities")
    window.activateWindow()
    developer.binding.widget.setFocus()
    qtbot.keyClick(developer.binding.widget, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is modalities.binding.widget
    qtbot.keyClicks(QApplication.focusWidget(), " an item p")
    window.session.flush()
    document = reopened(example_file)
    assert document.get("header.model.modalities").endswith(" an item p")
    assert document.value("header.model.developer").sensitivity is None
    assert document.value("header.model.modalities").sensitivity is None
    assert developer.chip.focusPolicy() == Qt.FocusPolicy.NoFocus
    assert "Public" in developer.chip.text()


def test_lowering_a_sensitivity_always_asks_why(window, example_file, monkeypatch):
    """Item 2: Internal back to Public (the form's default) is a lowering too, and asks for the reason."""
    version = row(window, "header.model.version")
    version.chip.choose(Sensitivity.INTERNAL)
    asked = []
    monkeypatch.setattr(ReasonDialog, "get_reason",
                        classmethod(lambda cls, *args: asked.append(args) or ("", False)))
    version.chip.choose(Sensitivity.PUBLIC)
    assert asked and reopened(example_file).value("header.model.version").sensitivity is Sensitivity.INTERNAL
    monkeypatch.setattr(ReasonDialog, "get_reason",
                        classmethod(lambda cls, *args: ("The version string is on the public model card", True)))
    version.chip.choose(None)  # "Form default" from the menu: still a lowering
    value = reopened(example_file).value("header.model.version")
    assert value.sensitivity is Sensitivity.PUBLIC
    assert value.sensitivity_reason == "The version string is on the public model card"


def test_redact_and_dismiss_are_disabled_and_look_it_with_no_flags(window, qtbot):
    """Item 10: with nothing flagged, Redact must not look like it would do something."""
    window.show_panel("flags")
    panel = window.flags_panel
    qtbot.waitUntil(lambda: window.flag_watch is not None and window.flag_watch.ready, timeout=20000)
    panel.refresh()
    assert panel.tree.topLevelItemCount() == 0
    assert not panel.redact_button.isEnabled() and not panel.dismiss_button.isEnabled()
    from app.content.locate import content_path
    panel.setStyleSheet(content_path("resources", "qss", "riskwright.qss").read_text(encoding="utf-8"))
    disabled = panel.redact_button.grab().toImage()
    panel.redact_button.setEnabled(True)
    enabled = panel.redact_button.grab().toImage()
    panel.redact_button.setEnabled(False)
    middle = (5, disabled.height() // 2)  # inside the button, left of its text
    assert disabled.pixelColor(*middle).name() != enabled.pixelColor(*middle).name()
    assert enabled.pixelColor(*middle).name() == "#2e6bd6"


def test_the_new_assessment_dialog_names_frameworks_and_has_sensible_defaults(qtbot, tmp_path):
    """Item 8: published names (every installed framework), the newest preselected, a visible folder,
    and Alt+I moves to the file name instead of typing an "i"."""
    from app.content.frameworks import framework_ids
    from app.ui.dialogs import NewAssessmentDialog, framework_choices

    choices = framework_choices()
    dialog = NewAssessmentDialog(choices, None, Path.home() / ".local" / "share" / "Riskwright")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    texts = [dialog.framework.itemText(i) for i in range(dialog.framework.count())]
    ids = [dialog.framework.itemData(i) for i in range(dialog.framework.count())]
    assert sorted(ids) == sorted(framework_ids()) and "anthropic-rsp-1.0" in ids
    assert "Anthropic Responsible Scaling Policy 1.0 (2023)" in texts
    assert not set(texts) & set(ids), "frameworks are shown by their names, not their ids"
    newest = max(choices, key=lambda c: c.date)
    assert dialog.framework.currentData() == newest.id
    assert not any(part.startswith(".") for part in Path(dialog.path.text()).parts)
    labels = [label.text() for label in dialog.findChildren(type(dialog.problem))]
    assert "F&ile:" in labels  # a real mnemonic (shown underlined), with a buddy
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
    dialog.model_name.setFocus()
    qtbot.keyClick(dialog.model_name, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
    assert dialog.focusWidget() is dialog.path and dialog.model_name.text() == ""
    remembered = NewAssessmentDialog(choices, "anthropic-rsp-1.0", tmp_path)
    qtbot.addWidget(remembered)
    assert remembered.framework.currentData() == "anthropic-rsp-1.0"
    assert Path(remembered.path.text()).parent == tmp_path


def test_opening_another_file_clears_the_preview_and_renders_the_new_one(window, qtbot, tmp_path):
    """Item 6: never the previous file's report under the new file's name; zoom works on the new one."""
    import subprocess
    import sys
    other = tmp_path / "Other model.rwa"
    subprocess.run([sys.executable, "-m", "app.cli", "new", str(other), "--framework", "anthropic-rsp-2.2",
                    "--model", "Kestrel-1"], check=True, capture_output=True)
    window.show_panel("preview")
    preview = window.preview_panel
    preview.audience.setCurrentIndex(preview.audience.findData("internal"))
    preview.refresh()
    assert preview.busy.isVisibleTo(preview) and preview.cancel_button.isVisibleTo(preview)
    qtbot.waitUntil(lambda: not preview.rendering, timeout=120000)
    example_pages = preview.pages
    assert example_pages > 5
    preview.zoom(1.25)
    assert preview.view.zoomFactor() > 1.0
    assert window.open_file(other)
    assert preview.pages == 0 or preview.rendering
    assert "Other model.rwa" in preview.status.text()  # rendering the new file, shown in view
    qtbot.waitUntil(lambda: not preview.rendering, timeout=120000)
    assert 0 < preview.pages < example_pages, preview.status.text()


def test_a_preview_can_be_cancelled(window, qtbot):
    window.show_panel("preview")
    preview = window.preview_panel
    preview.refresh()
    preview.cancel_button.click()
    assert not preview.rendering and not preview.busy.isVisibleTo(preview)
    assert "cancelled" in preview.status.text()
    window.workspace.jobs.wait()
    qtbot.wait(50)
    assert preview.pages == 0  # the abandoned render's result was dropped


def test_export_dialog_rows_keep_their_size_after_a_refusal(window, qtbot, tmp_path):
    """Item 7: a refusal and its flag list make the dialog taller; nothing is squashed or cut off."""
    from app.ui.export_dialog import ExportDialog
    qtbot.waitUntil(lambda: window.flag_watch is not None and window.flag_watch.ready, timeout=30000)
    scope = row(window, "header.scope").binding.widget
    scope.setFocus()
    scope.moveCursor(scope.textCursor().MoveOperation.End)
    qtbot.keyClicks(scope, " Testers asked about anthrax; the model refused.")  # a public select-agent name
    window.session.flush()
    window.flag_watch.settle()
    dialog = ExportDialog(window.workspace, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.set_audience("public")
    dialog.set_format("md")
    dialog.path.setText(str(tmp_path / "public.md"))
    before = dialog.height()
    dialog.start()
    qtbot.waitUntil(lambda: not dialog.running, timeout=120000)
    assert dialog.last_refusal and dialog.message.isVisible()
    qtbot.wait(50)
    assert dialog.height() > before
    for widget in (dialog.format, dialog.path):
        assert widget.height() >= widget.minimumSizeHint().height(), widget.accessibleName()
    message = dialog.message
    assert message.height() >= message.heightForWidth(message.width()), "the refusal is shown whole"


def test_warned_before_a_public_export_or_sign_off_of_an_unsigned_incomplete_assessment(window, qtbot,
                                                                                       monkeypatch):
    """Item 11: the warning is in front of the person before they press Export or Sign off."""
    from app.ui.export_dialog import ExportDialog
    from app.ui.readiness import readiness_warning
    from app.ui.signoff_dialog import SignOffDialog
    qtbot.waitUntil(lambda: window.analysis.latest is not None, timeout=20000)
    developer = row(window, "header.model.developer").binding.widget
    developer.setFocus()
    developer.selectAll()
    qtbot.keyClick(developer, Qt.Key.Key_Backspace)
    window.session.flush()
    assert not window.session.document.get("header.model.developer")
    window.analysis.run_now()
    qtbot.waitUntil(lambda: window.analysis.latest is not None and bool(window.analysis.latest.problems),
                    timeout=20000)
    dialog = ExportDialog(window.workspace, window)
    qtbot.addWidget(dialog)
    dialog.set_audience("public")
    dialog.show()
    assert dialog.warning.isVisible()
    text = dialog.warning.text()
    assert "missing" in text and "has not been signed off" in text
    dialog.set_audience("internal")
    assert not dialog.warning.isVisible()
    seen = {}
    monkeypatch.setattr(SignOffDialog, "ask", classmethod(lambda cls, *args: seen.update(warning=args[-1])
                                                          or (None, False)))
    window.signoff_action.trigger()
    assert "missing" in seen["warning"] and "Signing freezes" in seen["warning"]
    assert readiness_warning(None, None, "signoff") == ""


def test_an_assessment_reopens_at_the_stage_and_tab_left_open(qtbot, example_file, forms):
    """Item 17: close on Training with History in front; open again: Training, History."""
    first = MainWindow(forms, remember_window=True)
    qtbot.addWidget(first)
    assert first.open_file(example_file)
    first.show()
    qtbot.waitExposed(first)
    first.show_stage("training")
    first.show_panel("history")
    first.close()
    again = MainWindow(forms, remember_window=True)
    qtbot.addWidget(again)
    assert again.open_file(example_file)
    again.show()
    qtbot.waitExposed(again)
    assert again.navigator.current_stage() == "training"
    assert again.panels.currentWidget() is again.history_panel


def test_f1_opens_the_offline_guide_at_the_current_field_and_stage(window, qtbot, forms):
    """Item 17: F1 in a field shows that field's help and the stage's purpose, above the shipped guide."""
    from app.ui.help_window import guide_html
    window.show_stage("training")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    field = window.current_page().fields.rows.get("training.summary") or next(iter(window.current_page().all_rows()))
    field.binding.widget.setFocus()
    qtbot.keyClick(field.binding.widget, Qt.Key.Key_F1)
    help_window = window.help_window
    assert help_window.isVisible()
    text = help_window.browser.toPlainText()
    assert text.startswith(field.spec.label)
    assert " ".join(field.spec.help.split())[:60] in " ".join(text.split())
    assert forms.form("training").title in text and "Sensitivity and audiences" in text
    guide = guide_html()
    for stage in forms.stages:  # the guide explains every stage the forms define
        assert f'id="stage-{stage}"' in guide, stage
    for topic in ("sensitivity", "flags", "signoff", "export"):
        assert f'id="{topic}"' in guide


def test_the_dark_scheme_follows_the_system_and_maps_every_colour(qapp, monkeypatch):
    """Item 17: a dark system scheme gives a dark palette and a stylesheet with every colour mapped."""
    import re as regex

    from app.ui.theme import apply_theme, dark_colours, stylesheet
    light = stylesheet(False)
    assert set(c.lower() for c in regex.findall(r"#[0-9a-fA-F]{6}", light)) <= set(dark_colours())
    saved_palette, saved_sheet = qapp.palette(), qapp.styleSheet()
    try:
        monkeypatch.setenv("RISKWRIGHT_SCHEME", "dark")
        apply_theme(qapp)
        assert qapp.palette().color(qapp.palette().ColorRole.Base).lightness() < 60
        assert "#ffffff" not in qapp.styleSheet().lower().replace("color: #ffffff", "")
        monkeypatch.setenv("RISKWRIGHT_SCHEME", "light")
        apply_theme(qapp)
        assert qapp.palette().color(qapp.palette().ColorRole.Base).name() == "#ffffff"
    finally:
        qapp.setPalette(saved_palette)
        qapp.setStyleSheet(saved_sheet)
        qapp.setProperty("riskwright_dark", False)


def test_history_rows_say_what_changed_in_the_forms_words(open_window, qtbot):
    """Item 9: field label, record title, before → after, shortened — not "pre_deployment.eval…"."""
    from app.model import Address, SetValue
    window = open_window()
    qtbot.waitUntil(lambda: window.history_panel is not None, timeout=5000)
    window.show_panel("history")
    model = window.history_panel.model
    window.session.apply(SetValue(Address.parse("pre_deployment.evaluations[ev-1].score"), 0.41), "Edit score")
    long_text = "A much longer public description of the capture-the-flag ladder. " * 6
    window.session.apply(SetValue(Address.parse("pre_deployment.evaluations[ev-1].description"),
                                  long_text), "Edit description")
    qtbot.waitUntil(lambda: model.rowCount() >= 3, timeout=5000)
    description, score = model.data(model.index(0, 3)), model.data(model.index(1, 3))
    assert score == "Capability evaluations › “Capture-the-flag ladder, profession…” (ev-1) › Score: 0.38 → 0.41"
    assert description.startswith("Capability evaluations › “Capture-the-flag ladder, profession…” (ev-1) › "
                                   "Public description: “")
    assert len(description) < 200 and "…" in description and "pre_deployment" not in description


def test_undo_steps_back_a_word_at_a_time_not_a_whole_paragraph(window, qtbot):
    """Item 4: one Ctrl+Z after typing a 150-character paragraph takes back its last word only."""
    scope = row(window, "header.scope").binding.widget
    before = scope.toPlainText()
    paragraph = (" The red team spent two weeks on the cyber range and found no new path to the final goal that the "
                 "automated suite had missed before the final checkpoint")
    assert len(paragraph) >= 150
    window.activateWindow()
    scope.setFocus()
    scope.moveCursor(scope.textCursor().MoveOperation.End)
    qtbot.keyClicks(scope, paragraph)
    window.session.flush()
    assert window.session.document.get("header.scope") == before + paragraph
    window.undo_action.trigger()
    assert window.session.document.get("header.scope") == before + paragraph[: -len("checkpoint")]
    window.undo_action.trigger()
    assert window.session.document.get("header.scope") == before + paragraph[: -len("final checkpoint")]
    steps = 2
    while window.session.document.get("header.scope") != before:
        window.undo_action.trigger()
        steps += 1
        assert steps < 60
    assert steps >= len(paragraph.split())
    assert scope.toPlainText() == before


def test_an_export_can_be_cancelled_and_writes_nothing(window, qtbot, tmp_path):
    """Item 17: a progress bar and Cancel while an export runs; cancelled means no file, and the next works."""
    from app.ui.export_dialog import ExportDialog
    dialog = ExportDialog(window.workspace, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_audience("internal")
    dialog.set_format("pdf")
    target = tmp_path / "internal.pdf"
    dialog.path.setText(str(target))
    dialog.start()
    assert dialog.progress.isVisible() and dialog.cancel_button.isVisible()
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: not dialog.running, timeout=120000)
    assert "Export cancelled: nothing was written." in dialog.message.text()
    assert not target.exists() and not dialog.cancel_button.isVisible()
    from app.export.staging import staging_root
    assert not list(staging_root().rglob("report"))  # the ended worker's unscanned temp file is gone too
    dialog.set_format("md")
    dialog.path.setText(str(tmp_path / "internal.md"))
    dialog.start()
    qtbot.waitUntil(lambda: not dialog.running, timeout=120000)
    assert dialog.last_refusal is None and (tmp_path / "internal.md").is_file()
