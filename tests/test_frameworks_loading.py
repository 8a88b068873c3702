"""Framework files: the seven shipped ones load, and broken ones fail with file:line:column.

Broken files are real files in a temporary folder, made by changing one thing
in the shipped Preparedness (Beta) file, so each test shows exactly which
mistake produces which message and where it points.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from app.content import frameworks as frameworks_module
from app.content.errors import ContentErrors
from app.content.frameworks import framework_ids, load_framework, load_framework_file, vocabulary_for
from app.content.locate import content_path

SHIPPED = ("anthropic-rsp-1.0", "anthropic-rsp-2.2", "anthropic-rsp-3.0", "ca-sb53-tfaia",
           "eu-gpai-cop-safety-security", "gdm-fsf-3.0", "meta-frontier-ai-framework-1.0", "ny-raise-act",
           "openai-preparedness-beta",
           "openai-preparedness-v2", "risk-assessment-best-practice")
BETA = content_path("schemas", "openai-preparedness-beta.yaml")


def test_the_shipped_frameworks_are_installed_and_other_schemas_content_is_not_listed() -> None:
    assert framework_ids() == list(SHIPPED)


@pytest.mark.parametrize("framework_id", SHIPPED)
def test_shipped_framework_loads_with_a_citation_on_every_rule(framework_id: str) -> None:
    framework = load_framework(framework_id)
    assert framework.id == framework_id and framework.date[:2] == "20"
    assert framework.tracked, "a framework needs at least one tracked category"
    for rule in framework.rules:
        assert rule.citation.url.startswith("https://") and rule.citation.section, rule.id
    for section in framework.score:
        for item in section.items:
            assert item.citation.url.startswith("https://"), item.id
    for category in framework.categories:
        ranks = [step.rank for step in category.ladder]
        assert ranks == sorted(set(ranks)), category.id


def test_release_dates_and_versions_match_the_published_frameworks() -> None:
    dates = {fid: load_framework(fid).date for fid in SHIPPED}
    assert dates == {"anthropic-rsp-1.0": "2023-09-19", "anthropic-rsp-2.2": "2025-05-14",
                     "eu-gpai-cop-safety-security": "2025-07-10", "gdm-fsf-3.0": "2025-09-22",
                     "openai-preparedness-beta": "2023-12-18", "openai-preparedness-v2": "2025-04-15",
                     "risk-assessment-best-practice": "2024-04-01", "anthropic-rsp-3.0": "2026-02-24",
                     "ca-sb53-tfaia": "2025-09-29", "ny-raise-act": "2025-12-19",
                     "meta-frontier-ai-framework-1.0": "2025-02-03"}


def test_cadence_figures_are_the_frameworks_own() -> None:
    def ratio(fid: str) -> float:
        return next(r.max_ratio for r in load_framework(fid).rules if hasattr(r, "max_ratio"))

    def months(fid: str) -> int:
        return next(r.max_months for r in load_framework(fid).rules if hasattr(r, "max_months"))
    assert ratio("openai-preparedness-beta") == 2
    assert ratio("anthropic-rsp-1.0") == ratio("anthropic-rsp-2.2") == ratio("risk-assessment-best-practice") == 4
    assert months("anthropic-rsp-1.0") == months("risk-assessment-best-practice") == 3
    assert months("anthropic-rsp-2.2") == months("eu-gpai-cop-safety-security") == 6


def test_rubric_weights_are_60_15_25_with_the_sub_items() -> None:
    rubric = load_framework("risk-assessment-best-practice")
    assert [(s.id, s.weight) for s in rubric.score] == [("measuring_threats", 60), ("commitments", 15),
                                                        ("accountability", 25)]
    threats, _, accountability = rubric.score
    assert [i.points for i in threats.items] == [0, 1, 6, 3, 6, 4, 6]  # out of 26
    assert [i.points for i in accountability.items] == [7, 4, 3, 2]  # out of 16
    assert sum(i.value for s in rubric.score for i in s.items) == pytest.approx(100)
    assert threats.items[2].value == pytest.approx(60 * 6 / 26)


def test_vocabulary_gives_categories_ladders_and_security_levels() -> None:
    vocabulary = vocabulary_for("openai-preparedness-beta")
    assert list(vocabulary.categories) == ["cybersecurity", "cbrn", "persuasion", "model_autonomy"]
    assert vocabulary.ladders["cbrn"] == ["low", "medium", "high", "critical"]
    assert list(vocabulary.security_levels) == ["baseline", "hardened"]
    assert list(vocabulary.frameworks) == list(SHIPPED)
    rsp = vocabulary_for("anthropic-rsp-2.2")
    assert rsp.ladders["cyber_operations"] == ["asl-2"]
    assert vocabulary_for("no-such-framework").categories is None
    assert vocabulary_for(None).frameworks == list(SHIPPED)


def test_the_example_assessment_validates_against_its_framework_vocabulary(example_file: Path,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(example_file)]) == 0


# -- broken files -------------------------------------------------------------------

def _write(tmp_path: Path, text: str, name: str = "openai-preparedness-beta") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _broken(tmp_path: Path, *changes: tuple[str, str]) -> tuple[Path, str]:
    text = BETA.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    return _write(tmp_path, text), text


def _position(text: str, needle: str, offset: int = 0) -> tuple[int, int]:
    """1-based line and column of ``needle`` (plus ``offset`` characters)."""
    index = text.index(needle) + offset
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def _errors(path: Path) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        load_framework_file(path)
    return str(caught.value).splitlines()


def test_bad_yaml(tmp_path: Path) -> None:
    path, text = _broken(tmp_path, ("  - id: baseline\n", "  - id: [baseline\n"))
    (error,) = _errors(path)
    line, _ = _position(text, "[baseline")
    assert error.startswith(f"{path}:{line + 1}:") or error.startswith(f"{path}:{line}:")
    assert "flow sequence" in error or "expected" in error


def test_unknown_field_path_in_required_evidence(tmp_path: Path) -> None:
    path, text = _broken(tmp_path, ("      - deployment_decision.decided_by\n",
                                    "      - deployment_decision.decided_bye\n"))
    (error,) = _errors(path)
    line, column = _position(text, "deployment_decision.decided_bye")
    assert error == (f"{path}:{line}:{column}: no field 'deployment_decision.decided_bye' in the forms; "
                     f"did you mean 'deployment_decision.decided_by'?")


def test_unknown_field_path_in_a_commitment(tmp_path: Path) -> None:
    path, text = _broken(tmp_path, ("{field: deployment_decision.security_level, at_least: hardened}",
                                    "{field: deployment_decision.security_levl, at_least: hardened}"))
    (error,) = _errors(path)
    line, column = _position(text, "deployment_decision.security_levl")
    assert error.startswith(f"{path}:{line}:{column}: no field 'deployment_decision.security_levl'")


def test_unknown_field_path_inside_a_condition(tmp_path: Path) -> None:
    path, text = _broken(tmp_path, ('when: "deploying"', 'when: "deploying && header.model.relase_type == \'api\'"'))
    (error,) = _errors(path)
    line, column = _position(text, '"deploying && header')
    assert error == f"{path}:{line}:{column}: when: no field 'header.model.relase_type' in the forms"


def test_condition_that_does_not_parse(tmp_path: Path) -> None:
    path, text = _broken(tmp_path, ('when: "d.post > levels.medium"', 'when: "d.post > "'))
    (error,) = _errors(path)
    line, column = _position(text, '"d.post > "')
    assert error.startswith(f"{path}:{line}:{column}: when: ")
    assert "Syntax error" in error or "mismatched input" in error


def test_condition_naming_a_level_the_framework_lacks(tmp_path: Path) -> None:
    path, text = _broken(tmp_path, ('when: "d.pre >= levels.high"', 'when: "d.pre >= levels.hihg"'))
    (error,) = _errors(path)
    line, column = _position(text, '"d.pre >= levels.hihg"')
    assert error == (f"{path}:{line}:{column}: when: levels has no level 'hihg'; this framework's are "
                     f"critical, high, low, medium")


def test_condition_comparing_a_rank_with_text(tmp_path: Path) -> None:
    path, text = _broken(tmp_path, ('when: "d.pre >= levels.high"', 'when: "d.pre >= \'high\'"'))
    (error,) = _errors(path)
    line, column = _position(text, "\"d.pre >= 'high'\"")
    assert error.startswith(f"{path}:{line}:{column}: when: cannot be evaluated: No such overload")


def test_condition_with_an_unknown_name(tmp_path: Path) -> None:
    path, text = _broken(tmp_path, ('when: "d.pre >= levels.high"', 'when: "det.pre >= levels.high"'))
    (error,) = _errors(path)
    line, column = _position(text, '"det.pre >= levels.high"')
    assert error.startswith(f"{path}:{line}:{column}: when: unknown name 'det'")


def test_condition_that_is_not_true_or_false(tmp_path: Path) -> None:
    path, text = _broken(tmp_path, ('when: "d.pre >= levels.high"', 'when: "d.pre"'))
    (error,) = _errors(path)
    assert "when: must give true or false, but gives int" in error


def test_ladder_out_of_order(tmp_path: Path) -> None:
    # The cybersecurity ladder becomes low, critical, high, critical.
    medium = "      - level: medium\n        definition: >\n          Raises the productivity"
    path, text = _broken(tmp_path, (medium, medium.replace("medium", "critical", 1)))
    errors = _errors(path)
    line, column = _position(text, "high", text.index("      - level: high") - text.index("high") + 15)
    assert errors[0] == (f"{path}:{line}:{column}: the ladder of 'cybersecurity' is out of order: 'high' "
                         f"comes after 'critical', but the framework's levels run low < medium < high < "
                         f"critical; list them lowest first, each once")


def test_level_listed_twice_in_the_scale(tmp_path: Path) -> None:
    path, text = _broken(tmp_path, ("  - {id: high, label: High}", "  - {id: medium, label: High}"))
    errors = _errors(path)
    line, column = _position(text, "medium, label: High}")
    assert errors[0] == (f"{path}:{line}:{column}: levels is not an ordered ladder: 'medium' is listed twice "
                         f"(first at line {line - 1}); list each level once, lowest first")


def test_security_ladder_with_a_duplicate(tmp_path: Path) -> None:
    path, text = _broken(tmp_path, ("  - id: hardened\n", "  - id: baseline\n"))
    errors = _errors(path)
    assert any("security_levels is not an ordered ladder: 'baseline' is listed twice" in e for e in errors)


def test_category_ladder_using_an_unknown_level(tmp_path: Path) -> None:
    path, text = _broken(tmp_path, ("      - level: low\n", "      - level: lowest\n"))
    (error,) = _errors(path)
    line, column = _position(text, "lowest")
    assert error == (f"{path}:{line}:{column}: 'lowest' is not one of the framework's levels "
                     f"(low < medium < high < critical)")


def test_unknown_key(tmp_path: Path) -> None:
    path, text = _broken(tmp_path, ("publisher: OpenAI\n", "publisher: OpenAI\ncolour: blue\n"))
    (error,) = _errors(path)
    line, column = _position(text, "colour")
    assert error.startswith(f"{path}:{line}:{column}: unknown key 'colour'")


def test_citation_of_an_unknown_source(tmp_path: Path) -> None:
    path, text = _broken(tmp_path, ('cite: {source: pf, section: "Governance: audits by third parties"}',
                                    'cite: {source: pff, section: "Governance: audits by third parties"}'))
    (error,) = _errors(path)
    line, column = _position(text, "pff")
    assert error == f"{path}:{line}:{column}: no source 'pff'; sources are pf"


def test_decision_option_the_forms_do_not_have(tmp_path: Path) -> None:
    path, text = _broken(tmp_path, ("in: [deploy, deploy_with_restrictions]", "in: [deploy, ship_it]"))
    (error,) = _errors(path)
    assert "'ship_it' is not an option of deployment_decision.decision" in error
    assert error.startswith(f"{path}:{_position(text, '[deploy, ship_it]')[0]}:")


def test_cadence_ratio_must_exceed_one(tmp_path: Path) -> None:
    path, text = _broken(tmp_path, ("    max_ratio: 2\n", "    max_ratio: 1\n"))
    (error,) = _errors(path)
    line, column = _position(text, "1\n", text.index("max_ratio: 1") - text.index("1\n") + 11)
    assert error.startswith(f"{path}:{line}:{column}: ") and "1" in error


def test_id_must_match_the_file_name(tmp_path: Path) -> None:
    path = _write(tmp_path, BETA.read_text(encoding="utf-8"), name="renamed")
    (error,) = _errors(path)
    assert error.startswith(f"{path}:")
    assert "id 'openai-preparedness-beta' does not match the file name 'renamed'" in error


def test_every_mistake_in_a_file_is_reported_at_once(tmp_path: Path) -> None:
    path, _ = _broken(tmp_path, ("      - deployment_decision.decided_by\n", "      - deployment_decision.nope\n"),
                      ('when: "d.pre >= levels.high"', 'when: "d.pre >= levels.hihg"'),
                      ("  - {id: high, label: High}", "  - {id: medium, label: High}"))
    errors = _errors(path)
    assert len(errors) >= 3
    assert [int(e.split(":")[1]) for e in errors] == sorted(int(e.split(":")[1]) for e in errors)


def test_riskwright_frameworks_lists_them(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frameworks"]) == 0
    out = capsys.readouterr().out
    for framework_id in SHIPPED:
        assert framework_id in out
    assert "scored out of 100" in out


def test_riskwright_frameworks_reports_a_broken_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "schemas"
    folder.mkdir()
    (folder / "gdm-fsf-3.0.yaml").write_text(content_path("schemas", "gdm-fsf-3.0.yaml").read_text())
    _broken(folder, ("    max_ratio: 2\n", "    max_ratio: two\n"))
    monkeypatch.setattr(frameworks_module, "frameworks_folder", lambda: folder)
    frameworks_module._load_installed.cache_clear()
    try:
        assert main(["frameworks"]) == 2
    finally:
        frameworks_module._load_installed.cache_clear()
    captured = capsys.readouterr()
    assert "gdm-fsf-3.0" in captured.out
    assert f"riskwright: {folder / 'openai-preparedness-beta.yaml'}:" in captured.err
    assert "Traceback" not in captured.err
