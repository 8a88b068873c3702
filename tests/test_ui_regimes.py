"""The Findings tab's regime x status matrix (issue 14): shown when the header lists regimes;
choosing a cell lists the findings behind it, choosing it again goes back."""

from __future__ import annotations

from pathlib import Path

from app.model import InsertRecord, Record, Value
from app.store import AssessmentFile


def _add_regimes(path: Path, *ids: str) -> None:
    with AssessmentFile.open(path) as assessment:
        for i, framework_id in enumerate(ids):
            assessment.apply(InsertRecord("header.regimes", i, Record(f"reg-{i + 1}",
                                                                      {"framework": Value(framework_id)})))


def test_the_matrix_lists_each_regime_and_the_findings_behind_a_cell(open_window, example_file, qtbot) -> None:
    _add_regimes(example_file, "openai-preparedness-beta", "ca-sb53-tfaia", "eu-gpai-cop-safety-security")
    window = open_window()
    panel = window.panels.findings
    qtbot.waitUntil(lambda: panel.matrix.rowCount() == 3, timeout=10000)
    assert [panel.matrix.item(r, 0).text() for r in range(3)] == [
        "openai-preparedness-beta", "ca-sb53-tfaia", "eu-gpai-cop-safety-security"]
    assert panel.matrix.item(0, 1).text() == "Compliant"
    assert panel.matrix.item(1, 1).text() != "Compliant"
    # The status bar does not say "Compliant — N missing" for the first framework alone: it names the regimes' worst.
    status = window.analysis_label.text()
    assert status.startswith("Compliant") and "across 3 regimes: Incomplete" in status, status
    missing = int(panel.matrix.item(1, 3).text())
    assert missing > 0
    panel.matrix.chosen.emit("ca-sb53-tfaia", "missing_evidence")
    assert panel.list.count() == missing
    assert "California SB 53" in panel.summary.text()
    panel.matrix.chosen.emit("ca-sb53-tfaia", "missing_evidence")
    assert "California SB 53" not in panel.summary.text()


def test_no_matrix_for_a_single_framework(open_window, qtbot) -> None:
    window = open_window()
    panel = window.panels.findings
    qtbot.waitUntil(lambda: "Checked against" in panel.summary.text(), timeout=10000)
    assert panel.matrix.rowCount() == 0 and not panel.matrix.isVisible()
