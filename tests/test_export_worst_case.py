"""The report section on the worst-case estimate, for the open-weights example, in every edition."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.export.pipeline import build_for_audience, write_report
from app.export.report import Chart, FieldGroup, Prose, RecordTable, Report, Section
from app.export.report_text import report_texts
from app.export.worst_case import MOVED, WorstCaseSpec
from app.interchange.examples import example_document
from app.model.document import Value
from app.model.sensitivity import Sensitivity

HAZARDS = ("Glimmerpox-7", "Zorblium", "FROBNICATE-overflow")


@pytest.fixture(scope="module")
def doc():
    return example_document("open-weights")


@pytest.fixture(scope="module")
def internal(doc) -> Report:
    return build_for_audience(doc, "internal")


@pytest.fixture(scope="module")
def public(doc) -> Report:
    return build_for_audience(doc, "public")


def _section(report: Report, section_id: str) -> Section:
    return next(s for s in report.sections if s.id == section_id)


def test_the_section_follows_pre_deployment_and_owns_the_worst_case_fields(internal: Report) -> None:
    ids = [s.id for s in internal.sections]
    assert ids.index("worst_case") == ids.index("pre_deployment") + 1
    stage = _section(internal, "pre_deployment")
    addresses = {e.address for b in stage.blocks if isinstance(b, FieldGroup) for e in b.entries}
    addresses |= {b.address for b in stage.blocks if isinstance(b, RecordTable)}
    assert not [a for a in addresses if a.startswith(MOVED)]
    worst = _section(internal, "worst_case")
    tables = [b.address for b in worst.blocks if isinstance(b, RecordTable)]
    assert tables == ["pre_deployment.worst_case_results", "pre_deployment.worst_case_scope",
                      "pre_deployment.worst_case_recommendations"]


def test_chart_plots_every_model_per_evaluation_against_the_threshold(internal: Report) -> None:
    chart = next(b for b in _section(internal, "worst_case").blocks if isinstance(b, Chart))
    spec = chart.spec
    assert isinstance(spec, WorstCaseSpec) and len(spec.rows) == 5
    first = spec.rows[0]
    assert first.evaluation == "Protocol troubleshooting set"
    assert {e.series for e in first.estimates} == {"base", "ft", "open", "closed"}
    worst = next(e for e in first.estimates if e.series == "ft")
    assert worst.ratio == pytest.approx(0.38 / 0.5) and worst.high == pytest.approx(0.49 / 0.5)
    assert first.expert == pytest.approx(0.56 / 0.5)


def test_public_edition_shows_scores_and_determinations_but_no_recipes(internal: Report, public: Report) -> None:
    public_text = "\n".join(report_texts(public))
    internal_text = "\n".join(report_texts(internal))
    for hazard in HAZARDS:
        assert hazard in internal_text and hazard not in public_text
    worst = _section(public, "worst_case")
    results = next(b for b in worst.blocks if isinstance(b, RecordTable) and b.address.endswith("results"))
    assert results.rows[0][5].text == "0.38 (0.26–0.49)"  # the fine-tuned model's score with its interval
    scope = next(b for b in worst.blocks if isinstance(b, RecordTable) and b.address.endswith("scope"))
    assert [row[1].text for row in scope.rows] == ["In scope", "In scope", "Excluded"]
    assert scope.rows[0][6].text == "No meaningful increase"
    # The reviewers agreed to be named (lowered with a reason); who made each recommendation stays internal.
    assert "Who reviewed the method" in public_text and "Bramblegate Institute (fictional)" in public_text
    recommendations = next(b for b in worst.blocks if isinstance(b, RecordTable) and b.address.endswith("mendations"))
    assert all(row[1].withheld for row in recommendations.rows)


def test_a_withheld_score_is_neither_plotted_nor_printed(doc) -> None:
    raised = doc.copy()
    record = next(r for r in raised.tables["pre_deployment.worst_case_results"] if r.id == "wcr-1")
    record.values["ft_score"] = Value(0.38, Sensitivity.INTERNAL, "a partner's unpublished number")
    report = build_for_audience(raised, "public")
    worst = _section(report, "worst_case")
    chart = next(b for b in worst.blocks if isinstance(b, Chart)).spec
    assert "ft" not in {e.series for e in chart.rows[0].estimates}
    results = next(b for b in worst.blocks if isinstance(b, RecordTable) and b.address.endswith("results"))
    assert results.rows[0][5].withheld and "0.38" not in results.rows[0][5].text


def test_without_open_weights_or_fine_tuning_the_section_says_it_does_not_apply(doc) -> None:
    closed = doc.copy()
    closed.values["header.model.release_type"] = Value("api")
    report = build_for_audience(closed, "internal")
    blocks = _section(report, "worst_case").blocks
    assert [type(b) for b in blocks] == [Prose, Prose] and blocks[1].markdown.startswith("Not applicable")


def test_public_pdf_of_the_open_weights_example_passes_the_leak_scan(doc, tmp_path: Path) -> None:
    target = tmp_path / "tern.public.pdf"
    exported = write_report(doc, "public", "pdf", target)
    assert target.exists() and exported is not None
    data = target.read_bytes()
    assert b"%PDF" in data[:8]


def test_an_open_release_without_any_worst_case_estimate_still_exports_and_says_so(doc, tmp_path: Path) -> None:
    empty = doc.copy()
    for path in [p for p in empty.values if p.startswith("pre_deployment.worst_case_elicitation.")]:
        del empty.values[path]
    for table in ("worst_case_scope", "worst_case_results", "worst_case_recommendations"):
        empty.tables[f"pre_deployment.{table}"] = []
    blocks = _section(build_for_audience(empty, "public"), "worst_case").blocks
    assert isinstance(blocks[1], Prose) and blocks[1].markdown.startswith("No worst-case estimate is recorded yet")
    target = tmp_path / "empty.public.pdf"  # an empty key-figures table once stopped the PDF writer
    write_report(empty, "public", "pdf", target)
    assert target.read_bytes()[:5] == b"%PDF-"
