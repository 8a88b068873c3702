"""Each CEL condition sees its stages cut down to the paths it reads, and ``levels``/``security_levels``/``d``
to the keys it reads (``Facts.context_for``, ``keys_read``), and checks say exactly what they say with the
whole context: every framework, every finding and message, every score."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.checks import check, commitments, framework_ids, load_framework
from app.checks.engine import shared_index
from app.checks.facts import Facts
from app.content.forms import load_forms
from app.interchange.examples import EXAMPLES, example_document, large_document
from app.model.document import Document
from app.portfolio.synthetic import write_portfolio
from app.store.file import AssessmentFile


def _results(document: Document) -> list[dict]:  # type: ignore[type-arg]
    return [check(document, load_framework(framework_id)).to_json() for framework_id in framework_ids()]


def _same_with_the_whole_context(document: Document, monkeypatch: pytest.MonkeyPatch) -> None:
    cut = _results(document)
    with monkeypatch.context() as whole:
        whole.setattr(Facts, "context_for", lambda facts, _condition: facts.context)
        whole.setattr(commitments, "keys_read", lambda _condition, _name: None)  # each determination's d whole
        full = _results(document)
    assert cut == full


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_bundled_examples(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _same_with_the_whole_context(example_document(kind), monkeypatch)


def test_the_large_example_an_empty_one_and_a_generated_portfolio(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _same_with_the_whole_context(large_document(), monkeypatch)
    _same_with_the_whole_context(Document(), monkeypatch)
    for path in write_portfolio(tmp_path, 5, size="small", start=date(2025, 3, 1)):
        with AssessmentFile.open(path, mode="read") as assessment:
            _same_with_the_whole_context(assessment.document, monkeypatch)


def test_the_cut_context_leaves_the_whole_one_unchanged() -> None:
    document = large_document()
    for framework_id in framework_ids():
        facts = Facts(document, load_framework(framework_id), shared_index(load_forms()))
        whole = repr(facts.context)
        for rule in facts.framework.rules:
            for condition in (getattr(rule, "when", None), getattr(rule, "require", None)):
                if condition is not None:
                    facts.context_for(condition)
        assert repr(facts.context) == whole, framework_id


def test_a_field_applies_as_its_carrier_does() -> None:
    """Outside a record, ``Facts.applies`` answers once per carrier (the innermost field with a condition of
    its own) what the forms' conditions answer for every field."""
    index = shared_index(load_forms())
    for document in (large_document(), example_document(), Document()):
        facts = Facts(document, load_framework(framework_ids()[0]), index)
        for spec in index.forms.all_fields():
            expected = index.conditions.applies(document, spec, None, facts.form_context)
            assert facts.applies(spec) == expected, spec.path
