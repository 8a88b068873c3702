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
