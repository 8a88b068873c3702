"""Validation of a whole assessment: forms, conditions and the framework's vocabulary."""

from __future__ import annotations

from functools import cache

from app.content.conditions import Conditions
from app.content.forms import load_forms
from app.content.frameworks import vocabulary_for
from app.model.document import Document
from app.model.validate import Problem, validate


@cache
def default_conditions() -> Conditions:
    return Conditions(load_forms())


def problems(doc: Document) -> list[Problem]:
    forms = load_forms()
    framework = doc.get("header.framework")
    vocabulary = vocabulary_for(framework if isinstance(framework, str) else None)
    return validate(doc, forms, vocabulary, default_conditions().applies_fn(doc))
