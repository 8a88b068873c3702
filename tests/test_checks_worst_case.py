"""The worst-case estimate of an open-weight release, checked as a user would meet it.

Each scenario starts from a complete assessment for a framework (see
``test_checks_scenarios.assessment``), releases the weights, fills the
worst-case part, then changes one thing and names the rule that must respond.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.checks import check, load_framework
from app.model.document import Document, Record, Value
from app.model.sensitivity import Sensitivity
from test_checks_scenarios import assessment

SCOPE = "pre_deployment.worst_case_scope"
RESULTS = "pre_deployment.worst_case_results"
RECOMMENDATIONS = "pre_deployment.worst_case_recommendations"
GROUP = "pre_deployment.worst_case_elicitation"


def _row(record_id: str, category: str, level: str | None, **values: Any) -> Record:
    base: dict[str, Any] = {"category": category, "scope": "in_scope", "level_reached": level, "basis": "reached",
                            "marginal_risk": "no_meaningful_increase", "versus_open": "comparable",
                            "open_comparator": "Plover-R1 (fictional)", "open_comparator_fine_tuned": True}
    base.update(values)
    return Record(record_id, {k: Value(v) for k, v in base.items() if v is not None})


def open_release(framework_id: str, *, level: str | None = None, decision: str = "deploy",
                 release: str = "open_weights", rows: dict[str, dict[str, Any]] | None = None,
                 results: bool = True, recommendations: list[dict[str, Any]] | None = None) -> Document:
    """A complete assessment whose weights are released, with a worst-case estimate for every tracked
    category at ``level`` (the framework's lowest level by default); ``rows`` overrides a category's row."""
    framework = load_framework(framework_id)
    doc = assessment(framework_id, release=release, decision=decision)
    rows = rows or {}
    scope, scored = [], []
    for index, category in enumerate(framework.tracked):
        values = {"level": level or category.ladder[0].level, **rows.get(category.id, {})}
        scope.append(_row(f"wcs-{index + 1}", category.id, values.pop("level"), **values))
        scored.append(Record(f"wcr-{index + 1}", {"category": Value(category.id), "name": Value(f"eval {index}"),
                                                  "ft_score": Value(0.3), "threshold": Value(0.5)}))
    doc.tables[SCOPE] = scope
    if results:
        doc.tables[RESULTS] = scored
    doc.tables[RECOMMENDATIONS] = [
        Record(f"wcrec-{i + 1}", {k: Value(v) for k, v in rec.items()}) for i, rec in enumerate(recommendations or [])]
    return doc


def findings(doc: Document, framework_id: str, rule_id: str) -> list[Any]:
    return check(doc, load_framework(framework_id)).for_rule(rule_id)


def severities(doc: Document, framework_id: str, rule_id: str) -> set[str]:
    return {f.severity for f in findings(doc, framework_id, rule_id)}


WORST_CASE_FRAMEWORKS = ("openai-preparedness-v2", "openai-preparedness-beta", "eu-gpai-cop-safety-security")


@pytest.mark.parametrize("framework_id", WORST_CASE_FRAMEWORKS)
def test_an_open_weight_release_with_a_full_worst_case_estimate_is_compliant(framework_id: str) -> None:
    result = check(open_release(framework_id), load_framework(framework_id))
    failing = [f"{f.rule_id}: {f.message}" for f in result.findings if f.severity in ("violation", "missing_evidence")]
    assert failing == []


@pytest.mark.parametrize("framework_id", WORST_CASE_FRAMEWORKS)
def test_an_open_weight_release_without_a_worst_case_estimate_is_incomplete(framework_id: str) -> None:
    doc = assessment(framework_id, release="open_weights")
    for path in [p for p in doc.values if p.startswith(GROUP)]:
        del doc.values[path]
    result = check(doc, load_framework(framework_id))
    assert result.status == "incomplete"
    missing = {f.address for f in result.for_rule("worst-case-estimate-recorded")}
    assert {f"{GROUP}.threat_model", f"{GROUP}.refusal_rate_after", SCOPE, RESULTS} <= missing
    scope = result.for_rule("worst-case-scope")
    assert {f.severity for f in scope} == {"missing_evidence"}
    assert len(scope) == len(load_framework(framework_id).tracked)  # one finding per category left out
    assert "Put it in scope and record its worst-case result, or exclude it with a reason" in scope[0].message
    # With no worst-case level anywhere, the release rule cannot call itself "not triggered".
    [release] = [f for f in result.findings if f.rule_id.startswith("worst-case") and "Cannot tell" in f.message]
    assert release.severity in ("missing_evidence", "warning")
    assert "no category in scope has a worst-case level" in release.message


def test_an_api_release_without_fine_tuning_needs_no_worst_case() -> None:
    doc = assessment("openai-preparedness-v2", release="api")
    found = findings(doc, "openai-preparedness-v2", "worst-case-scope")
    assert [f.severity for f in found] == ["satisfied"] and found[0].message.startswith("Not applicable")


def test_fine_tuning_access_alone_brings_the_worst_case_into_scope() -> None:
    doc = assessment("openai-preparedness-v2", release="api")
    doc.values["header.model.fine_tuning_access"] = Value(True)
    assert severities(doc, "openai-preparedness-v2", "worst-case-scope") == {"missing_evidence"}


def test_a_category_excluded_with_a_reason_is_accepted() -> None:
    doc = open_release("openai-preparedness-v2", rows={"ai_self_improvement": {
        "scope": "excluded", "level": None, "marginal_risk": None,
        "exclusion_reason": "Far below the threshold; fine-tuning cannot add long-horizon research skill."}})
    doc.tables[RESULTS] = [r for r in doc.tables[RESULTS] if r.get("category") != "ai_self_improvement"]
    found = findings(doc, "openai-preparedness-v2", "worst-case-scope")
    assert [f.severity for f in found] == ["satisfied"]
    assert "AI self-improvement excluded with a reason" in found[0].message


def test_a_category_excluded_without_a_reason_is_missing_evidence() -> None:
    doc = open_release("openai-preparedness-v2", rows={"ai_self_improvement": {
        "scope": "excluded", "level": None, "marginal_risk": None}})
    found = findings(doc, "openai-preparedness-v2", "worst-case-scope")
    assert [(f.severity, f.address) for f in found] == [("missing_evidence", f"{SCOPE}[wcs-3].exclusion_reason")]
    assert "excluded from the worst-case estimate without a reason" in found[0].message
    assert found[0].message.startswith("wcs-3 (AI self-improvement):")  # the category's label, not its id


@pytest.mark.parametrize(("upper", "basis", "warned"), [(0.51, "below", True), (0.5, "below", True),
                                                       (0.49, "below", False), (0.51, "cannot_rule_out", False)])
def test_an_interval_reaching_the_threshold_contradicts_shown_to_be_below(upper: float, basis: str,
                                                                          warned: bool) -> None:
    doc = open_release("openai-preparedness-v2", rows={"biological_chemical": {"basis": basis}})
    doc.tables[RESULTS][0].values["ft_ci_high"] = Value(upper)
    found = findings(doc, "openai-preparedness-v2", "worst-case-scope")
    warnings = [f for f in found if f.severity == "warning"]
    assert bool(warnings) == warned
    if warned:
        assert warnings[0].address == f"{RESULTS}[wcr-1].ft_ci_high"
        assert f"upper confidence bound ({upper:g}) reaches the evaluation's threshold (0.5)" in warnings[0].message
        assert "wcs-1 (Biological and chemical): the basis is 'Shown to be below the next level'" in \
            warnings[0].message


def test_a_category_in_scope_needs_both_determinations_and_a_scored_evaluation() -> None:
    doc = open_release("openai-preparedness-v2", results=False,
                       rows={"cybersecurity": {"level": None, "marginal_risk": "not_assessed"}})
    found = findings(doc, "openai-preparedness-v2", "worst-case-scope")
    assert {f.severity for f in found} == {"missing_evidence"}
    messages = " | ".join(f.message for f in found)
    assert "no worst-case level is recorded" in messages
    assert "the marginal-risk determination (the second determination) is not assessed" in messages
    assert messages.count("has no scored evaluation of the fine-tuned model") == 3


# -- a High worst case and a release of the weights ------------------------------------------------------
MARGINAL_MET = {"open_comparator_at_level": True, "adjustment_acknowledged": True,
                "safeguards_more_protective": True, "marginal_risk": "no_meaningful_increase"}


def test_high_worst_case_released_as_weights_is_allowed_only_when_every_marginal_risk_condition_holds() -> None:
    allowed = open_release("openai-preparedness-v2", rows={"biological_chemical": {"level": "high", **MARGINAL_MET}})
    found = findings(allowed, "openai-preparedness-v2", "worst-case-high-open-weights")
    assert [f.severity for f in found] == ["satisfied"]
    assert "conditions for a marginal-risk argument are recorded as met" in found[0].message
    assert found[0].address == "deployment_decision.decision"


def test_high_worst_case_with_a_meaningful_marginal_risk_is_a_violation() -> None:
    doc = open_release("openai-preparedness-v2", rows={"biological_chemical": {
        "level": "high", **MARGINAL_MET, "marginal_risk": "meaningful_increase"}})
    found = findings(doc, "openai-preparedness-v2", "worst-case-high-open-weights")
    assert [f.severity for f in found] == ["violation"]
    assert "not shown that releasing does not meaningfully increase the overall risk" in found[0].message
    assert f"{SCOPE}[wcs-1].level_reached" in found[0].quotes


def test_high_worst_case_without_public_acknowledgement_is_a_violation() -> None:
    doc = open_release("openai-preparedness-v2", rows={"cybersecurity": {
        "level": "high", **MARGINAL_MET, "adjustment_acknowledged": None}})
    found = findings(doc, "openai-preparedness-v2", "worst-case-high-open-weights")
    assert [f.severity for f in found] == ["violation"]
    assert "the adjustment is publicly acknowledged" in found[0].message


def test_every_unmet_marginal_risk_condition_is_named_as_not_shown() -> None:
    doc = open_release("openai-preparedness-v2", rows={"cybersecurity": {
        "level": "high", **MARGINAL_MET, "adjustment_acknowledged": None, "open_comparator_at_level": False}})
    [violation] = findings(doc, "openai-preparedness-v2", "worst-case-high-open-weights")
    assert ("it is not shown that an open-weight model from another developer already reaches this level; "
            "nor that the adjustment is publicly acknowledged.") in violation.message
    assert violation.message.startswith("wcs-2 (Cybersecurity): the worst case reaches High")


@pytest.mark.parametrize(("framework_id", "category"), [("openai-preparedness-beta", "cbrn"),
                                                        ("meta-frontier-ai-framework-1.0", "chem_bio")])
def test_a_framework_without_a_marginal_risk_provision_never_accepts_the_argument(framework_id: str,
                                                                                  category: str) -> None:
    doc = open_release(framework_id, rows={category: {"level": "high", **MARGINAL_MET}})
    found = findings(doc, framework_id, "worst-case-open-weights")
    assert [f.severity for f in found] == ["violation"]
    assert "does not accept a marginal-risk argument" in found[0].message


@pytest.mark.parametrize(("qualifies", "expected"), [(True, "satisfied"), (False, "violation")])
def test_eu_code_accepts_the_argument_only_against_a_safe_reference_model(qualifies: bool, expected: str) -> None:
    doc = open_release("eu-gpai-cop-safety-security", rows={"cbrn": {
        "level": "acceptable_with_mitigations", "reference_model_qualifies": qualifies}})
    found = findings(doc, "eu-gpai-cop-safety-security", "worst-case-open-weights-tier")
    assert [f.severity for f in found] == [expected]


@pytest.mark.parametrize(("release", "decision", "message"), [
    ("api", "deploy", "Not triggered: the release type is API"),
    ("open_weights", "do_not_deploy", "Not triggered: the decision is Do not deploy"),
])
def test_a_high_worst_case_only_matters_for_a_release_of_the_weights(release: str, decision: str,
                                                                     message: str) -> None:
    doc = open_release("openai-preparedness-beta", release=release, decision=decision,
                       rows={"cbrn": {"level": "high"}})
    doc.values["header.model.fine_tuning_access"] = Value(True)
    found = findings(doc, "openai-preparedness-beta", "worst-case-open-weights")
    assert [f.severity for f in found] == ["satisfied"] and found[0].message.startswith(message)


def test_below_the_threshold_the_release_rule_names_the_highest_worst_case() -> None:
    found = findings(open_release("openai-preparedness-v2"), "openai-preparedness-v2", "worst-case-high-open-weights")
    assert [f.severity for f in found] == ["satisfied"]
    assert "no category's worst case reaches High (highest worst case: Below High in" in found[0].message


# -- outside review -----------------------------------------------------------------------------------------
def test_recommendations_declined_without_a_reason_are_flagged() -> None:
    doc = open_release("openai-preparedness-v2", recommendations=[
        {"recommendation": "Fine-tune on a protocol-like data set", "decision": "adopted"},
        {"recommendation": "Assume a larger adversary", "decision": "declined"},
        {"recommendation": "Plot scores against attempts", "decision": "partly_adopted",
         "reason_declined": "Done for one evaluation; the others showed no gain after five attempts."}])
    found = findings(doc, "openai-preparedness-v2", "worst-case-recommendations-answered")
    assert [(f.severity, f.address) for f in found] == [("warning", f"{RECOMMENDATIONS}[wcrec-2].reason_declined")]
    assert "Assume a larger adversary" in found[0].message


def _recommended(made: int | None, decisions: list[str | None]) -> Document:
    doc = open_release("openai-preparedness-v2", recommendations=[
        {"recommendation": f"Recommendation {i}", **({"decision": d} if d else {}),
         **({"reason_declined": "Outside the threat model."} if d in ("declined", "partly_adopted") else {})}
        for i, d in enumerate(decisions)])
    if made is None:
        del doc.values[f"{GROUP}.recommendations_made"]
    else:
        doc.values[f"{GROUP}.recommendations_made"] = Value(made)
    return doc


def test_every_recommendation_made_must_be_in_the_table() -> None:
    found = findings(_recommended(17, ["adopted"] * 9), "openai-preparedness-v2", "worst-case-recommendations-answered")
    assert [(f.severity, f.address) for f in found] == [("warning", f"{GROUP}.recommendations_made")]
    assert "The reviewers made 17 recommendations, but" in found[0].message
    assert "holds 9: record the other 8 with what was done about them" in found[0].message


def test_a_recommendation_without_a_decision_is_flagged() -> None:
    found = findings(_recommended(2, ["adopted", None]), "openai-preparedness-v2",
                     "worst-case-recommendations-answered")
    assert [f.address for f in found] == [f"{RECOMMENDATIONS}[wcrec-2].decision"]
    assert "no decision is recorded" in found[0].message


@pytest.mark.parametrize(("made", "decisions", "expected"), [
    (None, ["adopted"], "Recommendations made is empty while 1 recommendation is recorded"),
    (None, [], "Recommendations made is empty: say how many"),
    (0, [], "The outside reviewers made no recommendations."),
    (2, ["adopted", "partly_adopted"], "2 recommendations recorded, each with a decision")])
def test_the_count_of_recommendations_made_is_read(made: int | None, decisions: list[str], expected: str) -> None:
    found = findings(_recommended(made, decisions), "openai-preparedness-v2", "worst-case-recommendations-answered")
    assert len(found) == 1 and expected in found[0].message
    assert found[0].severity == ("satisfied" if made is not None else "warning")


def test_the_count_of_rows_is_as_sensitive_as_the_rows() -> None:
    doc = _recommended(3, ["adopted", "adopted"])
    doc.tables[RECOMMENDATIONS][1].sensitivity = Sensitivity.INTERNAL
    doc.tables[RECOMMENDATIONS][1].sensitivity_reason = "the reviewer asked"
    [found] = findings(doc, "openai-preparedness-v2", "worst-case-recommendations-answered")
    public = found.text.render(Sensitivity.PUBLIC, lambda s: "[withheld]")
    assert "holds [withheld]" in public and "holds 2" not in public


def test_rubric_asks_that_outside_evaluators_could_fine_tune() -> None:
    doc = open_release("risk-assessment-best-practice")
    doc.values[f"{GROUP}.evaluator_fine_tuning_access"] = Value(False)
    found = findings(doc, "risk-assessment-best-practice", "worst-case-evaluator-fine-tuning")
    assert [f.severity for f in found] == ["warning"]
    assert check(doc, load_framework("risk-assessment-best-practice")).status == "compliant"


# -- the bundled open-weight example ------------------------------------------------------------------------
def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True, text=True, timeout=120)


def test_the_open_weights_example_checks_cleanly_under_the_frameworks_it_was_written_for(tmp_path: Path) -> None:
    target = tmp_path / "tern.rwa"
    made = _cli("example", "--kind", "open-weights", str(target))
    assert made.returncode == 0, made.stderr
    assert "open-weights example" in made.stdout
    v2 = _cli("check", str(target))
    assert v2.returncode == 0, v2.stdout
    assert "Status: COMPLIANT (0 violations, 0 missing evidence, 0 warnings" in v2.stdout
    assert "[worst-case-scope]" in v2.stdout and "AI self-improvement excluded with a reason" in v2.stdout
    rubric = _cli("check", str(target), "--framework", "risk-assessment-best-practice")
    assert rubric.returncode == 0 and "0 violations, 0 missing evidence" in rubric.stdout
    assert "[worst-case-evaluator-fine-tuning]" in rubric.stdout


def test_a_message_quoting_a_raised_level_carries_its_label() -> None:
    doc = open_release("openai-preparedness-v2", rows={"biological_chemical": {"level": "high", **MARGINAL_MET}})
    record = next(r for r in doc.tables[SCOPE] if r.id == "wcs-1")
    record.values["level_reached"] = Value("high", Sensitivity.INTERNAL)
    found = findings(doc, "openai-preparedness-v2", "worst-case-high-open-weights")[0]
    assert found.sensitivity == Sensitivity.INTERNAL
    public = found.text.render(Sensitivity.PUBLIC, lambda s: "[withheld]")
    assert "reaches [withheld]" in public
