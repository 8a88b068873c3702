"""The .rwa file: every edit on disk at once; foreign, damaged and newer files refused untouched."""

import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from app.model import Address, InsertRecord, Record, Sensitivity, SetSensitivity, SetValue, Value
from app.store import AssessmentFile, StoreError
from app.store.schema import APPLICATION_ID, format_version

FIXTURES = Path(__file__).parent / "_files"


def test_each_edit_is_on_disk_when_apply_returns(tmp_path):
    path = tmp_path / "a.rwa"
    writer = AssessmentFile.create(path)
    writer.apply(SetValue(Address.parse("header.model.name"), "Halcyon-3"))
    writer.apply(InsertRecord("training.checkpoints", 0,
                              Record("ckpt-1", {"date": Value(date(2025, 1, 2))})))
    writer.apply(SetSensitivity(Address.parse("training.checkpoints[ckpt-1].date"), Sensitivity.HAZARDOUS))
    # A second, independent connection sees everything without the writer closing or saving.
    reader = AssessmentFile.open(path)
    assert reader.document == writer.document
    assert reader.document.value("training.checkpoints[ckpt-1].date").sensitivity is Sensitivity.HAZARDOUS
    reader.close()
    writer.close()


def test_the_file_is_a_single_file_at_rest(tmp_path):
    path = tmp_path / "a.rwa"
    with AssessmentFile.create(path) as assessment:
        assessment.apply(SetValue(Address.parse("header.model.name"), "X"))
        assert sorted(p.name for p in tmp_path.iterdir()) == ["a.rwa"]
        mode = assessment.db.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "delete"


def test_the_file_is_marked_as_ours(tmp_path):
    path = tmp_path / "a.rwa"
    AssessmentFile.create(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == format_version()
    conn.close()


def test_create_refuses_to_overwrite(tmp_path):
    path = tmp_path / "a.rwa"
    path.write_bytes(b"precious")
    with pytest.raises(StoreError, match="already exists"):
        AssessmentFile.create(path)
    assert path.read_bytes() == b"precious"


def _foreign_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('shopping list')")
    conn.commit()
    conn.close()


def _newer(path: Path, example: Path) -> None:
    path.write_bytes(example.read_bytes())
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {format_version() + 5}")
    conn.commit()
    conn.close()


def _truncated(path: Path, example: Path) -> None:
    data = example.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _random(path: Path, example: Path) -> None:
    path.write_bytes(os.urandom(8192))


def _corrupted_pages(path: Path, example: Path) -> None:
    data = bytearray(example.read_bytes())
    for offset in range(4096, len(data), 4096):
        data[offset + 10: offset + 200] = os.urandom(190)
    path.write_bytes(bytes(data))


CASES = {
    "random bytes": (_random, "not a Riskwright assessment"),
    "plain text": (lambda p, e: p.write_text("riskwright: 1\n"), "not a Riskwright assessment"),
    "empty file": (lambda p, e: p.write_bytes(b""), "not a Riskwright assessment"),
    "another program's SQLite database": (lambda p, e: _foreign_sqlite(p), "another program"),
    "newer format": (_newer, "newer Riskwright"),
    "truncated": (_truncated, "damaged"),
    "corrupted pages": (_corrupted_pages, "damaged"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_files_are_refused_and_left_untouched(tmp_path, example_file, case):
    make, message = CASES[case]
    path = tmp_path / "bad.rwa"
    make(path, example_file)
    before = path.read_bytes()
    with pytest.raises(StoreError, match=message):
        AssessmentFile.open(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["bad.rwa", "example.rwa"])
    result = subprocess.run([sys.executable, "-m", "app.cli", "validate", str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert path.read_bytes() == before


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="no such file"):
        AssessmentFile.open(tmp_path / "nowhere.rwa")


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("format-*.rwa")))
def test_every_past_format_still_opens(tmp_path, fixture):
    """One frozen file per format version, written by the version that introduced it."""
    copy = tmp_path / fixture
    copy.write_bytes((FIXTURES / fixture).read_bytes())
    with AssessmentFile.open(copy) as assessment:
        assert assessment.document.get("header.model.name")
        assert len(assessment.document.records("pre_deployment.evaluations")) > 3
        assessment.apply(SetValue(Address.parse("header.model.version"), "migrated"))
    with AssessmentFile.open(copy) as reopened:
        assert reopened.document.get("header.model.version") == "migrated"
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == format_version()
    conn.close()


def test_there_is_a_fixture_for_every_format_version():
    versions = sorted(int(p.stem.split("-")[1]) for p in FIXTURES.glob("format-*.rwa"))
    assert versions == list(range(1, format_version() + 1))


def test_the_bookkeeping_table_verification_skips_is_the_one_sqlite_utils_keeps():
    """Verification skips the table sqlite-utils records applied migrations in (else every file would show a
    "planted" table); its name is written out, not imported, because reading a file no longer imports
    sqlite-utils."""
    from sqlite_utils.migrations import Migrations

    from app.store.schema import BOOKKEEPING

    assert BOOKKEEPING[0] == Migrations.migrations_table
