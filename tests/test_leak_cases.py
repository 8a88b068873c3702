"""Issue 11's cases, each as an attacker tried it: a withheld detail must not reach a wider edition.

Each test withholds something the way an assessor would (a sensitivity raised
on a value), builds the editions through the report model and the writers, and
reads every channel of the result with the output leak scanner's readers. The
internal edition is the positive control: it must still say everything.
"""

from __future__ import annotations

from datetime import date

import pytest

from app.content.report_layout import load_styles
from app.export.formats import writer_for
from app.export.pipeline import build_for_audience
from app.interchange.examples import example_document
from app.model.document import Document, SetSensitivity, SetValue
from app.model.paths import Address
from app.model.sensitivity import Sensitivity
from app.redaction.leak_scan import html_channels, json_channels, markdown_channels, pdf_channels

HAZARDOUS = Sensitivity.HAZARDOUS
STYLES = load_styles()
READERS = {"pdf": pdf_channels, "md": markdown_channels, "html": html_channels, "json": json_channels}
TEXT_FORMATS = ("md", "html", "json")


def _channels(doc: Document, audience: str, fmt: str) -> str:
    """Every channel of the edition, as one text (JSON values as parsed, PDF text, metadata and streams)."""
    data = writer_for(fmt, STYLES).write(build_for_audience(doc, audience))
    return "\n".join(text for _, text in READERS[fmt](data))


def _raise(doc: Document, path: str, record: str | None = None, level: Sensitivity = HAZARDOUS) -> None:
    doc.apply(SetSensitivity(Address(path, record), level))


@pytest.fixture(scope="module")
def hazardous_determinations() -> Document:
    doc = example_document()
    for record in doc.records("pre_deployment.determinations"):
        _raise(doc, "pre_deployment.determinations[].category", record.id)
        _raise(doc, "pre_deployment.determinations[].pre_mitigation_level", record.id)
    _raise(doc, "pre_deployment.evaluations[].category", "ev-10")
    return doc


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_check_messages_do_not_quote_hazardous_levels_categories_or_the_records_chosen_by_them(
        hazardous_determinations: Document, fmt: str) -> None:
    quoted = ("highest pre-mitigation: High in Cybersecurity (det-1)", "Covered: Cybersecurity (det-1)",
              "Model autonomy (ev-10)")
    internal = _channels(hazardous_determinations, "internal", fmt)
    assert "highest pre-mitigation: High in Cybersecurity (det-1)" in internal
    assert "Covered: Cybersecurity (det-1)" in internal
    for audience in ("public", "reviewers"):
        text = _channels(hazardous_determinations, audience, fmt)
        for phrase in quoted:
            assert phrase not in text, (audience, phrase)
        # The verdict and the parts nobody withheld are still there.
        assert "Not triggered by any of the 4 determinations (highest pre-mitigation:" in text
        assert "Covered: Cybersecurity (ev-1), CBRN (ev-4)" in text


@pytest.fixture(scope="module")
def eu_dates_withheld() -> Document:
    """The EU code's cadence rules on the example, with late re-assessments whose dates are hazardous."""
    doc = example_document()
    doc.apply(SetValue(Address("header.framework"), "eu-gpai-cop-safety-security"))
    doc.apply(SetValue(Address("header.model.most_capable"), True))
    doc.apply(SetValue(Address("deployment.reassessments[].date", "ra-1"), date(2025, 10, 10)))
    doc.apply(SetValue(Address("header.assessment_date"), date(2027, 6, 1)))
    for record in doc.records("deployment.reassessments"):
        _raise(doc, "deployment.reassessments[].date", record.id)
    _raise(doc, "deployment_decision.decision_date")
    return doc


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_cadence_messages_do_not_quote_hazardous_dates_or_dates_worked_out_from_them(
        eu_dates_withheld: Document, fmt: str) -> None:
    withheld = ("2025-08-12", "2026-02-16", "2026-08-16", "2025-10-10")
    internal = _channels(eu_dates_withheld, "internal", fmt)
    assert "none dated between 2025-08-12 and 2025-10-07" in internal
    assert "since the previous re-assessment ra-5 on 2026-02-16; one was due by 2026-08-16" in internal
    for audience in ("public", "reviewers"):
        text = _channels(eu_dates_withheld, audience, fmt)
        for day in withheld:
            assert day not in text, (audience, day)
        assert "had no re-assessment before it" in text


def test_a_satisfied_calendar_cadence_does_not_quote_a_hazardous_decision_date() -> None:
    doc = example_document()
    doc.apply(SetValue(Address("header.framework"), "eu-gpai-cop-safety-security"))
    doc.apply(SetValue(Address("header.model.most_capable"), True))
    _raise(doc, "deployment_decision.decision_date")
    internal = _channels(doc, "internal", "md")
    assert "since deployment on 2025-08-12" in internal
    for audience in ("public", "reviewers"):
        assert "2025-08-12" not in _channels(doc, audience, "md")


def test_a_hazardous_framework_is_not_named_in_any_format() -> None:
    doc = example_document()
    _raise(doc, "header.framework")
    names = ("Preparedness Framework", "openai-preparedness-beta", "OpenAI")
    for fmt in ("pdf", *TEXT_FORMATS):
        assert "Preparedness Framework" in _channels(doc, "internal", fmt)
        for audience in ("public", "reviewers"):
            text = _channels(doc, audience, fmt)
            for name in names:
                assert name not in text, (fmt, audience, name)


@pytest.mark.parametrize("marking", ["raised", "span"])
def test_the_suggested_file_name_shows_the_model_name_only_to_an_audience_that_may_see_it(marking: str) -> None:
    from app.export.file_names import report_file_name
    doc = example_document()
    if marking == "raised":
        doc.apply(SetValue(Address("header.model.name"), "Orca"))
        _raise(doc, "header.model.name")
    else:
        doc.apply(SetValue(Address("header.model.name"), "[[hazard:cyber]]Orca[[/hazard]]"))
    assert report_file_name(doc, "internal", "report", ".pdf", "assessment") == "Orca — internal report.pdf"
    for audience in ("public", "reviewers"):
        assert report_file_name(doc, audience, "report", ".md", "assessment") == f"assessment — {audience} report.md"
    doc.apply(SetValue(Address("header.model.name"), "Halcyon-3/mini"))
    doc.apply(SetSensitivity(Address("header.model.name"), None))
    assert report_file_name(doc, "public", "report", ".md", "x") == "Halcyon-3-mini — public report.md"


def test_the_export_dialog_does_not_suggest_a_hazardous_model_name_for_the_public_file(
        example_file, open_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from app.store import AssessmentFile
    from app.ui.export_dialog import ExportDialog
    with AssessmentFile.open(example_file) as assessment:
        assessment.apply(SetValue(Address("header.model.name"), "Orca"))
        assessment.apply(SetSensitivity(Address("header.model.name"), HAZARDOUS))
    window = open_window()
    dialog = ExportDialog(window.workspace, window)
    qtbot.addWidget(dialog)
    for audience in ("public", "reviewers", "internal"):
        dialog.set_audience(audience)
        dialog.suggest_path()
        shown = "Orca" in dialog.path.text()
        assert shown == (audience == "internal"), (audience, dialog.path.text())
