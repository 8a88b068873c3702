"""Shared by the durability tests: small drives (real or with injected faults), a second process holding a
file, crashed saves."""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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


DRIVE_KINDS = ("tmpfs", "injected")
"""How a test gets a small drive whose faults it causes; the ``drive`` fixture (conftest.py) runs each
drive test once per kind."""


def _can_mount() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("mount") is not None


def drive_statvfs(folder: Path, *, read_only: bool = False, full: bool = False) -> Callable[[Any], os.statvfs_result]:
    """``os.statvfs`` as it answers for a drive mounted at ``folder`` that is read-only (ST_RDONLY set) and/or
    full (no block available); other paths get the real answer.

    That call is how Riskwright learns what kind of drive a file is on (app.store.write_failure: read-only
    mounts, free space), so a file under ``folder`` meets the product's read-only and full-disk paths
    exactly as on a write-protected stick or a full one.
    """
    real = os.statvfs
    root = folder.resolve()

    def statvfs(path: Any) -> os.statvfs_result:
        result = real(path)
        if isinstance(path, int) or not Path(os.fsdecode(path)).resolve().is_relative_to(root):
            return result
        fields = list(result)  # f_bsize f_frsize f_blocks f_bfree f_bavail f_files f_ffree f_favail f_flag f_namemax
        if full:
            fields[3] = fields[4] = 0
        if read_only:
            fields[8] |= os.ST_RDONLY
        return os.statvfs_result(fields)
    return statvfs


_CLI_ON_READ_ONLY_DRIVE = """
import os, sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from durability_helpers import drive_statvfs
os.statvfs = drive_statvfs(Path({folder!r}), read_only=True)
from app.cli import main
sys.exit(main(sys.argv[1:]))
"""


class Drive:
    """A folder standing for a small removable drive (a USB stick) that a test fills up or write-protects.

    ``tmpfs``: a real 1 MB tmpfs mounted at the folder. It fills up for real (ENOSPC from the kernel)
    and is remounted read-only for real (EROFS). Mounting needs root with CAP_SYS_ADMIN, which a
    locked-down container (a CI runner, often) does not give, so this kind is skipped there.

    ``injected``: a plain folder with the two faults injected at the operating system's boundary, so
    that every drive test runs everywhere. SQLite and the product run unchanged:

    - full: the kernel really refuses to grow any file of this process past its current size
      (``RLIMIT_FSIZE`` set to the largest file on the drive; CPython ignores SIGXFSZ, so write(2)
      fails with EFBIG and SQLite rolls the transaction back, SQLITE_IOERR_WRITE), and ``os.statvfs``
      reports no free block on the drive, as a full drive does. What is simulated: a drive whose last
      block is gone — every write that needs new space fails, rewriting existing pages still works;
      the product names the cause from the free space, as on a real full drive. (On the tmpfs kind
      SQLite sees ENOSPC itself and says SQLITE_FULL; the two kinds cover both ways the product can
      tell.) ``free`` restores the limit, as deleting a file frees a real disk. The limit applies to
      the whole test process, and only while the drive is full.
    - read-only: ``os.statvfs`` reports the drive as mounted read-only (ST_RDONLY), in this process and
      in command-line runs started with ``run_cli``. No EROFS can be had without a mount, so the files
      stay writable underneath (root writes anyway); the tests therefore check that the product wrote
      nothing at all (``contents`` before and after, byte for byte) — stricter than a real read-only
      mount, which would hide a write attempt behind EROFS.
    """

    def __init__(self, kind: str, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.kind = kind
        self.path = path
        self._monkeypatch = monkeypatch
        self._filler = path / "filler"
        self._size_limit: tuple[int, int] | None = None
        self.read_only = False

    def fill(self) -> None:
        """Leave no space on the drive: the next save that needs more room fails."""
        if self.kind == "tmpfs":
            with open(self._filler, "wb") as stream:
                try:
                    while True:
                        stream.write(b"\0" * 65536)
                except OSError:
                    pass
            return
        largest = max((item.stat().st_size for item in self.path.rglob("*") if item.is_file()), default=0)
        self._size_limit = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (largest, self._size_limit[1]))
        self._monkeypatch.setattr(os, "statvfs", drive_statvfs(self.path, read_only=self.read_only, full=True))

    def free(self) -> None:
        """Give the space back (delete the filler / lift the size limit)."""
        if self.kind == "tmpfs":
            self._filler.unlink()
            return
        if self._size_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, self._size_limit)
            self._size_limit = None
        self._monkeypatch.setattr(os, "statvfs", drive_statvfs(self.path, read_only=self.read_only))

    def make_read_only(self) -> None:
        """Write-protect the drive, as a stick's switch or a read-only mount does."""
        if self.kind == "tmpfs":
            subprocess.run(["mount", "-o", "remount,ro", str(self.path)], check=True, capture_output=True)
        else:
            self._monkeypatch.setattr(os, "statvfs", drive_statvfs(self.path, read_only=True))
        self.read_only = True

    def run_cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``riskwright ARGS`` in a new process that sees this drive as it is (read-only once made so)."""
        if self.kind == "tmpfs" or not self.read_only:
            return run_cli(*args)
        code = _CLI_ON_READ_ONLY_DRIVE.format(tests=str(Path(__file__).resolve().parent), folder=str(self.path))
        return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)

    def contents(self) -> dict[str, tuple[int, int, str]]:
        """Every file on the drive: name -> (size, mtime in ns, SHA-256), to show nothing was written."""
        found = {}
        for item in sorted(self.path.rglob("*")):
            if item.is_file():
                stat = item.stat()
                found[str(item.relative_to(self.path))] = (stat.st_size, stat.st_mtime_ns,
                                                           hashlib.sha256(item.read_bytes()).hexdigest())
        return found


@contextmanager
def small_drive(kind: str, folder: Path, monkeypatch: pytest.MonkeyPatch, size: str = "1m") -> Iterator[Drive]:
    """A ``Drive`` of ``kind`` at ``folder`` for the length of the block (the tmpfs kind skips without mount rights)."""
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "injected":
        drive = Drive(kind, folder, monkeypatch)
        try:
            yield drive
        finally:
            drive.free()  # never leave the test process with a file size limit
        return
    if not _can_mount() or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                                          capture_output=True).returncode != 0:
        pytest.skip("mounting a small file system needs root (the 'injected' run of this test covers it)")
    try:
        yield Drive(kind, folder, monkeypatch)
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)
