"""What the rules read from one document, worked out at most once per check.

Rules never touch the document directly for derived things (level ranks, the
CEL context, record titles); they ask a ``Facts``, whose properties are
computed lazily, so a re-check after one edit pays only for what the re-run
rules actually read.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cached_property
from typing import Any

from app.content.conditions import Conditions, fill
from app.content.framework_conditions import DECISION, DETERMINATIONS_TABLE, SECURITY_LEVEL
from app.content.framework_spec import Category, Condition, Framework, Level
from app.model.document import Document, Record
from app.model.fast_dataclass import dataclass
from app.model.forms import FieldSpec, FormSet
from app.model.labelled import Labelled, derived, fixed, join, quoted, template
from app.model.paths import Address
from app.model.sensitivity import Sensitivity
from app.model.spans import has_span_markup
from app.model.validate import effective_sensitivity
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
        self._carriers: dict[str, FieldSpec] = {}
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

    def carrier(self, spec: FieldSpec) -> FieldSpec:
        """The field whose own ``applies_when`` is the innermost one over ``spec``: ``spec`` itself or the
        nearest enclosing field that has one (``spec`` when none has). Outside a record, whether ``spec``
        applies is whether its carrier does: the carrier's conditions are exactly the rest of ``spec``'s."""
        known = self._carriers.get(spec.path)
        if known is None:
            known, path = spec, spec.path
            while "." in path and not known.applies_when:
                path = path.rsplit(".", 1)[0].removesuffix("[]")
                if self.forms.has_field(path):
                    known = self.forms.field(path)
            if not known.applies_when:
                known = spec
            self._carriers[spec.path] = known
        return known


FilledCounts = dict[tuple[str, str], int]
"""(table, name inside its records) → how many of the table's records have that answer filled."""


