"""Conditional commitments: *if* a determination (or the assessment) meets a condition,
*then* the decision, the security level or the paperwork must be such-and-such.

A determination's level counts as reached whatever its basis: *forecast* and
*cannot rule out* move a determination up, never down, so the condition sees
the recorded level as is. A condition that cannot be evaluated because an
input is empty gives missing evidence naming that input, never a silent pass.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from app.checks.evidence import CEL_ERRORS, finding
from app.checks.facts import Determination, Facts, filled
from app.checks.findings import Finding
from app.content.framework_conditions import DETERMINATIONS_TABLE, run
from app.content.framework_spec import CommitmentRule, Requirement

DOCUMENTS = "deployment_decision.documents"
_TIMING = {"before_training": "before training", "during_training": "during training",
           "before_deployment": "before deployment", "during_deployment": "during deployment", "always": ""}


def check_commitment(rule: CommitmentRule, facts: Facts) -> list[Finding]:
    if rule.per_determination:
        return _per_determination(rule, facts)
    subject = "This assessment"
    try:
        triggered = run(rule.when, facts.context)  # type: ignore[arg-type]
    except CEL_ERRORS:
        return [_undecidable(rule, facts, None, _target(rule))]
    if not triggered:
        return [finding(rule, "satisfied", _target(rule),
                        f"Not triggered: the condition ({rule.when.source}) does not hold. {rule.title}")]  # type: ignore[union-attr]
    return _judge(rule, facts, subject, ())


def _per_determination(rule: CommitmentRule, facts: Facts) -> list[Finding]:
    determinations = facts.determinations
    if not determinations:
        return [finding(rule, "missing_evidence", DETERMINATIONS_TABLE,
                        f"No determinations recorded, so this commitment cannot be judged yet. {rule.title}")]
    found: list[Finding] = []
    triggered = 0
    context = facts.context
    for det in determinations:
        try:
            hit = run(rule.when, {**context, "d": det.cel})  # type: ignore[arg-type]
        except CEL_ERRORS:
            found.append(replace(_undecidable(rule, facts, det, det.address),
                                 quotes=facts.determination_quotes(det)))
            continue
        if hit:
            triggered += 1
            found.extend(_judge(rule, facts, facts.describe_determination(det), facts.determination_quotes(det)))
    if triggered == 0 and not found:
        highest = _highest(facts)
        return [finding(rule, "satisfied", DETERMINATIONS_TABLE,
                        f"Not triggered by any of the {len(determinations)} determinations{highest}. {rule.title}")]
    return found


def _highest(facts: Facts) -> str:
    """Name the highest determination before and after mitigation, so "not triggered" can be verified."""
    parts = []
    for side, key in (("pre-mitigation", "pre"), ("post-mitigation", "post")):
        ranked = [(getattr(det, key).rank, det) for det in facts.determinations if getattr(det, key) is not None]
        if ranked:
            _, det = max(ranked, key=lambda item: item[0])
            category = det.category.label if det.category else det.record.get("category")
            parts.append(f"highest {side}: {getattr(det, key).label} in {category} ({det.record.id})")
    return f" ({'; '.join(parts)})" if parts else ""


def _undecidable(rule: CommitmentRule, facts: Facts, det: Determination | None, address: str) -> Finding:
    assert rule.when is not None
    problems = facts.empty_inputs(rule.when, det)
    why = "; ".join(problems) if problems else "an input it reads is empty or of the wrong kind"
    who = f"{det.record.id} ({det.category.label if det.category else det.record.get('category')})" if det \
        else "this assessment"
    return finding(rule, _missing_severity(rule), address,
                   f"Cannot tell whether this commitment applies to {who}: {why}. {rule.title}")


def _missing_severity(rule: CommitmentRule) -> str:
    return "warning" if rule.severity == "warning" else "missing_evidence"


def _target(rule: CommitmentRule) -> str:
    first = (rule.requires + rule.forbids)[0]
    return first.field or DOCUMENTS


def _judge(rule: CommitmentRule, facts: Facts, subject: str, quotes: tuple[str, ...]) -> list[Finding]:
    timing = _TIMING.get(rule.timing, "")
    when = f" {timing}" if timing else ""
    found = []
    for requirement in rule.requires:
        found.append(_outcome(rule, facts, subject, requirement, forbidden=False, when=when))
    for requirement in rule.forbids:
        found.append(_outcome(rule, facts, subject, requirement, forbidden=True, when=when))
    return [replace(f, quotes=quotes + f.quotes) for f in found]


def _outcome(rule: CommitmentRule, facts: Facts, subject: str, requirement: Requirement,
             forbidden: bool, when: str) -> Finding:
    if requirement.kind == "document":
        return _document(rule, facts, subject, requirement, when)
    assert requirement.field is not None
    path = requirement.field
    label = facts.index.label(path)
    value = facts.doc.get(path)
    head = f"{subject}: {rule.title}"
    if not filled(value):
        return finding(rule, _missing_severity(rule), path,
                       f"{head} {label} is empty; record it{when} to show the commitment is kept.")
    if requirement.kind == "filled":
        return finding(rule, "satisfied", path, f"{head} {label} is recorded.")
    return replace(_compare(rule, facts, requirement, forbidden, when, head, value), quotes=(path,))


def _compare(rule: CommitmentRule, facts: Facts, requirement: Requirement, forbidden: bool, when: str,
             head: str, value: Any) -> Finding:
    assert requirement.field is not None
    path = requirement.field
    label = facts.index.label(path)
    shown = facts.index.option_label(path, value)
    if requirement.kind == "at_least":
        have = facts.framework.security_level(value)
        need = facts.framework.security_level(requirement.level)
        assert need is not None
        if have is None:
            return finding(rule, _missing_severity(rule), path,
                           f"{head} {label} {value!r} is not a security level of this framework.")
        if have.rank < need.rank:
            return finding(rule, rule.severity, path,
                           f"{head} {label} is {have.label}, below the required {need.label}{when}.")
        return finding(rule, "satisfied", path, f"{head} {label} is {have.label} (at least {need.label}).")
    listed = ", ".join(facts.index.option_label(path, v) for v in requirement.values)
    inside = _member(value, requirement.values)
    wanted_in = (requirement.kind == "in") != forbidden
    if inside == wanted_in:
        return finding(rule, "satisfied", path, f"{head} {label} is {shown}.")
    relation = "one of" if wanted_in else "none of"
    return finding(rule, rule.severity, path,
                   f"{head} {label} is {shown}, but it must be {relation}: {listed}{when}.")


def _member(value: Any, values: tuple[Any, ...]) -> bool:
    """Membership that keeps ``true`` and ``1`` apart."""
    return any(value == v and isinstance(value, bool) == isinstance(v, bool) for v in values)


def _document(rule: CommitmentRule, facts: Facts, subject: str, requirement: Requirement, when: str) -> Finding:
    kind_path = f"{DOCUMENTS}[].kind"
    wanted = facts.index.option_label(kind_path, requirement.document)
    expected = next((d for d in facts.framework.documents if d.kind == requirement.document), None)
    title = expected.title if expected else wanted
    for record in facts.doc.records(DOCUMENTS):
        if record.get("kind") == requirement.document:
            return finding(rule, "satisfied", facts.address(kind_path, record),
                           f"{subject}: {rule.title} {title} listed as {facts.record_title(DOCUMENTS, record)}.",
                           facts.title_address(DOCUMENTS, record))
    return finding(rule, _missing_severity(rule), DOCUMENTS,
                   f"{subject}: {rule.title} No {title} ({wanted}) among the supporting documents; "
                   f"list it{when}.")
