"""Check results as text for people and JSON for machines (the ``riskwright check`` output).

Text groups findings by stage in the forms' order and, within a stage, puts
violations first, then missing evidence, warnings and what is satisfied. A
rule that fails on hundreds of records (an evidence rule over every
evaluation) is shown a few times with a count of the rest, unless every
finding is asked for.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from app.checks.findings import CheckResult, Finding, Score
from app.content.framework_spec import SEVERITIES
from app.model.forms import FormSet

SHOWN_PER_RULE = 5
_MARK = {"violation": "VIOLATION", "missing_evidence": "MISSING", "warning": "WARNING", "satisfied": "ok"}
_NOUN = {"violation": ("violation", "violations"), "missing_evidence": ("missing evidence", "missing evidence"),
         "warning": ("warning", "warnings"), "satisfied": ("satisfied", "satisfied")}


def summary_line(result: CheckResult) -> str:
    parts = []
    for severity in SEVERITIES:
        number = result.counts.get(severity, 0)
        singular, plural = _NOUN[severity]
        parts.append(f"{number} {singular if number == 1 else plural}")
    return f"Status: {result.status.replace('_', '-').upper()} ({', '.join(parts)})"


def render_text(result: CheckResult, forms: FormSet, file_name: str = "", show_all: bool = False) -> str:
    lines = [f"Checked {file_name or 'the assessment'} against {result.framework_name} "
             f"[{result.framework_id}, {result.framework_date}]", summary_line(result)]
    by_stage: dict[str, list[Finding]] = {}
    for found in result.findings:
        by_stage.setdefault(found.stage, []).append(found)
    stages = list(forms.stages) + sorted(s for s in by_stage if s not in forms.stages)
    for stage in stages:
        findings = by_stage.get(stage)
        if not findings:
            continue
        title = forms.form(stage).title if stage in forms.stages else stage
        lines += ["", f"== {title} ({stage}) =="]
        for severity in SEVERITIES:
            lines += _severity_block([f for f in findings if f.severity == severity], show_all)
    if result.score is not None:
        lines += ["", *render_score(result.score)]
    return "\n".join(lines) + "\n"


def _severity_block(findings: list[Finding], show_all: bool) -> list[str]:
    lines: list[str] = []
    per_rule: dict[str, list[Finding]] = {}
    for found in findings:
        per_rule.setdefault(found.rule_id, []).append(found)
    for rule_id, group in per_rule.items():
        shown = group if show_all else group[:SHOWN_PER_RULE]
        for found in shown:
            lines += _finding_lines(found)
        hidden = len(group) - len(shown)
        if hidden:
            lines.append(f"  ... and {hidden} more like this from rule {rule_id} (use --all to list them)")
    return lines


def _finding_lines(found: Finding) -> list[str]:
    if found.severity == "satisfied":
        return [f"  ok         [{found.rule_id}] {found.message}"]
    cite = found.citation
    return [f"  {_MARK[found.severity]:<10} {found.address}",
            f"             {found.message}",
            f"             [{found.rule_id}] {cite.label} <{cite.url}>"]


def render_score(score: Score) -> list[str]:
    lines = [f"Score: {score.total:.1f} / {score.out_of:g}"]
    for section in score.sections:
        lines.append(f"  {section.title:<58} {section.earned:5.1f} / {section.weight:g}")
        for item in section.items:
            lines.append(f"    {_clip(item.title, 56):<56} {item.earned:5.1f} / {item.value:.1f}")
    return lines


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def render_json(result: CheckResult, file_name: str = "") -> str:
    payload: dict[str, Any] = {"file": file_name, **result.to_json()}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def render_frameworks(rows: Iterable[dict[str, Any]]) -> str:
    rows = list(rows)
    lines = [f"{'id':<36} {'version':<9} {'date':<11} name"]
    for row in rows:
        lines.append(f"{row['id']:<36} {row['version']:<9} {row['date']:<11} {row['name']}")
        lines.append(f"{'':<36} {row['tracked']} tracked / {row['categories']} categories, "
                     f"{row['rules']} rules{', scored out of 100' if row['scored'] else ''}")
    return "\n".join(lines) + "\n"
