"""Shared by the durability tests: small file systems, a second process holding a file, crashed saves."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, cwd: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120, input=stdin)


def python(code: str, **kwargs) -> subprocess.Popen[str]:  # type: ignore[no-untyped-def]
    """Start a Python process running ``code`` (dedented), stdin/stdout as pipes."""
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, **kwargs)


@contextmanager
def holder_process(path: Path, program: str = "a test window") -> Iterator[subprocess.Popen[str]]:
    """Another process that has ``path`` open for editing until the block ends (or it is killed)."""
    process = python(f"""
        import sys
        from app.store import AssessmentFile
        assessment = AssessmentFile.open({str(path)!r}, "edit", program={program!r})
        print("ready", flush=True)
        sys.stdin.readline()
        assessment.close()
    """)
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.strip() == "ready", process.stderr.read() if process.stderr else line
    try:
        yield process
    finally:
        if process.poll() is None:
            process.communicate("\n", timeout=30)


def crash_mid_save(path: Path) -> None:
    """Leave ``path`` as a program killed in the middle of a large save leaves it: a hot journal beside it.

    The child spills changed pages into the file itself (a tiny page cache), so
    without the journal's rollback the file would hold half a transaction.
    """
    process = python(f"""
        import os, sqlite3
        conn = sqlite3.connect({str(path)!r}, isolation_level=None)
        conn.execute("PRAGMA cache_size = 1")
        conn.execute("BEGIN")
        conn.execute("UPDATE value SET data = json_quote(hex(randomblob(3000)))")
        conn.execute("DELETE FROM history")
        os._exit(0)
    """)
    process.communicate(timeout=60)
    assert Path(f"{path}-journal").stat().st_size > 0


def _can_mount() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("mount") is not None


@contextmanager
def small_disk(folder: Path, size: str = "1m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``folder`` (needs root: the test is skipped otherwise)."""
    folder.mkdir(parents=True, exist_ok=True)
    if not _can_mount() or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                                          capture_output=True).returncode != 0:
        pytest.skip("mounting a small file system needs root")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def make_read_only(folder: Path) -> None:
    """Remount the tmpfs at ``folder`` read-only, as a write-protected stick would be."""
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True, capture_output=True)
