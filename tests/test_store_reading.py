"""Reading a whole file takes a field's values in one go only when each stored text is exactly one JSON scalar of
a record that exists; a text that would shift its neighbours, or any other text, is read by the general rule."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.model.paths import Address
from app.store.codec import DamagedValue
from app.store.hashing import StoredPieces
from app.store.reading import read_document

FIELD = "training.checkpoints[].name"


def _read(path: Path, texts: list[str | None]) -> tuple[list[object], list[str | None]]:
    """Store ``texts`` as the first checkpoints' names; the names read back and each record's stored piece."""
    with sqlite3.connect(path) as conn:
        ids = [row[0] for row in conn.execute("SELECT record_id FROM value WHERE field = ? ORDER BY record_id",
                                              [FIELD])]
        for record_id, text in zip(ids, texts, strict=False):
            conn.execute("UPDATE value SET data = ? WHERE field = ? AND record_id = ?", [text, FIELD, record_id])
    conn.close()
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        stored = StoredPieces()
        document = read_document(db, stored)
        records = {record.id: record for record in document.records("training.checkpoints")}
        chosen = [records[record_id] for record_id in ids[:len(texts)]]
        return [record.get("name") for record in chosen], [stored.piece(record) for record in chosen]
    finally:
        db.close()


def _first_id(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        found = conn.execute("SELECT min(record_id) FROM value WHERE field = ?", [FIELD]).fetchone()[0]
    conn.close()
    return str(found)


@pytest.mark.parametrize("texts", [['"a",\n"b"', "1,2"], ["[1", "2]"], ['"x"}', '{"y":1']])
def test_texts_that_would_shift_their_neighbours_are_damage_named_at_the_first(example_file: Path,
                                                                                 texts: list[str]) -> None:
    first = str(Address(FIELD, _first_id(example_file)))
    with pytest.raises(DamagedValue, match=f"^{first.replace('[', '.').replace(']', '.')} is not readable"):
        _read(example_file, texts)


def test_a_text_with_spaces_around_reads_as_its_value_and_its_piece_is_rewritten(example_file: Path) -> None:
    names, pieces = _read(example_file, [' "spaced"', '"tail" ', '"plain"', "null"])
    assert names == ["spaced", "tail", "plain", None]
    assert pieces[0] is not None and '"name":{"data":"spaced"}' in pieces[0] and ' "spaced"' not in pieces[0]
    assert pieces[1] is not None and '"name":{"data":"tail"}' in pieces[1]
    assert pieces[3] is not None and '"name"' not in pieces[3]  # a stored null is an empty value: left out


def test_a_value_with_an_empty_blob_id_is_read_as_the_general_rule_reads_it(example_file: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty id means a value outside tables, whatever its type: an empty BLOB sorts after every text id, so
    the one-go read must not take the field's first id alone as the test (a record with id X'' and its value)."""
    table = FIELD.partition("[].")[0]
    with sqlite3.connect(example_file) as conn:
        conn.execute("INSERT INTO record (table_path, id, position) VALUES (?, X'', 999)", [table])
        conn.execute("INSERT INTO value (field, record_id, data) VALUES (?, X'', '\"blob\"')", [FIELD])
    conn.close()

    def read() -> tuple[object, object]:
        db = sqlite3.connect(f"file:{example_file}?mode=ro", uri=True)
        try:
            document = read_document(db, StoredPieces())
        finally:
            db.close()
        blob = [record for record in document.records(table) if record.id == b""]
        return document.values.get(FIELD), blob[0].values if blob else None

    one_go = read()
    from app.store import reading
    monkeypatch.setattr(reading, "_as_one", lambda *_args: False)  # every value by the general rule
    assert one_go == read()
