"""Every edit leaves a history entry — who, when, where, before → after — saved with the edit itself."""

import json
import sqlite3
from datetime import date

import pytest

from app.model import (
    Address, Batch, InsertRecord, MoveRecord, Record, RemoveRecord, Sensitivity, SetRecordSensitivity,
    SetSensitivity, SetValue, Value,
)
from app.store import AssessmentFile, history
from app.store.identity import save_assessor_name
from app.store.verification import verify_file

CHECKPOINTS = "training.checkpoints"


@pytest.fixture
def blank(tmp_path, monkeypatch):
    monkeypatch.setenv("RISKWRIGHT_ASSESSOR", "Ada Lovelace")
    path = tmp_path / "a.rwa"
    with AssessmentFile.create(path) as assessment:
        yield assessment


def _bodies(assessment):
    return [entry.body for entry in history.entries(assessment.db)]


def test_a_new_file_starts_its_history_with_its_creation(blank):
    (created,) = _bodies(blank)
    assert created["kind"] == "created" and created["who"] == "Ada Lovelace" and created["revision"] == 1


def test_a_value_edit_records_who_when_where_and_before_after(blank):
    address = Address.parse("header.model.name")
    blank.apply(SetValue(address, "Halcyon-3"))
    blank.apply(SetValue(address, "Halcyon-4"))
    first, second = history.entries(blank.db)[1:]
    assert first.who == "Ada Lovelace" and first.at.endswith("Z") and first.address == "header.model.name"
    assert first.body["before"] is None and first.body["after"] == {"data": "Halcyon-3"}
    assert second.body["before"] == {"data": "Halcyon-3"} and second.body["after"] == {"data": "Halcyon-4"}
    assert second.describe() == 'header.model.name: "Halcyon-3" → "Halcyon-4"'


def test_sensitivity_changes_are_recorded_with_their_reason(blank):
    address = Address.parse("header.scope")
    blank.apply(Batch((SetValue(address, "Covers the release candidate."),
                       SetSensitivity(address, Sensitivity.PUBLIC, "already announced"))))
    text, sensitivity = _bodies(blank)[1:]
    assert text["before"] is None and text["after"] == {"data": "Covers the release candidate."}
    assert sensitivity["before"] == {"data": "Covers the release candidate."}
    assert sensitivity["after"] == {"data": "Covers the release candidate.", "sensitivity": "public",
                                    "reason": "already announced"}
    assert "sensitivity default → public (already announced)" in history.describe(sensitivity)


def test_table_edits_are_recorded_with_whole_records(blank):
    blank.apply(InsertRecord(CHECKPOINTS, 0, Record("ckpt-1", {"date": Value(date(2025, 1, 2))})))
    blank.apply(InsertRecord(CHECKPOINTS, 1, Record("ckpt-2", {"notes": Value("second")})))
    blank.apply(SetValue(Address.parse(f"{CHECKPOINTS}[ckpt-1].notes"), "first"))
    blank.apply(MoveRecord(CHECKPOINTS, "ckpt-2", 0))
    blank.apply(SetRecordSensitivity(CHECKPOINTS, "ckpt-1", Sensitivity.HAZARDOUS, None))
    blank.apply(RemoveRecord(CHECKPOINTS, "ckpt-1"))
    kinds = [(b["kind"], history.Entry(0, "", "", b).address) for b in _bodies(blank)[1:]]
    assert kinds == [
        ("record_added", f"{CHECKPOINTS}[ckpt-1]"), ("record_added", f"{CHECKPOINTS}[ckpt-2]"),
        ("value", f"{CHECKPOINTS}[ckpt-1].notes"), ("record_moved", f"{CHECKPOINTS}[ckpt-2]"),
        ("record_sensitivity", f"{CHECKPOINTS}[ckpt-1]"), ("record_removed", f"{CHECKPOINTS}[ckpt-1]"),
    ]
    removed = _bodies(blank)[-1]
    # The removed record is kept whole, so the history can show (and verify can replay) what was lost.
    assert removed["record"] == {"id": "ckpt-1", "sensitivity": "hazardous", "values": {
        "date": {"data": {"date": "2025-01-02"}}, "notes": {"data": "first"}}}
    assert verify_file(blank.path).intact


def test_edits_that_change_nothing_leave_no_entry(blank):
    address = Address.parse("header.model.name")
    blank.apply(SetValue(address, "X"))
    before = history.count(blank.db)
    blank.apply(SetValue(address, "X"))
    blank.apply(SetSensitivity(Address.parse("header.scope"), None))
    assert history.count(blank.db) == before


