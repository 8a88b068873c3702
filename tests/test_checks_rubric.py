"""The best-practice rubric's score: 60 / 15 / 25 with the page's sub-items."""

from __future__ import annotations

import pytest
from test_checks_scenarios import assessment

from app.checks import check, load_framework
from app.model import Document

RUBRIC = "risk-assessment-best-practice"


def _score(doc: Document):  # type: ignore[no-untyped-def]
    result = check(doc, load_framework(RUBRIC))
    assert result.score is not None
    return result.score


def _item(score, item_id: str):  # type: ignore[no-untyped-def]
    return next(i for s in score.sections for i in s.items if i.id == item_id)


def test_a_complete_assessment_scores_full_marks() -> None:
    score = _score(assessment(RUBRIC))
    assert score.total == pytest.approx(100)
    assert [round(s.earned, 6) for s in score.sections] == [60, 15, 25]
    assert all(i.fraction == pytest.approx(1) for s in score.sections for i in s.items)


def test_an_empty_assessment_scores_nothing() -> None:
    doc = Document()
    score = _score(doc)
    assert score.total == 0
    result = check(doc, load_framework(RUBRIC))
    assert result.status == "incomplete"  # the cadence rules cannot be checked without their records


def test_breakdown_adds_up_to_the_total() -> None:
    score = _score(assessment(RUBRIC, **{"accountability.publication.public": False},
                              evaluation_variants=("helpful_only",)))
    assert sum(i.earned for s in score.sections for i in s.items) == pytest.approx(score.total)
    assert sum(s.earned for s in score.sections) == pytest.approx(score.total)


def test_publication_thirds_halved_without_low_level_details_not_for_frequency() -> None:
    """The seed halves the credit when updates exclude low-level details; the old encoding also halved
    it for updates less often than quarterly, which the seed does not say."""
    value = 25 * 7 / 16
    internal_only = {"accountability.publication.shared_with_safety_orgs": False,
                     "accountability.publication.public": False}
    assert _item(_score(assessment(RUBRIC, **internal_only)), "verification").earned == pytest.approx(value / 3)
    without_details = {**internal_only, "accountability.publication.includes_low_level_details": False}
    assert _item(_score(assessment(RUBRIC, **without_details)), "verification").earned == \
        pytest.approx(value / 3 / 2)
    half_yearly = {**without_details, "accountability.publication.frequency_months": 6.0}
    assert _item(_score(assessment(RUBRIC, **half_yearly)), "verification").earned == \
        pytest.approx(value / 3 / 2)


def test_key_capabilities_count_per_capability_with_other_frameworks_ids() -> None:
    # Written for the Preparedness beta: cybersecurity and model autonomy count as coding and
    # autonomous replication; nothing counts as situational awareness.
    score = _score(assessment("openai-preparedness-beta"))
    assert _item(score, "key-capabilities").earned == pytest.approx(60 * 6 / 26 * 2 / 3)


def test_third_party_access_without_fine_tuning_or_base_model() -> None:
    doc = assessment(RUBRIC)
    record = doc.tables["pre_deployment.third_party_access"][0]
    record.values["fine_tuning"].data = False
    record.values["base_model"].data = False
    item = _item(_score(doc), "third-party-access")
    assert item.fraction == pytest.approx(5 / 7)
    assert item.value == pytest.approx(60 * 6 / 26)
    (finding,) = check(doc, load_framework(RUBRIC)).for_rule("third-party-access")
    assert "(not met: fine-tuning access, the base model)" in finding.message


def test_missing_key_capability_is_named() -> None:
    (finding,) = check(assessment("openai-preparedness-beta"), load_framework(RUBRIC)).for_rule("key-capabilities")
    assert finding.severity == "warning"
    assert "none for: Situational awareness and long-horizon planning" in finding.message


def test_a_missed_compute_cadence_costs_its_share_of_the_commitments_section() -> None:
    score = _score(assessment(RUBRIC, checkpoints=[(2.0e25, True), (9.6e25, True)]))
    assert _item(score, "assess-often-enough").earned == pytest.approx(15 * 4 / 5)


def test_control_arguments_need_scheming_considered() -> None:
    score = _score(assessment(RUBRIC, **{"deployment_decision.scheming_considered": False}))
    assert _item(score, "control-arguments").earned == pytest.approx(60 * 4 / 26 * 3 / 4)


def test_control_arguments_are_published_and_coup_reporting_tested() -> None:
    """Both are in the seed's item 4 and were missing from the old encoding (full marks without them)."""
    score = _score(assessment(RUBRIC, **{"deployment_decision.safety_case_published": False,
                                         "deployment_decision.misbehaviour_reporting_tested": False}))
    assert _item(score, "control-arguments").earned == pytest.approx(60 * 4 / 26 / 2)


def test_elicitation_counts_the_compute_budget() -> None:
    full = _item(_score(assessment(RUBRIC)), "elicitation-explained").earned
    doc = assessment(RUBRIC)
    for record in doc.tables["pre_deployment.evaluations"]:
        del record.values["elicitation.compute_budget"]
    assert full == pytest.approx(60 * 6 / 26)
    assert _item(_score(doc), "elicitation-explained").earned < full


def test_ai_rnd_evaluations_do_not_count_as_autonomous_replication() -> None:
    """Written for RSP 2.2 (CBRN and AI R&D evaluations): the old equivalents counted AI R&D as
    autonomous replication; now only autonomy-like ids do."""
    part = _item(_score(assessment("anthropic-rsp-2.2")), "key-capabilities").parts[0]
    assert part.fraction == pytest.approx(0.0)


def test_items_short_of_full_marks_are_warnings_naming_what_is_missing() -> None:
    result = check(assessment(RUBRIC, **{"deployment_decision.scheming_considered": False}), load_framework(RUBRIC))
    (finding,) = result.for_rule("control-arguments")
    assert finding.severity == "warning" and finding.address == "deployment_decision.safety_case"
    assert "6.9 of 9.2 points (75%)" in finding.message and "scheming considered 0%" in finding.message
    assert result.status == "compliant"  # scores do not decide compliance; the cadence rules do
