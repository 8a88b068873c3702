"""Crashes, two programs on one file, read-only media, full disks and deleted folders (issue 12, core)."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest
from durability_helpers import crash_mid_save, holder_process, run_cli

from app.model import Address, SetValue
from app.store import AssessmentFile, FileInUse, ReadOnlyFile, SaveFailed, StoreError
from app.store.lock import lock_path
from app.store.verification import verify_file

NAME = Address.parse("header.model.name")
RAW_SQLITE = ("readonly database", "database or disk", "disk I/O", "unable to open", "malformed", "SQLITE_")


def _plain(message: str) -> None:
    assert not any(raw in message for raw in RAW_SQLITE), message


# -- a crash in the middle of a save ----------------------------------------------------------
def test_a_crashed_save_is_rolled_back_and_every_command_opens_the_file(example_file):
    with AssessmentFile.open(example_file, "edit") as assessment:
        assessment.apply(SetValue(NAME, "Saved before the crash"))
        expected = assessment.document
    crash_mid_save(example_file)
    for command in (["validate"], ["dump"], ["verify"]):
        result = run_cli(*command, str(example_file))
        assert result.returncode in (0, 1), result.stderr
        assert "damaged" not in result.stderr and "Traceback" not in result.stderr
    assert not Path(f"{example_file}-journal").exists()
    with AssessmentFile.open(example_file, "edit") as assessment:
        assert assessment.document == expected
    assert verify_file(example_file).intact


def test_a_crashed_save_on_read_only_media_is_readable_and_says_how_to_repair(drive, example_file):
    path = drive.path / "a.rwa"
    shutil.copyfile(example_file, path)
    with AssessmentFile.open(path, "edit") as assessment:
        assessment.apply(SetValue(NAME, "Last completed save"))
    crash_mid_save(path)
    drive.make_read_only()
    before = drive.contents()
    with pytest.raises(ReadOnlyFile) as refused:
        AssessmentFile.open(path, "edit")
    assert "read-only" in str(refused.value)
    with AssessmentFile.open(path, "read") as snapshot:
        assert snapshot.document.get("header.model.name") == "Last completed save"
        assert "a.rwa-journal" in (snapshot.read_only_reason or "")
        assert "copy" in (snapshot.read_only_reason or "")
    dumped = drive.run_cli("dump", str(path))
    assert dumped.returncode == 0 and "Last completed save" in dumped.stdout
    signed = drive.run_cli("signoff", str(path), "--role", "assessor", "--name", "X")
    assert signed.returncode == 2 and "journal" in signed.stderr and "Traceback" not in signed.stderr
    _plain(signed.stderr)
    assert drive.contents() == before  # the journal is still there, untouched: nothing was written


# -- one writer per file --------------------------------------------------------------------------
def test_a_second_writer_is_told_who_has_the_file(example_file):
    with holder_process(example_file) as other:
        with pytest.raises(FileInUse) as refused:
            AssessmentFile.open(example_file, "edit")
        holder = refused.value.holder
        assert holder is not None and holder.pid == other.pid and holder.program == "a test window"
        assert f"process {other.pid}" in str(refused.value) and holder.host in str(refused.value)
        # Reading is fine meanwhile, and a copy can be made from the snapshot.
        with AssessmentFile.open(example_file, "read", reason="open elsewhere") as snapshot:
            assert snapshot.read_only and snapshot.document.get("header.model.name")
            with pytest.raises(ReadOnlyFile):
                snapshot.apply(SetValue(NAME, "no"))
        # Command-line writes are refused with the same message; reads work.
        refused_cli = run_cli("resolve", str(example_file), "F-1", "--dismiss", "fine")
        assert refused_cli.returncode == 2
        assert "open for editing by" in refused_cli.stderr and str(other.pid) in refused_cli.stderr
        assert run_cli("verify", str(example_file)).returncode == 0
        assert run_cli("scan", str(example_file)).returncode in (0, 1)
        replaced = run_cli("import", "-", "-o", str(example_file), "--force",
                           stdin=run_cli("dump", str(example_file)).stdout)
        assert replaced.returncode == 2 and "open for editing" in replaced.stderr
    # Closed there: the lock is gone and the file is a single file again.
    assert not lock_path(example_file).exists()
    with AssessmentFile.open(example_file, "edit") as assessment:
        assert assessment.lock is not None and assessment.lock.stale is None


def test_a_lock_left_by_a_killed_program_is_taken_over(example_file):
    with holder_process(example_file) as other:
        os.kill(other.pid, signal.SIGKILL)
        other.wait(timeout=30)
    assert lock_path(example_file).exists()
    with AssessmentFile.open(example_file, "edit") as assessment:
        assert assessment.lock is not None and assessment.lock.stale is not None
        assert assessment.lock.stale.pid == other.pid
        assessment.apply(SetValue(NAME, "after the takeover"))
    assert verify_file(example_file).intact


def test_the_same_program_cannot_edit_a_file_twice(example_file):
    with AssessmentFile.open(example_file, "edit"), pytest.raises(FileInUse, match="this program"):
        AssessmentFile.open(example_file, "edit")


def test_a_change_by_another_connection_is_followed_never_overwritten(example_file):
    mine = AssessmentFile.open(example_file, "unlocked")
    seen: list[str] = []
    mine.outside_change_listeners.append(lambda: seen.append("reloaded"))
    with AssessmentFile.open(example_file, "unlocked") as theirs:
        theirs.apply(SetValue(NAME, "from B"))
    other = Address.parse("header.model.version")
    mine.apply(SetValue(other, "from A"))
    assert seen == ["reloaded"]
    assert mine.document.get("header.model.name") == "from B"
    mine.close()
    verdict = verify_file(example_file)
    assert verdict.intact, verdict.problems
    with AssessmentFile.open(example_file, "read") as reread:
        assert reread.document.get("header.model.name") == "from B"
        assert reread.document.get("header.model.version") == "from A"


# -- read-only files -----------------------------------------------------------------------------------
def test_a_file_on_read_only_media_opens_read_only(tmp_path, drive, example_file):
    path = drive.path / "a.rwa"
    shutil.copyfile(example_file, path)
    drive.make_read_only()
    before = drive.contents()
    with pytest.raises(ReadOnlyFile, match="drive it is on is read-only"):
        AssessmentFile.open(path, "edit")
    with AssessmentFile.open(path, "read", reason="the drive is read-only") as snapshot:
        with pytest.raises(ReadOnlyFile, match="nothing was changed"):
            snapshot.apply(SetValue(NAME, "x"))
        # Derived flags may be refreshed in memory; recorded decisions may not be faked.
        snapshot.db.execute("DELETE FROM flag")
        with pytest.raises(Exception, match="not authorized"):
            snapshot.db.execute("DELETE FROM history")
        copy = tmp_path / "rescued.rwa"
        snapshot.save_copy(copy)
    assert verify_file(copy).intact
    for command, code in ((["verify"], 0), (["export", "--audience", "internal", "--format", "json",
                                              "-o", str(tmp_path / "r.json")], 0)):
        result = drive.run_cli(*command, str(path))
        assert result.returncode == code, result.stderr
    signed = drive.run_cli("signoff", str(path), "--role", "assessor", "--name", "X")
    assert signed.returncode == 2 and "read-only" in signed.stderr
    _plain(signed.stderr)
    assert drive.contents() == before


# -- failed writes --------------------------------------------------------------------------------------
def test_a_full_disk_is_said_in_plain_words_and_the_edit_is_kept_until_it_can_be_saved(drive, example_file):
    path = drive.path / "a.rwa"
    shutil.copyfile(example_file, path)
    assessment = AssessmentFile.open(path, "edit")
    drive.fill()
    text = "Typed while the disk was full. " * 2000
    with pytest.raises(SaveFailed) as failed:
        assessment.apply(SetValue(NAME, text))
    assert failed.value.reason == "the disk is full" and failed.value.retry
    _plain(str(failed.value))
    assert assessment.document.get("header.model.name") != text  # a plain apply leaves nothing half-done
    inverse = assessment.apply(SetValue(NAME, text), keep_unsaved=True)
    assert assessment.document.get("header.model.name") == text and assessment.unsaved
    assert assessment.save_problem is not None and assessment.save_problem.reason == "the disk is full"
    assert not assessment.retry_save()
    drive.free()
    assert assessment.retry_save() and not assessment.unsaved and assessment.save_problem is None
    assessment.apply(inverse)  # undo works as ever
    assessment.apply(SetValue(NAME, text))
    assessment.close()
    assert verify_file(path).intact
    with AssessmentFile.open(path, "read") as reread:
        assert reread.document.get("header.model.name") == text


def test_a_deleted_folder_is_named_and_the_work_can_be_saved_elsewhere(tmp_path, example_file):
    folder = tmp_path / "project"
    folder.mkdir()
    path = folder / "a.rwa"
    shutil.copyfile(example_file, path)
    assessment = AssessmentFile.open(path, "edit")
    assessment.apply(SetValue(NAME, "saved"))
    shutil.rmtree(folder)
    assessment.apply(SetValue(NAME, "typed after the folder was deleted"), keep_unsaved=True)
    problem = assessment.save_problem
    assert problem is not None and "no longer exists" in problem.reason and str(folder) in problem.reason
    assert "readonly" not in str(problem)
    _plain(str(problem))
    rescued = tmp_path / "rescued.rwa"
    assessment.save_copy(rescued)
    assessment.close()
    assert verify_file(rescued).intact
    with AssessmentFile.open(rescued, "read") as copy:
        assert copy.document.get("header.model.name") == "typed after the folder was deleted"


def test_a_write_failure_never_shows_sqlite_words():
    import sqlite3

    from app.store.write_failure import classify, read_failure
    here = Path("/nonexistent-folder/x.rwa")
    for message in ("attempt to write a readonly database", "database or disk is full", "disk I/O error"):
        error = sqlite3.OperationalError(message)
        _plain(str(classify(error, here)))
        _plain(read_failure(error, here))


def test_opening_refuses_nothing_it_should_accept(tmp_path):
    with pytest.raises(StoreError, match="no such file"):
        AssessmentFile.open(tmp_path / "missing.rwa", "edit")
    assert not lock_path(tmp_path / "missing.rwa").exists()
