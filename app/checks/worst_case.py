"""Checks of the worst-case estimate for an open-weight or fine-tunable release.

``check_worst_case_scope``: every category the rule names is either in scope
(with a worst-case level, a marginal-risk determination and at least one
scored evaluation of the fine-tuned model) or excluded with a reason.

``check_worst_case_recommendations``: every outside recommendation has a
decision, one not adopted in full has a reason, and the table holds as many
recommendations as the reviewers made.

``check_worst_case_release``: a category whose worst case reaches the rule's
level, with a decision to release the weights, is a violation unless the
framework accepts a marginal-risk argument and every condition it sets for
that argument holds for the category. A condition that cannot be evaluated
(an empty answer) does not hold: the argument has to be made, not assumed.

Messages quote record titles, levels and choices as labelled text
(``app.model.labelled``): each part carries the sensitivity of the values it
repeats or was worked out from, so a report renders it for its audience.
"""

from __future__ import annotations

from app.checks.evidence import CEL_ERRORS, finding, gate, title_of
from app.checks.facts import DEPLOY_DECISIONS, Facts, filled
from app.checks.findings import Finding
from app.content.framework_conditions import DECISION, run
from app.content.framework_spec import (
    Category,
    MarginalCondition,
    WorstCaseRecommendationsRule,
    WorstCaseReleaseRule,
    WorstCaseScopeRule,
)
from app.content.framework_worst_case import (
    RECOMMENDATIONS_MADE,
    RECOMMENDATIONS_TABLE,
    RELEASE_FIELD,
    RESULTS_TABLE,
    SCOPE_TABLE,
)
from app.model.document import Record
from app.model.labelled import Labelled, derived, fixed, join, label_of, template
from app.model.sensitivity import Sensitivity

FINE_TUNING_FIELD = "header.model.fine_tuning_access"


def _address(record: Record, field: str, table: str = SCOPE_TABLE) -> str:
    return f"{table}[{record.id}].{field}"


WorstCaseRule = WorstCaseScopeRule | WorstCaseReleaseRule | WorstCaseRecommendationsRule


def _not_applicable(rule: WorstCaseRule, facts: Facts) -> list[Finding] | None:
    """A satisfied finding when the forms hide the worst-case tables (weights kept, no fine-tuning)."""
    if facts.applies(facts.index.spec(SCOPE_TABLE)):
        return None
    # Whether the tables apply is worked out from the release type and fine-tuning access.
    why = derived("the weights are not released and fine-tuning is not offered",
                  facts.label(RELEASE_FIELD), facts.label(FINE_TUNING_FIELD))
    return [finding(rule, "satisfied", SCOPE_TABLE, template("Not applicable: {why}. {title}", why=why,
                                                             title=title_of(rule)))]


def _row_title(facts: Facts, record: Record, table: str = SCOPE_TABLE) -> Labelled:
    """``wcs-3 (AI self-improvement)``: the row named by its category's label, not the stored id."""
    category = facts.framework.category(record.get("category"))
    if category is None:
        return facts.title(table, record)
    return template("{id} ({category})", id=facts.record_id(table, record),
                    category=facts.quote(f"{table}[].category", record, category.label))


def _rows_by_category(facts: Facts, table: str) -> dict[str, list[Record]]:
    rows: dict[str, list[Record]] = {}
    for record in facts.doc.records(table):
        category = facts.framework.category(record.get("category"))
        if category is not None:
            rows.setdefault(category.id, []).append(record)
    return rows


