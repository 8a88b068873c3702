"""Compile and vet the CEL conditions of framework rules, once, at load time.

A condition that would fail on every assessment (a typo in a field path, a
level the framework does not have, comparing a level rank with text) is a
mistake in the framework file, so it is reported with the file position when
the file loads instead of surfacing later as a puzzling finding.

What a condition can see (documented for framework authors in
``schemas/README.md``):

- every non-table value by path, e.g. ``header.model.release_type``,
  ``deployment_decision.scheming_considered`` (empty values are ``null``,
  dates are ``'YYYY-MM-DD'`` text);
- ``deploying``: true when the decision is deploy or deploy with restrictions,
  false for the other decisions, ``null`` while no decision is recorded;
- ``security``: the rank of ``deployment_decision.security_level`` on the
  framework's security ladder (0 = lowest), ``null`` if empty;
- ``levels`` and ``security_levels``: rank by level id (``levels.high``,
  ``levels['asl-3']``);
- ``determinations``: the determinations, each as ``d`` below;
- in ``for_each: determination`` rules, ``d`` with ``d.id``, ``d.category``
  (the framework's category id), ``d.tracked`` (false for a research
  category), ``d.pre`` and ``d.post`` (ranks, ``null`` if
  empty or not on the scale), ``d.pre_level``, ``d.post_level`` and
  ``d.basis``;
- in rules over a table (``where``, ``any_record``), ``record`` with the
  record's fields (``record.elicitation.scaffolding``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from app.content.expressions import cel

from app.content.forms import STAGES
from app.content.framework_spec import Condition
from app.model.fast_dataclass import dataclass
from app.model.forms import FieldSpec, FormSet

DOCUMENT_NAMES = frozenset(STAGES) | {"deploying", "security", "levels", "security_levels", "determinations"}
DETERMINATION_KEYS = ("id", "category", "tracked", "pre", "post", "pre_level", "post_level", "basis")
DETERMINATIONS_TABLE = "pre_deployment.determinations"
DECISION = "deployment_decision.decision"
SECURITY_LEVEL = "deployment_decision.security_level"

_STAGE_PATH = re.compile(r"(?<![\w.'\"])(" + "|".join(STAGES) + r")((?:\.[a-z_][a-z0-9_]*)*)")
_RECORD_PATH = re.compile(r"(?<![\w.])record((?:\.[a-z_][a-z0-9_]*)+)")
_DET_KEY = re.compile(r"(?<![\w.])d\.([a-z_][a-z0-9_]*)")
_LEVEL_KEY = re.compile(r"(?<![\w.])(levels|security_levels)(?:\.([a-z0-9_]+)|\[\s*['\"]([^'\"]+)['\"]\s*\])")

_DERIVED_DEPENDS = {
    "deploying": {DECISION},
    "security": {SECURITY_LEVEL},
    "determinations": {DETERMINATIONS_TABLE},
    "d": {DETERMINATIONS_TABLE},
}


class ConditionProblem(ValueError):
    """Why an expression cannot be used; the loader adds the file position."""


@dataclass(frozen=True)
class Scope:
    """Where a condition runs: ``document``, ``determination`` or ``record`` (of ``table``)."""

    kind: str = "document"
    table: str | None = None
    returns: str = "bool"
    """``bool`` for conditions, ``number`` for rubric measures (a bool counts as 0 or 1)."""

    @property
    def names(self) -> frozenset[str]:
        if self.kind == "determination":
            return DOCUMENT_NAMES | {"d"}
        if self.kind == "record":
            return DOCUMENT_NAMES | {"record"}
        return DOCUMENT_NAMES


def compile_condition(expression: str, scope: Scope, forms: FormSet, levels: Iterable[str],
                      security_levels: Iterable[str], sample: dict[str, Any]) -> Condition:
    """Compile ``expression`` for ``scope`` or raise ConditionProblem."""
    try:
        program = cel.compile(expression)
    except (ValueError, RuntimeError) as error:
        raise ConditionProblem(_first_line(error)) from None
    names = tuple(sorted(program.variables()))
    unknown = [name for name in names if name not in scope.names]
    if unknown:
        raise ConditionProblem(f"unknown name {unknown[0]!r}; conditions here may use "
                               f"{', '.join(sorted(scope.names))}")
    depends: set[str] = set()
    for name in names:
        depends |= _DERIVED_DEPENDS.get(name, set())
    depends |= _stage_paths(expression, forms)
    if scope.kind == "record" and scope.table:
        depends |= _record_paths(expression, forms, scope.table)
    _check_keys(expression, set(levels), set(security_levels))
    _trial(program, expression, names, sample, scope)
    return Condition(expression, program, names, frozenset(depends))


def expression_paths(expression: str, forms: FormSet, table: str | None = None) -> set[str]:
    """The field paths an expression reads (stage paths, and ``record.…`` fields of ``table``)."""
    found = _stage_paths(expression, forms)
    if table is not None:
        found |= _record_paths(expression, forms, table)
    return found


def run(condition: Condition, context: dict[str, Any]) -> Any:
    """Evaluate with only the names the program reads; CEL errors propagate as TypeError/KeyError."""
    return condition.program.execute({name: context[name] for name in condition.names})


_CEL_POSITION = re.compile(r"^(\d+):(\d+):\s*")


def _first_line(error: Exception) -> str:
    """The useful line of a CEL error, with its position put in words."""
    text = str(error).strip()
    lines = [line for line in text.splitlines() if line.strip()]
    detail = next((line for line in lines if "ERROR" in line), lines[0] if lines else text)
    detail = detail.split("ERROR: <input>:", 1)[-1].strip()
    position = _CEL_POSITION.match(detail)
    if position:
        detail = f"at character {position.group(2)} of the expression: {detail[position.end():]}"
    return detail


def _stage_paths(expression: str, forms: FormSet) -> set[str]:
    found: set[str] = set()
    for match in _STAGE_PATH.finditer(expression):
        stage, rest = match.group(1), match.group(2)
        path = stage + rest
        if not rest:
            found.add(stage)
            continue
        spec = _longest_field(forms, path)
        if spec is None:
            raise ConditionProblem(f"no field {path!r} in the forms")
        if spec.is_table:
            raise ConditionProblem(f"{spec.path!r} is a table; conditions see tables only through "
                                   f"'determinations', or use a rule with a table and 'record'")
        found.add(spec.path)
    return found


def _record_paths(expression: str, forms: FormSet, table: str) -> set[str]:
    found: set[str] = set()
    for match in _RECORD_PATH.finditer(expression):
        relative = match.group(1)[1:]
        spec = _longest_field(forms, f"{table}[].{relative}")
        if spec is None or spec.table != table:
            choices = sorted(s.path.split("[].", 1)[1] for s in forms.record_leaves(table))
            raise ConditionProblem(f"records of {table} have no field {relative!r}; "
                                   f"they have {', '.join(choices)}")
        found.add(spec.path)
    return found


def _longest_field(forms: FormSet, path: str) -> FieldSpec | None:
    parts = path.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if forms.has_field(candidate):
            spec = forms.field(candidate)
            # A leaf ends the path; anything after it is a CEL method, not a field.
            if end == len(parts) or spec.is_leaf or spec.is_table:
                return spec
            return None
    return None


def _check_keys(expression: str, levels: set[str], security_levels: set[str]) -> None:
    for match in _DET_KEY.finditer(expression):
        if match.group(1) not in DETERMINATION_KEYS:
            raise ConditionProblem(f"a determination has no {match.group(1)!r}; "
                                   f"use {', '.join(DETERMINATION_KEYS)}")
    for match in _LEVEL_KEY.finditer(expression):
        ladder, key = match.group(1), match.group(2) or match.group(3)
        known = levels if ladder == "levels" else security_levels
        if key not in known:
            raise ConditionProblem(f"{ladder} has no level {key!r}; this framework's are "
                                   f"{', '.join(sorted(known))}")


def _trial(program: Any, expression: str, names: tuple[str, ...], sample: dict[str, Any],
           scope: Scope) -> None:
    """Run once on a filled-in sample so type mistakes show at load time."""
    context = dict(sample)
    if scope.kind == "record" and scope.table:
        context["record"] = sample["records"].get(scope.table, {})
    try:
        result = program.execute({name: context[name] for name in names})
    except (TypeError, ValueError, KeyError, RuntimeError) as error:
        raise ConditionProblem(f"cannot be evaluated: {_first_line(error)}") from None
    if scope.returns == "bool" and not isinstance(result, bool):
        raise ConditionProblem(f"must give true or false, but gives {type(result).__name__}")
    if scope.returns == "number" and not isinstance(result, (bool, int, float)):
        raise ConditionProblem(f"must give a number between 0 and 1, but gives {type(result).__name__}")
