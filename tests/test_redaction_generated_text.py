"""Detectors read what people wrote (issue 11 item 8): `scan` and the export gate agree.

With the EU code, a most-capable model and an assessment dated 2027-06-01,
the report itself writes "2027-06-01 (6-month cadence)" and chart ticks such
as "2026-08 2026-11", which the phone-number detector matches. Nobody typed
them, `scan` shows no flag, so they must not refuse the export. Detector hits
in what assessors wrote must still be found in the finished bytes of every
format when the gate before them is bypassed, and let through once dismissed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.content.forms import load_forms
from app.content.report_layout import load_styles
from app.export import audience as audience_filter
from app.export.formats import writer_for
from app.export.pipeline import build_for_audience
from app.interchange.examples import example_document
from app.model.document import Document, SetValue, Value
from app.model.paths import Address
from app.redaction import default_detectors
from app.session.export import export_file
from app.session.flags import FlagStore
from app.store import AssessmentFile

FORMATS = ("pdf", "md", "html", "json", "docx")


@pytest.fixture(scope="module")
def eu_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    doc = example_document()
    doc.apply(SetValue(Address("header.framework"), "eu-gpai-cop-safety-security"))
    doc.apply(SetValue(Address("header.model.most_capable"), True))
    doc.apply(SetValue(Address("header.assessment_date"), date(2027, 6, 1)))
    path = tmp_path_factory.mktemp("eu") / "eu.rwa"
    with AssessmentFile.create(path, doc) as file:
        assert FlagStore(file).rescan_all() == []  # what `riskwright scan` shows: no flag at all
    return path


@pytest.mark.parametrize("fmt", FORMATS)
def test_generated_dates_and_ticks_do_not_refuse_an_export_that_scan_shows_clear(
        eu_file: Path, tmp_path: Path, fmt: str) -> None:
    output = tmp_path / f"eu.public.{fmt}"
    exported = export_file(eu_file, "public", fmt, output)
    assert exported.path == output and output.stat().st_size > 0
    if fmt == "md":  # the generated text the phone-number detector matched is there, and allowed
        assert "2027-06-01 (6-month cadence)" in output.read_text(encoding="utf-8")


def _planted() -> tuple[Document, set[str]]:
    """A small assessment whose public summary holds one example hit of every detector."""
    doc = Document()
    doc.values["header.model.name"] = Value("Halcyon-3")
    examples = [spec.examples_match[0] for spec in default_detectors().specs if spec.examples_match]
    doc.values["training.summary"] = Value("Notes:\n\n" + "\n\n".join(examples))
    written = {hit.detector.id for hit in audience_filter.filtered(doc, "public", load_forms()).authored.hits}
    return doc, written


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_detector_hit_an_assessor_wrote_is_found_in_the_finished_bytes_until_dismissed(
        tmp_path: Path, fmt: str) -> None:
    doc, written = _planted()
    assert len(written) == len(default_detectors().specs)  # one hit per detector, all bound for the public
    report = build_for_audience(doc, "public")
    view = audience_filter.filtered(doc, "public", load_forms())
    path = tmp_path / f"planted.{fmt}"
    path.write_bytes(writer_for(fmt, load_styles()).write(report))
    hits = audience_filter.leak_hits(view, report, fmt, path, path.name)
    found = {line.rsplit("(from detector ", 1)[1].rstrip(")") for line in hits if "(from detector " in line}
    assert found == written
    assert view.authored is not None
    dismissed = {(hit.detector.id, hit.normalised) for hit in view.authored.hits}
    assert audience_filter.leak_hits(view, report, fmt, path, path.name, dismissed) == []


def test_the_flags_remembered_between_gate_and_scan_follow_every_kind_of_edit() -> None:
    """The gate and the finished-file scan of one export share one whole-document scan; any change to
    the document, however it is made, must make the next question scan again (else a flag is missed)."""
    from app.model.document import InsertRecord, Record, SetRecordSensitivity, SetSensitivity
    from app.model.sensitivity import Sensitivity
    from app.redaction import load_audiences
    from app.redaction.authored import document_hits

    forms, detectors, audiences = load_forms(), default_detectors(), load_audiences()
    doc = Document()
    doc.values["training.summary"] = Value("Nothing to see.")

    def found() -> set[str]:
        return {hit.matched for hit in document_hits(doc, forms, detectors, audiences)}

    assert found() == set()
    doc.apply(SetValue(Address("training.summary"), "We asked about sarin."))
    assert found() == {"sarin"}
    doc.values["training.summary"].data = "In place: tabun."  # a value changed without an edit
    assert found() == {"tabun"}
    doc.apply(SetSensitivity(Address("training.summary"), Sensitivity.HAZARDOUS))
    assert found() == set()
    record = Record("ev-1", {"name": Value("Soman probe")})
    doc.apply(InsertRecord("pre_deployment.evaluations", 0, record))
    assert found() == {"Soman"}
    doc.apply(SetRecordSensitivity("pre_deployment.evaluations", "ev-1", Sensitivity.HAZARDOUS))
    assert found() == set()
    doc.tables["pre_deployment.evaluations"][0].values["description"] = Value("ricin")
    assert found() == set()  # inside a hazardous record: still nothing, but scanned again
    doc.tables["pre_deployment.evaluations"][0].sensitivity = None
    assert found() == {"Soman", "ricin"}
