"""Flags in the .rwa file: scanning, per-edit rescans, redact and dismiss, the CLI."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from app.cli import main
from app.model.document import Document, Record, SetRecordSensitivity, SetSensitivity, SetValue, Value
from app.model.paths import Address
from app.model.sensitivity import Sensitivity
from app.session.flags import FlagError, FlagStore
from app.store import AssessmentFile

EVAL = "pre_deployment.evaluations"
DESC = Address(f"{EVAL}[].description", "ev-1")
NAME = Address(f"{EVAL}[].name", "ev-1")


def _file(tmp_path: Path, description: str, **record_values: Value) -> AssessmentFile:
    doc = Document()
    doc.values["header.model.name"] = Value("Halcyon-3")
    values = {"name": Value("Suite one"), "description": Value(description), **record_values}
    doc.tables[EVAL] = [Record("ev-1", values)]
    return AssessmentFile.create(tmp_path / "a.rwa", doc)


def test_scan_stores_flags_with_address_offsets_detector_and_match(tmp_path: Path) -> None:
    text = "We asked about Ricin. Contact ada@lab.test for the schedule."
    with _file(tmp_path, text) as file:
        flags = FlagStore(file).rescan_all()
    with AssessmentFile.open(tmp_path / "a.rwa") as file:
        stored = FlagStore(file).flags()
    assert [(f.address, f.detector, f.matched, f.audience) for f in stored] == [
        (str(DESC), "bio_select_agents", "Ricin", "public"),
        (str(DESC), "email_address", "ada@lab.test", "public"),
    ]
    assert [text[f.start:f.end] for f in stored] == ["Ricin", "ada@lab.test"]
    assert stored == flags


def test_hits_inside_spans_or_hazardous_values_are_not_flags(tmp_path: Path) -> None:
    with _file(tmp_path, "Kept [[hazard:bio]]Ricin[[/hazard]] apart.",
               task_details=Value("Ricin is named in a hazardous field.")) as file:
        assert FlagStore(file).rescan_all() == []


def test_internal_text_is_flagged_only_for_hazardous_detectors(tmp_path: Path) -> None:
    with _file(tmp_path, "Sarin; mail ada@lab.test") as file:
        file.apply(SetSensitivity(DESC, Sensitivity.INTERNAL))
        store = FlagStore(file)
        flags = store.rescan_all()
        assert [(f.detector, f.audience) for f in flags] == [("chem_schedule_one", "reviewers")]
        assert store.flags("public") == [] and len(store.flags("reviewers")) == 1


def test_after_edit_rescans_only_what_changed_and_is_cheap(tmp_path: Path) -> None:
    with _file(tmp_path, "Nothing here.") as file:
        store = FlagStore(file)
        store.rescan_all()
        edit = SetValue(DESC, "Now it names tabun.")
        file.apply(edit)
        started = time.perf_counter()
        store.after_edit(edit)
        elapsed = time.perf_counter() - started
        assert [f.matched for f in store.flags()] == ["tabun"]
        undo = file.apply(SetValue(DESC, "Clean again."))
        store.after_edit(undo)
        assert store.flags() == []
        # Record-level edits rescan the table: marking the record hazardous clears its flags.
        file.apply(SetValue(DESC, "Soman again."))
        store.after_edit(SetValue(DESC, ""))
        assert len(store.flags()) == 1
        mark = SetRecordSensitivity(EVAL, "ev-1", Sensitivity.HAZARDOUS)
        file.apply(mark)
        store.after_edit(mark)
        assert store.flags() == []
    assert elapsed < 0.05, f"per-edit rescan took {elapsed * 1000:.1f} ms"


def test_dismissal_is_kept_across_rescans_edits_and_reopening(tmp_path: Path) -> None:
    with _file(tmp_path, "We mention anthrax once.") as file:
        store = FlagStore(file)
        flag = store.rescan_all()[0]
        with pytest.raises(FlagError, match="give a reason"):
            store.dismiss(flag.id, "   ")
        store.dismiss(flag.id, "Named only as a category in the public system card.")
        edit = SetValue(DESC, "Earlier text added. We mention anthrax once.")
        file.apply(edit)
        store.after_edit(edit)
        assert store.flags() == []
    with AssessmentFile.open(tmp_path / "a.rwa") as file:
        store = FlagStore(file)
        store.rescan_all()
        assert store.flags() == []
        everything = store.flags(include_dismissed=True)
        assert [f.dismissed for f in everything] == ["Named only as a category in the public system card."]
        assert everything[0].id == flag.id  # ids do not depend on offsets
        assert [(r.action, r.detail) for r in store.resolutions()] == [
            ("dismiss", "Named only as a category in the public system card.")]
        assert store.dismissed_matches() == {("bio_select_agents", "anthrax")}


def test_redact_wraps_every_occurrence_and_undo_restores(tmp_path: Path) -> None:
    original = "Anthrax first, then ANTHRAX again, and a\u200bnthrax disguised."
    with _file(tmp_path, original) as file:
        store = FlagStore(file)
        flags = store.rescan_all()
        assert len(flags) == 3
        inverse = store.redact(flags[1].id, domain="bio")
        assert file.document.get(DESC) == ("[[hazard:bio]]Anthrax[[/hazard]] first, then [[hazard:bio]]ANTHRAX"
                                           "[[/hazard]] again, and [[hazard:bio]]a\u200bnthrax[[/hazard]] disguised.")
        assert store.flags() == []
        assert store.resolutions()[-1].action == "redact"
        file.apply(inverse)
        store.after_edit(inverse)
        assert file.document.get(DESC) == original and len(store.flags()) == 3
    with AssessmentFile.open(tmp_path / "a.rwa") as file:
        assert file.document.get(DESC) == original


def test_redact_raises_sensitivity_for_internal_level_detectors(tmp_path: Path) -> None:
    with _file(tmp_path, "Mail ada@lab.test") as file:
        store = FlagStore(file)
        flag = store.rescan_all()[0]
        store.redact(flag.id)
        assert file.document.value(DESC).sensitivity is Sensitivity.INTERNAL
        assert store.flags() == []
        assert store.resolutions()[-1].detail == "value raised to internal"


def test_redact_whole_and_record_id_flags(tmp_path: Path) -> None:
    with _file(tmp_path, "Tabun here.") as file:
        store = FlagStore(file)
        store.redact(store.rescan_all()[0].id, whole=True)
        assert file.document.value(DESC).sensitivity is Sensitivity.HAZARDOUS
    doc = Document()
    doc.tables[EVAL] = [Record("ev-sarin-probe", {"name": Value("Probe")})]
    with AssessmentFile.create(tmp_path / "b.rwa", doc) as file:
        store = FlagStore(file)
        flag = store.rescan_all()[0]
        assert (flag.address, flag.matched) == (f"{EVAL}[ev-sarin-probe]", "sarin")
        store.redact(flag.id)
        assert file.document.record(EVAL, "ev-sarin-probe").sensitivity is Sensitivity.HAZARDOUS


def test_redact_refuses_stale_or_malformed_text(tmp_path: Path) -> None:
    with _file(tmp_path, "Broken [[hazard:bio]]markup and soman.") as file:
        store = FlagStore(file)
        flag = store.rescan_all()[0]
        with pytest.raises(FlagError, match="--whole"):
            store.redact(flag.id)
        file.document.apply(SetValue(DESC, "changed behind the store's back"))
        with pytest.raises(FlagError, match="scan again"):
            store.redact(flag.id)
        with pytest.raises(FlagError, match="no flag 'Fnothing'"):
            store.redact("Fnothing")


# -- the commands -----------------------------------------------------------------------------
def test_scan_and_resolve_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _file(tmp_path, "Sarin and ada@lab.test and tabun.").close()
    path = str(tmp_path / "a.rwa")
    assert main(["scan", path]) == 1
    out = capsys.readouterr().out
    assert "3 open flags" in out and "'Sarin'" in out
    assert main(["scan", path, "--format", "json", "--audience", "reviewers"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["open"] == 2 and {f["matched"] for f in report["flags"]} == {"Sarin", "tabun"}
    ids = {f["matched"]: f["id"] for f in report["flags"]}
    assert main(["resolve", path, ids["Sarin"], "--redact", "--domain", "chem"]) == 0
    assert main(["resolve", path, ids["tabun"], "--dismiss", "Named in the public treaty list only."]) == 0
    capsys.readouterr()
    assert main(["scan", path, "--audience", "reviewers"]) == 0
    assert "0 open flags for the reviewers audience" in capsys.readouterr().out
    assert main(["scan", path, "--audience", "public"]) == 1   # the e-mail address is still open for the public
    assert main(["resolve", path, "Fnothing", "--redact"]) == 2
    assert "no flag 'Fnothing'" in capsys.readouterr().err
    assert main(["resolve", path, ids["tabun"], "--dismiss", " "]) == 2
    assert main(["scan", str(tmp_path / "missing.rwa")]) == 2
    assert main(["scan", path, "--audience", "press"]) == 2
    with AssessmentFile.open(tmp_path / "a.rwa") as file:
        assert file.document.get(DESC).startswith("[[hazard:chem]]Sarin[[/hazard]]")
