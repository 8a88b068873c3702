"""The report model: built once per audience, from the filtered copy for anyone but internal."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.content.conditions import Conditions
from app.export.build import ReportRefused, Revision, Withholding, build_report
from app.export.charts import EvaluationSpec, ScorecardSpec, TimelineSpec
from app.export.pipeline import build_for_audience
from app.export.report import Chart, DataTable, FieldGroup, RecordTable, Report
from app.export.report_text import report_texts
from app.interchange.examples import example_document
from app.model.canonical import revision_hash
from app.model.spans import parse_spans


@pytest.fixture(scope="module")
def doc():
    return example_document()


@pytest.fixture(scope="module")
def internal(doc) -> Report:
    return build_for_audience(doc, "internal")


@pytest.fixture(scope="module")
def public(doc) -> Report:
    return build_for_audience(doc, "public")


def _blocks(report: Report, kind: type) -> Iterator:
    for section in report.sections:
        for block in section.blocks:
            if isinstance(block, kind):
                yield block


def _span_texts(doc) -> list[str]:
    found = []
    for _, value in doc.addresses():
        if isinstance(value.data, str) and "[[hazard:" in value.data:
            found += [s.text for s in parse_spans(value.data) if s.domain]
    return found


def test_sections_follow_the_layout_with_numbers_and_appendices(internal: Report, public: Report) -> None:
    assert [s.id for s in internal.sections] == [
        "summary", "header", "pre_training", "training", "pre_deployment", "worst_case", "deployment_decision",
        "deployment", "retrospective", "accountability", "compliance", "redaction_log", "revision"]
    assert [s.heading for s in internal.sections][-2:] == ["Appendix A  Redaction log", "Appendix B  Revision"]
    assert [s.id for s in public.sections][-2:] == ["redaction_summary", "revision"]
    assert internal.sections[3].heading == "4  Training"


def test_internal_report_holds_every_applicable_field(doc, forms, internal: Report) -> None:
    """Every leaf that applies is in the model: as a field, an overview column or a record entry."""
    conditions = Conditions(forms)
    shown = {e.address for g in _blocks(internal, FieldGroup) for e in g.entries}
    tables = {t.address: t for t in _blocks(internal, RecordTable)}
    for table in tables.values():
        for entry in table.entries:
            shown |= {e.address for g in entry.groups for e in g.entries}
    missing = []
    for spec in forms.leaves():
        if spec.table is None:
            if conditions.applies(doc, spec) and spec.path not in shown:
                missing.append(spec.path)
            continue
        table = tables[spec.table]
        relative = spec.path.split("[].", 1)[1]
        for record in doc.records(spec.table):
            if not conditions.applies(doc, spec, record):
                continue
            address = f"{spec.table}[{record.id}].{relative}"
            if relative not in table.column_fields and address not in shown:
                missing.append(address)
    assert missing == []


def test_hazardous_passages_are_marked_internally_and_absent_publicly(doc, internal: Report, public: Report) -> None:
    passages = _span_texts(doc)
    assert len(passages) > 10
    internal_text = "\n".join(report_texts(internal))
    public_text = "\n".join(report_texts(public))
    assert "[[hazard:cyber]]" in internal_text and "[[hazard:bio]]" in internal_text
    assert "[[hazard:" not in public_text
    for passage in passages:
        assert " ".join(passage.split()) not in " ".join(public_text.split())
    assert "[redacted: hazardous detail — cybersecurity]" in public_text
    assert "[redacted: hazardous record]" in public_text


def test_wider_audience_refuses_a_document_that_still_holds_spans(doc, forms) -> None:
    from app.content.report_layout import load_layout, load_styles
    with pytest.raises(ReportRefused, match="hazardous-span markup"):
        build_report(doc, audience="public", forms=forms, layout=load_layout(), styles=load_styles(), facts=None,
                     check=None, withholding=Withholding(), revision=Revision("0" * 64))


def test_summary_scorecard_is_coloured_by_the_framework_ladder(internal: Report) -> None:
    from app.content.report_layout import load_styles
    stops = load_styles().ladder
    scorecard = next(t for t in _blocks(internal, DataTable) if t.title == "Risk scorecard")
    by_category = {row[0].text: row for row in scorecard.rows}
    assert by_category["Cybersecurity"][1].text == "High" and by_category["Cybersecurity"][2].text == "Medium"
    low, medium, high = (by_category["Model autonomy"][1].fill, by_category["Persuasion"][1].fill,
                         by_category["Cybersecurity"][1].fill)
    assert (low, medium) == (stops[0], stops[1])
    assert high == "#f3bf8e" and len({low, medium, high}) == 3


def test_compliance_section_lists_findings_with_sources(internal: Report) -> None:
    assert internal.findings and internal.overall_status == "compliant"
    compliance = next(s for s in internal.sections if s.kind == "compliance")
    table = next(b for b in compliance.blocks if isinstance(b, DataTable))
    assert len(table.rows) == len(internal.findings)
    assert all("Preparedness Framework" in row[4].text for row in table.rows)


def test_without_an_installed_framework_there_is_no_compliance_section(doc) -> None:
    other = doc.copy()
    other.values["header.framework"].data = "no-such-framework"
    report = build_for_audience(other, "internal")
    assert report.findings is None and report.overall_status is None
    assert "compliance" not in [s.kind for s in report.sections]


def test_charts_are_built_from_the_document(internal: Report) -> None:
    charts = {c.kind: c for c in _blocks(internal, Chart)}
    assert set(charts) == {"scorecard", "evaluation_scores", "reassessment_timeline", "worst_case"}
    scorecard = charts["scorecard"].spec
    assert isinstance(scorecard, ScorecardSpec) and scorecard.levels == ("Low", "Medium", "High", "Critical")
    evaluations = charts["evaluation_scores"].spec
    assert isinstance(evaluations, EvaluationSpec)
    assert {p.category for p in evaluations.panels} == {"Cybersecurity", "CBRN", "Persuasion", "Model autonomy"}
    assert sum(len(p.points) for p in evaluations.panels) == 11
    assert len(evaluations.checkpoints) == 8
    timeline = charts["reassessment_timeline"].spec
    assert isinstance(timeline, TimelineSpec) and len(timeline.reassessments) == 5
    assert all(ok for _, _, ok in timeline.gaps[:-1])


def test_revision_hash_is_the_documents(doc, internal: Report, public: Report) -> None:
    assert internal.header.revision_hash == revision_hash(doc) == public.header.revision_hash
