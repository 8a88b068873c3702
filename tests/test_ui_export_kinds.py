"""The export dialog offers the documents the assessment's regimes call for, and writes them."""

from __future__ import annotations

from pathlib import Path

import docx

from app.model import Value
from app.model.document import Record
from app.store import AssessmentFile
from app.interchange.examples import example_document


def _dialog(window, qtbot):  # type: ignore[no-untyped-def]
    window.export_action.trigger()
    return window.export_dialog


def test_the_dialog_offers_the_kinds_the_regimes_call_for_and_writes_one(open_window, qtbot, tmp_path,
                                                                          example_file: Path) -> None:
    doc = example_document()
    doc.tables["header.regimes"] = [Record("reg-1", {"framework": Value("openai-preparedness-beta")}),
                                    Record("reg-2", {"framework": Value("ca-sb53-tfaia")})]
    example_file.unlink()
    AssessmentFile.create(example_file, doc).close()
    window = open_window()
    dialog = _dialog(window, qtbot)
    offered = [dialog.kind.itemData(i) for i in range(dialog.kind.count())]
    assert offered == ["assessment", "sb53-transparency-report", "system-card"]
    assert dialog.kind.itemText(1) == "SB 53 transparency report — required by the regimes"
    dialog.set_kind("sb53-transparency-report")
    dialog.set_audience("public")
    dialog.set_format("docx")
    assert "sb53-transparency-report.docx" in dialog.path.text()
    output = tmp_path / "transparency.docx"
    dialog.path.setText(str(output))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.running, timeout=120000)
    assert dialog.last_refusal is None, dialog.last_refusal
    assert "Public SB 53 transparency report, DOCX" in dialog.message.text()
    headings = [p.text for p in docx.Document(str(output)).paragraphs if p.style.name == "Heading 1"]
    assert headings[:3] == ["1 About this document", "2 The developer's website", "3 Contacting the developer"]


def test_the_findings_panel_names_document_sections_without_evidence(open_window, qtbot, example_file: Path) -> None:
    doc = example_document()
    doc.tables["header.regimes"] = [Record("reg-1", {"framework": Value("openai-preparedness-beta")}),
                                    Record("reg-2", {"framework": Value("ca-sb53-tfaia")})]
    del doc.values["deployment_decision.release.languages"]
    example_file.unlink()
    AssessmentFile.create(example_file, doc).close()
    window = open_window()
    qtbot.waitUntil(lambda: window.analysis.latest is not None, timeout=60000)
    messages = [f.message for f in window.analysis.latest.findings]
    assert any(m.startswith("SB 53 transparency report: section “Languages supported” has no evidence")
               for m in messages)
    assert "1 section of the documents the regimes ask for has no evidence" in \
        window.findings_panel.summary.text()
