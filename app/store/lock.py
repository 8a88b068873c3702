"""One writer per assessment file: the edit lock.

Two programs editing one file lose each other's changes (each keeps its own copy
of the document in memory) and then make the history look tampered with. So a
file opened for editing gets a small lock file beside it, ``.NAME.rwa.lock``,
holding who has it (person, login, host, process, since when) and locked with
``flock``. The kernel drops an ``flock`` the moment its process ends, however it
ends, so a lock left behind by a crashed or killed program is recognised as
stale and taken over; its content is only there to tell the next person *who*
has the file open.

A process started by the lock holder to help it (the window's worker that
rescans flags) may write without the lock of its own: it is its parent's hand.
"""

from __future__ import annotations

import fcntl
import json
import os
from datetime import datetime
from pathlib import Path

from app.model.fast_dataclass import dataclass
from app.store.errors import StoreError

_MAX_LOCK_BYTES = 4096


def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


def _login() -> str:
    import getpass  # here, not at the top: a command that only reads (export, portfolio) never takes a lock
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return f"uid {os.getuid()}"


@dataclass(frozen=True)
class Holder:
    """Who has a file open for editing."""

    person: str
    login: str
    host: str
    pid: int
    since: str
    """Local time the file was opened, ``YYYY-MM-DD HH:MM``."""
    program: str

    @classmethod
    def me(cls, program: str) -> Holder:
        import socket
        from app.store.identity import assessor_name
        return cls(assessor_name(), _login(), socket.gethostname(), os.getpid(),
                   datetime.now().strftime("%Y-%m-%d %H:%M"), program)

    @classmethod
    def from_json(cls, text: str) -> Holder | None:
        try:
            body = json.loads(text)
            return cls(str(body["person"]), str(body["login"]), str(body["host"]), int(body["pid"]),
                       str(body["since"]), str(body.get("program", "Riskwright")))
        except (ValueError, KeyError, TypeError):
            return None

    def to_json(self) -> str:
        return json.dumps({"person": self.person, "login": self.login, "host": self.host, "pid": self.pid,
                           "since": self.since, "program": self.program}, ensure_ascii=False) + "\n"

    @property
    def on_this_host(self) -> bool:
        import socket
        return self.host == socket.gethostname()

    @property
    def is_this_process(self) -> bool:
        return self.on_this_host and self.pid == os.getpid()

    def describe(self) -> str:
        """``Ana Example (login ana) on ws-7, process 4242, since 2025-03-01 14:05``."""
        who = self.person if self.person == self.login else f"{self.person} (login {self.login})"
        if self.is_this_process:
            return f"{who} in this program (another window), since {self.since}"
        return f"{who} on {self.host}, process {self.pid} ({self.program}), since {self.since}"


class FileInUse(StoreError):
    """The file is open for editing elsewhere; ``holder`` says by whom (None if unreadable)."""

    def __init__(self, path: Path, holder: Holder | None, advice: str) -> None:
        who = holder.describe() if holder else "another program (it did not say who)"
        super().__init__(f"{path}: open for editing by {who}. {advice}")
        self.path = path
        self.holder = holder


CLOSE_IT_FIRST = "Close it there first, or open it read-only or as a copy."


def _read_holder(fd: int) -> Holder | None:
    try:
        data = os.pread(fd, _MAX_LOCK_BYTES, 0)
    except OSError:
        return None
    return Holder.from_json(data.decode("utf-8", "replace")) if data.strip() else None


def _same_file(fd: int, path: Path) -> bool:
    try:
        mine, there = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (mine.st_dev, mine.st_ino) == (there.st_dev, there.st_ino)


def _open_lock_file(path: Path) -> tuple[int, bool]:
    """The lock file's descriptor, and whether we may write our name into it."""
    flags = os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | flags, 0o666), True
    except PermissionError:
        # Someone else's lock file in a shared folder: it can still be locked, just not written.
        return os.open(path, os.O_RDONLY | flags), False


class EditLock:
    """The held lock on one file; ``release`` (or process exit) lets the next writer in."""

    def __init__(self, path: Path, fd: int | None, stale: Holder | None) -> None:
        self.path = path
        self._fd = fd
        self.stale = stale
        """The holder of a lock left behind by a program that ended without closing the file."""

    @classmethod
    def acquire(cls, path: Path, program: str, advice: str = CLOSE_IT_FIRST) -> EditLock:
        """Take the lock on ``path`` or raise FileInUse naming the holder.

        Raises OSError when the lock file cannot be created (a read-only folder).
        """
        target = lock_path(path)
        for _attempt in range(5):
            fd, writable = _open_lock_file(target)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_holder(fd)
                os.close(fd)
                if holder is not None and holder.on_this_host and holder.pid == os.getppid():
                    return cls(path, None, None)  # a helper process of the holder
                raise FileInUse(path, holder, advice) from None
            except BaseException:
                os.close(fd)
                raise
            if not _same_file(fd, target):
                # The previous holder removed the file between our open and our lock: start again.
                os.close(fd)
                continue
            stale = _read_holder(fd)
            if writable:
                data = Holder.me(program).to_json().encode("utf-8")
                os.ftruncate(fd, 0)
                os.pwrite(fd, data, 0)
                os.fsync(fd)
            return cls(path, fd, stale)
        raise FileInUse(path, None, advice)

    @staticmethod
    def holder(path: Path) -> Holder | None:
        """Who holds the lock on ``path`` now, or None when nobody does (a stale lock counts as free)."""
        target = lock_path(path)
        try:
            fd = os.open(target, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            return None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return _read_holder(fd) or Holder("someone", "unknown", "unknown host", 0, "unknown", "unknown")
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None
        finally:
            os.close(fd)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            if _same_file(fd, lock_path(self.path)):
                lock_path(self.path).unlink(missing_ok=True)
        except OSError:
            pass  # a folder gone or read-only now: the kernel still drops the lock below
        finally:
            os.close(fd)