def test_undo_is_a_change_like_any_other(blank):
    address = Address.parse("header.model.name")
    inverse = blank.apply(SetValue(address, "Oops"))
    blank.apply(inverse)
    last = history.entries(blank.db)[-1].body
    assert last["before"] == {"data": "Oops"} and last["after"] is None


def test_entry_and_edit_are_one_transaction(blank):
    """If the history entry cannot be written, the edit is not saved either (and the document rolls back)."""
    blank.apply(SetValue(Address.parse("header.model.name"), "Kept"))
    blank.db.execute("CREATE TRIGGER no_history BEFORE INSERT ON history BEGIN "
                     "SELECT RAISE(ABORT, 'history is full'); END")
    with pytest.raises(sqlite3.IntegrityError):
        blank.apply(SetValue(Address.parse("header.model.name"), "Lost"))
    assert blank.document.get("header.model.name") == "Kept"
    blank.db.execute("DROP TRIGGER no_history")
    with AssessmentFile.open(blank.path) as reopened:
        assert reopened.document.get("header.model.name") == "Kept"
    assert verify_file(blank.path).intact


def test_the_entry_is_on_disk_when_apply_returns(blank):
    blank.apply(SetValue(Address.parse("header.model.name"), "Durable"))
    other = sqlite3.connect(blank.path)
    body = json.loads(other.execute("SELECT body FROM history ORDER BY seq DESC LIMIT 1").fetchone()[0])
    other.close()
    assert body["after"] == {"data": "Durable"}


def test_who_comes_from_the_environment_then_settings_then_the_os_user(tmp_path, monkeypatch):
    import getpass
    monkeypatch.delenv("RISKWRIGHT_ASSESSOR", raising=False)
    with AssessmentFile.create(tmp_path / "a.rwa") as assessment:
        address = Address.parse("header.model.name")
        assessment.apply(SetValue(address, "1"))
        save_assessor_name("Grace Hopper")
        assessment.apply(SetValue(address, "2"))
        monkeypatch.setenv("RISKWRIGHT_ASSESSOR", "Katherine Johnson")
        assessment.apply(SetValue(address, "3"))
        who = [entry.who for entry in history.entries(assessment.db)[1:]]
    assert who == [getpass.getuser(), "Grace Hopper", "Katherine Johnson"]


def test_flag_decisions_are_recorded_inside_the_callers_transaction(blank):
    address = "header.scope"
    with blank.db.atomic():
        history.record_event(blank.db, "flag_dismissed", address,
                             {"detector": "terms", "reason": "names a public category only"})
    with pytest.raises(RuntimeError), blank.db.atomic():
        history.record_event(blank.db, "flag_redacted", address, {"detector": "terms"})
        raise RuntimeError("the redaction failed half-way")
    events = [b for b in _bodies(blank) if b["kind"] == "event"]
    assert [e["event"] for e in events] == ["flag_dismissed"]
    assert history.describe(events[0]) == "flag dismissed: header.scope — names a public category only"
    assert verify_file(blank.path).intact


def test_history_can_be_filtered_by_field_table_stage_or_record(blank):
    blank.apply(SetValue(Address.parse("header.model.name"), "A"))
    blank.apply(SetValue(Address.parse("header.model.version"), "1"))
    blank.apply(InsertRecord(CHECKPOINTS, 0, Record("ckpt-1", {})))
    blank.apply(InsertRecord(CHECKPOINTS, 1, Record("ckpt-2", {})))
    blank.apply(SetValue(Address.parse(f"{CHECKPOINTS}[ckpt-1].notes"), "n"))
    blank.apply(SetValue(Address.parse(f"{CHECKPOINTS}[ckpt-2].notes"), "m"))

    def addresses(where):
        return [entry.address for entry in history.entries(blank.db, where)]

    assert addresses("header.model.name") == ["header.model.name"]
    assert addresses("header.model") == ["header.model.name", "header.model.version"]
    assert addresses(f"{CHECKPOINTS}[ckpt-1]") == [f"{CHECKPOINTS}[ckpt-1]", f"{CHECKPOINTS}[ckpt-1].notes"]
    assert addresses(f"{CHECKPOINTS}[].notes") == [f"{CHECKPOINTS}[ckpt-1].notes", f"{CHECKPOINTS}[ckpt-2].notes"]
    assert len(addresses("training")) == 4
    assert addresses("header.model_x") == []


def test_replacing_the_whole_document_is_recorded(blank, example_file):
    with AssessmentFile.open(example_file) as example:
        document = example.document
    blank.replace_document(document)
    assert _bodies(blank)[-1]["kind"] == "replaced"
    assert verify_file(blank.path).intact
