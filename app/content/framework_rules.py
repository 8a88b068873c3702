"""Build the rules, expected documents and rubric of a framework file.

Each rule kind names the fields it reads; every one is looked up in the forms
here, and each rule records the paths it depends on so that a re-check after
an edit runs only the rules the edit can change.
"""

from __future__ import annotations

import difflib
from typing import Any, Protocol

from app.content.errors import ContentError
from app.content.forms import STAGES
from app.content.framework_conditions import (
    DECISION,
    DETERMINATIONS_TABLE,
    ConditionProblem,
    Scope,
    compile_condition,
    expression_paths,
)
from app.content.framework_spec import (
    CalendarCadenceRule,
    Category,
    Citation,
    CommitmentRule,
    ComputeCadenceRule,
    Condition,
    ConditionRule,
    CoverageRule,
    EvidenceRule,
    ExpectedDocument,
    Level,
    MajorUpdateRule,
    ReportingDeadlineRule,
    Requirement,
    Rule,
    ScoreItem,
    ScorePart,
    ScoreSection,
)
from app.content.framework_worst_case import build_recommendations_rule, build_release_rule, build_scope_rule
from app.content.yaml_source import MarkedDict, MarkedList
from app.model.forms import FieldSpec, FormSet



class FrameworkReading(Protocol):
    """What the rule builder needs from the framework reader (``frameworks``): where to report, how to cite."""

    name: str
    forms: FormSet
    errors: list[ContentError]

    def fail(self, node: MarkedDict, key: str | None, message: str) -> None: ...

    def cite(self, node: MarkedDict) -> Citation: ...

DOCUMENTS_TABLE = "deployment_decision.documents"
CHECKPOINT_FIELDS = ("training.checkpoints", "training.checkpoints[].effective_compute_flop",
                     "training.checkpoints[].evaluated", "training.checkpoints[].name")
REASSESSMENT_FIELDS = ("deployment.reassessments", "deployment.reassessments[].date",
                       "deployment_decision.decision_date", "header.assessment_date", DECISION)
UPDATE_FIELDS = ("deployment.updates", "deployment.updates[].major", "deployment.updates[].date",
                 "deployment.updates[].name", "deployment.reassessments[].date",
                 "deployment_decision.decision_date", DECISION)
_DEFAULT_SEVERITY = {"evidence": "missing_evidence", "coverage": "missing_evidence",
                     "compute_cadence": "violation", "calendar_cadence": "violation",
                     "reassess_before_major_update": "violation", "reporting_deadline": "violation",
                     "condition": "violation", "commitment": "violation", "worst_case_scope": "missing_evidence",
                     "worst_case_release": "violation", "worst_case_recommendations": "missing_evidence"}
_SAMPLE = {"text": "x", "markdown": "x", "integer": 1, "number": 1.0, "flop": 1.0e25,
           "date": "2025-01-01", "framework": "x", "boolean": True}


def rows(table: str) -> str:
    """Dependency on a table's rows only (records added, removed or moved), not their values."""
    return f"{table}[]"


