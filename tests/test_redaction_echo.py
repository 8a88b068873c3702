"""Echoes (issue 11 item 7): a withheld value repeated in text bound for a wider audience is a flag.

Compared by meaning — numbers by value at their stated precision, dates in
their usual spellings, names and short phrases in the word view — resolved
like a detector flag, kept up to date edit by edit, and a refusal at export
until resolved. Generic values are skipped and listed, not silently ignored.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from app.cli import main
from app.content.forms import load_forms
from app.model.document import Document, Record, SetRecordSensitivity, SetSensitivity, SetValue, Value
from app.model.paths import Address
from app.model.sensitivity import Sensitivity
from app.redaction import load_audiences
from app.redaction.echo import ECHO_HAZARDOUS, ECHO_INTERNAL, EchoScan
from app.redaction.echo_values import dates_in, numbers_in, stated, states
from app.session.flags import FlagStore
from app.store import AssessmentFile

PLANNED = Address("pre_training.planned_compute_flop")  # internal by default
SUMMARY = Address("training.summary")  # public
RATIONALE = Address("pre_training.rationale")  # public
EVAL = "pre_deployment.evaluations"
EV_NAME = Address(f"{EVAL}[].name", "ev-1")


@pytest.mark.parametrize(("written", "withheld", "echo"), [
    ("6.0e25", 6.0e25, True), ("6e+25", 6.0e25, True), ("60e24", 6.0e25, True), ("6.0 × 10^25", 6.0e25, True),
    ("6.0x10^25", 6.0e25, True), ("6·10²⁵", 6.0e25, True), ("６.０e25", 6.0e25, True), ("6.04e25", 6.0e25, True),
    ("1e26", 6.0e25, False), ("10^25", 6.0e25, False), ("6.7e25", 6.0e25, False),
    ("1.5e25", 1.53e25, False), ("1.530e25", 1.53e25, True), ("4,200", 4200, True), ("4.2 thousand", 4200, True),
])
def test_numbers_are_compared_by_value_at_their_stated_precision(written: str, withheld: float, echo: bool) -> None:
    [number] = numbers_in(f"it reached {written} FLOP")
    assert states(number.value, number.digits, *stated(withheld)) is echo


def test_dates_are_read_in_their_common_spellings() -> None:
    text = ("on 2025-08-13, 13 August 2025, August 13, 2025, 13th of Aug. 2025, 13/08/2025, 08/13/2025 "
            "and 2025/8/13; not 2025-13-45 or 12025-08-13")
    assert [mention.values for mention in dates_in(text)] == [(date(2025, 8, 13),)] * 7
    assert dates_in("05/06/2025")[0].values == (date(2025, 6, 5), date(2025, 5, 6))


def _file(tmp_path: Path, summary: str, **values: object) -> AssessmentFile:
    doc = Document()
    doc.values[str(PLANNED)] = Value(6.0e25)
    doc.values[str(SUMMARY)] = Value(summary)
    for path, data in values.items():
        doc.values[path.replace("__", ".")] = Value(data)
    return AssessmentFile.create(tmp_path / "a.rwa", doc)


def _echoes(store: FlagStore, audience: str | None = None) -> list[tuple[str, str, str]]:
    return [(f.address, f.detector, f.matched) for f in store.flags(audience) if f.detector.startswith("echo")]


def test_a_withheld_number_repeated_in_public_text_is_a_flag_for_the_public_only(tmp_path: Path) -> None:
    with _file(tmp_path, "Training reached the planned 6 × 10^25 FLOP in July.") as file:
        store = FlagStore(file)
        store.rescan_all()
        [flag] = store.flags()
        assert (flag.address, flag.detector, flag.matched, flag.audience) == (
            str(SUMMARY), ECHO_INTERNAL, "6 × 10^25", "public")
        assert flag.category == "echo of Planned effective compute (FLOP)"
        assert store.flags("public") == [flag] and store.flags("reviewers") == []


def test_echo_flags_follow_edits_on_either_side(tmp_path: Path) -> None:
    with _file(tmp_path, "We stopped at 6.0e25 FLOP.") as file:
        store = FlagStore(file)
        store.rescan_all()
        assert len(_echoes(store)) == 1

        def edit(change: object) -> None:
            inverse = file.apply(change)  # type: ignore[arg-type]
            store.after_edit(change)  # type: ignore[arg-type]
            return inverse  # type: ignore[return-value]

        edit(SetValue(PLANNED, 7.5e25))  # the withheld value changes: the echo goes
        assert _echoes(store) == []
        edit(SetValue(SUMMARY, "We stopped at 7.5e25 FLOP."))  # the public text repeats the new value
        assert _echoes(store) == [(str(SUMMARY), ECHO_INTERNAL, "7.5e25")]
        undo = edit(SetSensitivity(PLANNED, Sensitivity.PUBLIC, "published in the model card"))
        assert _echoes(store) == []  # nothing withheld, nothing echoed
        edit(undo)  # type: ignore[arg-type]
        assert len(_echoes(store)) == 1
        edit(SetSensitivity(SUMMARY, Sensitivity.INTERNAL))  # the summary is withheld too: no wider audience
        assert _echoes(store) == []


def test_hazardous_names_passages_and_records_are_echoed_in_public_text_even_disguised(tmp_path: Path) -> None:
    doc = Document()
    doc.values[str(RATIONALE)] = Value("We kept [[hazard:bio]]Protocol Larkspur-7[[/hazard]] out of scope.")
    doc.values[str(SUMMARY)] = Value("Training notes mention ｐrotocol LARK\u200bSPUR-7 and the Orrery uplift "
                                     "study run by Bramblewood.")
    doc.tables[EVAL] = [Record("ev-1", {"name": Value("Orrery uplift study"), "organisation": Value("x")},
                               Sensitivity.HAZARDOUS, None)]
    doc.values["header.compliance_lead"] = Value("Bramblewood")  # internal by default: a one-word name
    with AssessmentFile.create(tmp_path / "a.rwa", doc) as file:
        store = FlagStore(file)
        store.rescan_all()
        echoes = {(f.matched, f.detector, f.domain) for f in store.flags() if f.detector.startswith("echo")}
        assert echoes == {("ｐrotocol LARK\u200bSPUR-7", ECHO_HAZARDOUS, "bio"),
                          ("Orrery uplift study", ECHO_HAZARDOUS, "other"),
                          ("Bramblewood", ECHO_INTERNAL, "other")}
        mark = SetRecordSensitivity(EVAL, "ev-1", Sensitivity.PUBLIC, "the study is public now")
        file.apply(mark)
        store.after_edit(mark)  # the record is no longer withheld: its name is no echo
        assert {f.matched for f in store.flags()} == {"ｐrotocol LARK\u200bSPUR-7", "Bramblewood"}
        larkspur = next(f for f in store.flags() if f.detector == ECHO_HAZARDOUS)
        store.redact(larkspur.id)  # a hazardous echo becomes a hazardous passage of its own
        assert "[[hazard:bio]]ｐrotocol LARK\u200bSPUR-7[[/hazard]]" in file.document.get(SUMMARY)
        bramblewood = store.flags()[0]
        store.redact(bramblewood.id)  # an internal echo: the value is withheld from the public
        assert file.document.value(SUMMARY).sensitivity is Sensitivity.INTERNAL
        assert store.flags() == []


def test_generic_values_are_skipped_and_listed_by_scan(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    doc = Document()
    doc.values[str(RATIONALE)] = Value("High", Sensitivity.INTERNAL)
    doc.values["header.assessors"] = Value("Critical")  # internal by default
    doc.values[str(SUMMARY)] = Value("Risk was high, not critical, at 1e25 FLOP in 2025.")
    doc.tables[EVAL] = [Record("ev-1", {"effective_compute_flop": Value(1e25), "name": Value("Suite")})]
    AssessmentFile.create(tmp_path / "a.rwa", doc).close()
    assert main(["scan", str(tmp_path / "a.rwa"), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["flags"] == []
    assert report["echo_skipped"] == [
        {"address": "header.assessors", "reason": "a level or choice word"},
        {"address": f"{EVAL}[ev-1].effective_compute_flop", "reason": "a power of ten"},
        {"address": str(RATIONALE), "reason": "too short"}]
    assert main(["scan", str(tmp_path / "a.rwa")]) == 0
    out = capsys.readouterr().out
    assert "3 withheld values are not searched for echoes (too generic to search for):" in out
    assert f"  {RATIONALE}: too short" in out


def test_an_echo_scan_of_a_document_matches_the_incremental_one(tmp_path: Path) -> None:
    forms, audiences = load_forms(), load_audiences()
    with _file(tmp_path, "Reached 6.0e25 FLOP.") as file:
        store = FlagStore(file)
        store.rescan_all()
        for change in (SetValue(SUMMARY, "Reached 6e25."), SetValue(PLANNED, 3.1e25),
                       SetValue(SUMMARY, "Reached 3.1 × 10^25 FLOP on 2025-07-04.")):
            file.apply(change)
            store.after_edit(change)
        fresh = EchoScan(forms, audiences)
        fresh.load(file.document)
        assert [(str(h.address), h.matched) for h in fresh.all_hits()] == [
            (f[0], f[2]) for f in _echoes(store)] == [(str(SUMMARY), "3.1 × 10^25")]


def test_a_withheld_value_that_is_also_a_visible_value_is_no_echo_until_that_value_changes(tmp_path: Path) -> None:
    """Who made a recommendation may be internal while the same reviewer is named publicly elsewhere: the
    name in public prose then tells the public nothing new (the pairing is what stays withheld)."""
    doc = Document()
    doc.values["pre_deployment.worst_case_elicitation.external_reviewers"] = Value(
        "Bramblegate Institute", Sensitivity.PUBLIC, "named by agreement")
    doc.tables["pre_deployment.worst_case_recommendations"] = [
        Record("wcrec-1", {"recommendation": Value("Add a biology set"), "reviewer": Value("Bramblegate Institute")})]
    doc.values[str(SUMMARY)] = Value("Reviewed by the Bramblegate Institute in 2025.")
    with AssessmentFile.create(tmp_path / "a.rwa", doc) as file:
        store = FlagStore(file)
        store.rescan_all()
        assert _echoes(store) == []
        assert [s.reason for s in store.echo_skipped()] == [
            "also the whole of pre_deployment.worst_case_elicitation.external_reviewers, which wider audiences see"]
        edit = SetValue(Address("pre_deployment.worst_case_elicitation.external_reviewers"), "Two academics")
        file.apply(edit)
        store.after_edit(edit)  # the public naming went: the prose now gives the withheld name away
        assert _echoes(store) == [(str(SUMMARY), ECHO_INTERNAL, "Bramblegate Institute")]