def _categories_read(facts: Facts, table: str) -> Sensitivity:
    """Which row belongs to which category comes from every row's category value."""
    return label_of(*(facts.label(f"{table}[].category", record) for record in facts.doc.records(table)))[0]


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
    rows_read = _categories_read(facts, SCOPE_TABLE)
    table_label = fixed(facts.index.label(SCOPE_TABLE))
    found: list[Finding] = []
    covered: list[Labelled] = []
    for category_id in rule.categories:
        category = facts.framework.category(category_id)
        assert category is not None
        rows = scope_rows.get(category_id, [])
        name = fixed(category.label)
        if not rows:
            found.append(finding(rule, rule.severity, SCOPE_TABLE, template(
                "{category}: no row in {table}. Put it in scope and record its worst-case result, or exclude it "
                "with a reason. {title}", category=name, table=table_label, title=title_of(rule))))
            continue
        record = rows[0]
        title = _row_title(facts, record).at_least(rows_read)
        if len(rows) > 1:
            others = join(", ", (facts.record_id(SCOPE_TABLE, r) for r in rows[1:])).at_least(rows_read)
            first = facts.record_id(SCOPE_TABLE, record).at_least(rows_read)
            found.append(finding(rule, "warning", _address(rows[1], "category"), template(
                "{category} has more than one row in {table} ({first}, {others}); only {first_again} is read. "
                "Merge them. {title}", category=name, table=table_label, first=first, others=others,
                first_again=first, title=title_of(rule))))
        problems, summary = _judge_row(rule, facts, category, record, title,
                                       scored.get(category_id, []))
        for severity_address, message in problems:
            found.append(finding(rule, rule.severity, severity_address, template(
                "{message} {title}", message=message, title=title_of(rule))))
        for severity_address, message in _intervals_against_basis(facts, category, record, title,
                                                                  scored.get(category_id, [])):
            found.append(finding(rule, "warning", severity_address, template(
                "{message} {title}", message=message, title=title_of(rule))))
        if not problems:
            covered.append(summary)
    if found:
        return found
    return [finding(rule, "satisfied", SCOPE_TABLE, template("{title} {covered}.", title=title_of(rule),
                                                             covered=join("; ", covered)))]


def _judge_row(rule: WorstCaseScopeRule, facts: Facts, category: Category, record: Record, title: Labelled,
               scored: list[Record]) -> tuple[list[tuple[str, Labelled]], Labelled]:
    """(address, message) for each problem of one category's row, and a summary when there are none."""
    name = fixed(category.label)
    scope = record.get("scope")
    scope_label = facts.label(f"{SCOPE_TABLE}[].scope", record)
    if scope == "excluded":
        if not filled(record.get("exclusion_reason")):
            return [(_address(record, "exclusion_reason"), template(
                "{record}: {excluded}; say why no adversarial fine-tuning was done for {category}.", record=title,
                excluded=derived("excluded from the worst-case estimate without a reason", scope_label),
                category=name))], fixed("")
        return [], template("{category} {excluded}", category=name,
                            excluded=derived("excluded with a reason", scope_label))
    if scope != "in_scope":
        return [(_address(record, "scope"), template(
            "{record}: the scope is not recorded; say whether {category} is in scope or excluded.", record=title,
            category=name))], fixed("")
    in_scope = derived("in scope", scope_label)
    problems: list[tuple[str, Labelled]] = []
    level = record.get("level_reached")
    if not filled(level):
        problems.append((_address(record, "level_reached"), template(
            "{record}: {in_scope}, but no worst-case level is recorded (the first determination).", record=title,
            in_scope=in_scope)))
    if not scored:
        problems.append((RESULTS_TABLE, template(
            "{record}: {in_scope}, but {results} has no scored evaluation of the fine-tuned model for {category}.",
            record=title, in_scope=in_scope, results=fixed(facts.index.label(RESULTS_TABLE)), category=name)))
    marginal = record.get("marginal_risk")
    if not filled(marginal) or marginal == "not_assessed":
        problems.append((_address(record, "marginal_risk"), template(
            "{record}: {in_scope}, but the marginal-risk determination (the second determination) is {state}.",
            record=title, in_scope=in_scope,
            state=facts.quote(f"{SCOPE_TABLE}[].marginal_risk", record,
                              "not assessed" if marginal == "not_assessed" else "empty"))))
    if problems:
        return problems, fixed("")
    shown = facts.quote(f"{SCOPE_TABLE}[].marginal_risk", record,
                        facts.index.option_label(f"{SCOPE_TABLE}[].marginal_risk", marginal).lower())
    step = category.step(str(level))
    level_text = facts.quote(f"{SCOPE_TABLE}[].level_reached", record, step.label if step else str(level))
    count = len(scored)
    evaluations = derived(f"{count} evaluation{'s' if count != 1 else ''}",
                          *(facts.label(f"{RESULTS_TABLE}[].category", r) for r in scored),
                          *(facts.label(f"{RESULTS_TABLE}[].ft_score", r) for r in scored))
    return [], template("{category} {in_scope}: worst case {level}, {marginal}, {evaluations}", category=name,
                        in_scope=in_scope, level=level_text, marginal=shown, evaluations=evaluations)


