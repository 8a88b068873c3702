"""An export reads the assessment and never writes to it; its temp file never sits beside the target."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from app.cli import main
from app.export import staging
from app.export.pipeline import write_report
from app.interchange.examples import example_document
from app.model import Value
from app.store import AssessmentFile


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_refused_and_a_written_export_leave_the_assessment_byte_for_byte(tmp_path: Path, capsys) -> None:
    doc = example_document()
    doc.values["retrospective.predicted_well"] = Value("The range host 203.0.113.9 behaved as forecast.")
    source = tmp_path / "flagged.rwa"
    AssessmentFile.create(source, doc).close()
    before = (_digest(source), os.stat(source).st_mtime_ns)
    assert main(["export", str(source), "--audience", "public", "--format", "md",
                 "-o", str(tmp_path / "p.md")]) == 1
    assert "1 detector flag is open" in capsys.readouterr().err  # computed in memory: the file was never scanned
    assert main(["export", str(source), "--audience", "internal", "--format", "md",
                 "-o", str(tmp_path / "i.md")]) == 0
    assert (_digest(source), os.stat(source).st_mtime_ns) == before
    with AssessmentFile.open(source) as reopened:
        assert reopened.db.execute("SELECT count(*) FROM flag").fetchone()[0] == 0


def test_the_scanned_file_waits_in_a_private_folder(tmp_path: Path, monkeypatch) -> None:
    seen: list[tuple[Path, int, int]] = []
    real = staging._publish

    def spy(temp: Path, target: Path) -> None:
        seen.append((temp, stat.S_IMODE(temp.stat().st_mode), stat.S_IMODE(temp.parent.stat().st_mode)))
        real(temp, target)

    monkeypatch.setattr(staging, "_publish", spy)
    write_report(example_document(), "internal", "md", tmp_path / "r.md")
    (temp, file_mode, folder_mode), = seen
    assert temp.parent.parent == staging.staging_root() and tmp_path not in temp.parents
    assert (file_mode, folder_mode) == (0o600, 0o700)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.md"]
    assert list(staging.staging_root().iterdir()) == []  # cleaned up after itself


def test_a_crashed_exports_leftovers_are_removed_on_the_next_start(tmp_path: Path, capsys) -> None:
    root = staging.staging_root()
    dead = root / "999999999-abc"  # no such process
    dead.mkdir(parents=True)
    (dead / "report").write_bytes(b"the unscanned report")
    mine = root / f"{os.getpid()}-live"
    mine.mkdir()
    main(["validate", str(tmp_path / "missing.rwa")])  # any start of the program
    capsys.readouterr()
    assert not dead.exists() and mine.exists()


def test_an_exports_snapshot_reads_without_sqlite_utils_and_reads_the_same(tmp_path: Path) -> None:
    """``reads_only``: the plain connection of the in-memory copy, the document as a full snapshot reads it;
    a file of an older format is upgraded in that copy as before (that takes sqlite-utils)."""
    import sqlite3
    source = tmp_path / "a.rwa"
    AssessmentFile.create(source, example_document()).close()
    with AssessmentFile.open(source, "read", reads_only=True) as plain, AssessmentFile.open(source, "read") as full:
        assert type(plain.db) is sqlite3.Connection and type(full.db) is not sqlite3.Connection
        assert plain.document == full.document and plain.read_only
    old = tmp_path / "format-2.rwa"
    old.write_bytes((Path(__file__).parent / "_files" / "format-2.rwa").read_bytes())
    before = _digest(old)
    with AssessmentFile.open(old, "read", reads_only=True) as upgraded:
        assert type(upgraded.db) is not sqlite3.Connection and upgraded.document.values
    assert _digest(old) == before


def test_an_export_does_not_import_sqlite_utils(tmp_path: Path) -> None:
    import subprocess
    import sys
    source = tmp_path / "a.rwa"
    AssessmentFile.create(source, example_document()).close()
    probe = ("import sys; from app.cli import main; "
             f"code = main(['export', {str(source)!r}, '--audience', 'public', '--format', 'md', "
             f"'-o', {str(tmp_path / 'p.md')!r}]); "
             "print(code, 'sqlite_utils' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).parent.parent)
    assert done.stdout.split()[-2:] == ["0", "False"], done.stderr
