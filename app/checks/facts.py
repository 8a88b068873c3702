"""What the rules read from one document, worked out at most once per check.

Rules never touch the document directly for derived things (level ranks, the
CEL context, record titles); they ask a ``Facts``, whose properties are
computed lazily, so a re-check after one edit pays only for what the re-run
rules actually read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from app.content.conditions import Conditions
from app.content.framework_conditions import DECISION, DETERMINATIONS_TABLE, SECURITY_LEVEL
from app.content.framework_spec import Category, Condition, Framework, Level
from app.model.document import Document, Record
from app.model.forms import FieldSpec, FormSet
from app.model.paths import Address
from app.model.values import format_value

DEPLOY_DECISIONS = ("deploy", "deploy_with_restrictions")


def filled(value: Any) -> bool:
    """An answer is there: whitespace-only text is as good as empty, while ``false`` is an answer."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return True


def cel_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


@dataclass(frozen=True)
class Determination:
    record: Record
    category: Category | None
    pre: Level | None
    post: Level | None
    basis: str | None
    cel: dict[str, Any]

    @property
    def address(self) -> str:
        return f"{DETERMINATIONS_TABLE}[{self.record.id}]"


class FormIndex:
    """Per-forms lookups the checks repeat on every run (labels, conditional fields)."""

    def __init__(self, forms: FormSet) -> None:
        self.forms = forms
        self.conditions = Conditions(forms)
        self._conditional: dict[str, bool] = {}
        self._record_fields: dict[tuple[str, ...], tuple[tuple[str, FieldSpec, bool], ...]] = {}

    def record_fields(self, paths: tuple[str, ...]) -> tuple[tuple[str, FieldSpec, bool], ...]:
        """(path inside the record, spec, has a condition) for table field paths, once per rule."""
        known = self._record_fields.get(paths)
        if known is None:
            known = tuple((path.split("[].", 1)[1], self.forms.field(path),
                           self.conditional(self.forms.field(path))) for path in paths)
            self._record_fields[paths] = known
        return known

    def spec(self, path: str) -> FieldSpec:
        return self.forms.field(path)

    def label(self, path: str) -> str:
        return self.forms.field(path).label if self.forms.has_field(path) else path

    def option_label(self, path: str, value: Any) -> str:
        if value is None:
            return "empty"
        if self.forms.has_field(path):
            spec = self.forms.field(path)
            if spec.type == "enum":
                return spec.option_label(str(value))
            return format_value(spec.type, value)
        return str(value)

    def conditional(self, spec: FieldSpec) -> bool:
        """Whether the field or anything enclosing it has an ``applies_when``."""
        known = self._conditional.get(spec.path)
        if known is None:
            path, known = spec.path, bool(spec.applies_when)
            while "." in path and not known:
                path = path.rsplit(".", 1)[0].removesuffix("[]")
                known = self.forms.has_field(path) and bool(self.forms.field(path).applies_when)
            self._conditional[spec.path] = known
        return known


