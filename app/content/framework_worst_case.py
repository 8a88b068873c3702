"""Rule kinds for the worst-case estimate of an open-weight or fine-tunable release.

Three kinds, reading the worst-case tables of ``forms/pre_deployment.yaml``:

``worst_case_scope``
    Every category (tracked, all, or a list) has a row in the scope table;
    a category in scope has a worst-case level, a marginal-risk determination
    and at least one evaluation of the fine-tuned model; an excluded one has a
    reason. The existing ``coverage`` kind cannot express this, because it
    offers no way to leave a category out with a justification, and the
    result lives in a second table.

``worst_case_release``
    A worst-case level at or above ``at_least`` together with a decision to
    release the model as listed in ``release`` (open weights) is a violation
    unless the framework accepts a marginal-risk argument (``marginal_risk``)
    and the category's row meets every condition the framework sets for it.
    A framework without ``marginal_risk`` never accepts the argument.

``worst_case_recommendations``
    Every outside recommendation on the estimate has a decision; one not
    adopted in full has a reason; and the table holds as many
    recommendations as the reviewers are recorded to have made. An
    ``evidence`` rule can ask for the reasons, but not count the rows.

All are built here rather than in ``framework_rules.py`` so that the content
of this feature stays in one place; ``RuleBuilder`` only dispatches to them.
"""

from __future__ import annotations

from typing import Any, Protocol

from app.content.framework_conditions import DECISION, Scope
from app.content.framework_spec import (
    Category,
    Condition,
    Level,
    MarginalCondition,
    WorstCaseRecommendationsRule,
    WorstCaseReleaseRule,
    WorstCaseScopeRule,
)
from app.content.yaml_source import MarkedDict
from app.model.forms import FormSet


class RuleBuilder(Protocol):
    """What these builders use of ``app.content.framework_rules.RuleBuilder`` (named here, not
    imported, so the two modules do not import each other)."""

    forms: FormSet
    levels: tuple[Level, ...]
    categories: tuple[Category, ...]

    def fail(self, node: MarkedDict, key: str | None, message: str) -> None: ...

    def condition(self, node: MarkedDict, key: str, scope: Scope) -> Condition | None: ...

    def depends_on(self, *paths: str, quoted: bool = True) -> set[str]: ...

    def _common(self, item: MarkedDict, stage: str, depends: set[str],
                when: Condition | None | bool = False) -> dict[str, Any]: ...

SCOPE_TABLE = "pre_deployment.worst_case_scope"
RESULTS_TABLE = "pre_deployment.worst_case_results"
RELEASE_FIELD = "header.model.release_type"
RECOMMENDATIONS_TABLE = "pre_deployment.worst_case_recommendations"
RECOMMENDATIONS_MADE = "pre_deployment.worst_case_elicitation.recommendations_made"
RECOMMENDATION_FIELDS = ("recommendation", "decision", "reason_declined")
SCOPE_FIELDS = ("category", "scope", "exclusion_reason", "level_reached", "marginal_risk", "basis")
"""Fields of a scope row the scope rule reads (record-relative)."""
RESULT_FIELDS = ("category", "ft_score", "name", "threshold", "ft_ci_high")
"""Fields of a results row it reads: the scores, and the bound and threshold the basis is compared with."""


def build_scope_rule(builder: RuleBuilder, item: MarkedDict) -> WorstCaseScopeRule | None:
    if not _tables_exist(builder, item):
        return None
    wanted = item.get("categories", "tracked")
    known = {c.id for c in builder.categories}
    if wanted == "tracked":
        categories = tuple(c.id for c in builder.categories if c.status == "tracked")
    elif wanted == "all":
        categories = tuple(c.id for c in builder.categories)
    else:
        unknown = [c for c in wanted if c not in known]
        if unknown:
            builder.fail(item, "categories", f"no category {unknown[0]!r}; categories are {', '.join(sorted(known))}")
            return None
        categories = tuple(wanted)
    paths = [f"{SCOPE_TABLE}[].{f}" for f in SCOPE_FIELDS] + [f"{RESULTS_TABLE}[].{f}" for f in RESULT_FIELDS]
    depends = builder.depends_on(SCOPE_TABLE, RESULTS_TABLE, *paths)
    return WorstCaseScopeRule(**builder._common(item, "pre_deployment", depends), categories=categories)


def build_release_rule(builder: RuleBuilder, item: MarkedDict) -> WorstCaseReleaseRule | None:
    if not _tables_exist(builder, item):
        return None
    level_ids = [level.id for level in builder.levels]
    if item["at_least"] not in level_ids:
        builder.fail(item, "at_least", f"{item['at_least']!r} is not a level of this framework "
                                       f"({', '.join(level_ids)})")
        return None
    release_spec = builder.forms.field(RELEASE_FIELD) if builder.forms.has_field(RELEASE_FIELD) else None
    if release_spec is None:
        builder.fail(item, "kind", f"rules of kind 'worst_case_release' read {RELEASE_FIELD!r}, which the forms "
                                   f"no longer define")
        return None
    bad = [r for r in item["release"] if r not in release_spec.option_ids()]
    if bad:
        builder.fail(item, "release", f"{bad[0]!r} is not an option of {RELEASE_FIELD} "
                                      f"({', '.join(release_spec.option_ids())})")
        return None
    requires: list[MarginalCondition] = []
    marginal = item.get("marginal_risk")
    if marginal is not None:
        for entry in marginal["requires"]:
            holder = MarkedDict({"condition": entry["condition"]})
            holder.mark = entry.value_marks.get("condition", entry.mark)
            holder.key_marks, holder.value_marks = {}, {"condition": holder.mark}
            condition = builder.condition(holder, "condition", Scope("record", SCOPE_TABLE))
            if condition is None:
                return None
            requires.append(MarginalCondition(" ".join(entry["label"].split()), condition))
    paths = [f"{SCOPE_TABLE}[].{f}" for f in ("category", "scope", "level_reached")]
    depends = builder.depends_on(SCOPE_TABLE, RELEASE_FIELD, DECISION, *paths)
    for requirement in requires:
        depends |= requirement.condition.depends
    return WorstCaseReleaseRule(**builder._common(item, "deployment_decision", depends),
                                at_least=str(item["at_least"]), release=tuple(item["release"]),
                                marginal_allowed=marginal is not None, marginal_requires=tuple(requires))


def build_recommendations_rule(builder: RuleBuilder, item: MarkedDict) -> WorstCaseRecommendationsRule | None:
    paths = (RECOMMENDATIONS_TABLE, RECOMMENDATIONS_MADE,
             *(f"{RECOMMENDATIONS_TABLE}[].{f}" for f in RECOMMENDATION_FIELDS))
    missing = [p for p in paths if not builder.forms.has_field(p)]
    if missing:
        builder.fail(item, "kind", f"rules of kind 'worst_case_recommendations' read {missing[0]!r}, which the "
                                   f"forms no longer define; restore the field or drop the rule")
        return None
    depends = builder.depends_on(SCOPE_TABLE, *paths)
    return WorstCaseRecommendationsRule(**builder._common(item, "pre_deployment", depends))


def _tables_exist(builder: RuleBuilder, item: MarkedDict) -> bool:
    missing = [t for t in (SCOPE_TABLE, RESULTS_TABLE) if not builder.forms.has_field(t)]
    if missing:
        builder.fail(item, "kind", f"rules of kind {item['kind']!r} read {missing[0]!r}, which the forms no "
                                   f"longer define; restore the table or drop the rule")
        return False
    return True
