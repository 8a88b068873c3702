"""Conditional commitments: *if* a determination (or the assessment) meets a condition,
*then* the decision, the security level or the paperwork must be such-and-such.

A determination's level counts as reached whatever its basis: *forecast* and
*cannot rule out* move a determination up, never down, so the condition sees
the recorded level as is. A condition that cannot be evaluated because an
input is empty gives missing evidence naming that input, never a silent pass.
"""

from __future__ import annotations

from typing import Any

from app.checks.evidence import CEL_ERRORS, finding, title_of
from app.checks.facts import Determination, Facts, filled, keys_read
from app.checks.findings import UNSAID, Finding
from app.content.framework_conditions import DETERMINATIONS_TABLE, run
from app.content.framework_spec import CommitmentRule, Requirement
from app.model.labelled import Labelled, count, fixed, join, label_of, template

DOCUMENTS = "deployment_decision.documents"
_TIMING = {"before_training": "before training", "during_training": "during training",
           "before_deployment": "before deployment", "during_deployment": "during deployment", "always": ""}


def check_commitment(rule: CommitmentRule, facts: Facts) -> list[Finding]:
    if rule.per_determination:
        return _per_determination(rule, facts)
    subject = fixed("This assessment")
    try:
        triggered = run(rule.when, facts.context_for(rule.when))  # type: ignore[arg-type]
    except CEL_ERRORS:
        return [_undecidable(rule, facts, None, _target(rule))]
    if not triggered:
        return [finding(rule, "satisfied", _target(rule), template(
            "Not triggered: the condition ({condition}) does not hold. {title}",
            condition=fixed(rule.when.source), title=title_of(rule)))]  # type: ignore[union-attr]
    return _judge(rule, facts, subject)


def _per_determination(rule: CommitmentRule, facts: Facts) -> list[Finding]:
    determinations = facts.determinations
    if not determinations:
        return [finding(rule, "missing_evidence", DETERMINATIONS_TABLE, template(
            "No determinations recorded, so this commitment cannot be judged yet. {title}", title=title_of(rule)))]
    found: list[Finding] = []
    triggered = 0
    context = facts.context_for(rule.when)  # type: ignore[arg-type]
    keys = keys_read(rule.when, "d")  # type: ignore[arg-type]  # only what it reads of d: CEL converts it all
    for det in determinations:
        shown = det.cel if keys is None else {key: part for key, part in det.cel.items() if key in keys}
        try:
            hit = run(rule.when, {**context, "d": shown})  # type: ignore[arg-type]
        except CEL_ERRORS:
            found.append(_undecidable(rule, facts, det, det.address))
            continue
        if hit:
            triggered += 1
            found.extend(_judge(rule, facts, facts.describe_determination(det) if facts.messages else UNSAID))
    if triggered == 0 and not found:
        if not facts.messages:
            return [finding(rule, "satisfied", DETERMINATIONS_TABLE, UNSAID)]
        return [finding(rule, "satisfied", DETERMINATIONS_TABLE, template(
            "Not triggered by any of the {n} determinations{highest}. {title}", n=count(len(determinations)),
            highest=_highest(facts), title=title_of(rule)))]
    return found


def _highest(facts: Facts) -> Labelled:
    """Name the highest determination before and after mitigation, so "not triggered" can be verified.

    Which determination is highest is worked out by comparing every determination's
    level, so its name carries the labels of all the levels compared.
    """
    parts = []
    for side, key, field in (("pre-mitigation", "pre", "pre_mitigation_level"),
                             ("post-mitigation", "post", "post_mitigation_level")):
        ranked = [(getattr(det, key).rank, det) for det in facts.determinations if getattr(det, key) is not None]
        if ranked:
            compared = label_of(*(facts.label(f"{DETERMINATIONS_TABLE}[].{field}", det.record)
                                  for _, det in ranked))[0]
            _, det = max(ranked, key=lambda item: item[0])
            parts.append(template("highest {side}: {level} in {category} ({id})", side=fixed(side),
                                  level=facts.level_text(det, field, getattr(det, key)).at_least(compared),
                                  category=facts.category_text(det).at_least(compared),
                                  id=facts.record_id(DETERMINATIONS_TABLE, det.record).at_least(compared)))
    return template(" ({parts})", parts=join("; ", parts)) if parts else fixed("")


def _undecidable(rule: CommitmentRule, facts: Facts, det: Determination | None, address: str) -> Finding:
    assert rule.when is not None
    problems = facts.empty_inputs(rule.when, det)
    why = join("; ", problems) if problems else fixed("an input it reads is empty or of the wrong kind")
    who = (template("{id} ({category})", id=facts.record_id(DETERMINATIONS_TABLE, det.record),
                    category=facts.category_text(det)) if det else fixed("this assessment"))
    return finding(rule, _missing_severity(rule), address, template(
        "Cannot tell whether this commitment applies to {who}: {why}. {title}", who=who, why=why,
        title=title_of(rule)))


def _missing_severity(rule: CommitmentRule) -> str:
    return "warning" if rule.severity == "warning" else "missing_evidence"


def _target(rule: CommitmentRule) -> str:
    first = (rule.requires + rule.forbids)[0]
    return first.field or DOCUMENTS


def _judge(rule: CommitmentRule, facts: Facts, subject: Labelled) -> list[Finding]:
    timing = _TIMING.get(rule.timing, "")
    when = fixed(f" {timing}" if timing else "")
    found = []
    for requirement in rule.requires:
        found.append(_outcome(rule, facts, subject, requirement, forbidden=False, when=when))
    for requirement in rule.forbids:
        found.append(_outcome(rule, facts, subject, requirement, forbidden=True, when=when))
    return found


