"""Re-checking after an edit gives exactly what a full check of the edited document gives,
while running only the rules that read what the edit changed."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from profiles import examples

from app.checks import Checker, check, load_framework
from app.checks import engine as engine_module
from app.interchange.examples import example_document
from app.model import (
    Address,
    Batch,
    Document,
    InsertRecord,
    MoveRecord,
    Record,
    RemoveRecord,
    SetValue,
    Value,
    touched_addresses,
)

FRAMEWORKS = ("openai-preparedness-beta", "openai-preparedness-v2", "anthropic-rsp-1.0", "anthropic-rsp-2.2",
              "gdm-fsf-3.0", "eu-gpai-cop-safety-security", "risk-assessment-best-practice")

EDITS = [
    SetValue(Address("deployment_decision.decision"), "deploy"),
    SetValue(Address("deployment_decision.decision"), None),
    SetValue(Address("deployment_decision.security_level"), "baseline"),
    SetValue(Address("pre_deployment.determinations[].post_mitigation_level", "det-1"), "high"),
    SetValue(Address("pre_deployment.determinations[].pre_mitigation_level", "det-3"), "critical"),
    SetValue(Address("pre_deployment.determinations[].basis", "det-2"), "cannot_rule_out"),
    SetValue(Address("pre_deployment.determinations[].category", "det-4"), "cbrn"),
    SetValue(Address("pre_deployment.evaluations[].elicitation.prompting", "ev-2"), None),
    SetValue(Address("pre_deployment.evaluations[].elicitation.fine_tuning", "ev-7"), "  "),
    SetValue(Address("pre_deployment.evaluations[].name", "ev-2"), "Renamed suite"),
    SetValue(Address("pre_deployment.evaluations[].model_variant", "ev-1"), "safety_tuned"),
    SetValue(Address("pre_deployment.evaluations[].category", "ev-10"), "cbrn"),
    SetValue(Address("training.checkpoints[].effective_compute_flop", "ckpt-5"), 2.5e25),
    SetValue(Address("training.checkpoints[].evaluated", "ckpt-4"), False),
    SetValue(Address("training.checkpoints[].name", "ckpt-8"), "renamed-final"),
    SetValue(Address("deployment.reassessments[].date", "ra-5"), date(2026, 4, 1)),
    SetValue(Address("deployment.updates[].major", "upd-2"), True),
    SetValue(Address("header.model.release_type"), "open_weights"),
    SetValue(Address("header.model.fine_tuning_access"), False),
    SetValue(Address("pre_deployment.worst_case_scope[].level_reached", "wcs-2"), "critical"),
    SetValue(Address("pre_deployment.worst_case_scope[].scope", "wcs-1"), "excluded"),
    SetValue(Address("pre_deployment.worst_case_scope[].exclusion_reason", "wcs-3"), None),
    SetValue(Address("pre_deployment.worst_case_scope[].marginal_risk", "wcs-1"), "not_assessed"),
    SetValue(Address("pre_deployment.worst_case_scope[].open_comparator_at_level", "wcs-1"), True),
    SetValue(Address("pre_deployment.worst_case_results[].ft_score", "wcr-3"), None),
    SetValue(Address("pre_deployment.worst_case_recommendations[].reason_declined", "wcrec-3"), None),
    SetValue(Address("pre_deployment.worst_case_recommendations[].decision", "wcrec-1"), None),
    SetValue(Address("pre_deployment.worst_case_elicitation.recommendations_made"), 7),
    RemoveRecord("pre_deployment.worst_case_results", "wcr-1"),
    # A bottom-of-the-ladder worst case 'shown to be below' against an interval reaching its threshold (a warning).
    Batch((SetValue(Address("pre_deployment.worst_case_scope[].level_reached", "wcs-2"), "low"),
           SetValue(Address("pre_deployment.worst_case_scope[].basis", "wcs-2"), "below"))),
    SetValue(Address("pre_deployment.worst_case_results[].ft_ci_high", "wcr-4"), 0.5),
    SetValue(Address("pre_deployment.worst_case_results[].threshold", "wcr-3"), 0.7),
    SetValue(Address("header.assessment_date"), date(2026, 9, 1)),
    SetValue(Address("accountability.publication.public"), False),
    SetValue(Address("accountability.concerns_channel.exists"), False),
    SetValue(Address("deployment_decision.scheming_considered"), False),
    SetValue(Address("deployment_decision.documents[].kind", "doc-1"), "other"),
    RemoveRecord("pre_deployment.determinations", "det-2"),
    RemoveRecord("pre_deployment.evaluations", "ev-4"),
    RemoveRecord("deployment.reassessments", "ra-4"),
    InsertRecord("training.checkpoints", 8, Record("ckpt-9", {"effective_compute_flop": Value(3.0e26),
                                                               "evaluated": Value(False)})),
    InsertRecord("pre_deployment.evaluations", 0, Record("ev-99", {"category": Value("persuasion")})),
    MoveRecord("pre_deployment.evaluations", "ev-1", 5),
    Batch((SetValue(Address("deployment_decision.decision"), "halt_development"),
           SetValue(Address("pre_deployment.determinations[].pre_mitigation_level", "det-1"), "critical"))),
]


def _same(checker: Checker, doc: Document, edit: object, framework_id: str) -> None:
    result = checker.recheck(doc, list(touched_addresses(edit)))  # type: ignore[arg-type]
    expected = check(doc, load_framework(framework_id))
    assert result.findings == expected.findings
    assert result.counts == expected.counts and result.status == expected.status
    assert result.score == expected.score


@pytest.mark.parametrize("framework_id", FRAMEWORKS)
def test_recheck_after_each_edit_equals_a_full_check(framework_id: str) -> None:
    doc = example_document()
    checker = Checker(load_framework(framework_id))
    checker.check(doc)
    for edit in EDITS:
        inverse = doc.apply(edit)
        _same(checker, doc, edit, framework_id)
        doc.apply(inverse)
        _same(checker, doc, inverse, framework_id)


def test_recheck_follows_the_basis_and_bounds_the_worst_case_warning_reads() -> None:
    """A bottom-of-the-ladder worst case 'shown to be below' is compared with every interval of its category:
    an edit of the basis, a bound or a threshold alone must re-run the rule."""
    doc = example_document()
    doc.apply(SetValue(Address("pre_deployment.worst_case_scope[].level_reached", "wcs-2"), "low"))
    checker = Checker(load_framework("openai-preparedness-beta"))
    checker.check(doc)
    for edit in (SetValue(Address("pre_deployment.worst_case_scope[].basis", "wcs-2"), "below"),
                 SetValue(Address("pre_deployment.worst_case_results[].ft_ci_high", "wcr-4"), 0.5),
                 SetValue(Address("pre_deployment.worst_case_results[].threshold", "wcr-3"), 0.7)):
        doc.apply(edit)
        _same(checker, doc, edit, "openai-preparedness-beta")
    assert any(f.severity == "warning" for f in checker.recheck(doc, []).findings
               if f.rule_id == "worst-case-scope")


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(EDITS), min_size=1, max_size=8), st.sampled_from(FRAMEWORKS))
def test_recheck_after_any_sequence_of_edits_equals_a_full_check(edits: list[object], framework_id: str) -> None:
    doc = example_document()
    checker = Checker(load_framework(framework_id))
    checker.check(doc)
    for edit in edits:
        try:
            doc.apply(edit)  # type: ignore[arg-type]
        except KeyError:
            continue  # the record it names was removed by an earlier edit
        _same(checker, doc, edit, framework_id)


def test_only_rules_reading_the_edited_field_run_again(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []
    for kind, evaluate in list(engine_module._EVALUATORS.items()):
        def counting(rule, facts, _evaluate=evaluate):  # type: ignore[no-untyped-def]
            ran.append(rule.id)
            return _evaluate(rule, facts)
        monkeypatch.setitem(engine_module._EVALUATORS, kind, counting)
    doc = example_document()
    checker = Checker(load_framework("openai-preparedness-beta"))
    checker.check(doc)
    ran.clear()
    edit = SetValue(Address("deployment_decision.security_level"), "baseline")
    doc.apply(edit)
    result = checker.recheck(doc, list(touched_addresses(edit)))
    assert sorted(ran) == ["asset-protection"]
    assert {f.severity for f in result.for_rule("asset-protection")} == {"violation"}
    ran.clear()
    edit = SetValue(Address("header.model.name"), "Halcyon-3b")
    doc.apply(edit)
    checker.recheck(doc, list(touched_addresses(edit)))
    assert ran == []


def test_editing_one_evaluation_rechecks_only_that_record(monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[str] = []
    original = engine_module.evidence_for_record

    def counting(rule, facts, record):  # type: ignore[no-untyped-def]
        checked.append(record.id)
        return original(rule, facts, record)
    monkeypatch.setattr(engine_module, "evidence_for_record", counting)
    doc = example_document()
    checker = Checker(load_framework("openai-preparedness-beta"))
    checker.check(doc)
    edit = SetValue(Address("pre_deployment.evaluations[].elicitation.prompting", "ev-6"), None)
    doc.apply(edit)
    result = checker.recheck(doc, list(touched_addresses(edit)))
    assert checked == ["ev-6"]
    (missing,) = result.for_rule("elicitation-recorded")
    assert missing.severity == "missing_evidence"
    assert missing.address == "pre_deployment.evaluations[ev-6].elicitation.prompting"
    assert result.status == "incomplete"


def test_recheck_before_any_check_is_a_full_check() -> None:
    doc = example_document()
    framework = load_framework("anthropic-rsp-1.0")
    assert Checker(framework).recheck(doc, []) == check(doc, framework)


@pytest.mark.parametrize("framework_id", FRAMEWORKS)
def test_renaming_a_record_updates_the_findings_that_quote_its_name(framework_id: str) -> None:
    doc = example_document()
    checker = Checker(load_framework(framework_id))
    checker.check(doc)
    for edit in (SetValue(Address("pre_deployment.evaluations[].elicitation.prompting", "ev-2"), None),
                 SetValue(Address("pre_deployment.evaluations[].elicitation.scaffolding", "ev-2"), None),
                 SetValue(Address("pre_deployment.evaluations[].name", "ev-2"), "Renamed suite"),
                 SetValue(Address("training.checkpoints[].effective_compute_flop", "ckpt-8"), 9.0e26),
                 SetValue(Address("training.checkpoints[].name", "ckpt-8"), "renamed-final")):
        doc.apply(edit)
        _same(checker, doc, edit, framework_id)
