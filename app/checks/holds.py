"""Rules of kind ``condition``: a CEL condition that must hold, for the assessment or per record.

Requirement lists (``in``, ``at_least``, ``filled``) cannot say "a safety buffer of at
least 6x" or "the latest report is at most four weeks old"; a condition can. A
condition that cannot be evaluated because a value it reads is empty is missing
evidence naming that value, never a pass. Messages name records by their
labelled titles (``app.model.labelled``); the condition's source is the
framework's own text.
"""

from __future__ import annotations

from app.checks.evidence import CEL_ERRORS, finding, gate, title_of
from app.checks.facts import Facts
from app.checks.findings import Finding
from app.content.framework_conditions import run
from app.content.framework_spec import ConditionRule
from app.model.document import Record
from app.model.labelled import Labelled, fixed, join, template


def check_condition(rule: ConditionRule, facts: Facts) -> list[Finding]:
    assert rule.require is not None
    address = rule.table or _first_path(rule)
    stopped = gate(rule, facts, address)
    if stopped is not None:
        return stopped
    if rule.table is None:
        try:
            held = run(rule.require, facts.context_for(rule.require))
        except CEL_ERRORS:
            return [finding(rule, _missing(rule), address, template(
                "Cannot tell yet ({empty}): {title}", empty=_empty(rule, facts), title=title_of(rule)))]
        source = fixed(rule.require.source)
        if held:
            return [finding(rule, "satisfied", address, template("{title} (it holds: {source}).",
                                                                 title=title_of(rule), source=source))]
        return [finding(rule, rule.severity, address, template(
            "{title} Not met: {source} is false for this assessment.", title=title_of(rule), source=source))]
    return _per_record(rule, facts)


def _per_record(rule: ConditionRule, facts: Facts) -> list[Finding]:
    assert rule.table is not None and rule.require is not None
    found: list[Finding] = []
    held = 0
    for record in facts.doc.records(rule.table):
        if rule.where is not None and not _holds(rule.where, facts, record, default=True):
            continue
        title = facts.title(rule.table, record)
        noun = fixed(rule.noun[:1].upper() + rule.noun[1:])
        try:
            ok = run(rule.require, facts.record_context(rule.require, record))
        except CEL_ERRORS:
            found.append(finding(rule, _missing(rule), facts.address(rule.table, record), template(
                "{noun} {record}: cannot tell yet ({empty}). {title}", noun=noun, record=title,
                empty=_empty(rule, facts, record), title=title_of(rule))))
            continue
        if ok:
            held += 1
        else:
            found.append(finding(rule, rule.severity, facts.address(rule.table, record), template(
                "{noun} {record}: {title} Not met ({source}).", noun=noun, record=title, title=title_of(rule),
                source=fixed(rule.require.source))))
    if found:
        return found
    if held == 0:
        return [finding(rule, "satisfied", rule.table, template(
            "{title} (no {noun} it applies to).", title=title_of(rule), noun=fixed(rule.noun)))]
    return [finding(rule, "satisfied", rule.table, template(
        "{title} (holds for {count}).", title=title_of(rule),
        count=fixed(f"{held} {rule.noun}{'' if held == 1 else 's'}")))]


def _holds(condition, facts: Facts, record: Record, default: bool) -> bool:  # type: ignore[no-untyped-def]
    try:
        return bool(run(condition, facts.record_context(condition, record)))
    except CEL_ERRORS:
        return default


def _empty(rule: ConditionRule, facts: Facts, record: Record | None = None) -> Labelled:
    assert rule.require is not None
    empty = facts.empty_inputs(rule.require)
    if record is not None:
        for path in sorted(rule.require.depends):
            _, sep, relative = path.partition("[].")
            if sep and record.get(relative) is None:
                empty.append(fixed(f"{facts.index.label(path)} is empty"))
    return join("; ", empty) if empty else fixed("a value it reads is empty or of the wrong kind")


def _first_path(rule: ConditionRule) -> str:
    assert rule.require is not None
    paths = sorted(p for p in rule.require.depends if "[]" not in p)
    return paths[0] if paths else rule.stage


def _missing(rule: ConditionRule) -> str:
    return "warning" if rule.severity == "warning" else "missing_evidence"
