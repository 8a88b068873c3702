"""Edits on the document and their inverses (what undo relies on)."""

from datetime import date

import pytest

from app.model import (
    Address, Batch, Document, InsertRecord, MoveRecord, Record, RemoveRecord, Sensitivity,
    SetRecordSensitivity, SetSensitivity, SetValue, Value,
)


def test_every_edit_is_undone_by_its_inverse():
    doc = Document()
    name = Address.parse("header.model.name")
    steps = [
        SetValue(name, "Halcyon-3"),
        SetSensitivity(name, Sensitivity.INTERNAL),
        InsertRecord("training.checkpoints", 0, Record("ckpt-1", {"date": Value(date(2025, 1, 2))})),
        InsertRecord("training.checkpoints", 1, Record("ckpt-2")),
        SetValue(Address.parse("training.checkpoints[ckpt-2].effective_compute_flop"), 2e25),
        MoveRecord("training.checkpoints", "ckpt-2", 0),
        SetRecordSensitivity("training.checkpoints", "ckpt-1", Sensitivity.HAZARDOUS),
        RemoveRecord("training.checkpoints", "ckpt-1"),
    ]
    snapshots = [doc.copy()]
    inverses = []
    for step in steps:
        inverses.append(doc.apply(step))
        snapshots.append(doc.copy())
    assert doc.get("training.checkpoints[ckpt-2].effective_compute_flop") == 2e25
    assert [r.id for r in doc.records("training.checkpoints")] == ["ckpt-2"]
    for inverse, before in zip(reversed(inverses), reversed(snapshots[:-1]), strict=True):
        doc.apply(inverse)
        assert doc == before


def test_a_failing_batch_leaves_the_document_unchanged():
    doc = Document()
    before = doc.copy()
    batch = Batch((SetValue(Address.parse("header.model.name"), "X"),
                   RemoveRecord("training.checkpoints", "missing")))
    with pytest.raises(KeyError):
        doc.apply(batch)
    assert doc == before


def test_empty_text_is_an_empty_value_and_new_ids_are_unique():
    doc = Document()
    doc.apply(SetValue(Address.parse("header.scope"), "something"))
    doc.apply(SetValue(Address.parse("header.scope"), ""))
    assert "header.scope" not in doc.values
    doc.tables["t"] = [Record("ev-1"), Record("ev-3")]
    assert doc.new_record_id("t", "ev") == "ev-4" or doc.new_record_id("t", "ev") == "ev-2"
    assert doc.new_record_id("t", "ev") not in {"ev-1", "ev-3"}


def test_addresses_round_trip_through_text():
    address = Address.parse("pre_deployment.evaluations[ev-7].elicitation.person_hours")
    assert address.field == "pre_deployment.evaluations[].elicitation.person_hours"
    assert address.record == "ev-7"
    assert address.table == "pre_deployment.evaluations"
    assert address.relative == "elicitation.person_hours"
    assert str(address) == "pre_deployment.evaluations[ev-7].elicitation.person_hours"
    with pytest.raises(ValueError, match="not a field path"):
        Address.parse("Header Model Name")


def test_a_lowered_sensitivity_counts_only_with_a_reason():
    from app.model.validate import effective_sensitivity
    hazardous, public = Sensitivity.HAZARDOUS, Sensitivity.PUBLIC
    assert effective_sensitivity(hazardous, None, None) is hazardous
    assert effective_sensitivity(public, hazardous, None) is hazardous
    assert effective_sensitivity(hazardous, public, None) is hazardous
    assert effective_sensitivity(hazardous, public, "   ") is hazardous
    assert effective_sensitivity(hazardous, public, "only the fake kit's name; reviewed") is public


def test_a_record_is_found_by_id_through_edits_and_lists_changed_behind_its_back() -> None:
    """``Document.record`` keeps where each id stands; whatever changes the table (ids stay one a record, as
    edits keep them), it answers as a walk from the start does."""
    import random

    def walked(doc: Document, table: str, record_id: str) -> Record | None:
        return next((r for r in doc.records(table) if r.id == record_id), None)

    chance = random.Random(13)
    table = "training.checkpoints"
    doc = Document()
    for n in range(40):
        doc.apply(InsertRecord(table, n, Record(f"c-{n}")))
    ids = [f"c-{n}" for n in range(60)]
    for step in range(300):
        records = doc.tables[table]
        absent = [record_id for record_id in ids if record_id not in {r.id for r in records}]
        move = chance.randrange(6) if absent else 2
        if move == 0 and records:
            doc.apply(RemoveRecord(table, chance.choice(records).id))
        elif move == 1:
            doc.apply(InsertRecord(table, chance.randrange(len(records) + 1), Record(chance.choice(absent))))
        elif move == 2 and records:
            doc.apply(MoveRecord(table, chance.choice(records).id, chance.randrange(len(records))))
        elif move == 3 and records:  # changed without an edit: the positions kept no longer hold
            records.insert(chance.randrange(len(records) + 1), records.pop(chance.randrange(len(records))))
        elif move == 4 and records:
            records[chance.randrange(len(records))] = Record(chance.choice(absent))
        for record_id in chance.sample(ids, 5):
            assert doc.record(table, record_id) is walked(doc, table, record_id), (step, record_id)
