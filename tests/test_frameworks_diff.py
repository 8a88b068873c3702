"""`riskwright frameworks --diff A B`: why an assessment that passed under one version fails under the next."""

from __future__ import annotations

import json

import pytest

from app.checks import load_framework
from app.cli import main
from app.content.framework_diff import diff_frameworks


def test_a_framework_has_no_differences_with_itself() -> None:
    fw = load_framework("openai-preparedness-v2")
    assert diff_frameworks(fw, fw).changes == ()


def test_rules_added_removed_and_changed_between_versions() -> None:
    diff = diff_frameworks(load_framework("anthropic-rsp-1.0"), load_framework("anthropic-rsp-2.2"))
    assert "autonomy-checkpoint-security" in {c.id for c in diff.of("rule", "added")}
    assert "safety-buffer-6x" in {c.id for c in diff.of("rule", "removed")}
    (changed,) = [c for c in diff.of("rule", "changed") if c.id == "evaluations-per-category"]
    assert any(d.startswith("citation:") for d in changed.details)
    cbrn = next(c for c in diff.of("category", "changed") if c.id == "cbrn")
    assert any("CBRN-3" in d for d in cbrn.details)


def test_cli_diff_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frameworks", "--diff", "openai-preparedness-beta", "openai-preparedness-v2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("openai-preparedness-beta (beta, 2023-12-18) -> openai-preparedness-v2 (2, 2025-04-15)")
    assert "Rules added" in out and "high-safeguards-sufficient" in out
    assert main(["frameworks", "--diff", "openai-preparedness-beta", "openai-preparedness-v2", "--format",
                 "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"what": "rule", "id": "restrict-deployment", "kind": "removed"}.items() <= \
        next(c for c in data["changes"] if c["id"] == "restrict-deployment").items()


def test_cli_diff_unknown_framework(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frameworks", "--diff", "openai-preparedness-beta", "nope"]) == 2
    assert "unknown framework 'nope'" in capsys.readouterr().err
