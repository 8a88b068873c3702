"""Results worked out from content files, kept in the cache folder between runs.

Every ``riskwright`` command is a new process, and some of what it needs is
the same each time: the parsed YAML of ~30 content files (about a third of a
second of PyYAML), the confusable-folding tables (a walk over all of Unicode,
more than half a second). Each is kept as JSON — never pickle, so a file in the
cache folder can never run code — under a name made from a hash of exactly
what it was worked out from (Riskwright's version, a format number, the input
bytes). A changed input gives a new name and a miss; an unreadable or damaged
cache file is a miss; a cache folder that cannot be written to only makes the
next run as slow as this one. The same pattern as ``app.session.forms_cache``,
one layer down, so content loading and redaction can use it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from app import __version__
from app.places import cache_folder

Result = TypeVar("Result")
CACHE_FORMAT = 1


def digest(kind: str, inputs: Iterable[bytes]) -> str:
    """A name for what ``inputs`` give under ``kind`` in this version of Riskwright."""
    hashed = hashlib.sha256(f"{__version__}\0{CACHE_FORMAT}\0{kind}\0".encode())
    for part in inputs:
        hashed.update(len(part).to_bytes(8, "big"))
        hashed.update(part)
    return hashed.hexdigest()[:40]


def cached(kind: str, inputs: Iterable[bytes], build: Callable[[], Result],
           encode: Callable[[Result], Any], decode: Callable[[Any], Result]) -> Result:
    """``build()``, or what an earlier run kept for the same ``kind`` and ``inputs``.

    ``encode`` turns the result into JSON data and ``decode`` back; ``decode``
    raises (ValueError, KeyError, TypeError) on data it does not recognise,
    which is then a miss. Exceptions of ``build`` pass through, and nothing is
    kept then.
    """
    try:
        path: Path | None = cache_folder() / "derived" / kind / f"{digest(kind, inputs)}.json"
    except OSError:
        path = None
    if path is not None:
        try:
            with path.open(encoding="utf-8") as handle:
                return decode(json.load(handle))
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            pass
    result = build()
    if path is not None:
        # No cache folder, or a result JSON cannot hold: the next run builds it again.
        with contextlib.suppress(OSError, ValueError, TypeError):
            _write(path, json.dumps(encode(result), ensure_ascii=False, separators=(",", ":")))
    return result


def _write(path: Path, text: str) -> None:
    """Write via a temp file and a rename, so a reader never sees half a file (no fsync: a cache
    file lost in a crash is only a miss)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
