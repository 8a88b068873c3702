"""Remember what reading an unchanged file found, keyed by the digest of its exact bytes.

Verifying and checking a large assessment costs tens of milliseconds; a lead
re-reading a portfolio of hundreds of files, most unchanged since the last
time, should not pay that again. The key is the SHA-256 of the whole file
(about 2 ms for 3 MB), so any change to any byte — an edit, a sign-off, a
tampering with the sqlite3 shell — misses the cache and the file is read and
verified afresh. The key also covers this version of Riskwright and the forms
and frameworks installed, so a corrected framework re-checks every file.

The cache holds summaries only (model name, statuses, dates, counts), never
assessment text. It lives in the app's cache folder (``app.places``), under
``portfolio/``, one file per digest in an owner-only folder; a damaged or unreadable
cache entry is ignored and rewritten. It is never the portfolio's source of
truth: deleting the folder only makes the next read slower.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import fields
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from app import __version__, places
from app.content.locate import content_path
from app.model.sensitivity import Sensitivity
from app.portfolio.clocks import Clock
from app.portfolio.summary import ModelRow, RegimeStatus, Unreadable

CACHE_FORMAT = 1
_CACHED_PROBLEMS = ("tampered",)
"""Unreadable results worth remembering (the same bytes give the same verdict); damaged files are cheap."""


def cache_folder() -> Path:
    return places.cache_folder() / "portfolio"


def file_digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@cache
def _content_fingerprint() -> str:
    """The installed forms and frameworks, so that changing either invalidates every entry."""
    digest = hashlib.sha256(f"{CACHE_FORMAT}:{__version__}".encode())
    for folder in ("forms", "schemas"):
        root = content_path(folder)
        for path in sorted(root.rglob("*.yaml")):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _entry_path(digest: str) -> Path:
    return cache_folder() / f"{_content_fingerprint()}-{digest}.json"


def load(path: Path, digest: str, as_of: date) -> ModelRow | Unreadable | None:
    """The remembered summary of these exact bytes, read for ``as_of``; None on a miss."""
    try:
        body = json.loads(_entry_path(digest).read_text(encoding="utf-8"))
        return _from_json(body, path, as_of)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(digest: str, result: ModelRow | Unreadable) -> None:
    """Remember ``result`` (best effort: a cache that cannot be written is simply not used)."""
    if isinstance(result, Unreadable) and result.kind not in _CACHED_PROBLEMS:
        return
    target = _entry_path(digest)
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".entry-")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(_to_json(result), out)
        os.replace(temp, target)
    except OSError:
        return


def _to_json(result: ModelRow | Unreadable) -> dict[str, Any]:
    if isinstance(result, Unreadable):
        return {"unreadable": {"kind": result.kind, "message": result.message}}
    row: dict[str, Any] = {}
    for item in fields(ModelRow):
        value = getattr(result, item.name)
        if item.name == "path":
            continue
        if item.name == "clocks":
            value = [{name: _plain(getattr(clock, name)) for name in _CLOCK_FIELDS} for clock in value]
        elif item.name == "regimes":
            value = [{"framework_id": r.framework_id, "title": r.title, "status": r.status, "counts": r.counts}
                     for r in value]
        row[item.name] = _plain(value)
    return {"row": row}


_CLOCK_FIELDS = ("kind", "regime", "regime_title", "rule_id", "subject", "address", "started", "due", "due_at")
_DATES = ("decision_date", "assessment_date")


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Sensitivity):
        return value.value
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def _from_json(body: dict[str, Any], path: Path, as_of: date) -> ModelRow | Unreadable:
    if "unreadable" in body:
        return Unreadable(path, body["unreadable"]["kind"], body["unreadable"]["message"])
    row = dict(body["row"])
    row["path"] = path
    row["model_sensitivity"] = Sensitivity(row["model_sensitivity"])
    for name in _DATES:
        row[name] = None if row[name] is None else date.fromisoformat(row[name])
    row["regimes"] = tuple(RegimeStatus(r["framework_id"], r["title"], r["status"], dict(r["counts"]))
                           for r in row["regimes"])
    row["clocks"] = tuple(Clock(**{**clock, "started": date.fromisoformat(clock["started"]),
                                   "due": date.fromisoformat(clock["due"]), "as_of": as_of,
                                   "due_at": None if clock["due_at"] is None
                                   else datetime.fromisoformat(clock["due_at"])})
                          for clock in row["clocks"])
    row["levels"] = tuple(tuple(level) for level in row["levels"])
    return ModelRow(**row)
