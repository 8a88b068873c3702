"""The leak property on the channels that read the assessment file itself (#11 "done when").

The canaries of ``tests/leak_canaries.py`` are typed into a real assessment
file as an assessor would (value edits, raised sensitivities, a record
replaced by a withheld one holding a canary in its id and title, a dismissal
with a canary reason) after a signed revision, and then every command a
wider audience's reader gets is run for reviewers and the public:
``history --format json``, ``diff r1 current --format json``, ``scan`` and
the export's suggested file name. None may show a canary above what the
audience sees; the internal history is the positive control (it shows every
value typed).
"""

from __future__ import annotations

import json
import os
from datetime import date
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from profiles import examples

from app.cli import main
from app.content.forms import load_forms
from app.export.errors import ExportRefused
from app.export.file_names import report_file_name
from app.export.formats import FORMAT_IDS
from app.export.quarterly import Quarter
from app.session.quarterly import export_quarterly
from app.interchange.examples import example_document, write_example
from app.model import InsertRecord, RemoveRecord, SetRecordSensitivity, SetSensitivity, SetValue
from app.model.document import Record
from app.model.sensitivity import Sensitivity
from app.store import AssessmentFile, history
from app.store.signoff import load_or_create_key, sign_off
from tests.leak_canaries import SEES, WIDER, Case, Readable, cases, independent_text

EXAMPLES = int(os.environ.get("RISKWRIGHT_LEAK_EXAMPLES", examples(6, normal=1)))
FORMS = load_forms()


def _plant(assessment: AssessmentFile, case: Case) -> None:
    """Turn the bundled example into ``case.doc`` with the edits an assessor makes."""
    before = example_document()
    apply = assessment.apply
    for table, records in case.doc.tables.items():
        old_ids = [r.id for r in before.records(table)]
        for index, record in enumerate(records):
            if record.id in old_ids:
                continue
            replaced = old_ids[index] if index < len(old_ids) else None
            if replaced is not None and before.record(table, replaced) is not None \
                    and replaced not in {r.id for r in records}:
                apply(RemoveRecord(table, replaced))
            apply(InsertRecord(table, index, Record(record.id, dict(record.values), None, None)))
    for address, value in case.doc.addresses():
        old = before.value(address)
        if old is None or old.data != value.data:
            apply(SetValue(address, value.data))
        if value.sensitivity != (old.sensitivity if old else None):
            apply(SetSensitivity(address, value.sensitivity, value.sensitivity_reason))
    for table, records in case.doc.tables.items():
        for record in records:
            if record.sensitivity is not None:
                apply(SetRecordSensitivity(table, record.id, record.sensitivity, record.sensitivity_reason))
    for decision in case.decisions:
        with assessment.db.atomic():
            history.record_event(assessment.db, "flag_dismissed", decision.address,
                                 {"matched": "555-0100", "reason": decision.detail})


def _quarterly_updates(path: Path, audience: str) -> dict[str, Readable]:
    """The quarterly portfolio update (``riskwright export-portfolio``) of the folder holding ``path``, in every
    format, read by the independent readers; a refused update (its own gate or scan) wrote nothing to read."""
    updates: dict[str, Readable] = {}
    for fmt in FORMAT_IDS:
        output = path.parent / f"quarterly.{audience}.{fmt}"
        try:
            export_quarterly([path.parent], Quarter(2026, 2), audience, fmt, output, date(2026, 6, 30))
        except ExportRefused:
            continue
        updates[f"quarterly {fmt}"] = independent_text(output.read_bytes(), fmt)
    return updates


def _run(capsys, *argv: str) -> str:  # type: ignore[no-untyped-def]
    capsys.readouterr()
    main(list(argv))
    return capsys.readouterr().out


