"""Where a report waits while it is scanned: a private folder, never beside the target.

An export writes the finished report to a temp file, scans that file for
leaks, and only then moves it into place. Until the scan passes, the file is
the complete, *unscanned* report — for a public export possibly one that leaks.
A temp file beside the target (``.NAME.tmp``) is exactly where a sync tool or a
colleague finds it when a crash leaves it behind (issue #11, case 9). So:

* the temp file lives in a folder of its own under the user's cache folder
  (``app.places.cache_folder()/staging/<pid>-<random>/``), created 0700, the
  file itself 0600;
* after a clean scan it is given the permissions a plain new file gets and
  renamed over the target (one ``rename``: the target appears complete or not
  at all); when the cache folder is on another file system the scanned bytes
  are copied to a hidden temp file beside the target and renamed — only bytes
  that passed the scan ever reach the target's folder;
* the next start of the program (``remove_stale``) deletes the folders of
  processes that are no longer running, so a crash's leftovers do not stay.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.places import cache_folder

STAGING_FOLDER = "staging"


def staging_root() -> Path:
    """The folder holding one private sub-folder per exporting process."""
    return cache_folder() / STAGING_FOLDER


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _private_folder() -> Path:
    root = staging_root()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(root, 0o700)
    return Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=root))  # mkdtemp makes it 0700


def _write_private(path: Path, data: bytes) -> None:
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())


def _publish(temp: Path, target: Path) -> None:
    """Move the scanned file over ``target`` with a plain new file's permissions."""
    os.chmod(temp, 0o666 & ~_umask())
    try:
        os.replace(temp, target)
        return
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
    # Another file system: copy the (already scanned) bytes beside the target, then rename.
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    beside = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream, open(temp, "rb") as source:
            shutil.copyfileobj(source, stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(beside, 0o666 & ~_umask())
        os.replace(beside, target)
    finally:
        beside.unlink(missing_ok=True)


@contextmanager
def staged_write(target: Path, data: bytes) -> Iterator[Path]:
    """Write ``data`` to a private temp file and yield it; on a normal exit move it over ``target``.

    The caller scans the yielded file; if the block raises, the temp file is
    deleted and ``target`` is left as it was.
    """
    if not target.parent.is_dir():
        raise FileNotFoundError(2, "no such folder", str(target.parent))
    folder = _private_folder()
    try:
        temp = folder / "report"
        _write_private(temp, data)
        yield temp
        _publish(temp, target)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale() -> int:
    """Delete the staging folders of processes that are no longer running; return how many.

    Called at every start of the program (CLI and window). A folder whose
    name does not start with a process id is not ours to judge and is left.
    """
    root = staging_root()
    try:
        folders = list(root.iterdir())
    except OSError:
        return 0
    removed = 0
    for folder in folders:
        pid_text = folder.name.split("-", 1)[0]
        if not pid_text.isdigit() or int(pid_text) == os.getpid() or _running(int(pid_text)):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    return removed
