"""``riskwright check`` as a person or a script uses it: output, formats and exit codes."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app.cli import main
from app.content.locate import content_path
from app.model import Address, SetValue
from app.store import AssessmentFile


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _edited(path: Path, *edits: SetValue) -> Path:
    with AssessmentFile.open(path) as assessment:
        for edit in edits:
            assessment.apply(edit)
    return path


def test_the_example_is_compliant_with_its_own_framework(example_file: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "check", str(example_file))
    assert code == 0, err
    assert out.startswith("Checked example.rwa against OpenAI Preparedness Framework (Beta)")
    assert "Status: COMPLIANT (0 violations, 0 missing evidence, 0 warnings, 17 satisfied)" in out
    stages = [line for line in out.splitlines() if line.startswith("== ")]
    assert stages == ["== Training (training) ==", "== Evaluations and red-teaming (pre_deployment) ==",
                      "== Safeguards and decision (deployment_decision) ==",
                      "== Accountability (accountability) =="]


def test_violations_come_first_and_cite_their_source(example_file: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    _edited(example_file,
            SetValue(Address("pre_deployment.determinations[].post_mitigation_level", "det-1"), "high"),
            SetValue(Address("deployment_decision.security_level"), None))
    code, out, _ = _run(capsys, "check", str(example_file))
    assert code == 1
    assert "Status: NON-COMPLIANT (1 violation, 1 missing evidence" in out
    section = out.split("== Safeguards and decision (deployment_decision) ==")[1].split("== ")[0]
    lines = section.splitlines()
    violation = next(i for i, line in enumerate(lines) if "VIOLATION  deployment_decision.decision" in line)
    missing = next(i for i, line in enumerate(lines) if "MISSING    deployment_decision.security_level" in line)
    satisfied = next(i for i, line in enumerate(lines) if line.startswith("  ok"))
    assert violation < missing < satisfied
    assert "Deploy with restrictions" in lines[violation + 1]
    assert ("[restrict-deployment] Preparedness Framework (Beta), Safety baselines: restricting deployment "
            "[not verified in the published text] "
            "<https://cdn.openai.com/openai-preparedness-framework-beta.pdf>") in lines[violation + 2]


def test_incomplete_exits_1(example_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edited(example_file, SetValue(Address("deployment_decision.decided_by"), None))
    code, out, _ = _run(capsys, "check", str(example_file))
    assert code == 1 and "Status: INCOMPLETE" in out


def test_json_output_has_the_documented_shape(example_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edited(example_file, SetValue(Address("training.checkpoints[].effective_compute_flop", "ckpt-8"), 9.6e25))
    code, out, _ = _run(capsys, "check", str(example_file), "--format", "json", "--framework", "anthropic-rsp-1.0")
    assert code == 1
    report = json.loads(out)
    assert set(report) == {"file", "format", "framework", "status", "counts", "findings", "score", "documents"}
    assert report["framework"] == {"id": "anthropic-rsp-1.0", "name": "Anthropic Responsible Scaling Policy 1.0",
                                   "version": "1.0", "date": "2023-09-19"}
    assert report["status"] == "incomplete" and report["score"] is None
    assert set(report["counts"]) == {"violation", "missing_evidence", "warning", "satisfied"}
    assert sum(report["counts"].values()) == len(report["findings"])
    for finding in report["findings"]:
        assert set(finding) == {"rule_id", "rule_title", "severity", "stage", "address", "message", "quotes",
                                "citation"}
        assert finding["citation"]["url"].startswith("https://")
    cadence = [f for f in report["findings"] if f["rule_id"] == "evaluate-every-4x"]
    assert [f["severity"] for f in cadence] == ["satisfied"]  # 9.6e25 / 3.05e25 is 3.1x, within 4x


def test_rubric_prints_a_score(example_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "check", str(example_file), "--framework", "risk-assessment-best-practice")
    assert code == 0
    score_line = next(line for line in out.splitlines() if line.startswith("Score: "))
    total = float(score_line.split()[1])
    assert 0 < total < 100
    code, out, _ = _run(capsys, "check", str(example_file), "--framework", "risk-assessment-best-practice",
                        "--format", "json")
    score = json.loads(out)["score"]
    assert score["total"] == pytest.approx(total, abs=0.05)
    assert [s["weight"] for s in score["sections"]] == [60, 15, 25]
    assert sum(i["points"] for s in score["sections"] for i in s["items"]) == pytest.approx(100, abs=0.05)


def test_many_findings_of_one_rule_are_summarised_unless_all_are_asked_for(tmp_path: Path,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    large = tmp_path / "large.rwa"
    assert main(["example", str(large), "--size", "large"]) == 0
    capsys.readouterr()
    _, short, _ = _run(capsys, "check", str(large))
    assert "... and 495 more like this from rule elicitation-recorded (use --all to list them)" in short
    _, full, _ = _run(capsys, "check", str(large), "--all")
    assert "more like this" not in full
    assert full.count("[elicitation-recorded]") == 500


def test_yaml_assessment_can_be_checked_directly(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "check", str(content_path("resources", "examples", "example.yaml")))
    assert code == 0 and "Status: COMPLIANT" in out


def test_output_file(example_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "report.json"
    code, out, _ = _run(capsys, "check", str(example_file), "--format", "json", "-o", str(target))
    assert code == 0 and out == ""
    assert json.loads(target.read_text())["status"] == "compliant"


def test_unknown_framework_cannot_run(example_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "check", str(example_file), "--framework", "acme-policy-9")
    assert code == 2 and out == ""
    assert err.startswith("riskwright: unknown framework 'acme-policy-9'; installed: anthropic-rsp-1.0")


def test_assessment_without_a_framework_cannot_run(example_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edited(example_file, SetValue(Address("header.framework"), None))
    code, _, err = _run(capsys, "check", str(example_file))
    assert code == 2 and "names no framework" in err and "--framework" in err


def test_a_file_that_is_not_an_assessment_cannot_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.rwa"
    sqlite3.connect(other).execute("create table t (x)").connection.close()
    code, _, err = _run(capsys, "check", str(other))
    assert code == 2 and "not a Riskwright assessment" in err and "Traceback" not in err
    code, _, err = _run(capsys, "check", str(tmp_path / "missing.rwa"))
    assert code == 2 and "no such file" in err


def test_broken_yaml_assessment_points_at_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("riskwright: 1\nheader:\n  model: [unclosed\n", encoding="utf-8")
    code, _, err = _run(capsys, "check", str(broken))
    assert code == 2 and f"{broken}:" in err and "Traceback" not in err


def test_help_documents_exit_codes_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "Exit 0 compliant, 1 non-compliant or incomplete, 2 could not run" in out
    assert "rule_id" in out and "citation" in out
