"""Which choices a choice field offers: enum options, installed frameworks, the framework's vocabulary.

A category or level field lists what the assessment's framework defines; a
level field inside a record lists the ladder of that record's category (or all
ladders merged while no category is chosen). ``None`` means the framework does
not list the choices, and the editor lets the person type an id instead.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from app.model import Address, Document, FieldSpec
from app.model.validate import Vocabulary

Choices = list[tuple[str, str]]
"""(id, label) pairs in the order to show them."""


def readable(identifier: str) -> str:
    """``cannot_rule_out`` → ``Cannot rule out``: a label for an id that has none."""
    text = identifier.replace("_", " ")
    return text[:1].upper() + text[1:]


def field_choices(spec: FieldSpec, document: Document, record_id: str | None, vocabulary: Vocabulary,
                  labels: Mapping[str, str], framework_ids: tuple[str, ...] | list[str] = ()) -> Choices | None:
    """The choices of ``spec`` for the value at ``spec.path`` in record ``record_id``."""
    if spec.type == "enum":
        return [(o.id, o.label) for o in spec.options]
    if spec.type == "framework":
        return [(f, f) for f in framework_ids] or None
    if spec.type == "category":
        return _labelled(vocabulary.categories, labels)
    if spec.ladder == "security":
        return _labelled(vocabulary.security_levels, labels)
    return _labelled(_ladder(spec, document, record_id, vocabulary), labels)


def _ladder(spec: FieldSpec, document: Document, record_id: str | None, vocabulary: Vocabulary) -> list[str] | None:
    category = None
    if record_id is not None and spec.table is not None:
        category = document.get(Address(f"{spec.table}[].category", record_id))
    ladder = vocabulary.ladders.get(str(category)) if category else None
    if ladder is not None or not vocabulary.ladders:
        return None if ladder is None else list(ladder)
    merged: list[str] = []
    for levels in vocabulary.ladders.values():
        merged.extend(level for level in levels if level not in merged)
    return merged


def _labelled(ids: Collection[str] | None, labels: Mapping[str, str]) -> Choices | None:
    if ids is None:
        return None
    return [(i, labels.get(i, readable(i))) for i in ids]