def _outcome(rule: CommitmentRule, facts: Facts, subject: Labelled, requirement: Requirement,
             forbidden: bool, when: Labelled) -> Finding:
    if requirement.kind == "document":
        return _document(rule, facts, subject, requirement, when)
    assert requirement.field is not None
    if not facts.messages:
        return _counted(rule, facts, requirement, forbidden)
    path = requirement.field
    label = fixed(facts.index.label(path))
    value = facts.doc.get(path)
    head = template("{subject}: {title}", subject=subject, title=title_of(rule))
    if not filled(value):
        return finding(rule, _missing_severity(rule), path, template(
            "{head} {label} is empty; record it{when} to show the commitment is kept.", head=head, label=label,
            when=when))
    if requirement.kind == "filled":
        return finding(rule, "satisfied", path, template("{head} {label} is recorded.", head=head, label=label))
    return _compare(rule, facts, requirement, forbidden, when, head, value)


def _compare(rule: CommitmentRule, facts: Facts, requirement: Requirement, forbidden: bool, when: Labelled,
             head: Labelled, value: Any) -> Finding:
    assert requirement.field is not None
    path = requirement.field
    label = fixed(facts.index.label(path))
    shown = facts.quote(path)
    if requirement.kind == "at_least":
        have = facts.framework.security_level(value)
        need = facts.framework.security_level(requirement.level)
        assert need is not None
        if have is None:
            return finding(rule, _missing_severity(rule), path, template(
                "{head} {label} {value} is not a security level of this framework.", head=head, label=label,
                value=facts.quote(path, text=repr(value))))
        needed = fixed(need.label)
        if have.rank < need.rank:
            return finding(rule, rule.severity, path, template(
                "{head} {label} is {have}, below the required {need}{when}.", head=head, label=label,
                have=facts.quote(path, text=have.label), need=needed, when=when))
        return finding(rule, "satisfied", path, template(
            "{head} {label} is {have} (at least {need}).", head=head, label=label,
            have=facts.quote(path, text=have.label), need=needed))
    listed = fixed(", ".join(facts.index.option_label(path, v) for v in requirement.values))
    inside = _member(value, requirement.values)
    wanted_in = (requirement.kind == "in") != forbidden
    if inside == wanted_in:
        return finding(rule, "satisfied", path, template("{head} {label} is {shown}.", head=head, label=label,
                                                         shown=shown))
    relation = fixed("one of" if wanted_in else "none of")
    return finding(rule, rule.severity, path, template(
        "{head} {label} is {shown}, but it must be {relation}: {listed}{when}.", head=head, label=label,
        shown=shown, relation=relation, listed=listed, when=when))


def _counted(rule: CommitmentRule, facts: Facts, requirement: Requirement, forbidden: bool) -> Finding:
    """``_outcome`` of a field requirement for a counts-only check: the same severity, without a message.

    The display forms a message would show are still worked out (and dropped): a value of the wrong form
    fails there, and the rule then reports it as ``Checker._run_rule`` does, in both modes."""
    path = requirement.field
    assert path is not None
    value = facts.doc.get(path)
    if not filled(value):
        return finding(rule, _missing_severity(rule), path, UNSAID)
    if requirement.kind == "filled":
        return finding(rule, "satisfied", path, UNSAID)
    facts.index.option_label(path, value)  # what ``_compare`` quotes first
    if requirement.kind == "at_least":
        have = facts.framework.security_level(value)
        need = facts.framework.security_level(requirement.level)
        assert need is not None
        if have is None:
            return finding(rule, _missing_severity(rule), path, UNSAID)
        return finding(rule, rule.severity if have.rank < need.rank else "satisfied", path, UNSAID)
    for listed in requirement.values:
        facts.index.option_label(path, listed)
    wanted_in = (requirement.kind == "in") != forbidden
    return finding(rule, "satisfied" if _member(value, requirement.values) == wanted_in else rule.severity, path,
                   UNSAID)


def _member(value: Any, values: tuple[Any, ...]) -> bool:
    """Membership that keeps ``true`` and ``1`` apart."""
    return any(value == v and isinstance(value, bool) == isinstance(v, bool) for v in values)


def _document(rule: CommitmentRule, facts: Facts, subject: Labelled, requirement: Requirement,
              when: Labelled) -> Finding:
    kind_path = f"{DOCUMENTS}[].kind"
    wanted = facts.index.option_label(kind_path, requirement.document)
    expected = next((d for d in facts.framework.documents if d.kind == requirement.document), None)
    title = fixed(expected.title if expected else wanted)
    # Name the first listing among the least sensitive, so the choice depends on no more sensitive record.
    chosen: tuple[int, Labelled] | None = None
    for record in facts.doc.records(DOCUMENTS):
        if record.get("kind") != requirement.document:
            continue
        level = facts.label(kind_path, record)
        if chosen is None or level.rank < chosen[0]:
            chosen = (level.rank, facts.title(DOCUMENTS, record).at_least(level))
            address = facts.address(kind_path, record)
    if chosen is not None:
        return finding(rule, "satisfied", address, template(
            "{subject}: {rule} {title} listed as {record}.", subject=subject, rule=title_of(rule), title=title,
            record=chosen[1]))
    return finding(rule, _missing_severity(rule), DOCUMENTS, template(
        "{subject}: {rule} No {title} ({wanted}) among the supporting documents; list it{when}.", subject=subject,
        rule=title_of(rule), title=title, wanted=fixed(wanted), when=when))
