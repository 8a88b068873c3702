"""Several regimes at once (issue 14): the header names the regimes, `check` checks them all, a
regime x status matrix, and each regime's own deadline for the same incident.

Deadline boundaries sit next to each other: exactly 15 days and exactly 24 (or 72) hours are on
time, a minute or a day more is late, and the clock starts at discovery, not at the incident.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.checks import check, load_framework
from app.checks.regimes import check_regimes, regime_ids
from app.cli import main
from app.content.forms import load_forms
from app.interchange.examples import example_document
from app.model.document import Document, Record, Value
from tests.test_checks_scenarios import assessment

SB53, RAISE, EU, BETA = "ca-sb53-tfaia", "ny-raise-act", "eu-gpai-cop-safety-security", "openai-preparedness-beta"


def _with_regimes(doc: Document, *ids: str) -> Document:
    doc.tables["header.regimes"] = [Record(f"reg-{i + 1}", {"framework": Value(framework_id)})
                                    for i, framework_id in enumerate(ids)]
    return doc


def _incident(**values: Any) -> Record:
    base = {"title": "Agent left its sandbox", "severity": "critical", "kind": "death",
            "critical_safety_incident": True, "imminent_danger": False, "reported_to": "the authorities",
            "response": "Contained."}
    base.update(values)
    return Record("inc-1", {k: Value(v) for k, v in base.items() if v is not None})


def _deadlines(doc: Document, *ids: str) -> dict[str, str]:
    """{regime/rule: severity} for inc-1."""
    checked = check_regimes(doc, list(ids))
    return {f"{d.regime}/{d.rule_id}": d.severity for d in checked.incident_deadlines(doc).get("inc-1", [])}


def _doc(**incident: Any) -> Document:
    doc = example_document()
    doc.tables["deployment.incidents"] = [_incident(**incident)]
    return doc


def test_an_assessment_without_regimes_is_checked_against_its_framework_alone() -> None:
    doc = example_document()
    assert regime_ids(doc) == [BETA]
    (result,) = check_regimes(doc, regime_ids(doc)).results
    assert result == check(doc, load_framework(BETA))


def test_regimes_come_in_header_order_without_repeats() -> None:
    doc = _with_regimes(example_document(), SB53, EU, SB53)
    assert regime_ids(doc) == [SB53, EU]


def test_the_matrix_has_a_row_per_regime_with_the_findings_behind_each_cell() -> None:
    doc = _with_regimes(assessment(BETA), BETA, SB53, EU)
    doc.values["accountability.published_framework.published"] = Value(False)
    checked = check_regimes(doc, regime_ids(doc))
    rows = checked.matrix()
    assert [row["id"] for row in rows] == [BETA, SB53, EU]
    assert rows[1]["status"] == "non_compliant" and checked.status == "non_compliant"
    for row, result in zip(rows, checked.results, strict=True):
        assert row["counts"] == {s: len(result.of_severity(s)) for s in row["counts"]}
        assert [f.rule_id for f in row["findings"]["violation"]] == [f.rule_id for f in result.of_severity("violation")]
    assert [f.rule_id for f in rows[1]["findings"]["violation"]] == ["framework-published"]


# (scenario, incident values, {regime/rule: severity} expected for inc-1)
DEADLINES: list[tuple[str, dict[str, Any], dict[str, str]]] = [
    ("exactly 15 days after discovery: on time under SB 53, late under the EU code's 10 days for a death",
     {"date": date(2026, 3, 10), "discovered_on": date(2026, 3, 10), "reported_on": date(2026, 3, 25)},
     {f"{SB53}/critical-incident-15-days": "satisfied", f"{EU}/serious-incident-deadlines": "violation"}),
    ("16 days after discovery: late under both",
     {"date": date(2026, 3, 10), "discovered_on": date(2026, 3, 10), "reported_on": date(2026, 3, 26)},
     {f"{SB53}/critical-incident-15-days": "violation", f"{EU}/serious-incident-deadlines": "violation"}),
    ("discovered later than it happened: the clocks start at discovery",
     {"date": date(2026, 1, 20), "discovered_on": date(2026, 3, 10), "reported_on": date(2026, 3, 18)},
     {f"{SB53}/critical-incident-15-days": "satisfied", f"{EU}/serious-incident-deadlines": "satisfied"}),
    ("imminent danger, exactly 24 hours",
     {"date": date(2026, 3, 10), "discovered_on": date(2026, 3, 10), "discovered_time": "10:00",
      "reported_on": date(2026, 3, 11), "reported_time": "10:00", "imminent_danger": True},
     {f"{SB53}/critical-incident-15-days": "satisfied", f"{SB53}/critical-incident-24-hours": "satisfied",
      f"{EU}/serious-incident-deadlines": "satisfied"}),
    ("imminent danger, 24 hours and a minute",
     {"date": date(2026, 3, 10), "discovered_on": date(2026, 3, 10), "discovered_time": "10:00",
      "reported_on": date(2026, 3, 11), "reported_time": "10:01", "imminent_danger": True},
     {f"{SB53}/critical-incident-15-days": "satisfied", f"{SB53}/critical-incident-24-hours": "violation",
      f"{EU}/serious-incident-deadlines": "satisfied"}),
    ("imminent danger without the time of discovery",
     {"date": date(2026, 3, 10), "discovered_on": date(2026, 3, 10), "reported_on": date(2026, 3, 11),
      "reported_time": "09:00", "imminent_danger": True},
     {f"{SB53}/critical-incident-15-days": "satisfied", f"{SB53}/critical-incident-24-hours": "missing_evidence",
      f"{EU}/serious-incident-deadlines": "satisfied"}),
    ("before SB 53 took effect: only the EU code's clock runs",
     {"date": date(2025, 12, 1), "discovered_on": date(2025, 12, 1), "reported_on": date(2025, 12, 30)},
     {f"{EU}/serious-incident-deadlines": "violation"}),
    ("not a critical safety incident: SB 53 does not apply",
     {"date": date(2026, 3, 10), "discovered_on": date(2026, 3, 10), "reported_on": date(2026, 3, 12),
      "critical_safety_incident": False},
     {f"{EU}/serious-incident-deadlines": "satisfied"}),
]


@pytest.mark.parametrize(("incident", "expected"), [d[1:] for d in DEADLINES], ids=[d[0] for d in DEADLINES])
def test_each_regime_shows_its_own_deadline_for_the_same_incident(incident: dict[str, Any],
                                                                  expected: dict[str, str]) -> None:
    assert _deadlines(_doc(**incident), SB53, EU) == expected


RAISE_CASES = [
    ("exactly 72 hours", "10:00", "satisfied"),
    ("72 hours and a minute", "10:01", "violation"),
]


@pytest.mark.parametrize(("reported_time", "expected"), [c[1:] for c in RAISE_CASES], ids=[c[0] for c in RAISE_CASES])
def test_new_york_counts_72_hours_from_1_january_2027(reported_time: str, expected: str) -> None:
    doc = _doc(date=date(2027, 2, 1), discovered_on=date(2027, 2, 1), discovered_time="10:00",
               reported_on=date(2027, 2, 4), reported_time=reported_time)
    assert _deadlines(doc, RAISE) == {f"{RAISE}/critical-incident-72-hours": expected}


def test_new_york_does_not_apply_before_it_takes_effect() -> None:
    doc = _doc(date=date(2026, 6, 1), discovered_on=date(2026, 6, 1), discovered_time="10:00",
               reported_on=date(2026, 6, 20), reported_time="10:00")
    assert _deadlines(doc, RAISE) == {}


def test_sb53_internal_use_summaries_every_three_months() -> None:
    fw = load_framework(SB53)
    base = {"deployment_decision.internal_use": "large_scale", "header.assessment_date": date(2026, 6, 30)}
    recent = assessment(SB53, **base, **{"accountability.internal_use_summary_sent_on": date(2026, 4, 1)})
    stale = assessment(SB53, **base, **{"accountability.internal_use_summary_sent_on": date(2026, 3, 1)})
    assert {f.severity for f in check(recent, fw).for_rule("internal-use-summaries")} == {"satisfied"}
    assert {f.severity for f in check(stale, fw).for_rule("internal-use-summaries")} == {"violation"}


def test_sb53_transparency_report_on_deployment() -> None:
    doc = assessment(SB53, documents=["model_report"])
    assert {f.severity for f in check(doc, load_framework(SB53)).for_rule("transparency-report")} == \
        {"missing_evidence"}


def test_rsp3_deployment_needs_a_risk_report() -> None:
    doc = assessment("anthropic-rsp-3.0", documents=["system_card"])
    assert {f.severity for f in check(doc, load_framework("anthropic-rsp-3.0"))
            .for_rule("risk-report-before-deployment")} == {"missing_evidence"}


@pytest.mark.parametrize("framework_id", [SB53, RAISE, "anthropic-rsp-3.0", "meta-frontier-ai-framework-1.0"])
def test_a_complete_assessment_is_compliant_with_each_new_regime(framework_id: str) -> None:
    values = {"header.assessment_date": date(2027, 3, 1), "accountability.published_framework.reviewed_on":
              date(2026, 12, 1), "accountability.internal_use_summary_sent_on": date(2027, 2, 1),
              "deployment_decision.decision_date": date(2026, 12, 1)}
    result = check(assessment(framework_id, reassessments=[date(2027, 1, 5), date(2027, 2, 20)], **values),
                   load_framework(framework_id))
    assert [f.message for f in result.findings if f.severity in ("violation", "missing_evidence")] == []


def test_check_command_shows_the_matrix_and_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from app.interchange import dump_document
    doc = _with_regimes(_doc(date=date(2026, 3, 10), discovered_on=date(2026, 3, 10),
                             reported_on=date(2026, 3, 26)), BETA, SB53, EU)
    path = tmp_path / "multi.yaml"
    path.write_text(dump_document(doc, load_forms()), encoding="utf-8")
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("Checked multi.yaml against 3 regimes")
    assert "Incident reporting deadlines" in out and "within 15 days" in out and "LATE" in out
    assert main(["check", str(path), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["format"] == 2 and [row["id"] for row in data["matrix"]] == [BETA, SB53, EU]
    assert {d["regime"] for d in data["incident_deadlines"]["inc-1"]} == {SB53, EU}
    assert main(["check", str(path), "--framework", BETA, "--format", "json"]) in (0, 1)
    assert json.loads(capsys.readouterr().out)["format"] == 1


def test_an_unknown_regime_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from app.interchange import dump_document
    path = tmp_path / "bad.yaml"
    path.write_text(dump_document(_with_regimes(example_document(), BETA, "ca-sb-9999"), load_forms()),
                    encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "ca-sb-9999" in err and "Traceback" not in err


def test_meta_critical_risk_stops_development_and_high_risk_is_not_released() -> None:
    fw = load_framework("meta-frontier-ai-framework-1.0")
    critical = assessment(fw.id, decision="do_not_deploy", determinations=[
        ("cyber", "critical", "critical", "reached"), ("chem_bio", "moderate", "moderate", "below")])
    assert {f.severity for f in check(critical, fw).for_rule("critical-stops-development")} == {"violation"}
    high = assessment(fw.id, determinations=[("cyber", "high", "high", "forecast"),
                                             ("chem_bio", "moderate", "moderate", "below")])
    assert {f.severity for f in check(high, fw).for_rule("high-not-released")} == {"violation"}
