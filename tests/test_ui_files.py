"""File menu workflows and the findings list: new, import, recent files, jump to a finding."""

from __future__ import annotations


import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from app.model import Sensitivity
from app.store import AssessmentFile
from app.ui.dialogs import FrameworkChoice, NewAssessment, NewAssessmentDialog
from app.ui.settings import AppSettings
from app.ui.window import MainWindow


@pytest.fixture
def window(open_window) -> MainWindow:
    return open_window()


def test_new_assessment_is_created_and_opened(window, tmp_path, monkeypatch):
    target = tmp_path / "Aurora-2 assessment.rwa"
    answer = NewAssessment(target, "anthropic-rsp-2.2", "Aurora-2")
    monkeypatch.setattr(NewAssessmentDialog, "ask", classmethod(lambda cls, *args: (answer, True)))
    window.new_action.trigger()
    assert window.session.path == target
    assert window.windowTitle() == "Aurora-2 assessment.rwa — Riskwright"
    with AssessmentFile.open(target) as created:
        assert created.document.get("header.model.name") == "Aurora-2"
        assert created.document.get("header.framework") == "anthropic-rsp-2.2"
    assert AppSettings().last_framework() == "anthropic-rsp-2.2"
    assert AppSettings().recent_files()[0] == target.resolve()


def test_new_assessment_dialog_checks_its_answers(qtbot, tmp_path):
    existing = tmp_path / "taken.rwa"
    existing.write_bytes(b"")
    choices = [FrameworkChoice("anthropic-rsp-2.2", "Anthropic Responsible Scaling Policy 2.2", "2025-05-14"),
               FrameworkChoice("openai-preparedness-beta", "OpenAI Preparedness Framework (Beta)", "2023-12-18")]
    dialog = NewAssessmentDialog(choices, "openai-preparedness-beta", tmp_path)
    qtbot.addWidget(dialog)
    assert dialog.framework.currentData() == "openai-preparedness-beta"
    assert dialog.framework.currentText() == "OpenAI Preparedness Framework (Beta) (2023)"
    dialog._accept()
    assert "model's name" in dialog.problem.text()
    dialog.model_name.setText("Aurora-2")
    assert dialog.path.text().endswith("Aurora-2 assessment.rwa")
    dialog.path.setText(str(existing))
    dialog._accept()
    assert "already exists" in dialog.problem.text()


def test_import_yaml_creates_and_opens(window, tmp_path, monkeypatch, example_file, forms):
    from app.interchange import dump_document
    with AssessmentFile.open(example_file) as source:
        text = dump_document(source.document, forms)
    yaml_file = tmp_path / "shared.yaml"
    yaml_file.write_text(text.replace("Halcyon-3", "Halcyon-3-imported", 1), encoding="utf-8")
    target = tmp_path / "imported.rwa"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(yaml_file), "")))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    window.import_action.trigger()
    assert window.session.path == target
    assert window.session.document.get("header.model.name") == "Halcyon-3-imported"


def test_import_of_broken_yaml_says_where_and_creates_nothing(window, tmp_path, monkeypatch, example_file):
    yaml_file = tmp_path / "broken.yaml"
    yaml_file.write_text("riskwright: 1\nheader:\n  model: [unclosed\n", encoding="utf-8")
    target = tmp_path / "never.rwa"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(yaml_file), "")))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    window.import_action.trigger()
    assert f"{yaml_file}:" in window.last_error
    assert not target.exists()
    assert window.session.path == example_file


def test_open_recent_reopens_a_file(window, tmp_path, example_file):
    other = tmp_path / "other.rwa"
    AssessmentFile.create(other).close()
    assert window.open_file(other)
    window._fill_recent()
    actions = window.recent_menu.actions()
    assert [a.toolTip() for a in actions[:2]] == [str(other.resolve()), str(example_file.resolve())]
    actions[1].trigger()
    assert window.session.path == example_file.resolve() or window.session.path == example_file


def test_a_finding_jumps_to_its_field(window, qtbot):
    developer = window.current_page().fields.rows["header.model.developer"]
    developer.binding.widget.setFocus()
    developer.binding.widget.clear()
    developer.binding.typed()
    window.session.flush()
    window.recheck_action.trigger()
    qtbot.waitUntil(lambda: any(e.address == "header.model.developer"
                                for e in window.findings_panel.entries()), timeout=10000)
    assert developer.message.isVisibleTo(window)
    assert window.navigator.counts("header").missing >= 1
    window.show_stage("training")
    panel = window.findings_panel
    for row in range(panel.list.count()):
        item = panel.list.item(row)
        if item.data(Qt.ItemDataRole.UserRole).address == "header.model.developer":
            panel.list.itemActivated.emit(item)
            break
    assert window.navigator.current_stage() == "header"
    assert window.focusWidget() is developer.binding.widget
    assert developer.property("flash") is True


def test_whole_record_sensitivity(window, example_file):
    window.show_stage("training")
    table = window.current_page().tables["training.checkpoints"]
    table.select_row(2)
    record_id = table.current_id
    table.record_chip.choose(Sensitivity.HAZARDOUS)
    with AssessmentFile.open(example_file) as again:
        assert again.document.record("training.checkpoints", record_id).sensitivity is Sensitivity.HAZARDOUS
    assert table.model.data(table.model.index(2, table.model.columnCount() - 1)) == "Hazardous"
    window.undo_action.trigger()
    with AssessmentFile.open(example_file) as again:
        assert again.document.record("training.checkpoints", record_id).sensitivity is None
