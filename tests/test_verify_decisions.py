"""Flag decisions are bound to the history, and ``verify`` sees what an SQLite shell can plant (#11 case 10)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.cli import main
from app.interchange.examples import example_document
from app.model import Value
from app.session.flags import FlagStore, gate
from app.store import AssessmentFile
from app.store.flags import FlagTable

LEAKY = "The range host 203.0.113.9 behaved as forecast."


@pytest.fixture
def flagged(tmp_path: Path) -> tuple[Path, tuple[str, str, str, str]]:
    """An assessment with one open flag in a public field (an IPv4 address), scanned and stored."""
    doc = example_document()
    doc.values["retrospective.predicted_well"] = Value(LEAKY)
    path = tmp_path / "flagged.rwa"
    AssessmentFile.create(path, doc).close()
    with AssessmentFile.open(path) as file:
        flag, = [f for f in FlagStore(file).rescan_all() if f.is_open]
    return path, flag.dismissal_key


def _sql(path: Path, *statements: str, params: tuple[object, ...] = ()) -> None:
    connection = sqlite3.connect(path)
    for statement in statements:
        connection.execute(statement, params if "?" in statement else ())
    connection.commit()
    connection.close()


def _verify(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["verify", str(path)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _public(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, Path]:
    output = path.with_name("public.md")
    code = main(["export", str(path), "--audience", "public", "--format", "md", "-o", str(output)])
    return code, capsys.readouterr().err, output


def test_a_dismissal_inserted_with_sqlite_is_tampering_and_publishes_nothing(flagged, capsys) -> None:
    path, key = flagged
    _sql(path, "INSERT INTO flag_dismissal VALUES (?, ?, ?, ?, 'looks fine', '2025-01-01T00:00:00+00:00')",
         params=key)
    code, out = _verify(path, capsys)
    assert code == 1 and "TAMPERED" in out
    assert "dismissal of ipv4_address at retrospective.predicted_well has no decision in the history" in out
    code, err, output = _public(path, capsys)
    assert code == 1 and "does not verify" in err and not output.exists()
    with AssessmentFile.open(path) as file:  # the gate on its own does not rely on it either, nor does scan
        assert len(gate(file.document, FlagTable(file.db), "public").open) == 1
        assert len(FlagStore(file).flags("public")) == 1


def test_a_decision_made_in_riskwright_verifies_and_lets_the_export_through(flagged, capsys) -> None:
    path, _ = flagged
    with AssessmentFile.open(path) as file:
        store = FlagStore(file)
        store.dismiss(store.flags()[0].id, "a documentation address range (RFC 5737), not a real host")
    assert _verify(path, capsys)[0] == 0
    code, err, output = _public(path, capsys)
    assert (code, err) == (0, "") and "203.0.113.9" in output.read_text(encoding="utf-8")


def test_flag_log_rows_added_or_deleted_outside_riskwright_are_named(flagged, capsys) -> None:
    path, (field, record_id, detector, normalised) = flagged
    with AssessmentFile.open(path) as file:
        store = FlagStore(file)
        store.dismiss(store.flags()[0].id, "a documentation address range")
    _sql(path, "INSERT INTO flag_resolution (flag_id, field, record_id, detector, category, normalised, action,"
               " detail, at, who) VALUES ('Fdeadbeef0', ?, ?, ?, 'network address', ?, 'redact', 'x', 'now', '')",
         params=(field, record_id, detector, normalised))
    code, out = _verify(path, capsys)
    assert code == 1 and "(redact Fdeadbeef0 at retrospective.predicted_well) has no history entry" in out
    _sql(path, "DELETE FROM flag_resolution")
    code, out = _verify(path, capsys)
    assert code == 1 and "missing from the flag log (deleted)" in out


def test_history_address_columns_and_planted_schema_objects_are_reported(flagged, capsys) -> None:
    path, _ = flagged
    _sql(path, "UPDATE history SET field = 'header.model_name', record_id = 'x' WHERE seq = 1")
    code, out = _verify(path, capsys)
    assert code == 1 and "entry #1: its field column says 'header.model_name'" in out
    _sql(path, "UPDATE history SET field = NULL, record_id = NULL WHERE seq = 1",
         "CREATE TRIGGER quiet AFTER UPDATE ON value BEGIN SELECT 1; END",
         "CREATE VIEW shadow AS SELECT * FROM value", "CREATE TABLE notes (x)")
    code, out = _verify(path, capsys)
    assert code == 1 and "field column" not in out
    for planted in ("trigger 'quiet'", "view 'shadow'", "table 'notes'"):
        assert f"the file holds a {planted} that Riskwright never creates" in out