def _intervals_against_basis(facts: Facts, category: Category, record: Record, title: Labelled,
                             scored: list[Record]) -> list[tuple[str, Labelled]]:
    """A row whose worst case is the bottom of the ladder, 'shown to be below the next level', while an
    evaluation's interval reaches that evaluation's threshold: the threshold is not ruled out, so the level
    should move up (or the basis should say 'cannot rule out'). Uncertainty moves a determination up, never
    down. Only the bottom step is read: the results' thresholds mark the first level of the ladder."""
    if (record.get("scope") != "in_scope" or record.get("basis") != "below" or not category.ladder
            or record.get("level_reached") != category.ladder[0].level):
        return []
    found: list[tuple[str, Labelled]] = []
    for result in scored:
        threshold = result.get("threshold")
        upper = result.get("ft_ci_high")
        if upper is None:
            upper = result.get("ft_score")
        if not isinstance(threshold, (int, float)) or not isinstance(upper, (int, float)) or upper < threshold:
            continue
        bound = "ft_ci_high" if result.get("ft_ci_high") is not None else "ft_score"
        found.append((_address(result, bound, RESULTS_TABLE), template(
            "{record}: the basis is {basis}, but on {evaluation} the fine-tuned model's {what} ({upper}) reaches "
            "the evaluation's threshold ({threshold}), so the threshold is not ruled out. Raise the worst-case "
            "level or record the basis as 'Cannot rule out', and say why in 'Why this level'.",
            record=title, basis=facts.quote(f"{SCOPE_TABLE}[].basis", record, "'{}'".format(
                facts.index.option_label(f"{SCOPE_TABLE}[].basis", "below"))),
            evaluation=facts.title(RESULTS_TABLE, result),
            what=fixed("upper confidence bound" if bound == "ft_ci_high" else "score"),
            upper=facts.quote(f"{RESULTS_TABLE}[].{bound}", result, f"{upper:g}"),
            threshold=facts.quote(f"{RESULTS_TABLE}[].threshold", result, f"{threshold:g}"))))
    return found


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
        return [finding(rule, _missing(rule), RELEASE_FIELD, template(
            "Cannot tell whether this applies: {label} is empty. {title}", label=fixed(index.label(RELEASE_FIELD)),
            title=title_of(rule)))]
    release_text = facts.quote(RELEASE_FIELD)
    if release not in rule.release:
        return [finding(rule, "satisfied", SCOPE_TABLE, template(
            "Not triggered: the release type is {release}. {title}", release=release_text, title=title_of(rule)))]
    decision = doc.get(DECISION)
    if decision is None:
        return [finding(rule, _missing(rule), DECISION, template(
            "Cannot tell whether this applies yet: no decision is recorded. {title}", title=title_of(rule)))]
    decision_text = facts.quote(DECISION)
    if decision not in DEPLOY_DECISIONS:
        return [finding(rule, "satisfied", DECISION, template(
            "Not triggered: the decision is {decision}. {title}", decision=decision_text, title=title_of(rule)))]
    threshold = facts.framework.level(rule.at_least)
    assert threshold is not None
    reaching: list[tuple[Record, Labelled]] = []
    highest: tuple[int, Record, str, Category] | None = None
    compared: list[Sensitivity] = []
    for record in doc.records(SCOPE_TABLE):
        category = facts.framework.category(record.get("category"))
        level = facts.framework.level(record.get("level_reached"))
        compared += [facts.label(f"{SCOPE_TABLE}[].{f}", record) for f in ("category", "level_reached", "scope")]
        if category is None or level is None or record.get("scope") != "in_scope":
            continue
        step = category.step(level.id)
        level_text = step.label if step else level.label
        if highest is None or level.rank > highest[0]:
            highest = (level.rank, record, level_text, category)
        if level.rank >= threshold.rank:
            reaching.append((record, facts.quote(f"{SCOPE_TABLE}[].level_reached", record, level_text)))
    if highest is None:
        return [finding(rule, _missing(rule), SCOPE_TABLE, template(
            "Cannot tell whether this applies yet: no category in scope has a worst-case level in {table}. "
            "{title}", table=fixed(index.label(SCOPE_TABLE)), title=title_of(rule)))]
    if not reaching:
        # The highest worst case is found by comparing every row's level, category and scope.
        top = derived(f" (highest worst case: {highest[2]} in {highest[3].label})", *compared)
        return [finding(rule, "satisfied", SCOPE_TABLE, template(
            "Not triggered: no category's worst case reaches {threshold}{top}. {title}",
            threshold=fixed(threshold.label), top=top, title=title_of(rule)))]
    found = []
    for record, level_shown in reaching:
        head = template("{record}: the worst case reaches {level} and the decision is to release the model as "
                        "{release} ({decision}).", record=_row_title(facts, record), level=level_shown,
                        release=release_text, decision=decision_text)
        if not rule.marginal_allowed:
            found.append(finding(rule, rule.severity, DECISION, template(
                "{head} This framework does not accept a marginal-risk argument, so the release is not allowed. "
                "{title}", head=head, title=title_of(rule))))
            continue
        failing = [fixed(c.label) for c in rule.marginal_requires if not _holds(c, facts, record)]
        if failing:
            found.append(finding(rule, rule.severity, DECISION, template(
                "{head} The marginal-risk argument the framework allows is not made out: it is not shown that "
                "{failing}. {title}", head=head, failing=join("; nor that ", failing), title=title_of(rule))))
        else:
            met = fixed("; ".join(c.label for c in rule.marginal_requires))
            found.append(finding(rule, "satisfied", DECISION, template(
                "{head} The framework's conditions for a marginal-risk argument are recorded as met: {met}. "
                "{title}", head=head, met=met, title=title_of(rule))))
    return found