def test_history_diff_scan_and_file_names_show_no_withheld_canary(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("RISKWRIGHT_ASSESSOR", "Assessor A")

    @settings(max_examples=EXAMPLES, deadline=None, database=None, phases=(Phase.generate,),
              suppress_health_check=list(HealthCheck))
    @given(cases(plants=6, model_name=True))
    def run(case: Case) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "canaries.rwa"
            write_example(path)
            with AssessmentFile.open(path) as assessment:
                sign_off(assessment, "assessor", "Assessor A", load_or_create_key(Path(folder) / "key.pem"))
                _plant(assessment, case)
            problems: list[str] = []
            internal = Readable.of(_run(capsys, "history", str(path), "--format", "json"))
            for canary in case.canaries:
                if canary.address and not canary.generic and not any(internal.holds(n) for n in canary.needles):
                    problems.append(f"positive control: the internal history does not show {canary.where}")
            internal_update = _quarterly_updates(path, "internal")
            model = next(c for c in case.canaries if c.where == "model name")
            if not all(update.holds(model.needles[0]) for update in internal_update.values()) or not internal_update:
                problems.append("positive control: the internal quarterly update does not name the model")
            for audience in WIDER:
                outputs = {
                    "history": _run(capsys, "history", str(path), "--audience", audience, "--format", "json"),
                    "diff": _run(capsys, "diff", str(path), "1", "current", "--audience", audience,
                                 "--format", "json"),
                    "scan": _run(capsys, "scan", str(path), "--audience", audience, "--format", "json"),
                    "file name": "\n".join(report_file_name(case.doc, audience, "report", f".{fmt}", "canaries",
                                                            FORMS) for fmt in ("pdf", "docx")),
                    **_quarterly_updates(path, audience),
                }
                for channel, output in outputs.items():
                    if channel in ("history", "diff", "scan"):
                        json.loads(output)  # each command ran and said so
                    text = output if isinstance(output, Readable) else Readable.of(output)
                    for canary in case.canaries:
                        if canary.level <= SEES[audience] or canary.generic:
                            continue
                        shown = [n for n in canary.needles if text.holds(n)]
                        if shown:
                            problems.append(f"{audience} {channel}: {canary.where} shows as {shown[0]!r}")
            assert not problems, "\n".join(problems)

    run()


def test_scan_for_a_wider_audience_names_a_withheld_record_by_its_placeholder(example_file, capsys) -> None:  # type: ignore[no-untyped-def]
    """`scan --audience public` listed the values echo detection skips by address, with a hazardous record's id."""
    table = "pre_deployment.worst_case_results"
    record = example_document().records(table)[0]
    with AssessmentFile.open(example_file) as assessment:
        assessment.apply(RemoveRecord(table, record.id))
        assessment.apply(InsertRecord(table, 0, Record("wcr-zqvorpalqz", dict(record.values))))
        assessment.apply(SetRecordSensitivity(table, "wcr-zqvorpalqz", Sensitivity.HAZARDOUS, None))
    for audience in WIDER:
        for fmt in ("text", "json"):
            assert "zqvorpalqz" not in _run(capsys, "scan", str(example_file), "--audience", audience, "--format", fmt)
    assert "zqvorpalqz" in _run(capsys, "scan", str(example_file), "--format", "json")


def test_scan_for_a_wider_audience_names_no_withheld_record_in_echo_flags_or_notes(example_file, capsys) -> None:  # type: ignore[no-untyped-def]
    """Echo flags said "echo of Why this level (wcs-2)", and a skipped value's note "also the whole of
    …[wcs-1].closed_comparator", naming records withheld from the audience the scan was for."""
    table = "pre_deployment.worst_case_scope"
    with AssessmentFile.open(example_file) as assessment:
        for index, record in enumerate(example_document().records(table)):
            new = f"wcs-zq{index}vorpalqz"
            assessment.apply(RemoveRecord(table, record.id))
            assessment.apply(InsertRecord(table, index, Record(new, dict(record.values))))
            assessment.apply(SetRecordSensitivity(table, new, (Sensitivity.INTERNAL, Sensitivity.HAZARDOUS)[index % 2],
                                                  None))
    public = _run(capsys, "scan", str(example_file), "--audience", "public", "--format", "json")
    assert "echo" in public and "vorpal" not in public
    assert "vorpal" not in _run(capsys, "scan", str(example_file), "--audience", "public")
    reviewers = _run(capsys, "scan", str(example_file), "--audience", "reviewers", "--format", "json")
    assert "wcs-zq1vorpalqz" not in reviewers and "wcs-zq0vorpalqz" in reviewers
