"""Required evidence and category coverage: is what the framework asks for there at all?"""

from __future__ import annotations

from app.checks.facts import Facts, filled
from app.checks.findings import Finding
from app.content.framework_conditions import run
from app.content.framework_spec import CoverageRule, EvidenceRule, RuleBase

CEL_ERRORS = (TypeError, KeyError, ValueError, RuntimeError)


def finding(rule: RuleBase, severity: str, address: str, message: str,
            quotes: tuple[str, ...] = ()) -> Finding:
    return Finding(rule.id, severity, address.split(".", 1)[0], address, message, rule.citation, rule.title,
                   quotes)


def gate(rule: RuleBase, facts: Facts, address: str) -> list[Finding] | None:
    """Findings that stop the rule (it does not apply, or cannot tell), or None to go on."""
    if rule.when is None:
        return None
    try:
        applies = run(rule.when, facts.context)
    except CEL_ERRORS:
        empty = facts.empty_inputs(rule.when)
        missing = f" ({'; '.join(empty)})" if empty else ""
        return [finding(rule, _missing(rule), address,
                        f"Cannot tell whether this applies yet{missing}: {rule.title}")]
    return None if applies else []


def _missing(rule: RuleBase) -> str:
    return "warning" if rule.severity == "warning" else "missing_evidence"


def check_evidence(rule: EvidenceRule, facts: Facts) -> list[Finding]:
    stopped = gate(rule, facts, rule.fields[0])
    if stopped is not None:
        return stopped
    index, doc = facts.index, facts.doc
    severity = rule.severity
    found: list[Finding] = []
    checked = 0
    for path in rule.fields:
        spec = index.spec(path)
        if spec.is_table:
            if not facts.applies(spec):
                continue
            checked += 1
            if not doc.records(path):
                found.append(finding(rule, severity, path,
                                     f"No {spec.label.lower()} recorded. {rule.title}"))
            continue
        if spec.table is None:
            if not facts.applies(spec):
                continue
            checked += 1
            if not filled(doc.get(path)):
                found.append(finding(rule, severity, path, f"{spec.label} is empty. {rule.title}"))
            continue
        table_spec = index.spec(spec.table)
        if not facts.applies(table_spec):
            continue
        relative = path.split("[].", 1)[1]
        conditional = index.conditional(spec)
        for record in doc.records(spec.table):
            if rule.where is not None and not _selected(rule, facts, record):
                continue
            if conditional and not facts.applies(spec, record):
                continue
            checked += 1
            if not filled(record.get(relative)):
                found.append(finding(rule, severity, facts.address(path, record),
                                     f"{facts.record_title(spec.table, record)}: {spec.label} is empty. "
                                     f"{rule.title}", facts.title_address(spec.table, record)))
    if found:
        return found
    where = rule.table or rule.fields[0]
    what = "nothing to check yet" if checked == 0 else f"{checked} answer{'s' if checked != 1 else ''} present"
    return [finding(rule, "satisfied", where, f"{rule.title} ({what}).")]


def _selected(rule: EvidenceRule | CoverageRule, facts: Facts, record: object) -> bool:
    assert rule.where is not None
    try:
        return bool(run(rule.where, facts.record_context(rule.where, record)))  # type: ignore[arg-type]
    except CEL_ERRORS:
        return True  # an unknown value should not excuse a record from the rule


def check_coverage(rule: CoverageRule, facts: Facts) -> list[Finding]:
    stopped = gate(rule, facts, rule.table)
    if stopped is not None:
        return stopped
    framework, index = facts.framework, facts.index
    wanted = list(rule.categories)
    covered: dict[str, str] = {}
    for record in facts.doc.records(rule.table):
        category = framework.category(record.get("category"))
        if category is None or category.id not in wanted or category.id in covered:
            continue
        if rule.where is not None and not _selected_strict(rule, facts, record):
            continue
        covered[category.id] = record.id
        if len(covered) == len(wanted):
            break
    table_label = index.label(rule.table).lower()
    missing = [c for c in wanted if c not in covered]
    if not missing:
        names = ", ".join(f"{framework.category(c).label} ({covered[c]})" for c in wanted)  # type: ignore[union-attr]
        return [finding(rule, "satisfied", rule.table, f"{rule.title} Covered: {names}.")]
    found = []
    for category_id in missing:
        category = framework.category(category_id)
        assert category is not None
        found.append(finding(rule, rule.severity, rule.table,
                             f"No {_singular(table_label)} for {category.label} ({category.id}) in "
                             f"{index.label(rule.table)}. {rule.title}"))
    return found


def _selected_strict(rule: CoverageRule, facts: Facts, record: object) -> bool:
    """For coverage a record only counts if it is known to qualify."""
    assert rule.where is not None
    try:
        return bool(run(rule.where, facts.record_context(rule.where, record)))  # type: ignore[arg-type]
    except CEL_ERRORS:
        return False


def _singular(label: str) -> str:
    words = label.split()
    if words and words[-1].endswith("s") and not words[-1].endswith("ss"):
        words[-1] = words[-1][:-1]
    return " ".join(words)
