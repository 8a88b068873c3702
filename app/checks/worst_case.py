"""Checks of the worst-case estimate for an open-weight or fine-tunable release.

``check_worst_case_scope``: every category the rule names is either in scope
(with a worst-case level, a marginal-risk determination and at least one
scored evaluation of the fine-tuned model) or excluded with a reason.

``check_worst_case_release``: a category whose worst case reaches the rule's
level, with a decision to release the weights, is a violation unless the
framework accepts a marginal-risk argument and every condition it sets for
that argument holds for the category. A condition that cannot be evaluated
(an empty answer) does not hold: the argument has to be made, not assumed.

Messages quote record titles, levels and choices; each finding lists the
addresses of what it quotes (``Finding.quotes``) so that redaction treats the
message with the sensitivity of those values.
"""

from __future__ import annotations

from app.checks.evidence import CEL_ERRORS, finding, gate
from app.checks.facts import DEPLOY_DECISIONS, Facts, filled
from app.checks.findings import Finding
from app.content.framework_conditions import DECISION, run
from app.content.framework_spec import Category, MarginalCondition, WorstCaseReleaseRule, WorstCaseScopeRule
from app.content.framework_worst_case import RELEASE_FIELD, RESULTS_TABLE, SCOPE_TABLE
from app.model.document import Record

FINE_TUNING_FIELD = "header.model.fine_tuning_access"


def _address(record: Record, field: str, table: str = SCOPE_TABLE) -> str:
    return f"{table}[{record.id}].{field}"


def _not_applicable(rule: WorstCaseScopeRule | WorstCaseReleaseRule, facts: Facts) -> list[Finding] | None:
    """A satisfied finding when the forms hide the worst-case tables (weights kept, no fine-tuning)."""
    if facts.applies(facts.index.spec(SCOPE_TABLE)):
        return None
    quoted = tuple(p for p in (RELEASE_FIELD, FINE_TUNING_FIELD) if facts.doc.get(p) is not None)
    return [finding(rule, "satisfied", SCOPE_TABLE,
                    f"Not applicable: the weights are not released and fine-tuning is not offered. {rule.title}",
                    quoted)]


def _rows_by_category(facts: Facts, table: str) -> dict[str, list[Record]]:
    rows: dict[str, list[Record]] = {}
    for record in facts.doc.records(table):
        category = facts.framework.category(record.get("category"))
        if category is not None:
            rows.setdefault(category.id, []).append(record)
    return rows


# -- scope ---------------------------------------------------------------------
def check_worst_case_scope(rule: WorstCaseScopeRule, facts: Facts) -> list[Finding]:
    stopped = gate(rule, facts, SCOPE_TABLE)
    if stopped is not None:
        return stopped
    hidden = _not_applicable(rule, facts)
    if hidden is not None:
        return hidden
    scope_rows = _rows_by_category(facts, SCOPE_TABLE)
    scored = {category: [r for r in records if filled(r.get("ft_score"))]
              for category, records in _rows_by_category(facts, RESULTS_TABLE).items()}
    table_label = facts.index.label(SCOPE_TABLE)
    found: list[Finding] = []
    covered: list[str] = []
    quoted: list[str] = []
    for category_id in rule.categories:
        category = facts.framework.category(category_id)
        assert category is not None
        rows = scope_rows.get(category_id, [])
        if not rows:
            found.append(finding(rule, rule.severity, SCOPE_TABLE,
                                 f"{category.label}: no row in {table_label}. Put it in scope and record its "
                                 f"worst-case result, or exclude it with a reason. {rule.title}"))
            continue
        record = rows[0]
        title, title_quotes = facts.title(SCOPE_TABLE, record)
        if len(rows) > 1:
            others = ", ".join(r.id for r in rows[1:])
            found.append(finding(rule, "warning", _address(rows[1], "category"),
                                 f"{category.label} has more than one row in {table_label} ({record.id}, {others}); "
                                 f"only {record.id} is read. Merge them. {rule.title}", title_quotes))
        problems, summary = _judge_row(rule, facts, category, record, title, scored.get(category_id, []))
        for severity_address, message in problems:
            found.append(finding(rule, rule.severity, severity_address, f"{message} {rule.title}",
                                 title_quotes + _row_quotes(record)))
        if not problems:
            covered.append(summary)
            quoted += list(title_quotes) + list(_row_quotes(record))
    if found:
        return found
    return [finding(rule, "satisfied", SCOPE_TABLE, f"{rule.title} {'; '.join(covered)}.", tuple(quoted))]


def _row_quotes(record: Record) -> tuple[str, ...]:
    return tuple(_address(record, f) for f in ("scope", "level_reached", "marginal_risk")
                 if record.get(f) is not None)


