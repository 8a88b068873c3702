"""Write a file so that it appears complete or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def temp_beside(path: Path) -> Path:
    """A new empty temp file next to ``path`` with the permissions a plain new file gets."""
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    os.chmod(temp_name, 0o666 & ~_umask())
    return Path(temp_name)


@contextmanager
def staged_write(path: Path, data: bytes) -> Iterator[Path]:
    """Write ``data`` durably to a temp file beside ``path`` and yield the temp file.

    The caller may inspect it (the exporter scans it for leaks); when the block
    ends normally the temp file is renamed over ``path``, and if it raises the
    temp file is deleted and ``path`` is left as it was.
    """
    if not path.parent.is_dir():
        raise FileNotFoundError(2, "no such folder", str(path.parent))
    temp = temp_beside(path)
    try:
        with open(temp, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        yield temp
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def write_atomically(path: Path, data: bytes) -> None:
    with staged_write(path, data):
        pass
