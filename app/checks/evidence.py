"""Required evidence and category coverage: is what the framework asks for there at all?"""

from __future__ import annotations

from app.checks.facts import Facts, filled
from app.checks.findings import UNSAID, Finding
from app.content.framework_conditions import run
from app.content.framework_spec import CoverageRule, EvidenceRule, RuleBase
from app.model.document import Record
from app.model.labelled import Labelled, count, fixed, join, label_of, template

CEL_ERRORS = (TypeError, KeyError, ValueError, RuntimeError)


def finding(rule: RuleBase, severity: str, address: str, message: Labelled) -> Finding:
    return Finding(rule.id, severity, address.split(".", 1)[0], address, message, rule.citation, rule.title)


def title_of(rule: RuleBase) -> Labelled:
    """The rule's title: the framework's published words."""
    return fixed(rule.title)


def gate(rule: RuleBase, facts: Facts, address: str) -> list[Finding] | None:
    """Findings that stop the rule (it does not apply, or cannot tell), or None to go on."""
    if rule.when is None:
        return None
    try:
        applies = run(rule.when, facts.context_for(rule.when))
    except CEL_ERRORS:
        empty = facts.empty_inputs(rule.when)
        missing = template(" ({empty})", empty=join("; ", empty)) if empty else fixed("")
        return [finding(rule, _missing(rule), address,
                        template("Cannot tell whether this applies yet{missing}: {title}", missing=missing,
                                 title=title_of(rule)))]
    return None if applies else []


def _missing(rule: RuleBase) -> str:
    return "warning" if rule.severity == "warning" else "missing_evidence"


RecordResults = dict[str, tuple[tuple[Finding, ...], int]]
"""Per record id: its findings and how many answers were checked (for record-wise rules)."""


def record_wise(rule: EvidenceRule) -> bool:
    """Whether every field lives in one table, so each record can be checked on its own."""
    return rule.table is not None and all("[]." in path for path in rule.fields)


def check_evidence(rule: EvidenceRule, facts: Facts) -> list[Finding]:
    return run_evidence(rule, facts)[0]


def run_evidence(rule: EvidenceRule, facts: Facts) -> tuple[list[Finding], RecordResults | None]:
    """The findings, and for a record-wise rule the per-record results to re-check one record later."""
    stopped = gate(rule, facts, rule.fields[0])
    if stopped is not None:
        return stopped, None
    if record_wise(rule):
        assert rule.table is not None
        if not facts.applies(facts.index.spec(rule.table)):
            return assemble_evidence(rule, facts, {}), None
        records = facts.doc.records(rule.table)
        if rule.where is None and not facts.messages:
            counted = _unconditional_counts(rule, facts, records)
            if counted is not None:
                return counted, None  # a counts-only checker never re-checks one record
        results = {r.id: evidence_for_record(rule, facts, r) for r in records}
        return assemble_evidence(rule, facts, results), results
    return _document_evidence(rule, facts), None


def evidence_for_record(rule: EvidenceRule, facts: Facts, record: Record) -> tuple[tuple[Finding, ...], int]:
    table = rule.table
    assert table is not None
    if rule.where is not None and not _selected(rule, facts, record):
        return (), 0
    found: list[Finding] = []
    checked = 0
    values = record.values
    messages = facts.messages
    for relative, spec, conditional in facts.index.record_fields(rule.fields):
        if conditional and not facts.applies(spec, record):
            continue
        checked += 1
        value = values.get(relative)
        if value is None or not filled(value.data):
            found.append(Finding(rule.id, rule.severity, rule.stage, f"{table}[{record.id}].{relative}",
                                 template("{record}: {label} is empty. {title}", record=facts.title(table, record),
                                          label=fixed(spec.label), title=title_of(rule)) if messages else UNSAID,
                                 rule.citation, rule.title))
    return tuple(found), checked


def _unconditional_counts(rule: EvidenceRule, facts: Facts, records: list[Record]) -> list[Finding] | None:
    """``evidence_for_record`` over every record, for a counts-only check of a rule with no ``where`` whose
    fields have no conditions (None otherwise): the same verdicts and counts, without asking per record and
    per field whether the field applies (none of them has a condition to ask), and without per-record results
    (a counts-only checker never re-checks a record).

    A counts-only check's findings never leave the checker: only their severities are counted (and a score
    part asks whether all of a rule's findings pass). So every record missing the same answer shares one
    finding, addressed to the field (``table[].name``), and each field's missing answers are counted over the
    whole table (``Facts.filled_in``, which the rubric's check of the same document may already have done)."""
    fields = facts.index.record_fields(rule.fields)
    if any(conditional for _relative, _spec, conditional in fields):
        return None
    table = rule.table
    assert table is not None
    found: list[Finding] = []
    for relative, _spec, _conditional in fields:
        missing = len(records) - facts.filled_in(table, relative)
        if missing:
            found.extend([Finding(rule.id, rule.severity, rule.stage, f"{table}[].{relative}", UNSAID,
                                  rule.citation, rule.title)] * missing)
    return found or [_satisfied(rule, facts, len(fields) * len(records))]


