"""The encoded frameworks say what the published texts say (issue 14).

Each test here failed on the encoding before the issue was worked: the category
resolver, the definitions the issue found wrong, and the provenance every rule
now carries (versioned source, page or section, verified or secondary, and the
date each file was last checked).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.checks import check, framework_ids, load_framework, load_framework_file
from app.content.errors import ContentErrors
from app.content.frameworks import frameworks_folder
from tests.test_checks_scenarios import assessment


def test_an_exact_category_id_wins_over_an_equivalent() -> None:
    v2 = load_framework("openai-preparedness-v2")
    assert v2.category("autonomous_replication").id == "autonomous_replication"
    assert v2.category("autonomous_replication").status == "research"
    assert v2.category("model_autonomy").id == "ai_self_improvement"


def test_a_research_category_of_v2_does_not_trigger_tracked_commitments() -> None:
    """Before: 'autonomous_replication' resolved to the tracked AI self-improvement, so a research
    determination at High demanded High security controls."""
    doc = assessment("openai-preparedness-v2", security="baseline", decision="do_not_deploy",
                     determinations=[("biological_chemical", "below_high", "below_high", "below"),
                                     ("cybersecurity", "below_high", "below_high", "below"),
                                     ("ai_self_improvement", "below_high", "below_high", "below"),
                                     ("autonomous_replication", "high", "high", "reached")])
    result = check(doc, load_framework("openai-preparedness-v2"))
    assert {f.severity for f in result.for_rule("high-security-controls")} == {"satisfied"}


@pytest.mark.parametrize(("old", "new", "needle", "message"), [
    ("    equivalents: [cyber, cyber_offence, cyber_operations, cyber_uplift]\n    description: Cyber attacks",
     "    equivalents: [cyber, cyber_offence, cyber_operations, cyber_uplift, cbrn]\n    description: Cyber attacks",
     "cbrn]", "'cbrn' is an equivalent of both 'biological_chemical' and 'cybersecurity'"),
    ("    equivalents: [cyber, cyber_offence, cyber_operations, cyber_uplift]\n    description: Cyber attacks",
     "    equivalents: [cyber, sandbagging, cyber_operations, cyber_uplift]\n    description: Cyber attacks",
     "sandbagging,", "'sandbagging' is listed as an equivalent of 'cybersecurity', but it is another "
                     "category's own id"),
])
def test_an_ambiguous_equivalent_is_a_load_error_at_its_position(tmp_path: Path, old: str, new: str, needle: str,
                                                                 message: str) -> None:
    text = (frameworks_folder() / "openai-preparedness-v2.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1
    text = text.replace(old, new)
    path = tmp_path / "openai-preparedness-v2.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_framework_file(path)
    index = text.index(needle)
    line = text.count("\n", 0, index) + 1
    column = index - text.rfind("\n", 0, index)
    (error,) = str(caught.value).splitlines()
    assert error.startswith(f"{path}:{line}:{column}: {message}")


def _definition(framework_id: str, category: str, level: str) -> str:
    step = load_framework(framework_id).category(category).step(level)  # type: ignore[union-attr]
    assert step is not None
    return step.definition


def test_v2_biological_critical_is_the_expert_novel_vector_or_full_cycle_bar() -> None:
    critical = _definition("openai-preparedness-v2", "biological_chemical", "critical")
    assert "novice" not in critical
    assert "experts" in critical and "CDC Class A" in critical and "synthesis cycle" in critical
    assert "novices" in _definition("openai-preparedness-v2", "biological_chemical", "high")


def test_beta_medium_definitions() -> None:
    assert "experts" in _definition("openai-preparedness-beta", "cbrn", "medium")
    autonomy = _definition("openai-preparedness-beta", "model_autonomy", "medium")
    assert "acquires resources" in autonomy and "toy repository" in autonomy
    assert "productivity" in _definition("openai-preparedness-beta", "cybersecurity", "medium")


def test_rsp_2_2_cites_the_versioned_pdf() -> None:
    (source,) = load_framework("anthropic-rsp-2.2").sources
    assert source.url.endswith(".pdf") and source.url != "https://www.anthropic.com/responsible-scaling-policy"


@pytest.mark.parametrize("framework_id", [f for f in framework_ids()])
def test_every_rule_has_provenance(framework_id: str) -> None:
    framework = load_framework(framework_id)
    assert framework.checked_on, "each file records when it was last checked against its source"
    assert framework.kind in ("framework", "law", "rubric")
    for rule in framework.rules:
        assert rule.citation.url.startswith("https://") and rule.citation.section
        assert rule.citation.verified in ("published", "secondary")
        if rule.citation.secondary:
            assert "not verified in the published text" in rule.citation.label


def test_secondary_sources_are_shown_as_such_in_findings_json() -> None:
    result = check(assessment("openai-preparedness-beta"), load_framework("openai-preparedness-beta"))
    cited = [f.to_json()["citation"] for f in result.findings]
    assert all(c["verified"] == "secondary" for c in cited)
    rubric = check(assessment("risk-assessment-best-practice"), load_framework("risk-assessment-best-practice"))
    assert {f.to_json()["citation"]["verified"] for f in rubric.findings} == {"published"}
