"""Scenario tables per framework: determinations, release, decision, checkpoints, dates → findings.

Each framework starts from a complete assessment written for it, which must
check as compliant; each scenario then changes a few answers and names the
rule that must respond and how. Boundaries sit next to each other (exactly at
a threshold and just past it), and the uncertainty bases (forecast, cannot
rule out) must trigger commitments exactly like a level that was reached.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from app.checks import check, load_framework
from app.content.forms import load_forms
from app.content.framework_spec import Framework
from app.model.document import Document, Record, Value

START = date(2025, 1, 6)
DECIDED = date(2025, 6, 2)
AS_OF = date(2025, 9, 1)


def _sample(spec: Any, framework: Framework) -> Any:
    if spec.type == "enum":
        return spec.options[0].id
    if spec.type == "category":
        return framework.tracked[0].id
    if spec.type == "level":
        return framework.security_levels[-1].id if spec.ladder == "security" else framework.levels[0].id
    return {"text": "Example answer", "markdown": "An example paragraph.", "integer": 3, "number": 1.0,
            "flop": 1.0e25, "date": date(2025, 5, 1), "boolean": True,
            "framework": framework.id}[spec.type]


def _record(table: str, record_id: str, framework: Framework, **values: Any) -> Record:
    forms = load_forms()
    record = Record(record_id)
    for spec in forms.record_leaves(table):
        relative = spec.path.split("[].", 1)[1]
        record.values[relative] = Value(values.pop(relative, _sample(spec, framework)))
    for relative, data in values.items():
        record.values[relative] = Value(data)
    for relative in [k for k, v in record.values.items() if v.data is None]:
        del record.values[relative]
    return record


def assessment(framework_id: str, *, release: str = "api", decision: str | None = "deploy",
               security: str | None = "top", determinations: list[tuple[str, str, str, str]] | None = None,
               checkpoints: list[tuple[float, bool]] | None = None, reassessments: list[date] | None = None,
               updates: list[tuple[date, bool]] = (), incidents: list[tuple[str, str | None]] = (),
               documents: list[str] | None = None,
               evaluation_variants: tuple[str, ...] = ("helpful_only", "fine_tuned"),
               breakthrough_at: int | None = None, **values: Any) -> Document:
    """A complete assessment for ``framework_id`` with the given answers; ``values`` override by path."""
    framework = load_framework(framework_id)
    forms = load_forms()
    doc = Document()
    for spec in forms.leaves():
        if spec.table is None:
            doc.values[spec.path] = Value(_sample(spec, framework))
    fixed = {"header.framework": framework_id, "header.model.release_type": release,
             "header.model.fine_tuning_access": False, "header.assessment_date": AS_OF,
             "deployment_decision.decision": decision, "deployment_decision.decision_date": DECIDED,
             "deployment_decision.security_level": framework.security_levels[-1].id if security == "top" else security,
             "accountability.publication.frequency_months": 3.0, "pre_training.evaluation_interval_x": 2.0,
             "deployment.reassessment_interval_months": 3.0, "pre_training.safety_buffer_x": 6.0,
             "pre_deployment.external_evaluation_exception": None}
    for path, data in {**fixed, **values}.items():
        if data is None:
            doc.values.pop(path, None)
        else:
            doc.values[path] = Value(data)
    checkpoints = checkpoints if checkpoints is not None else [(1e24, True), (2e24, True), (4e24, True)]
    doc.tables["training.checkpoints"] = [
        _record("training.checkpoints", f"ckpt-{i + 1}", framework, effective_compute_flop=compute,
                evaluated=evaluated, date=START + timedelta(days=10 * i), name=f"step-{i + 1}",
                algorithmic_change=(i == breakthrough_at))
        for i, (compute, evaluated) in enumerate(checkpoints)]
    evaluations = []
    for category in framework.tracked:
        for variant in evaluation_variants:
            evaluations.append(_record("pre_deployment.evaluations", f"ev-{len(evaluations) + 1}", framework,
                                       category=category.id, model_variant=variant,
                                       level_indicated=category.ladder[0].level))
    doc.tables["pre_deployment.evaluations"] = evaluations
    doc.tables["pre_training.capability_forecast"] = [
        _record("pre_training.capability_forecast", f"fc-{i + 1}", framework, category=c.id,
                forecast_level=c.ladder[0].level) for i, c in enumerate(framework.tracked)]
    doc.tables["pre_deployment.red_teaming"] = [_record("pre_deployment.red_teaming", "rt-1", framework)]
    doc.tables["pre_deployment.third_party_access"] = [
        _record("pre_deployment.third_party_access", "tpa-1", framework, timing="both")]
    if determinations is None:
        determinations = [(c.id, c.ladder[0].level, c.ladder[0].level, "below") for c in framework.tracked]
    doc.tables["pre_deployment.determinations"] = [
        _record("pre_deployment.determinations", f"det-{i + 1}", framework, category=category,
                pre_mitigation_level=pre, post_mitigation_level=post, basis=basis)
        for i, (category, pre, post, basis) in enumerate(determinations)]
    kinds = documents if documents is not None else \
        list(forms.field("deployment_decision.documents[].kind").option_ids())
    doc.tables["deployment_decision.documents"] = [
        _record("deployment_decision.documents", f"doc-{i + 1}", framework, kind=kind)
        for i, kind in enumerate(kinds)]
    dates = reassessments if reassessments is not None else [date(2025, 7, 1), date(2025, 8, 1), date(2025, 8, 29)]
    doc.tables["deployment.reassessments"] = [
        _record("deployment.reassessments", f"ra-{i + 1}", framework, date=day) for i, day in enumerate(dates)]
    doc.tables["deployment.updates"] = [
        _record("deployment.updates", f"upd-{i + 1}", framework, date=day, major=major, name=f"update {i + 1}")
        for i, (day, major) in enumerate(updates)]
    doc.tables["deployment.incidents"] = [
        _record("deployment.incidents", f"inc-{i + 1}", framework, severity=severity, reported_to=told,
                discovered_time="10:00", reported_time="11:00", resolved_on=None, last_report_on=AS_OF)
        for i, (severity, told) in enumerate(incidents)]
    for table in ("accountability.oversight_reviews", "accountability.policy_changes",
                  "accountability.external_reviews"):
        doc.tables[table] = [_record(table, "rec-1", framework)]
    for path, data in values.items():
        if data is None and path in doc.tables:
            doc.tables[path] = []  # a table answered None is emptied
    doc.tables = {table: records for table, records in doc.tables.items() if records}
    return doc


def outcomes(doc: Document, framework_id: str, rule_id: str) -> set[str]:
    return {f.severity for f in check(doc, load_framework(framework_id)).for_rule(rule_id)}


FRAMEWORKS = ("openai-preparedness-beta", "openai-preparedness-v2", "anthropic-rsp-1.0", "anthropic-rsp-2.2",
              "gdm-fsf-3.0", "eu-gpai-cop-safety-security", "risk-assessment-best-practice")


@pytest.mark.parametrize("framework_id", FRAMEWORKS)
def test_a_complete_assessment_written_for_the_framework_is_compliant(framework_id: str) -> None:
    result = check(assessment(framework_id), load_framework(framework_id))
    failing = [f"{f.rule_id}: {f.message}" for f in result.findings
               if f.severity in ("violation", "missing_evidence")]
    assert failing == []
    assert result.status == "compliant"


# (scenario id, framework, assessment answers, rule, severities the rule must give)
SCENARIOS: list[tuple[str, str, dict[str, Any], str, set[str]]] = [
    # -- OpenAI Preparedness Framework (Beta) ---------------------------------
    ("beta: post High forbids deploy", "openai-preparedness-beta",
     {"determinations": [("cybersecurity", "high", "high", "reached")]}, "restrict-deployment", {"violation"}),
    ("beta: post High, do not deploy", "openai-preparedness-beta",
     {"determinations": [("cybersecurity", "high", "high", "reached")], "decision": "do_not_deploy"},
     "restrict-deployment", {"satisfied"}),
    ("beta: post Medium equals the threshold, deploy allowed", "openai-preparedness-beta",
     {"determinations": [("cbrn", "high", "medium", "reached")]}, "restrict-deployment", {"satisfied"}),
    ("beta: post High with no decision yet", "openai-preparedness-beta",
     {"determinations": [("persuasion", "high", "high", "reached")], "decision": None},
     "restrict-deployment", {"missing_evidence"}),
    ("beta: pre High forecast needs hardened security", "openai-preparedness-beta",
     {"determinations": [("cybersecurity", "high", "medium", "forecast")], "security": "baseline"},
     "asset-protection", {"violation"}),
    ("beta: pre High cannot be ruled out counts as reached", "openai-preparedness-beta",
     {"determinations": [("cbrn", "high", "low", "cannot_rule_out")], "security": "baseline"},
     "asset-protection", {"violation"}),
    ("beta: pre High with hardened security", "openai-preparedness-beta",
     {"determinations": [("cybersecurity", "high", "medium", "forecast")], "security": "hardened"},
     "asset-protection", {"satisfied"}),
    ("beta: pre High with no security level recorded", "openai-preparedness-beta",
     {"determinations": [("cybersecurity", "high", "medium", "reached")], "security": None},
     "asset-protection", {"missing_evidence"}),
    ("beta: pre Medium does not need hardening", "openai-preparedness-beta",
     {"determinations": [("cybersecurity", "medium", "medium", "reached")], "security": "baseline"},
     "asset-protection", {"satisfied"}),
    ("beta: pre Critical forecast, post Critical must halt", "openai-preparedness-beta",
     {"determinations": [("model_autonomy", "critical", "critical", "forecast")], "decision": "delay"},
     "restrict-development", {"violation"}),
    ("beta: pre Critical, post Critical, halted", "openai-preparedness-beta",
     {"determinations": [("model_autonomy", "critical", "critical", "reached")], "decision": "halt_development"},
     "restrict-development", {"satisfied"}),
    ("beta: pre Critical mitigated to High may continue", "openai-preparedness-beta",
     {"determinations": [("cbrn", "critical", "high", "reached")], "decision": "do_not_deploy"},
     "restrict-development", {"satisfied"}),
    ("beta: exactly 2x between evaluations", "openai-preparedness-beta",
     {"checkpoints": [(1e24, True), (2e24, True), (4e24, True)]}, "evaluate-every-2x", {"satisfied"}),
    ("beta: 2.01x between evaluations", "openai-preparedness-beta",
     {"checkpoints": [(1e24, True), (2.01e24, True)]}, "evaluate-every-2x", {"violation"}),
    ("beta: a category without a scorecard row", "openai-preparedness-beta",
     {"determinations": [("cybersecurity", "low", "low", "below"), ("cbrn", "low", "low", "below"),
                         ("persuasion", "low", "low", "below")]}, "scorecard-rows", {"missing_evidence"}),
    ("beta: deployment without a scorecard", "openai-preparedness-beta",
     {"documents": ["capability_report"]}, "scorecard-before-deployment", {"missing_evidence"}),
    # issue 14: "more than 2x effective compute OR a major algorithmic breakthrough"
    ("beta: a breakthrough checkpoint left unevaluated", "openai-preparedness-beta",
     {"checkpoints": [(1e24, True), (1.2e24, False), (1.5e24, True)], "breakthrough_at": 1},
     "evaluate-after-breakthrough", {"violation"}),
    ("beta: a breakthrough checkpoint evaluated", "openai-preparedness-beta",
     {"checkpoints": [(1e24, True), (1.2e24, True), (1.5e24, True)], "breakthrough_at": 1},
     "evaluate-after-breakthrough", {"satisfied"}),
    ("beta: only safety-tuned evaluations", "openai-preparedness-beta",
     {"evaluation_variants": ("safety_tuned",)}, "worst-known-case", {"missing_evidence"}),
    # -- OpenAI Preparedness Framework v2 --------------------------------------
    ("v2: High deployed without a Safeguards Report", "openai-preparedness-v2",
     {"determinations": [("cybersecurity", "high", "below_high", "reached")], "documents": ["capability_report"]},
     "high-safeguards-before-deployment", {"satisfied", "missing_evidence"}),
    ("v2: High not deployed needs no Safeguards Report", "openai-preparedness-v2",
     {"determinations": [("cybersecurity", "high", "below_high", "reached")], "decision": "do_not_deploy",
      "documents": []}, "high-safeguards-before-deployment", {"satisfied"}),
    ("v2: High forecast needs High security controls", "openai-preparedness-v2",
     {"determinations": [("biological_chemical", "high", "below_high", "forecast")], "security": "baseline"},
     "high-security-controls", {"violation"}),
    ("v2: Critical that cannot be ruled out needs Critical security", "openai-preparedness-v2",
     {"determinations": [("cybersecurity", "critical", "below_high", "cannot_rule_out")],
      "security": "high_controls", "decision": "do_not_deploy"},
     "critical-halt-or-safeguards", {"satisfied", "violation"}),
    # issue 14: a recorded halt keeps the Critical commitment (the old rule failed it)
    ("v2: Critical with development halted is kept", "openai-preparedness-v2",
     {"determinations": [("cybersecurity", "critical", "below_high", "reached")],
      "security": "high_controls", "decision": "halt_development"},
     "critical-halt-or-safeguards", {"satisfied"}),
    # issue 14: the SAG's sufficiency judgement gates deployment, not a post-mitigation level
    ("v2: High deployed while the SAG has not judged safeguards sufficient", "openai-preparedness-v2",
     {"determinations": [("ai_self_improvement", "high", "high", "reached")],
      "deployment_decision.safeguards_sufficient": False}, "high-safeguards-sufficient", {"violation"}),
    ("v2: High deployed with safeguards judged sufficient", "openai-preparedness-v2",
     {"determinations": [("ai_self_improvement", "high", "high", "reached")],
      "deployment_decision.safeguards_sufficient": True}, "high-safeguards-sufficient", {"satisfied"}),
    ("v2: the board committee's review is recorded", "openai-preparedness-v2",
     {"accountability.oversight_reviews": None}, "board-may-reverse", {"warning"}),
    ("beta: no third-party audit recorded", "openai-preparedness-beta",
     {"accountability.external_reviews": None}, "third-party-audits", {"warning"}),
    ("v2: open weights without a worst-case estimate", "openai-preparedness-v2",
     {"release": "open_weights", "evaluation_variants": ("helpful_only",)},
     "worst-case-scope", {"missing_evidence"}),
    ("v2: an API release without fine-tuning needs no worst-case estimate", "openai-preparedness-v2",
     {"release": "api", "evaluation_variants": ("helpful_only",)}, "worst-case-scope", {"satisfied"}),
    # -- Anthropic RSP 1.0 ------------------------------------------------------
    ("rsp1: exactly 4.0x apart", "anthropic-rsp-1.0",
     {"checkpoints": [(2.4e24, True), (9.6e24, True), (3.84e25, True)]}, "evaluate-every-4x", {"satisfied"}),
    ("rsp1: 4.8x apart", "anthropic-rsp-1.0",
     {"checkpoints": [(2.0e25, True), (4.0e25, False), (9.6e25, True)]}, "evaluate-every-4x", {"violation"}),
    ("rsp1: first re-assessment exactly 3 months after the decision", "anthropic-rsp-1.0",
     {"reassessments": [date(2025, 9, 2)], "header.assessment_date": date(2025, 9, 2)},
     "evaluate-every-3-months", {"satisfied"}),
    ("rsp1: first re-assessment 3 months and a day after the decision", "anthropic-rsp-1.0",
     {"reassessments": [date(2025, 9, 3)], "header.assessment_date": date(2025, 9, 3)},
     "evaluate-every-3-months", {"violation"}),
    ("rsp1: exactly 3 months between re-assessments", "anthropic-rsp-1.0",
     {"reassessments": [date(2025, 7, 1), date(2025, 10, 1)], "header.assessment_date": date(2025, 10, 1)},
     "evaluate-every-3-months", {"satisfied"}),
    ("rsp1: 3 months and a day between re-assessments", "anthropic-rsp-1.0",
     {"reassessments": [date(2025, 7, 1), date(2025, 10, 2)], "header.assessment_date": date(2025, 10, 2)},
     "evaluate-every-3-months", {"violation"}),
    ("rsp1: ASL-3 without ASL-3 containment", "anthropic-rsp-1.0",
     {"determinations": [("cbrn", "asl-3", "asl-2", "reached")], "security": "asl-2"},
     "asl3-containment", {"violation"}),
    ("rsp1: ASL-3 without containment but training paused", "anthropic-rsp-1.0",
     {"determinations": [("cbrn", "asl-3", "asl-2", "reached")], "security": "asl-2",
      "decision": "halt_development"}, "asl3-containment", {"satisfied"}),
    ("rsp1: ASL-3 after mitigation may not deploy", "anthropic-rsp-1.0",
     {"determinations": [("autonomy", "asl-3", "asl-3", "forecast")]}, "asl3-red-team-clear", {"violation"}),
    ("rsp1: ASL-4 must halt", "anthropic-rsp-1.0",
     {"determinations": [("cybersecurity", "asl-4", "asl-2", "cannot_rule_out")]}, "asl4-undefined",
     {"violation"}),
    # issue 14: the 6x safety buffer was not checked
    ("rsp1: a 4x safety buffer is too small", "anthropic-rsp-1.0",
     {"pre_training.safety_buffer_x": 4.0}, "safety-buffer-6x", {"violation"}),
    ("rsp1: a 6x buffer with evaluations every 4x", "anthropic-rsp-1.0",
     {"pre_training.safety_buffer_x": 6.0, "pre_training.evaluation_interval_x": 4.0}, "safety-buffer-6x",
     {"satisfied"}),
    ("rsp1: a 6x buffer is not wider than an 8x interval", "anthropic-rsp-1.0",
     {"pre_training.safety_buffer_x": 6.0, "pre_training.evaluation_interval_x": 8.0}, "safety-buffer-6x",
     {"violation"}),
    ("rsp1: no buffer recorded", "anthropic-rsp-1.0",
     {"pre_training.safety_buffer_x": None}, "safety-buffer-6x", {"missing_evidence"}),
    ("rsp1: ASL-3 without a non-compliance channel", "anthropic-rsp-1.0",
     {"determinations": [("cbrn", "asl-3", "asl-2", "reached")],
      "accountability.concerns_channel.exists": False}, "noncompliance-reporting", {"violation"}),
    # -- Anthropic RSP 2.2 ------------------------------------------------------
    ("rsp2.2: CBRN-3 needs ASL-3 security", "anthropic-rsp-2.2",
     {"determinations": [("cbrn", "asl-3", "asl-2", "cannot_rule_out"), ("ai_rnd", "asl-2", "asl-2", "below")],
      "security": "asl-2"}, "cbrn3-security", {"violation"}),
    ("rsp2.2: AI R&D-4 needs the misalignment case", "anthropic-rsp-2.2",
     {"determinations": [("cbrn", "asl-2", "asl-2", "below"), ("ai_rnd", "asl-3", "asl-2", "reached")],
      "deployment_decision.scheming_considered": False}, "airnd4-safeguards", {"satisfied", "violation"}),
    ("rsp2.2: the CBRN-3 rule ignores AI R&D levels", "anthropic-rsp-2.2",
     {"determinations": [("cbrn", "asl-2", "asl-2", "below"), ("ai_rnd", "asl-3", "asl-2", "reached")],
      "security": "asl-3"}, "cbrn3-security", {"satisfied"}),
    # issue 14: CBRN-4's ASL-4 details were still to come in 2.2
    ("rsp2.2: CBRN-4 below ASL-4 security is only a warning", "anthropic-rsp-2.2",
     {"determinations": [("cbrn", "asl-4", "asl-2", "reached"), ("ai_rnd", "asl-2", "asl-2", "below")],
      "security": "asl-3"}, "cbrn4-security", {"warning"}),
    ("rsp2.2: the model-autonomy checkpoint aims for ASL-3 security", "anthropic-rsp-2.2",
     {"determinations": [("cbrn", "asl-2", "asl-2", "below"), ("ai_rnd", "asl-2", "asl-2", "below"),
                         ("autonomy", "asl-3", "asl-2", "reached")], "security": "asl-2"},
     "autonomy-checkpoint-security", {"warning"}),
    ("rsp2.2: a government body is told above ASL-2", "anthropic-rsp-2.2",
     {"determinations": [("cbrn", "asl-3", "asl-2", "reached"), ("ai_rnd", "asl-2", "asl-2", "below")],
      "deployment_decision.government_notified": False}, "notify-government", {"violation"}),
    ("rsp2.2: exactly 6 months", "anthropic-rsp-2.2",
     {"reassessments": [date(2025, 12, 2)], "header.assessment_date": date(2025, 12, 2)},
     "assess-every-6-months", {"satisfied"}),
    ("rsp2.2: 6 months and a day", "anthropic-rsp-2.2",
     {"reassessments": [date(2025, 12, 3)], "header.assessment_date": date(2025, 12, 3)},
     "assess-every-6-months", {"violation"}),
    ("rsp2.2: above a threshold after safeguards, unrestricted deployment", "anthropic-rsp-2.2",
     {"determinations": [("cbrn", "asl-3", "asl-3", "reached"), ("ai_rnd", "asl-2", "asl-2", "below")]},
     "restrict-without-safeguards", {"violation"}),
    ("rsp2.2: above a threshold after safeguards, restricted deployment", "anthropic-rsp-2.2",
     {"determinations": [("cbrn", "asl-3", "asl-3", "reached"), ("ai_rnd", "asl-2", "asl-2", "below")],
      "decision": "deploy_with_restrictions"}, "restrict-without-safeguards", {"satisfied"}),
    # -- Google DeepMind FSF 3.0 ------------------------------------------------
    # issue 14: security levels are recommendations, so a shortfall is a warning
    ("fsf3: ML R&D automation CCL below the recommended SL4 is a warning", "gdm-fsf-3.0",
     {"determinations": [("ml_rnd_automation", "ccl", "alert", "forecast")], "security": "sl-3"},
     "automation-security", {"warning"}),
    ("fsf3: exploratory instrumental reasoning level only warns", "gdm-fsf-3.0",
     {"determinations": [("instrumental_reasoning", "ccl", "ccl", "reached")],
      "deployment_decision.scheming_considered": False}, "misalignment-control", {"satisfied", "warning"}),
    ("fsf3: ML R&D CCL in large-scale internal use needs a safety case", "gdm-fsf-3.0",
     {"determinations": [("ml_rnd_acceleration", "ccl", "alert", "reached")], "decision": "do_not_deploy",
      "deployment_decision.internal_use": "large_scale", "deployment_decision.safety_case": None},
     "internal-deployment-safety-case", {"missing_evidence"}),
    ("fsf3: harmful manipulation CCL asks for a recorded security level", "gdm-fsf-3.0",
     {"determinations": [("harmful_manipulation", "ccl", "alert", "reached")], "security": None},
     "manipulation-security", {"warning"}),
    ("fsf3: more than 3 months without evaluation warns", "gdm-fsf-3.0",
     {"reassessments": [date(2025, 7, 1)], "header.assessment_date": date(2025, 11, 1)},
     "evaluate-every-3-months", {"warning"}),
    ("fsf3: CCL remaining after mitigation may not deploy", "gdm-fsf-3.0",
     {"determinations": [("cbrn_uplift", "ccl", "ccl", "reached")]}, "ccl-acceptable-after-mitigation",
     {"violation"}),
    ("fsf3: alert threshold with no response plan", "gdm-fsf-3.0",
     {"determinations": [("cyber_uplift", "alert", "below_alert", "reached")],
      "deployment_decision.safeguards": None}, "alert-response-plan", {"missing_evidence"}),
    ("fsf3: 7x compute gap is only a warning", "gdm-fsf-3.0",
     {"checkpoints": [(1e24, True), (7e24, True)]}, "evaluate-every-6x", {"warning"}),
    # -- EU GPAI Code of Practice -------------------------------------------------
    ("eu: on the market without a model report", "eu-gpai-cop-safety-security",
     {"documents": ["scorecard"]}, "model-report-before-market", {"missing_evidence"}),
    ("eu: not acceptable after mitigation", "eu-gpai-cop-safety-security",
     {"determinations": [("cbrn", "unacceptable", "unacceptable", "reached")]}, "not-acceptable",
     {"violation", "satisfied"}),
    # issue 14: an unacceptable risk blocks development and use, not only the market
    ("eu: not acceptable, not deployed but still developed", "eu-gpai-cop-safety-security",
     {"determinations": [("cbrn", "unacceptable", "unacceptable", "reached")], "decision": "do_not_deploy"},
     "not-acceptable", {"violation", "satisfied"}),
    ("eu: not acceptable, halted and not used", "eu-gpai-cop-safety-security",
     {"determinations": [("cbrn", "unacceptable", "unacceptable", "reached")], "decision": "halt_development",
      "deployment_decision.internal_use": "none"}, "not-acceptable", {"satisfied"}),
    ("eu: no external evaluators and no exception", "eu-gpai-cop-safety-security",
     {"pre_deployment.third_party_access": None}, "external-evaluators", {"missing_evidence"}),
    ("eu: no external evaluators under an exception", "eu-gpai-cop-safety-security",
     {"pre_deployment.external_evaluation_exception": "similarly_safe"}, "external-evaluators", set()),
    ("eu: 7 months without an update is fine for a model not among the most capable",
     "eu-gpai-cop-safety-security",
     {"reassessments": [date(2025, 7, 1)], "header.assessment_date": date(2026, 2, 1),
      "header.model.most_capable": False}, "report-every-6-months", set()),
    ("eu: 7 months without an update for one of the most capable models", "eu-gpai-cop-safety-security",
     {"reassessments": [date(2025, 7, 1)], "header.assessment_date": date(2026, 2, 1),
      "header.model.most_capable": True}, "report-every-6-months", {"violation"}),
    ("eu: security objective not met", "eu-gpai-cop-safety-security",
     {"security": "baseline"}, "security-objective", {"violation"}),
    ("eu: serious incident not reported", "eu-gpai-cop-safety-security",
     {"incidents": [("high", None)]}, "serious-incidents-reported", {"missing_evidence"}),
    ("eu: minor incident need not be reported", "eu-gpai-cop-safety-security",
     {"incidents": [("low", None)]}, "serious-incidents-reported", {"satisfied"}),
    # -- Best-practice rubric ---------------------------------------------------
    ("rubric: exactly 4.0x apart", "risk-assessment-best-practice",
     {"checkpoints": [(1e24, True), (4e24, True), (1.6e25, True)]}, "evaluate-every-4x", {"satisfied"}),
    ("rubric: 4.01x apart", "risk-assessment-best-practice",
     {"checkpoints": [(1e24, True), (4.01e24, True)]}, "evaluate-every-4x", {"violation"}),
    ("rubric: major update without a re-assessment first", "risk-assessment-best-practice",
     {"updates": [(date(2025, 8, 15), True)], "reassessments": [date(2025, 8, 20)]},
     "reassess-before-major-update", {"violation"}),
    ("rubric: second major update without a fresh re-assessment", "risk-assessment-best-practice",
     {"updates": [(date(2025, 7, 10), True), (date(2025, 8, 15), True)],
      "reassessments": [date(2025, 7, 1), date(2025, 8, 20)]},
     "reassess-before-major-update", {"violation"}),
    ("rubric: re-assessed on the day of the major update", "risk-assessment-best-practice",
     {"updates": [(date(2025, 8, 1), True)], "reassessments": [date(2025, 8, 1), date(2025, 8, 29)]},
     "reassess-before-major-update", {"satisfied"}),
    ("rubric: minor updates need no re-assessment", "risk-assessment-best-practice",
     {"updates": [(date(2025, 8, 15), False)], "reassessments": [date(2025, 7, 1), date(2025, 8, 20)]},
     "reassess-before-major-update", {"satisfied"}),
]


@pytest.mark.parametrize(("framework_id", "answers", "rule_id", "expected"),
                         [s[1:] for s in SCENARIOS], ids=[s[0] for s in SCENARIOS])
def test_scenario(framework_id: str, answers: dict[str, Any], rule_id: str, expected: set[str]) -> None:
    special = {k: answers[k] for k in answers if "." not in k}
    paths = {k: answers[k] for k in answers if "." in k}
    assert outcomes(assessment(framework_id, **special, **paths), framework_id, rule_id) == expected


def test_status_follows_the_most_serious_finding() -> None:
    fw = "openai-preparedness-beta"
    violating = check(assessment(fw, determinations=[("cybersecurity", "high", "high", "reached")]),
                      load_framework(fw))
    assert violating.status == "non_compliant"
    missing = check(assessment(fw, documents=[]), load_framework(fw))
    assert missing.status == "incomplete"
    warned = check(assessment("gdm-fsf-3.0", checkpoints=[(1e24, True), (7e24, True)]), load_framework("gdm-fsf-3.0"))
    assert warned.counts.get("warning") and warned.status == "compliant"


def test_violation_message_names_the_values_and_cites_the_source() -> None:
    doc = assessment("anthropic-rsp-1.0", checkpoints=[(2.0e25, True), (4.0e25, False), (9.6e25, True)])
    (found,) = [f for f in check(doc, load_framework("anthropic-rsp-1.0")).for_rule("evaluate-every-4x")
                if f.severity == "violation"]
    assert found.address == "training.checkpoints[ckpt-3].effective_compute_flop"
    assert found.stage == "training"
    for part in ("ckpt-3", "9.6e25 FLOP", "4.8x", "ckpt-1", "2e25 FLOP", "every 4x"):
        assert part in found.message
    assert found.citation.url.startswith("https://www.anthropic.com/")
    assert found.citation.section == "Evaluation protocol"
    assert "training.checkpoints[ckpt-3].effective_compute_flop" in found.quotes


def test_commitment_message_names_the_determination_and_the_decision() -> None:
    doc = assessment("openai-preparedness-beta", determinations=[("cybersecurity", "high", "high", "forecast")],
                     decision="deploy_with_restrictions")
    (found,) = check(doc, load_framework("openai-preparedness-beta")).for_rule("restrict-deployment")
    assert found.severity == "violation" and found.address == "deployment_decision.decision"
    for part in ("det-1", "Cybersecurity", "post-mitigation High", "forecast", "Deploy with restrictions"):
        assert part in found.message


def test_training_past_the_last_evaluation_is_a_violation() -> None:
    doc = assessment("anthropic-rsp-2.2", checkpoints=[(1e24, True), (3e24, False), (5e24, False)])
    (found,) = [f for f in check(doc, load_framework("anthropic-rsp-2.2")).for_rule("assess-every-4x")
                if f.severity == "violation"]
    assert found.address == "training.checkpoints[ckpt-3].effective_compute_flop"
    assert "5e24 FLOP" in found.message and "due by 4e24 FLOP" in found.message


def test_overdue_reassessment_at_the_assessment_date() -> None:
    doc = assessment("anthropic-rsp-1.0", reassessments=[date(2025, 7, 1)],
                     **{"header.assessment_date": date(2025, 11, 1)})
    found = [f for f in check(doc, load_framework("anthropic-rsp-1.0")).for_rule("evaluate-every-3-months")
             if f.severity == "violation"]
    assert [f.address for f in found] == ["deployment.reassessments"]
    assert "due by 2025-10-01" in found[0].message


def test_no_cadence_during_deployment_when_not_deployed() -> None:
    doc = assessment("anthropic-rsp-1.0", decision="do_not_deploy", reassessments=[])
    assert check(doc, load_framework("anthropic-rsp-1.0")).for_rule("evaluate-every-3-months") == []


def test_checking_is_deterministic() -> None:
    doc = assessment("anthropic-rsp-2.2", determinations=[("cbrn", "asl-3", "asl-3", "forecast")])
    framework = load_framework("anthropic-rsp-2.2")
    assert check(doc, framework) == check(doc.copy(), framework)


def test_a_value_of_the_wrong_form_gives_a_finding_not_a_crash() -> None:
    doc = assessment("anthropic-rsp-1.0")
    doc.tables["training.checkpoints"][1].values["effective_compute_flop"] = Value("lots")
    doc.tables["deployment.reassessments"][0].values["date"] = Value("last spring")
    result = check(doc, load_framework("anthropic-rsp-1.0"))
    for rule_id in ("evaluate-every-4x", "evaluate-every-3-months"):
        (found,) = result.for_rule(rule_id)
        assert found.severity == "missing_evidence"
        assert "riskwright validate" in found.message
    assert result.status == "incomplete"
