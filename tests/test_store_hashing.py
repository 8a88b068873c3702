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


def test_each_record_is_written_as_canonical_json_writes_it() -> None:
    """The hasher writes the store's shapes itself; every shape must come out as ``canonical_json`` has it."""
    import random

    from app.model.canonical import canonical_json, record_form
    from app.store.hashing import record_text

    rng = random.Random(5)
    texts = ["", "plain", "Ünïcode ✓", "quote \" back \\ slash", "ctrl \x00\x01\x1f\x7f", "\n\r\t\b\f",
             "line\u2028sep\u2029", "emoji 🧪", "</script>", "a" * 300]
    scalars = [*texts, 0, -1, 10**30, 1.5, -0.0, 1e25, 1e-7, 3.141592653589793, True, False,
               date(2026, 2, 28), date(1, 1, 1), [date(2026, 1, 1), "x", 2], ["nested", [1, 2.5]], {"k": "v", "a": 1}]
    levels = [None, *Sensitivity]
    for number in range(300):
        values = {}
        for index in range(rng.randint(0, 8)):
            data = rng.choice([*scalars, None])
            values[rng.choice(["b", "a", "é", "a.b", "z[]", "A"]) + str(index)] = Value(
                data, rng.choice(levels), rng.choice([None, *texts[:4]]))
        record = Record(rng.choice(["r-1", "ü-2", "id \"q\""]), values, rng.choice(levels),
                        rng.choice([None, "withheld: a fictional reason"]))
        assert record_text(record) == canonical_json(record_form(record)), number
    odd = Record("nan", {"x": Value(float("nan"))})
    try:
        canonical_json(record_form(odd))
    except ValueError:
        pass
    else:
        raise AssertionError("canonical_json accepts NaN?")
    try:
        record_text(odd)
    except ValueError:
        pass
    else:
        raise AssertionError("the hasher must refuse what revision_hash refuses")


def test_a_verification_tries_the_stored_texts_and_believes_them_only_when_the_hash_agrees(tmp_path: Path) -> None:
    """The trial on stored texts gives the recorded hash for an honest file (so it is used), and a value whose
    stored text differs from its canonical JSON but reads back the same is still judged by its value."""
    import sqlite3

    from sqlite_utils import Database

    from app.store.file import _read_document
    from app.store.hashing import StoredPieces

    path = tmp_path / "stored.rwa"
    with AssessmentFile.create(path, example_document()) as assessment:
        assessment.apply(SetValue(Address("header.model.name"), "Fictional Model"))

    def verdict_and_hashes() -> tuple[bool, int, str, str]:
        db = Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True))
        try:
            stored = StoredPieces()
            document = _read_document(db, stored)
            hasher = ContentHasher(stored)
            verdict = verify(db, document, hasher)
            return verdict.intact, len(hasher._pieces), hasher.digest(document), revision_hash(document)
        finally:
            db.close()

    intact, proven, digest, exact = verdict_and_hashes()
    assert intact and proven > 0 and digest == exact
    with sqlite3.connect(path) as conn:  # the same text, spelled with an escape json.dumps never writes
        field, record_id, text = conn.execute(
            "SELECT field, record_id, data FROM value WHERE record_id != '' AND data LIKE '\"%' LIMIT 1").fetchone()
        conn.execute("UPDATE value SET data = ? WHERE field = ? AND record_id = ?",
                     ['"\\u' + f"{ord(text[1]):04x}" + text[2:], field, record_id])
    intact, _proven, digest, exact = verdict_and_hashes()
    assert intact and digest == exact
    with sqlite3.connect(path) as conn:  # a different text, as stored by hand: tampered
        conn.execute("UPDATE value SET data = ? WHERE field = ? AND record_id = ?", ['"Quietly changed"', field,
                                                                                       record_id])
    intact, _proven, _digest, _exact = verdict_and_hashes()
    assert not intact