class RuleBuilder:
    def __init__(self, reader: FrameworkReading, levels: tuple[Level, ...],
                 security: tuple[Level, ...], categories: tuple[Category, ...]) -> None:
        self.reader, self.forms = reader, reader.forms
        self.levels, self.security, self.categories = levels, security, categories
        self.sample = self._sample()

    # -- helpers -------------------------------------------------------------
    def fail(self, node: MarkedDict, key: str | None, message: str) -> None:
        self.reader.fail(node, key, message)

    def field(self, node: MarkedDict, key: str, path: str, index: int | None = None) -> FieldSpec | None:
        """The form field ``path`` names, or None after reporting where it was named."""
        if self.forms.has_field(path):
            return self.forms.field(path)
        known = [spec.path for spec in self.forms.all_fields()]
        close = difflib.get_close_matches(path, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        items = node[key] if index is not None else None
        if index is not None and isinstance(items, MarkedList):
            line, column = items.item_marks[index]
            self.reader.errors.append(ContentError(self.reader.name, line, column,
                                                   f"no field {path!r} in the forms{hint}"))
        else:
            self.fail(node, key, f"no field {path!r} in the forms{hint}")
        return None

    def condition(self, node: MarkedDict, key: str, scope: Scope) -> Condition | None:
        expression = node.get(key)
        if expression is None:
            return None
        try:
            return compile_condition(expression, scope, self.forms, (lv.id for lv in self.levels),
                                     (lv.id for lv in self.security), self.sample)
        except ConditionProblem as problem:
            self.fail(node, key, f"{key}: {problem}")
            return None

    def _fixed_paths(self, node: MarkedDict, paths: tuple[str, ...]) -> set[str]:
        """Check the paths a rule kind reads exist; return them as dependencies."""
        for path in paths:
            if not self.forms.has_field(path):
                self.fail(node, "kind", f"rules of kind {node['kind']!r} read {path!r}, which the forms "
                                        f"no longer define; restore the field or drop the rule")
        return self.depends_on(*paths)

    def depends_on(self, *paths: str, quoted: bool = True) -> set[str]:
        """Dependencies for reading ``paths``: a table by its rows, a table field with the table's
        rows, any other field as itself; with ``quoted``, also the table's title field, which
        messages quote."""
        found: set[str] = set()
        for path in paths:
            spec = self.forms.field(path) if self.forms.has_field(path) else None
            if spec is None:
                found.add(path)
            elif spec.is_table:
                found |= {rows(path), *(self._title(path) if quoted else ())}
            elif spec.table is not None:
                found |= {path, rows(spec.table), *(self._title(spec.table) if quoted else ())}
            else:
                found.add(path)
            if spec is not None:
                found |= self._applies_depends(spec)
        return found

    def _applies_depends(self, spec: FieldSpec) -> set[str]:
        """What the forms' ``applies_when`` conditions on the field and its enclosures read."""
        found: set[str] = set()
        path = spec.path
        while True:
            candidate = path.removesuffix("[]")
            if self.forms.has_field(candidate):
                enclosing = self.forms.field(candidate)
                if enclosing.applies_when:
                    try:
                        found |= expression_paths(enclosing.applies_when, self.forms, enclosing.table)
                    except ConditionProblem:
                        found.add(candidate.split(".", 1)[0])  # depend on the whole stage instead
            if "." not in path:
                return found
            path = path.rsplit(".", 1)[0]

    def _title(self, table: str) -> set[str]:
        title = self.forms.field(table).title_field
        return {f"{table}[].{title}"} if title else set()

    def _sample(self) -> dict[str, Any]:
        """A fully filled-in context, for trying conditions out at load time."""
        roots: dict[str, Any] = {stage: {} for stage in STAGES}
        records: dict[str, dict[str, Any]] = {}
        category = self.categories[0].id if self.categories else "x"
        for spec in self.forms.leaves():
            value = self._sample_value(spec, category)
            if spec.table is None:
                target, parts = roots, spec.path.split(".")
            else:
                target, parts = records.setdefault(spec.table, {}), spec.path.split("[].", 1)[1].split(".")
            for part in parts[:-1]:
                target = target.setdefault(part, {})
            target[parts[-1]] = value
        first = self.levels[0].id if self.levels else "x"
        determination = {"id": "det-1", "category": category, "tracked": True, "pre": 0, "post": 0,
                         "pre_level": first,
                         "post_level": first, "basis": "reached"}
        return {**roots, "deploying": True, "security": 0, "records": records,
                "levels": {lv.id: lv.rank for lv in self.levels},
                "security_levels": {lv.id: lv.rank for lv in self.security},
                "determinations": [determination], "d": determination}

    def _sample_value(self, spec: FieldSpec, category: str) -> Any:
        if spec.type == "enum":
            return spec.options[0].id
        if spec.type == "category":
            return category
        if spec.type == "level":
            ladder = self.security if spec.ladder == "security" else self.levels
            return ladder[0].id if ladder else "x"
        return _SAMPLE.get(spec.type, "x")

    # -- documents -----------------------------------------------------------
    def documents(self, items: list[MarkedDict]) -> tuple[ExpectedDocument, ...]:
        kinds = self._document_kinds()
        found: list[ExpectedDocument] = []
        for item in items:
            if kinds is not None and item["kind"] not in kinds:
                self.fail(item, "kind", f"{item['kind']!r} is not a document kind of the forms "
                                        f"({', '.join(kinds)})")
            found.append(ExpectedDocument(item["kind"], item["title"], " ".join(item["description"].split()),
                                          self.reader.cite(item)))
        return tuple(found)

    def _document_kinds(self) -> tuple[str, ...] | None:
        path = f"{DOCUMENTS_TABLE}[].kind"
        return self.forms.field(path).option_ids() if self.forms.has_field(path) else None

    # -- rules ---------------------------------------------------------------
    def rules(self, items: list[MarkedDict]) -> tuple[Rule, ...]:
        built: list[Rule] = []
        seen: set[str] = set()
        for item in items:
            if item["id"] in seen:
                self.fail(item, "id", f"rule id {item['id']!r} is used twice")
            seen.add(item["id"])
            rule = getattr(self, "_" + item["kind"])(item)
            if rule is not None:
                built.append(rule)
        order = {stage: index for index, stage in enumerate(STAGES)}
        return tuple(sorted(built, key=lambda r: order.get(r.stage, len(order))))

    def _common(self, item: MarkedDict, stage: str, depends: set[str],
                when: Condition | None | bool = False) -> dict[str, Any]:
        """Fields every rule has; ``when`` is compiled here unless the caller already did."""
        if when is False:
            when = self.condition(item, "when", Scope())
        if isinstance(when, Condition):
            depends |= when.depends
        return {"id": item["id"], "title": " ".join(item["title"].split()), "citation": self.reader.cite(item),
                "stage": stage, "severity": item.get("severity", _DEFAULT_SEVERITY[item["kind"]]),
                "when": when, "depends": frozenset(depends)}

    def _evidence(self, item: MarkedDict) -> EvidenceRule | None:
        specs = [self.field(item, "fields", path, i) for i, path in enumerate(item["fields"])]
        if any(spec is None for spec in specs):
            return None
        for spec in specs:
            assert spec is not None
            if spec.is_group:
                leaves = ", ".join(child.id for child in spec.fields)
                self.fail(item, "fields", f"{spec.path!r} is a group; name its fields ({leaves})")
                return None
        tables = {spec.table or (spec.path if spec.is_table else None) for spec in specs if spec}
        table = next(iter(tables)) if len(tables) == 1 else None
        where = None
        if "where" in item:
            if table is None:
                self.fail(item, "where", "'where' filters table records, so every field must be in one table")
                return None
            where = self.condition(item, "where", Scope("record", table))
        depends = self.depends_on(*(spec.path for spec in specs if spec))
        if where is not None:
            depends |= where.depends
        stage = specs[0].path.split(".", 1)[0] if specs[0] else "header"
        return EvidenceRule(**self._common(item, stage, depends), fields=tuple(item["fields"]),
                            where=where, table=table)

    def _coverage(self, item: MarkedDict) -> CoverageRule | None:
        spec = self.field(item, "table", item["table"])
        if spec is None:
            return None
        if not spec.is_table or not self.forms.has_field(f"{spec.path}[].category"):
            self.fail(item, "table", f"{spec.path!r} is not a table with a category field")
            return None
        wanted = item.get("categories", "tracked")
        known = {c.id for c in self.categories}
        if wanted == "tracked":
            categories = tuple(c.id for c in self.categories if c.status == "tracked")
        elif wanted == "all":
            categories = tuple(c.id for c in self.categories)
        else:
            unknown = [c for c in wanted if c not in known]
            if unknown:
                self.fail(item, "categories", f"no category {unknown[0]!r}; categories are {', '.join(sorted(known))}")
                return None
            categories = tuple(wanted)
        where = self.condition(item, "where", Scope("record", spec.path))
        depends = {rows(spec.path), f"{spec.path}[].category"} | (where.depends if where else set())
        return CoverageRule(**self._common(item, spec.path.split(".", 1)[0], depends), table=spec.path,
                            categories=categories, where=where)

    def _compute_cadence(self, item: MarkedDict) -> ComputeCadenceRule:
        depends = self._fixed_paths(item, CHECKPOINT_FIELDS)
        return ComputeCadenceRule(**self._common(item, "training", depends),
                                  max_ratio=float(item["max_ratio"]))

    def _calendar_cadence(self, item: MarkedDict) -> CalendarCadenceRule:
        depends = self._fixed_paths(item, REASSESSMENT_FIELDS)
        return CalendarCadenceRule(**self._common(item, "deployment", depends),
                                   max_months=int(item["max_months"]))

    def _reassess_before_major_update(self, item: MarkedDict) -> MajorUpdateRule:
        depends = self._fixed_paths(item, UPDATE_FIELDS)
        return MajorUpdateRule(**self._common(item, "deployment", depends))

    def _reporting_deadline(self, item: MarkedDict) -> ReportingDeadlineRule | None:
        """``from``, ``to`` and ``by`` name fields of the table's records; each must exist with
        the type the check reads, and every key of ``max_days`` must be an option of ``by``."""
        spec = self.field(item, "table", item["table"])
        if spec is None:
            return None
        if not spec.is_table:
            self.fail(item, "table", f"{spec.path!r} is not a table; name a table such as 'deployment.incidents'")
            return None
        wanted = {"from": ("date", "a date"), "to": ("date", "a date")}
        if "by" in item:
            wanted["by"] = ("enum", "a choice (enum)")
        if "within_hours" in item:
            wanted |= {"from_time": ("text", "a text (HH:MM)"), "to_time": ("text", "a text (HH:MM)")}
        fields: dict[str, FieldSpec] = {}
        for key, (kind, kind_text) in wanted.items():
            field = self._record_field(item, key, spec, kind)
            if field is None:
                continue
            if field.type != kind:
                suitable = self._record_fields_of(spec, kind)
                self.fail(item, key, f"{key!r} needs {kind_text} field of {spec.path}; {item[key]!r} is a "
                                     f"{field.type} field" + (f" (its {kind} fields: {suitable})" if suitable else ""))
                continue
            fields[key] = field
        if "from" in fields and "to" in fields and fields["from"].path == fields["to"].path:
            self.fail(item, "to", f"'from' and 'to' both name {item['to']!r}; the clock needs two different dates")
            return None
        if len(fields) < len(wanted):
            return None
        max_days: MarkedDict | dict[str, int] = item.get("max_days", {})
        if "by" in fields:
            by = fields["by"]
            unknown = [option for option in max_days if option not in by.option_ids()]
            for option in unknown:
                line, column = max_days.key_marks.get(option, max_days.mark)  # type: ignore[union-attr]
                self.reader.errors.append(ContentError(
                    self.reader.name, line, column,
                    f"{option!r} is not an option of {by.path} ({', '.join(by.option_ids())})"))
            if unknown:
                return None
        where = self.condition(item, "where", Scope("record", spec.path))
        if "where" in item and where is None:
            return None
        depends = self.depends_on(*(field.path for field in fields.values()))
        if where is not None:
            depends |= where.depends
        return ReportingDeadlineRule(
            **self._common(item, spec.path.split(".", 1)[0], depends), table=spec.path,
            start=str(item["from"]), end=str(item["to"]), by=str(item.get("by", "")),
            max_days=tuple((str(option), int(days)) for option, days in max_days.items()),
            noun=" ".join(item.get("noun", "record").split()), where=where,
            within_days=item.get("within_days"), within_hours=item.get("within_hours"),
            start_time=str(item.get("from_time", "")), end_time=str(item.get("to_time", "")))

    def _condition(self, item: MarkedDict) -> ConditionRule | None:
        """``require`` must hold for the assessment, or for each record of ``table`` that ``where`` picks."""
        table = None
        if "table" in item:
            spec = self.field(item, "table", item["table"])
            if spec is None:
                return None
            if not spec.is_table:
                self.fail(item, "table", f"{spec.path!r} is not a table")
                return None
            table = spec.path
        scope = Scope("record", table) if table else Scope()
        require = self.condition(item, "require", scope)
        where = self.condition(item, "where", scope) if table else None
        if require is None or ("where" in item and where is None):
            return None
        depends = set(require.depends) | (set(where.depends) if where else set())
        if table:
            depends |= {rows(table), *self._title(table)}
        paths = sorted(p for p in require.depends if "[]" not in p) or [table or "header"]
        stage = (table or paths[0]).split(".", 1)[0]
        return ConditionRule(**self._common(item, stage, depends), require=require, table=table, where=where,
                             noun=" ".join(item.get("noun", "record").split()))

    def _record_field(self, item: MarkedDict, key: str, table: FieldSpec, kind: str) -> FieldSpec | None:
        """The field of ``table``'s records that ``item[key]`` names, or None after saying which exist."""
        name = str(item[key])
        path = f"{table.path}[].{name}"
        if self.forms.has_field(path) and self.forms.field(path).is_leaf:
            return self.forms.field(path)
        leaves = self.forms.record_leaves(table.path)
        suitable = [leaf.path.split("[].", 1)[1] for leaf in leaves if leaf.type == kind]
        others = [leaf.path.split("[].", 1)[1] for leaf in leaves if leaf.type != kind]
        close = difflib.get_close_matches(name, suitable, n=1) or difflib.get_close_matches(name, others, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"its {kind} fields: {self._record_fields_of(table, kind)}"
        self.fail(item, key, f"{table.path} records have no field {name!r}; {hint}")
        return None

    def _record_fields_of(self, table: FieldSpec, kind: str) -> str:
        return ", ".join(leaf.path.split("[].", 1)[1] for leaf in self.forms.record_leaves(table.path)
                         if leaf.type == kind)

    def _worst_case_scope(self, item: MarkedDict) -> Rule | None:
        return build_scope_rule(self, item)  # app/content/framework_worst_case.py

    def _worst_case_release(self, item: MarkedDict) -> Rule | None:
        return build_release_rule(self, item)

    def _worst_case_recommendations(self, item: MarkedDict) -> Rule | None:
        return build_recommendations_rule(self, item)

    def _commitment(self, item: MarkedDict) -> CommitmentRule | None:
        per_determination = item.get("for_each") == "determination"
        when = self.condition(item, "when", Scope("determination" if per_determination else "document"))
        requires = self._requirements(item, "requires")
        forbids = self._requirements(item, "forbids")
        if when is None or requires is None or forbids is None:
            return None
        depends = set(when.depends) | ({DETERMINATIONS_TABLE} if per_determination else set())
        for requirement in requires + forbids:
            depends.add(requirement.field or DOCUMENTS_TABLE)
            if requirement.kind == "document":
                depends.add(f"{DOCUMENTS_TABLE}[].kind")
        first = (requires + forbids)[0]
        stage = (first.field or DOCUMENTS_TABLE).split(".", 1)[0]
        return CommitmentRule(**self._common(item, stage, depends, when), per_determination=per_determination,
                              timing=item.get("timing", "always"), requires=requires, forbids=forbids)

    def _requirements(self, item: MarkedDict, key: str) -> tuple[Requirement, ...] | None:
        found: list[Requirement] = []
        ok = True
        for node in item.get(key, []):
            requirement = self._requirement(node)
            if requirement is None:
                ok = False
            else:
                found.append(requirement)
        return tuple(found) if ok else None

    def _requirement(self, node: MarkedDict) -> Requirement | None:
        if "document" in node:
            kinds = self._document_kinds()
            if kinds is not None and node["document"] not in kinds:
                self.fail(node, "document", f"{node['document']!r} is not a document kind of the forms "
                                            f"({', '.join(kinds)})")
                return None
            return Requirement("document", document=node["document"])
        spec = self.field(node, "field", node["field"])
        if spec is None:
            return None
        if not spec.is_leaf or spec.table is not None:
            self.fail(node, "field", f"{spec.path!r} must be a single field outside tables")
            return None
        if "at_least" in node:
            if spec.type != "level" or spec.ladder != "security":
                self.fail(node, "at_least", f"'at_least' compares security levels; {spec.path!r} is not one")
                return None
            if node["at_least"] not in {lv.id for lv in self.security}:
                self.fail(node, "at_least", f"{node['at_least']!r} is not a security level of this framework "
                                            f"({', '.join(lv.id for lv in self.security)})")
                return None
            return Requirement("at_least", field=spec.path, level=node["at_least"])
        if "filled" in node:
            return Requirement("filled", field=spec.path)
        kind = "in" if "in" in node else "not_in"
        values = tuple(node[kind])
        if spec.type == "enum":
            bad = [v for v in values if v not in spec.option_ids()]
            if bad:
                self.fail(node, kind, f"{bad[0]!r} is not an option of {spec.path} "
                                      f"({', '.join(spec.option_ids())})")
                return None
        elif spec.type == "boolean" and not all(isinstance(v, bool) for v in values):
            self.fail(node, kind, f"{spec.path} is yes/no; list true or false")
            return None
        return Requirement(kind, field=spec.path, values=values)

    # -- rubric --------------------------------------------------------------
    def score(self, node: MarkedDict | None, rules: tuple[Rule, ...]) -> tuple[ScoreSection, ...]:
        if node is None:
            return ()
        rule_ids = {rule.id: rule for rule in rules}
        sections: list[ScoreSection] = []
        for section in node["sections"]:
            total = sum(float(item["points"]) for item in section["items"])
            if total <= 0:
                self.fail(section, "items", "the items of a section need some points between them")
                continue
            items = []
            for item in section["items"]:
                if item["stage"] not in STAGES:
                    self.fail(item, "stage", f"{item['stage']!r} is not a stage ({', '.join(STAGES)})")
                parts = tuple(p for p in (self._part(part, rule_ids) for part in item["parts"]) if p)
                depends = frozenset().union(*(p.depends for p in parts)) if parts else frozenset()
                items.append(ScoreItem(
                    id=item["id"], title=" ".join(item["title"].split()), points=float(item["points"]),
                    value=float(section["weight"]) * float(item["points"]) / total, stage=item["stage"],
                    citation=self.reader.cite(item), reading=" ".join(item.get("reading", "").split()),
                    parts=parts, depends=depends))
            sections.append(ScoreSection(section["id"], section["title"], float(section["weight"]),
                                         tuple(items)))
        total_weight = sum(s.weight for s in sections)
        if sections and abs(total_weight - 100) > 1e-9:
            self.fail(node, "sections", f"section weights add up to {total_weight:g}, not 100")
        return tuple(sections)

    def _part(self, node: MarkedDict, rules: dict[str, Rule]) -> ScorePart | None:
        weight = float(node.get("weight", 1.0))
        label = " ".join(node["label"].split())
        if "filled" in node:
            specs = [self.field(node, "filled", path, i) for i, path in enumerate(node["filled"])]
            if any(spec is None for spec in specs):
                return None
            return ScorePart(label, "filled", weight, fields=tuple(node["filled"]),
                             depends=frozenset(self.depends_on(*node["filled"], quoted=False)))
        if "rules" in node:
            unknown = [r for r in node["rules"] if r not in rules]
            if unknown:
                self.fail(node, "rules", f"no rule {unknown[0]!r} in this framework")
                return None
            depends = frozenset().union(*(rules[r].depends for r in node["rules"]))
            return ScorePart(label, "rules", weight, rules=tuple(node["rules"]), depends=depends)
        if "expression" in node:
            condition = self.condition(node, "expression", Scope(returns="number"))
            if condition is None:
                return None
            return ScorePart(label, "expression", weight, expression=condition, depends=condition.depends)
        spec = self.field(node, "table", node["table"])
        if spec is None:
            return None
        if not spec.is_table:
            self.fail(node, "table", f"{spec.path!r} is not a table")
            return None
        if "covers" in node:
            known = {c.id for c in self.categories}
            unknown = [c for c in node["covers"] if c not in known]
            if unknown:
                self.fail(node, "covers", f"no category {unknown[0]!r}; categories are {', '.join(sorted(known))}")
                return None
            return ScorePart(label, "covers", weight, table=spec.path, categories=tuple(node["covers"]),
                             depends=frozenset({rows(spec.path), f"{spec.path}[].category"}))
        key = "any_record" if "any_record" in node else "all_records"
        conditions: list[Condition] = []
        labels: list[str] = []
        entries = node[key]
        for index, entry in enumerate(entries):
            expression = entry["condition"] if isinstance(entry, dict) else entry
            labels.append(" ".join(entry["label"].split()) if isinstance(entry, dict) else entry)
            holder = MarkedDict({key: expression})
            holder.mark = entry.value_marks["condition"] if isinstance(entry, MarkedDict) else entries.item_marks[index]
            holder.key_marks, holder.value_marks = {}, {key: holder.mark}
            condition = self.condition(holder, key, Scope("record", spec.path))
            if condition is None:
                return None
            conditions.append(condition)
        return ScorePart(label, key, weight, table=spec.path, conditions=tuple(conditions),
                         condition_labels=tuple(labels),
                         depends=frozenset({rows(spec.path)}.union(*(c.depends for c in conditions))))