def assemble_evidence(rule: EvidenceRule, facts: Facts, results: RecordResults) -> list[Finding]:
    """Findings in record order; one satisfied finding when nothing is missing."""
    assert rule.table is not None
    found: list[Finding] = []
    checked = 0
    for record in facts.doc.records(rule.table):
        record_findings, record_checked = results.get(record.id, ((), 0))
        found.extend(record_findings)
        checked += record_checked
    return found or [_satisfied(rule, facts, checked)]


def _satisfied(rule: EvidenceRule, facts: Facts, checked: int) -> Finding:
    if not facts.messages:
        return finding(rule, "satisfied", rule.table or rule.fields[0], UNSAID)
    what = fixed("nothing to check yet") if checked == 0 else template(
        "{n} answer{s} present", n=count(checked), s=fixed("s" if checked != 1 else ""))
    return finding(rule, "satisfied", rule.table or rule.fields[0],
                   template("{title} ({what}).", title=title_of(rule), what=what))


def _document_evidence(rule: EvidenceRule, facts: Facts) -> list[Finding]:
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
                found.append(finding(rule, severity, path, template(
                    "No {label} recorded. {title}", label=fixed(spec.label.lower()), title=title_of(rule))))
            continue
        if spec.table is None:
            if not facts.applies(spec):
                continue
            checked += 1
            if not filled(doc.get(path)):
                found.append(finding(rule, severity, path, template(
                    "{label} is empty. {title}", label=fixed(spec.label), title=title_of(rule))))
            continue
        if not facts.applies(index.spec(spec.table)):
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
                found.append(finding(rule, severity, facts.address(path, record), template(
                    "{record}: {label} is empty. {title}", record=facts.title(spec.table, record),
                    label=fixed(spec.label), title=title_of(rule)) if facts.messages else UNSAID))
    return found or [_satisfied(rule, facts, checked)]


def _selected(rule: EvidenceRule | CoverageRule, facts: Facts, record: object) -> bool:
    assert rule.where is not None
    try:
        return bool(run(rule.where, facts.record_context(rule.where, record)))  # type: ignore[arg-type]
    except CEL_ERRORS:
        return True  # an unknown value should not excuse a record from the rule


def check_coverage(rule: CoverageRule, facts: Facts) -> list[Finding]:
    """Is each wanted category covered by some record?

    Which categories are covered is the verdict (and, when satisfied, the
    rule's own list). The record named for each is the first covering one
    among the least sensitive: the choice then depends only on records at
    most as sensitive as the one chosen, so its id carries that record's
    label (its category, what ``where`` reads, the record itself) and no
    other record's.
    """
    stopped = gate(rule, facts, rule.table)
    if stopped is not None:
        return stopped
    framework, index = facts.framework, facts.index
    wanted = set(rule.categories)
    if not facts.messages:
        return _coverage_counts(rule, facts, wanted)
    inputs = [f"{rule.table}[].category"]
    inputs += [path for path in (rule.where.depends if rule.where is not None else ()) if "[]." in path]
    covered: dict[str, tuple[int, Labelled]] = {}
    for record in facts.doc.records(rule.table):
        category = framework.category(record.get("category"))
        if category is None or category.id not in wanted:
            continue
        level = label_of(*(facts.label(path, record) for path in inputs))[0]
        if category.id in covered and covered[category.id][0] <= level.rank:
            continue
        if rule.where is not None and not _selected_strict(rule, facts, record):
            continue
        covered[category.id] = (level.rank, facts.record_id(rule.table, record).at_least(level))
    table_label = index.label(rule.table).lower()
    missing = [c for c in rule.categories if c not in covered]
    if not missing:
        names = join(", ", (template("{category} ({id})", category=fixed(framework.category(c).label),  # type: ignore[union-attr]
                                     id=covered[c][1]) for c in rule.categories))
        return [finding(rule, "satisfied", rule.table, template("{title} Covered: {names}.",
                                                               title=title_of(rule), names=names))]
    found = []
    for category_id in missing:
        category = framework.category(category_id)
        assert category is not None
        found.append(finding(rule, rule.severity, rule.table, template(
            "No {noun} for {category} ({id}) in {table}. {title}", noun=fixed(_singular(table_label)),
            category=fixed(category.label), id=fixed(category.id), table=fixed(index.label(rule.table)),
            title=title_of(rule))))
    return found


def _coverage_counts(rule: CoverageRule, facts: Facts, wanted: set[str]) -> list[Finding]:
    """``check_coverage``'s verdict alone: a category is covered when any record of it qualifies (which one
    a message would name — the least sensitive — does not change whether it is covered)."""
    covered: set[str] = set()
    for record in facts.doc.records(rule.table):
        category = facts.category(record.get("category"))
        if category is None or category.id not in wanted or category.id in covered:
            continue
        if rule.where is not None and not _selected_strict(rule, facts, record):
            continue
        covered.add(category.id)
        if len(covered) == len(wanted):
            break  # every wanted category is covered: the records left cannot change the verdict
    missing = [c for c in rule.categories if c not in covered]
    if not missing:
        return [finding(rule, "satisfied", rule.table, UNSAID)]
    return [finding(rule, rule.severity, rule.table, UNSAID) for _ in missing]


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