class Facts:
    def __init__(self, doc: Document, framework: Framework, index: FormIndex) -> None:
        self.doc, self.framework, self.index = doc, framework, index
        self._titles: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {}

    # -- the CEL context -----------------------------------------------------
    @cached_property
    def context(self) -> dict[str, Any]:
        roots: dict[str, Any] = {stage: {} for stage in self.index.forms.stages}
        for spec in self.index.forms.leaves():
            if spec.table is not None:
                continue
            node = roots
            *parents, leaf = spec.path.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = cel_value(self.doc.get(spec.path))
        decision = self.doc.get(DECISION)
        security = self.framework.security_level(self.doc.get(SECURITY_LEVEL))
        return {
            **roots,
            "deploying": None if decision is None else decision in DEPLOY_DECISIONS,
            "security": None if security is None else security.rank,
            "levels": {level.id: level.rank for level in self.framework.levels},
            "security_levels": {level.id: level.rank for level in self.framework.security_levels},
            "determinations": [d.cel for d in self.determinations],
        }

    @cached_property
    def form_context(self) -> dict[str, Any]:
        return self.index.conditions.context(self.doc)

    def applies(self, spec: FieldSpec, record: Record | None = None) -> bool:
        if not self.index.conditional(spec):
            return True
        return self.index.conditions.applies(self.doc, spec, record, self.form_context)

    def record_context(self, condition: Condition, record: Record) -> dict[str, Any]:
        """``record`` holding only the fields the condition reads, which keeps CEL fast."""
        scoped: dict[str, Any] = {}
        for path in condition.depends:
            _, sep, relative = path.partition("[].")
            if not sep:
                continue
            node = scoped
            *parents, leaf = relative.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = cel_value(record.get(relative))
        return {**self.context, "record": scoped} if _needs_document(condition) else {"record": scoped}

    # -- determinations ------------------------------------------------------
    @cached_property
    def determinations(self) -> list[Determination]:
        found = []
        for record in self.doc.records(DETERMINATIONS_TABLE):
            category = self.framework.category(record.get("category"))
            pre = self.framework.level(record.get("pre_mitigation_level"))
            post = self.framework.level(record.get("post_mitigation_level"))
            basis = record.get("basis")
            found.append(Determination(record, category, pre, post, basis, {
                "id": record.id,
                "category": category.id if category else record.get("category"),
                "tracked": category is None or category.status == "tracked",
                "pre": pre.rank if pre else None, "post": post.rank if post else None,
                "pre_level": pre.id if pre else None, "post_level": post.id if post else None,
                "basis": basis,
            }))
        return found

    def describe_determination(self, det: Determination) -> str:
        """``det-1 (Cybersecurity: pre-mitigation High, post-mitigation Medium, forecast to reach)``."""
        raw_category = det.record.get("category")
        category = det.category.label if det.category else (raw_category or "no category")
        parts = [f"pre-mitigation {self._level_text(det, 'pre_mitigation_level', det.pre)}",
                 f"post-mitigation {self._level_text(det, 'post_mitigation_level', det.post)}"]
        if det.basis:
            parts.append(self.index.option_label(f"{DETERMINATIONS_TABLE}[].basis", det.basis).lower())
        return f"{det.record.id} ({category}: {', '.join(parts)})"

    def _level_text(self, det: Determination, field: str, level: Level | None) -> str:
        if level is not None:
            step = det.category.step(level.id) if det.category else None
            return step.label if step else level.label
        raw = det.record.get(field)
        return "empty" if raw is None else f"{raw!r} (not a level of this framework)"

    def unusable_levels(self, det: Determination) -> list[str]:
        """Why a determination's levels cannot be compared: empty, or not on this framework's scale."""
        scale = " < ".join(level.id for level in self.framework.levels)
        found = []
        for key, side in (("pre_mitigation_level", "pre-mitigation"), ("post_mitigation_level", "post-mitigation")):
            raw = det.record.get(key)
            if raw is None:
                found.append(f"its {side} level is empty")
            elif self.framework.level(raw) is None:
                found.append(f"its {side} level {raw!r} is not on this framework's scale ({scale})")
        return found

    def empty_inputs(self, condition: Condition, det: Determination | None = None) -> list[str]:
        """The inputs a condition reads that are empty (or unusable), named for a person."""
        empty: list[str] = []
        for path in sorted(condition.depends):
            if path == DETERMINATIONS_TABLE:
                if det is not None:
                    empty += self.unusable_levels(det)
                continue
            if "[]" in path or not self.index.forms.has_field(path):
                continue
            if not self.index.spec(path).is_leaf:
                continue
            if self.doc.get(path) is None:
                empty.append(f"{self.index.label(path)} is empty")
        return empty

    # -- records -------------------------------------------------------------
    def title(self, table: str, record: Record) -> tuple[str, tuple[str, ...]]:
        """The record as messages name it, and the address of the title value it quotes (cached)."""
        key = (table, record.id)
        known = self._titles.get(key)
        if known is None:
            known = self._titles[key] = (self.record_title(table, record), self.title_address(table, record))
        return known

    def record_title(self, table: str, record: Record) -> str:
        spec = self.index.spec(table)
        title = record.get(spec.title_field) if spec.title_field else None
        if title is None:
            return record.id
        return f"{record.id} ({format_value(self.index.spec(f'{table}[].{spec.title_field}').type, title)})"

    def title_address(self, table: str, record: Record) -> tuple[str, ...]:
        """The address of the record's title value, if the title is quoted."""
        spec = self.index.spec(table)
        if spec.title_field and record.get(spec.title_field) is not None:
            return (str(Address(f"{table}[].{spec.title_field}", record.id)),)
        return ()

    def determination_quotes(self, det: Determination) -> tuple[str, ...]:
        fields = ("category", "pre_mitigation_level", "post_mitigation_level", "basis")
        return tuple(str(Address(f"{DETERMINATIONS_TABLE}[].{f}", det.record.id)) for f in fields
                     if det.record.get(f) is not None)

    def address(self, path: str, record: Record | None = None) -> str:
        return str(Address(path, record.id if record else None))


def _needs_document(condition: Condition) -> bool:
    return any(name != "record" for name in condition.names)