class Facts:
    def __init__(self, doc: Document, framework: Framework, index: FormIndex, messages: bool = True,
                 filled: FilledCounts | None = None) -> None:
        self.doc, self.framework, self.index = doc, framework, index
        self.messages = messages
        """False for a counts-only check (``app.checks.check_counts``): the rules that find hundreds of
        things (required evidence, coverage, the rubric's items) skip writing their messages and use
        ``UNSAID``; severities, and so counts, statuses and scores, are worked out exactly as always."""
        self._titles: dict[tuple[str, str], Labelled] = {}
        self._categories: dict[Any, Category | None] = {}
        self._contexts: dict[int, tuple[Condition, dict[str, Any]]] = {}
        self._applies: dict[str, bool] = {}
        self._filled: FilledCounts = {} if filled is None else filled
        """Counted answers (``filled_in``); given, it is shared with other checks of this same document."""

    def filled_in(self, table: str, relative: str) -> int:
        """How many records of ``table`` have their ``relative`` answer filled (``filled``), counted once per
        check — or once for every check of the document sharing the counts: the portfolio's row runs its
        regimes' checks and the rubric's over one unchanged document, and they count the same columns of a
        large evaluations table."""
        key = (table, relative)
        known = self._filled.get(key)
        if known is None:
            known = 0
            for record in self.doc.records(table):  # filled(record.get(relative)), without two calls per record
                value = record.values.get(relative)
                if value is not None:
                    data = value.data
                    if data is not None and (not isinstance(data, str) or data.strip()):
                        known += 1
            self._filled[key] = known
        return known

    def category(self, category_id: Any) -> Category | None:
        """``framework.category(category_id)``, remembered: coverage rules ask it of every record."""
        try:
            return self._categories[category_id]
        except KeyError:
            found = self._categories[category_id] = self.framework.category(category_id)
            return found
        except TypeError:  # not an id at all (unhashable): the framework says what it makes of it
            return self.framework.category(category_id)

    # -- the CEL context -----------------------------------------------------
    @cached_property
    def context(self) -> dict[str, Any]:
        roots: dict[str, Any] = {stage: {} for stage in self.index.forms.stages}
        fill(roots, self.doc, self.index.conditions.leaves)
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

    def context_for(self, condition: Condition) -> dict[str, Any]:
        """``context`` with each stage the condition names cut down to the paths it reads (``depends``).

        CEL converts every value it is given on each run, and a stage's mapping holds every answer of the
        stage (long texts included): ~40 µs a run for ``deployment_decision``, most of a check's CEL time.
        ``depends`` names every stage path the expression spells (a path inside a field's value, a method on
        it or an index after it reads the field; a stage used as a whole reads all of it), so the values the
        program can reach are the same. A test holds whole checks to the full context's findings.
        """
        known = self._contexts.get(id(condition))
        if known is not None and known[0] is condition:
            return known[1]
        full = self.context
        cut = dict(full)
        for stage, inside in _stage_plan(condition, self.index.forms.stages):
            root = full.get(stage)
            if inside is None or not isinstance(root, dict):
                continue
            cut[stage] = _subtrees(root, inside)
        for name in ("levels", "security_levels"):
            keys = keys_read(condition, name)
            if keys is not None and isinstance(full.get(name), dict):
                cut[name] = {key: rank for key, rank in full[name].items() if key in keys}
        self._contexts[id(condition)] = (condition, cut)
        return cut

    @cached_property
    def form_context(self) -> dict[str, Any]:
        return self.index.conditions.context(self.doc)

    def applies(self, spec: FieldSpec, record: Record | None = None) -> bool:
        if not self.index.conditional(spec):
            return True
        if record is not None:
            return self.index.conditions.applies(self.doc, spec, record, self.form_context)
        # Outside a record the answer is its carrier's, asked once per check: the fields of a conditional
        # group (17 worst-case fields under one condition) share it, and each asking runs CEL over a stage.
        carrier = self.index.carrier(spec)
        known = self._applies.get(carrier.path)
        if known is None:
            known = self._applies[carrier.path] = self.index.conditions.applies(self.doc, carrier, None,
                                                                                self.form_context)
        return known

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
        return {**self.context_for(condition), "record": scoped} if _needs_document(condition) else {"record": scoped}

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

    def describe_determination(self, det: Determination) -> Labelled:
        """``det-1 (Cybersecurity: pre-mitigation High, post-mitigation Medium, forecast to reach)``."""
        table, record = DETERMINATIONS_TABLE, det.record
        parts = [template("pre-mitigation {level}", level=self.level_text(det, "pre_mitigation_level", det.pre)),
                 template("post-mitigation {level}", level=self.level_text(det, "post_mitigation_level", det.post))]
        if det.basis:
            parts.append(self.quote(f"{table}[].basis", record,
                                    self.index.option_label(f"{table}[].basis", det.basis).lower()))
        return template("{id} ({category}: {levels})", id=self.record_id(table, record),
                        category=self.category_text(det), levels=join(", ", parts))

    def category_text(self, det: Determination) -> Labelled:
        """The determination's category as messages name it: its label, or what was typed."""
        path = f"{DETERMINATIONS_TABLE}[].category"
        if det.category is not None:
            return self.quote(path, det.record, det.category.label)
        if det.record.get("category") is None:
            return fixed("no category")
        return self.quote(path, det.record)

    def level_text(self, det: Determination, field: str, level: Level | None) -> Labelled:
        """A determination's level by the name its category gives it (which name depends on the category too)."""
        path = f"{DETERMINATIONS_TABLE}[].{field}"
        if level is not None:
            step = det.category.step(level.id) if det.category else None
            return derived(step.label if step else level.label, self.label(path, det.record),
                           self.label(f"{DETERMINATIONS_TABLE}[].category", det.record))
        raw = det.record.get(field)
        if raw is None:
            return fixed("empty")
        return template("{raw} (not a level of this framework)", raw=self.quote(path, det.record, repr(raw)))

    def unusable_levels(self, det: Determination) -> list[Labelled]:
        """Why a determination's levels cannot be compared: empty, or not on this framework's scale."""
        scale = fixed(" < ".join(level.id for level in self.framework.levels))
        found = []
        for key, side in (("pre_mitigation_level", "pre-mitigation"), ("post_mitigation_level", "post-mitigation")):
            raw = det.record.get(key)
            if raw is None:
                found.append(template("its {side} level is empty", side=fixed(side)))
            elif self.framework.level(raw) is None:
                found.append(template("its {side} level {raw} is not on this framework's scale ({scale})",
                                      side=fixed(side), scale=scale,
                                      raw=self.quote(f"{DETERMINATIONS_TABLE}[].{key}", det.record, repr(raw))))
        return found

    def empty_inputs(self, condition: Condition, det: Determination | None = None) -> list[Labelled]:
        """The inputs a condition reads that are empty (or unusable), named for a person."""
        empty: list[Labelled] = []
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
                empty.append(fixed(f"{self.index.label(path)} is empty"))
        return empty

    # -- records and labels --------------------------------------------------
    def record_label(self, table: str, record: Record) -> Sensitivity:
        """How sensitive a record is as a whole (its id and every value in it are at least this)."""
        forms = self.index.forms
        if not forms.has_field(table):
            return Sensitivity.HAZARDOUS
        own = effective_sensitivity(forms.field(table).sensitivity, record.sensitivity, record.sensitivity_reason)
        return Sensitivity.HAZARDOUS if has_span_markup(record.id) else own

    def label(self, path: str, record: Record | None = None) -> Sensitivity:
        """The effective sensitivity of the value at ``path`` (inside ``record`` for a table field).

        The form's default, raised (or, with a reason, lowered) by the assessor,
        at least the record's; hazardous for a field the forms do not know and
        for text holding hazard-span markup, whatever its own label says.
        """
        forms = self.index.forms
        if not forms.has_field(path):
            return Sensitivity.HAZARDOUS
        spec = forms.field(path)
        if record is None:
            value = self.doc.value(path)
        else:
            value = record.values.get(path.split("[].", 1)[1]) if "[]." in path else None
        own = spec.sensitivity if value is None else effective_sensitivity(
            spec.sensitivity, value.sensitivity, value.sensitivity_reason)
        if value is not None and isinstance(value.data, str) and has_span_markup(value.data):
            own = Sensitivity.HAZARDOUS
        if record is not None and spec.table is not None:
            own = max(own, self.record_label(spec.table, record))
        return own

    def quote(self, path: str, record: Record | None = None, text: str | None = None,
              empty: str = "empty") -> Labelled:
        """The value at ``path`` as a message quotes it (``text``, or its display form), labelled."""
        if text is None:
            data = record.get(path.split("[].", 1)[1]) if record is not None else self.doc.get(path)
            text = empty if data is None else self.index.option_label(path, data)
        return quoted(text, self.label(path, record), self.address(path, record))

    def record_id(self, table: str, record: Record) -> Labelled:
        """A record's id, as sensitive as the record."""
        return quoted(record.id, self.record_label(table, record), f"{table}[{record.id}]")

    def title(self, table: str, record: Record) -> Labelled:
        """The record as messages name it: ``ckpt-7 (h3-step-300k)``, each part labelled (cached)."""
        key = (table, record.id)
        known = self._titles.get(key)
        if known is None:
            known = self._titles[key] = self._title(table, record)
        return known

    def _title(self, table: str, record: Record) -> Labelled:
        spec = self.index.spec(table)
        title = record.get(spec.title_field) if spec.title_field else None
        if title is None:
            return self.record_id(table, record)
        path = f"{table}[].{spec.title_field}"
        shown = format_value(self.index.spec(path).type, title)
        return template("{id} ({title})", id=self.record_id(table, record), title=self.quote(path, record, shown))

    def record_title(self, table: str, record: Record) -> Labelled:
        return self.title(table, record)

    def day(self, path: str, record: Record | None = None) -> Labelled:
        """A date value in ISO form, labelled (the caller knows it is a date)."""
        data = record.get(path.split("[].", 1)[1]) if record is not None else self.doc.get(path)
        return self.quote(path, record, data.isoformat() if isinstance(data, date) else str(data))

    def address(self, path: str, record: Record | None = None) -> str:
        return str(Address(path, record.id if record else None))