def _judge_row(rule: WorstCaseScopeRule, facts: Facts, category: Category, record: Record, title: str,
               scored: list[Record]) -> tuple[list[tuple[str, str]], str]:
    """(address, message) for each problem of one category's row, and a summary when there are none."""
    scope = record.get("scope")
    if scope == "excluded":
        if not filled(record.get("exclusion_reason")):
            return [(_address(record, "exclusion_reason"),
                     f"{title}: excluded from the worst-case estimate without a reason; say why no adversarial "
                     f"fine-tuning was done for {category.label}.")], ""
        return [], f"{category.label} excluded with a reason"
    if scope != "in_scope":
        return [(_address(record, "scope"),
                 f"{title}: the scope is not recorded; say whether {category.label} is in scope or excluded.")], ""
    problems: list[tuple[str, str]] = []
    level = record.get("level_reached")
    if not filled(level):
        problems.append((_address(record, "level_reached"),
                         f"{title}: in scope, but no worst-case level is recorded (the first determination)."))
    if not scored:
        results_label = facts.index.label(RESULTS_TABLE)
        problems.append((RESULTS_TABLE,
                         f"{title}: in scope, but {results_label} has no scored evaluation of the fine-tuned model "
                         f"for {category.label}."))
    marginal = record.get("marginal_risk")
    if not filled(marginal) or marginal == "not_assessed":
        problems.append((_address(record, "marginal_risk"),
                         f"{title}: in scope, but the marginal-risk determination (the second determination) "
                         f"is {'not assessed' if marginal == 'not_assessed' else 'empty'}."))
    if problems:
        return problems, ""
    shown = facts.index.option_label(f"{SCOPE_TABLE}[].marginal_risk", marginal).lower()
    step = category.step(str(level))
    level_text = step.label if step else str(level)
    count = len(scored)
    return [], (f"{category.label} in scope: worst case {level_text}, {shown}, "
                f"{count} evaluation{'s' if count != 1 else ''}")


# -- release -------------------------------------------------------------------
def check_worst_case_release(rule: WorstCaseReleaseRule, facts: Facts) -> list[Finding]:
    stopped = gate(rule, facts, DECISION)
    if stopped is not None:
        return stopped
    hidden = _not_applicable(rule, facts)
    if hidden is not None:
        return hidden
    doc, index = facts.doc, facts.index
    release = doc.get(RELEASE_FIELD)
    if release is None:
        return [finding(rule, _missing(rule), RELEASE_FIELD,
                        f"Cannot tell whether this applies: {index.label(RELEASE_FIELD)} is empty. {rule.title}")]
    release_text = index.option_label(RELEASE_FIELD, release)
    if release not in rule.release:
        return [finding(rule, "satisfied", SCOPE_TABLE,
                        f"Not triggered: the release type is {release_text}. {rule.title}", (RELEASE_FIELD,))]
    decision = doc.get(DECISION)
    if decision is None:
        return [finding(rule, _missing(rule), DECISION,
                        f"Cannot tell whether this applies yet: no decision is recorded. {rule.title}",
                        (RELEASE_FIELD,))]
    decision_text = index.option_label(DECISION, decision)
    if decision not in DEPLOY_DECISIONS:
        return [finding(rule, "satisfied", DECISION,
                        f"Not triggered: the decision is {decision_text}. {rule.title}", (DECISION,))]
    threshold = facts.framework.level(rule.at_least)
    assert threshold is not None
    reaching: list[tuple[Record, str]] = []
    highest: tuple[int, str, tuple[str, ...]] | None = None
    for record in doc.records(SCOPE_TABLE):
        category = facts.framework.category(record.get("category"))
        level = facts.framework.level(record.get("level_reached"))
        if category is None or level is None or record.get("scope") != "in_scope":
            continue
        step = category.step(level.id)
        level_text = step.label if step else level.label
        if highest is None or level.rank > highest[0]:
            highest = (level.rank, f"{level_text} in {category.label}", _row_quotes(record))
        if level.rank >= threshold.rank:
            reaching.append((record, level_text))
    context_quotes = (RELEASE_FIELD, DECISION)
    if not reaching:
        top = f" (highest worst case: {highest[1]})" if highest else ""
        return [finding(rule, "satisfied", SCOPE_TABLE,
                        f"Not triggered: no category's worst case reaches {threshold.label}{top}. {rule.title}",
                        context_quotes + (highest[2] if highest else ()))]
    found = []
    for record, level_text in reaching:
        title, title_quotes = facts.title(SCOPE_TABLE, record)
        quotes = context_quotes + title_quotes + _row_quotes(record)
        head = (f"{title}: the worst case reaches {level_text} and the decision is to release the model as "
                f"{release_text} ({decision_text}).")
        if not rule.marginal_allowed:
            found.append(finding(rule, rule.severity, DECISION,
                                 f"{head} This framework does not accept a marginal-risk argument, so the "
                                 f"release is not allowed. {rule.title}", quotes))
            continue
        failing = [c.label for c in rule.marginal_requires if not _holds(c, facts, record)]
        if failing:
            found.append(finding(rule, rule.severity, DECISION,
                                 f"{head} The marginal-risk argument the framework allows is not made out: "
                                 f"not shown that {'; '.join(failing)}. {rule.title}", quotes))
        else:
            met = "; ".join(c.label for c in rule.marginal_requires)
            found.append(finding(rule, "satisfied", DECISION,
                                 f"{head} The framework's conditions for a marginal-risk argument are recorded as "
                                 f"met: {met}. {rule.title}", quotes))
    return found


def _holds(requirement: MarginalCondition, facts: Facts, record: Record) -> bool:
    try:
        return bool(run(requirement.condition, facts.record_context(requirement.condition, record)))
    except CEL_ERRORS:
        return False


def _missing(rule: WorstCaseReleaseRule) -> str:
    return "warning" if rule.severity == "warning" else "missing_evidence"
