"""A counts-only check reaches the same verdicts as the full check: statuses, counts and rubric scores.

The portfolio shows statuses, counts and scores of hundreds of assessments and
never a message, so it checks without writing messages (``check_counts``);
the full check with messages stays what ``check`` and every export use. The
two must never disagree, on any installed framework.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.checks import check, check_counts, check_score, framework_ids, load_framework
from app.interchange.examples import EXAMPLES, example_document, large_document
from app.model.document import Document, Record, Value
from app.portfolio.synthetic import write_portfolio
from app.store.file import AssessmentFile


def _same_verdicts(document: Document) -> None:
    shared: dict[tuple[str, str], int] = {}  # answer counts shared by every check of the document (the portfolio)
    for framework_id in framework_ids():
        framework = load_framework(framework_id)
        full, counted = check(document, framework), check_counts(document, framework)
        assert (counted.status, counted.counts) == (full.status, full.counts), framework_id
        assert counted.score == (None if full.score is None else full.score.total), framework_id
        assert check_score(document, framework) == counted.score, framework_id  # the score alone (portfolio)
        again = check_counts(document, framework, filled=shared)
        assert (again.status, again.counts, again.score) == (counted.status, counted.counts, counted.score)
        assert check_score(document, framework, filled=shared) == counted.score, framework_id


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_bundled_examples(kind: str) -> None:
    _same_verdicts(example_document(kind))


def test_the_large_example_and_an_empty_assessment() -> None:
    _same_verdicts(large_document())
    _same_verdicts(Document())


def test_values_of_the_wrong_form() -> None:
    """Rules that cannot read a value count it as missing evidence in both modes."""
    document = example_document()
    for record in document.records("training.checkpoints"):
        record.values["effective_compute_flop"] = Value("lots")
        record.values["date"] = Value(17)
    document.tables.setdefault("pre_deployment.determinations", []).append(
        Record("det-odd", {"category": Value(["not", "a", "category"]), "pre_mitigation_level": Value(3)}))
    _same_verdicts(document)


def test_a_generated_portfolio(tmp_path: Path) -> None:
    """Varied frameworks, dates, levels and incidents, as the portfolio benchmark generates them."""
    for path in write_portfolio(tmp_path, 6, size="small", start=date(2025, 3, 1)):
        with AssessmentFile.open(path, mode="read") as assessment:
            _same_verdicts(assessment.document)


def test_a_commitment_field_of_the_wrong_form() -> None:
    """A value a commitment's message cannot show (text in a date or number field, a list, a number where text
    belongs) counts the same in both modes, for every field a commitment reads."""
    fields: set[str] = set()
    for framework_id in framework_ids():
        for rule in load_framework(framework_id).rules:
            for requirement in (*getattr(rule, "requires", ()), *getattr(rule, "forbids", ())):
                if requirement.field and "[]" not in requirement.field:
                    fields.add(requirement.field)
    assert fields
    for path in sorted(fields):
        for wrong in ("lots", 17, ["x"], date(2020, 1, 1)):
            document = example_document()
            document.values[path] = Value(wrong)
            _same_verdicts(document)


def test_a_checkpoint_of_no_compute_is_reported_not_raised() -> None:
    """A checkpoint whose effective compute is 0 (out of range, stored without validation) divided by zero in
    the compute cadence rule, which stopped a whole portfolio with a traceback: the rule now says it could
    not be applied, in both modes."""
    document = example_document()
    for record in document.records("training.checkpoints"):
        record.values["effective_compute_flop"] = Value(0.0)
        record.values["evaluated"] = Value(True)
    _same_verdicts(document)
    rubric = load_framework("risk-assessment-best-practice")
    cadence = [f for f in check(document, rubric).findings if f.rule_id == "evaluate-every-4x"]
    assert [f.severity for f in cadence] == ["missing_evidence"]