_KEYED = re.compile(r"(?<![\w.'\"])(d|levels|security_levels)(?:\.([a-z0-9_]+)|\[\s*['\"]([^'\"]+)['\"]\s*\])")
_NAMED = re.compile(r"(?<![\w.'\"])(d|levels|security_levels)\b")
_KEYS: dict[tuple[str, str], frozenset[str] | None] = {}


def keys_read(condition: Condition, name: str) -> frozenset[str] | None:
    """The keys of the mapping ``name`` (``d``, ``levels``, ``security_levels``) the condition reads, when
    every mention of the name is a key read (``d.pre``, ``levels['asl-3']``); None when the name is used any
    other way (as a whole, with a key worked out, as a macro's variable), or not at all: pass it whole."""
    source = condition.source
    remembered = _KEYS.get((source, name), ())
    if remembered != ():
        return remembered  # type: ignore[return-value]
    mentions = sum(1 for match in _NAMED.finditer(source) if match.group(1) == name)
    keyed = [match.group(2) or match.group(3) for match in _KEYED.finditer(source) if match.group(1) == name]
    found = frozenset(keyed) if mentions and len(keyed) == mentions else None
    _KEYS[(source, name)] = found
    return found


_Plan = tuple[tuple[str, tuple[tuple[str, ...], ...] | None], ...]
_PLANS: dict[int, tuple[Condition, _Plan]] = {}


def _stage_plan(condition: Condition, stages: tuple[str, ...] | list[str]) -> _Plan:
    """Per stage the condition names: the paths inside it that it reads, none inside another, or None when
    it reads the stage as a whole (or no path of it is known). Worked out once per condition."""
    known = _PLANS.get(id(condition))
    if known is not None and known[0] is condition:
        return known[1]
    plan: list[tuple[str, tuple[tuple[str, ...], ...] | None]] = []
    for name in condition.names:
        if name not in stages:
            continue
        inside = sorted({tuple(path.split(".")[1:]) for path in condition.depends
                         if "[]" not in path and path.split(".", 1)[0] == name}, key=len)
        if not inside or () in inside:
            plan.append((name, None))
            continue
        kept: list[tuple[str, ...]] = []
        for parts in inside:
            if not any(parts[:len(shorter)] == shorter for shorter in kept):
                kept.append(parts)
        plan.append((name, tuple(kept)))
    _PLANS[id(condition)] = (condition, tuple(plan))
    return tuple(plan)


def _subtrees(root: dict[str, Any], inside: tuple[tuple[str, ...], ...]) -> dict[str, Any]:
    """A new mapping holding only ``root``'s entries at the paths ``inside`` (each as it is in ``root``); the
    mappings on the way are new ones, so ``root`` is never changed."""
    cut: dict[str, Any] = {}
    for parts in inside:
        source, target = root, cut
        for part in parts[:-1]:
            nested = source.get(part)
            if not isinstance(nested, dict):
                break
            source, target = nested, target.setdefault(part, {})
        else:
            if parts[-1] in source:
                target[parts[-1]] = source[parts[-1]]
    return cut


def _needs_document(condition: Condition) -> bool:
    return any(name != "record" for name in condition.names)