def _holds(requirement: MarginalCondition, facts: Facts, record: Record) -> bool:
    try:
        return bool(run(requirement.condition, facts.record_context(requirement.condition, record)))
    except CEL_ERRORS:
        return False


# -- outside recommendations -----------------------------------------------------
NOT_IN_FULL = ("declined", "partly_adopted")


def check_worst_case_recommendations(rule: WorstCaseRecommendationsRule, facts: Facts) -> list[Finding]:
    stopped = gate(rule, facts, RECOMMENDATIONS_TABLE)
    if stopped is not None:
        return stopped
    hidden = _not_applicable(rule, facts)
    if hidden is not None:
        return hidden
    table = RECOMMENDATIONS_TABLE
    records = list(facts.doc.records(table))
    found: list[Finding] = []
    for record in records:
        title = facts.title(table, record)
        decision = record.get("decision")
        if not filled(decision):
            found.append(finding(rule, rule.severity, _address(record, "decision", table), template(
                "{record}: no decision is recorded; say whether it was adopted, partly adopted or not. {title}",
                record=title, title=title_of(rule))))
        elif decision in NOT_IN_FULL and not filled(record.get("reason_declined")):
            found.append(finding(rule, rule.severity, _address(record, "reason_declined", table), template(
                "{record}: {decision}, with no reason given; say why it was not adopted in full. {title}",
                record=title, decision=facts.quote(f"{table}[].decision", record,
                                                   facts.index.option_label(f"{table}[].decision", decision).lower()),
                title=title_of(rule))))
    # How many rows there are is as sensitive as the rows themselves.
    count = derived(str(len(records)), *(facts.record_label(table, r) for r in records))
    made = facts.doc.get(RECOMMENDATIONS_MADE)
    made_label = fixed(facts.index.label(RECOMMENDATIONS_MADE))
    if not isinstance(made, int) or isinstance(made, bool):
        if records:
            found.append(finding(rule, rule.severity, RECOMMENDATIONS_MADE, template(
                "{made} is empty while {recorded} recorded; say how many the reviewers made in all. {title}",
                made=made_label, title=title_of(rule),
                recorded=derived(f"{len(records)} recommendation{' is' if len(records) == 1 else 's are'}", count))))
        else:
            found.append(finding(rule, rule.severity, RECOMMENDATIONS_MADE, template(
                "{made} is empty: say how many recommendations the outside reviewers made (0 if none, or if "
                "nobody outside reviewed the estimate). {title}", made=made_label, title=title_of(rule))))
    elif made != len(records):
        shown = facts.quote(RECOMMENDATIONS_MADE, None, str(made))
        fix = (f"record the other {made - len(records)} with what was done about them" if made > len(records)
               else "correct the count or remove the rows that are not recommendations")
        found.append(finding(rule, rule.severity, RECOMMENDATIONS_MADE, template(
            "The reviewers made {made} recommendations, but {table} holds {count}: {fix}. {title}", made=shown,
            table=fixed(facts.index.label(table)), count=count, fix=derived(fix, shown, count),
            title=title_of(rule))))
    if found:
        return found
    if not records:
        return [finding(rule, "satisfied", RECOMMENDATIONS_MADE, template(
            "{title} The outside reviewers made no recommendations.", title=title_of(rule)))]
    answered = derived(f"{len(records)} recommendation{'s' if len(records) != 1 else ''} recorded, each with "
                       f"a decision and, where not adopted in full, a reason",
                       *(facts.record_label(table, r) for r in records),
                       *(facts.label(f"{table}[].decision", r) for r in records))
    return [finding(rule, "satisfied", table, template("{title} {answered}.", title=title_of(rule),
                                                       answered=answered))]


def _missing(rule: WorstCaseReleaseRule) -> str:
    return "warning" if rule.severity == "warning" else "missing_evidence"
