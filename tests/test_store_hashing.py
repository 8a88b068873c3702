"""Verification hashes by pieces, and must give exactly ``revision_hash`` without changing the document."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.interchange.examples import example_document, large_document
from app.model.canonical import revision_hash
from app.model.document import (
    Batch, Document, InsertRecord, MoveRecord, Record, RemoveRecord, SetRecordSensitivity, SetSensitivity, SetValue,
    Value,
)
from app.model.paths import Address
from app.model.sensitivity import Sensitivity
from app.store.file import AssessmentFile
from app.store.hashing import ContentHasher
from app.store.signoff import sign_off
from app.store.verification import verify


def test_the_same_hash_as_revision_hash() -> None:
    odd = Document({"header.model.name": Value("Ünïcode \"quoted\"\n\u2028"), "header.empty": Value()},
                   {"training.checkpoints": [Record("c-1", {"date": Value(date(2026, 1, 2)), "list": Value(
                       [date(2026, 1, 3), "x", 1.5]), "blank": Value()}, Sensitivity.INTERNAL, "a reason")],
                    "deployment.incidents": []})
    for document in (Document(), odd, example_document(), example_document("open-weights"), large_document()):
        hasher = ContentHasher()
        assert hasher.digest(document) == revision_hash(document)
        assert hasher.digest(document) == revision_hash(document)  # from remembered pieces


def test_verification_replays_every_kind_of_entry_without_changing_the_document(tmp_path: Path) -> None:
    path = tmp_path / "replayed.rwa"
    with AssessmentFile.create(path, example_document()) as assessment:
        ids = [record.id for record in assessment.document.records("training.checkpoints")]
        table = "training.checkpoints"
        assessment.apply(SetValue(Address(f"{table}[].name", ids[0]), "renamed once"))
        sign_off(assessment, "assessor", "Fictional Signer")
        assessment.apply(Batch((
            SetValue(Address(f"{table}[].name", ids[0]), "renamed twice"),
            SetSensitivity(Address(f"{table}[].name", ids[1]), Sensitivity.HAZARDOUS),
            SetRecordSensitivity(table, ids[1], Sensitivity.HAZARDOUS),
            MoveRecord(table, ids[0], len(ids) - 1),
            RemoveRecord(table, ids[-1]),
            InsertRecord(table, 0, Record("ckpt-new", {"name": Value("fresh")})),
            SetValue(Address("header.model.name"), "Fictional Model"),
        )))
        assessment.apply(SetValue(Address(f"{table}[].name", "ckpt-new"), "fresh again"))
        before = assessment.document.copy()
        hasher = ContentHasher()
        verdict = verify(assessment.db, assessment.document, hasher)
        assert verdict.intact, verdict.problems
        assert verdict.checkpoints == 2
        assert assessment.document == before
        assert hasher.digest(assessment.document) == revision_hash(before)
