"""Evaluate the forms' ``applies_when`` conditions against a document.

Conditions are CEL, compiled once per form set. A field applies when its own
condition and those of every enclosing group and table hold. A condition that
fails to evaluate (a value of an unexpected type) counts as *applies*: showing a
field that might not be needed is better than hiding one that is.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.content.expressions import cel

from app.model.document import Document, Record
from app.model.forms import FieldSpec, FormSet
from app.model.paths import Address


class Conditions:
    def __init__(self, forms: FormSet) -> None:
        self._forms = forms
        self._programs = {spec.path: cel.compile(spec.applies_when)
                          for spec in forms.all_fields() if spec.applies_when}
        self._reads = {path: tuple(program.variables()) for path, program in self._programs.items()}
        """The variables each program reads: only those are passed, because CEL converts every variable it
        is given on every call (the whole form context costs ~0.5 ms a call; what one condition reads, µs)."""
        self._context: dict[str, Any] | None = None
        self._context_of: int | None = None
        self.leaves = outside_tables(forms)
        self._empty_records: dict[str, dict[str, None]] = {}
        self._chains: dict[str, tuple[tuple[str, bool], ...]] = {}
        """Per field path: (path, is in a table) of itself and each enclosing group and table that has a
        condition, innermost first — worked out once (a large report asks ~11,000 times, mostly for fields
        with no condition anywhere up their chain)."""

    def context(self, doc: Document) -> dict[str, Any]:
        """All non-table values as nested mappings, empties as null."""
        root: dict[str, Any] = {stage: {} for stage in self._forms.stages}
        fill(root, doc, self.leaves)
        return root

    def applies(self, doc: Document, spec: FieldSpec, record: Record | None = None,
                context: dict[str, Any] | None = None) -> bool:
        chain = self._chains.get(spec.path)
        if chain is None:
            chain = self._chains[spec.path] = tuple((s.path, s.table is not None) for s in self._enclosing(spec)
                                                    if s.path in self._programs)
        if not chain:
            return True
        context = context if context is not None else self.context(doc)
        for path, in_table in chain:
            program = self._programs[path]
            reads = self._reads[path]
            scope = {name: context[name] for name in reads if name in context}
            if record is not None and in_table and "record" in reads:
                scope["record"] = {**self._empty_record(spec.table),
                                   **{k: _cel_value(v.data) for k, v in record.values.items()}}
            try:
                if program.execute(scope) is False:
                    return False
            except (RuntimeError, TypeError, ValueError):
                continue
        return True

    def _empty_record(self, table: str | None) -> dict[str, None]:
        """Every field of a record of ``table``, empty: a value the record does not hold yet reads as null,
        as an empty field outside tables does (a new row has none: ``record.decision in [...]`` must not fail)."""
        if table is None:
            return {}
        empty = self._empty_records.get(table)
        if empty is None:
            prefix = f"{table}[]."
            empty = self._empty_records[table] = {leaf.path.removeprefix(prefix): None
                                                  for leaf in self._forms.record_leaves(table)}
        return empty

    def applies_fn(self, doc: Document):  # type: ignore[no-untyped-def]
        """A callback for ``app.model.validate`` with the context computed once."""
        context = self.context(doc)

        def applies(spec: FieldSpec, record: Record | None) -> bool:
            return self.applies(doc, spec, record, context)
        return applies

    def _enclosing(self, spec: FieldSpec) -> list[FieldSpec]:
        chain = [spec]
        path = spec.path
        while "." in path:
            path = path.rsplit(".", 1)[0]
            candidate = path.removesuffix("[]")
            if self._forms.has_field(candidate):
                chain.append(self._forms.field(candidate))
        return chain


Leaf = tuple[tuple[str, ...], str, str, bool]
"""A leaf outside tables: (the names enclosing it, its own name, its path, read straight from the values)."""


def outside_tables(forms: FormSet) -> tuple[Leaf, ...]:
    """The forms' leaves outside tables, in the forms' order, each split once (not on every context)."""
    leaves = []
    for spec in forms.leaves():
        if spec.table is not None:
            continue
        *parents, leaf = spec.path.split(".")
        try:
            direct = Address.parse(spec.path) == Address(spec.path)
        except ValueError:
            direct = False  # ``doc.get`` says what is wrong with the path, as before
        leaves.append((tuple(parents), leaf, spec.path, direct))
    return tuple(leaves)


def fill(root: dict[str, Any], doc: Document, leaves: tuple[Leaf, ...]) -> None:
    """Put each leaf's value (``doc.get(path)``, dates as ISO text) into ``root``'s nested mappings."""
    values = doc.values
    for parents, leaf, path, direct in leaves:
        node = root
        for part in parents:
            node = node.setdefault(part, {})
        if direct:  # ``doc.get`` of a plain path is ``doc.values.get(path)``'s data
            value = values.get(path)
            data = None if value is None else value.data
        else:
            data = doc.get(path)
        node[leaf] = _cel_value(data)


def _cel_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value
