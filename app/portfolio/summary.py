"""One assessment file, read-only, summarised for the portfolio: a ``ModelRow`` or an ``Unreadable``.

Reading never writes: the file is opened with SQLite's read-only mode, so an
assessor can keep the same file open for editing while a lead reads the
portfolio. The document is read once and serves verification, every regime's
check, the rubric score and the clocks.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from app.checks import check_counts, check_score, load_framework
from app.checks.facts import FilledCounts
from app.content.framework_spec import Framework
from app.model.document import Document
from app.model.fast_dataclass import dataclass
from app.model.sensitivity import Sensitivity
from app.portfolio.clocks import Clock, framework_title, running_clocks
from app.store import StoreError
from app.store.file import HISTORY_FORMAT, _database, _read_document, open_inspected
from app.store.hashing import ContentHasher, StoredPieces
from app.store.readable import Readable
from app.store.revision import current_revision
from app.store.signoff import DEFAULT_REQUIRED, revision_status
from app.store.verification import verify

if TYPE_CHECKING:
    from sqlite_utils import Database

RUBRIC = "risk-assessment-best-practice"
FRAMEWORK = "header.framework"
REGIMES = "header.regimes"
MODEL_NAME = "header.model.name"
_LEVELS_TABLE = "pre_deployment.determinations"


T = TypeVar("T")

@dataclass(frozen=True)
class RegimeStatus:
    framework_id: str
    title: str
    status: str
    """``compliant``, ``non_compliant``, ``incomplete``, or ``unknown`` for a framework not installed here."""
    counts: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.framework_id, "title": self.title, "status": self.status, "counts": dict(self.counts)}


@dataclass(frozen=True)
class ModelRow:
    """What the portfolio shows for one assessment."""

    path: Path
    model: str
    model_sensitivity: Sensitivity
    version: str
    release_type: str | None
    decision: str | None
    decision_date: date | None
    assessment_date: date | None
    revision: int
    revision_hash: str
    signoff_state: str
    """``signed off``, ``partly signed`` or ``unsigned`` (of the current revision)."""
    last_signed: int | None
    regimes: tuple[RegimeStatus, ...]
    rubric_score: float | None
    open_flags: int
    clocks: tuple[Clock, ...]
    levels: tuple[tuple[str, str | None, str | None], ...] = ()
    """(category, pre-mitigation level, post-mitigation level) per determination."""

    @property
    def overdue(self) -> tuple[Clock, ...]:
        return tuple(clock for clock in self.clocks if clock.overdue)

    @property
    def next_reassessment(self) -> date | None:
        due = [clock.due for clock in self.clocks if clock.kind in ("reassessment", "own_reassessment")]
        return min(due) if due else None

    @property
    def needs_attention(self) -> bool:
        """Something overdue, or a regime not complied with."""
        return bool(self.overdue) or any(regime.status in ("non_compliant", "unknown") for regime in self.regimes)

    def as_json(self) -> dict[str, Any]:
        return {
            "file": str(self.path), "model": self.model, "model_sensitivity": self.model_sensitivity.value,
            "version": self.version, "release_type": self.release_type, "decision": self.decision,
            "decision_date": _iso(self.decision_date), "assessment_date": _iso(self.assessment_date),
            "revision": self.revision, "revision_hash": self.revision_hash, "signoff": self.signoff_state,
            "last_signed_revision": self.last_signed, "regimes": [r.as_json() for r in self.regimes],
            "rubric_score": self.rubric_score, "open_flags": self.open_flags,
            "next_reassessment": _iso(self.next_reassessment),
            "clocks": [clock.as_json() for clock in self.clocks], "needs_attention": self.needs_attention,
        }


@dataclass(frozen=True)
class Unreadable:
    """A file the portfolio could not trust, and why, in words a lead can act on."""

    path: Path
    kind: str
    """``damaged``, ``newer_format``, ``tampered``, ``not_an_assessment``, ``needs_recovery`` or ``unreadable``."""
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"file": str(self.path), "problem": self.kind, "message": self.message}


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def regime_ids(doc: Document) -> tuple[str, ...]:
    """The regimes an assessment names: its framework, then each row of the regimes table, without repeats."""
    named: list[str] = []
    framework = doc.get(FRAMEWORK)
    if isinstance(framework, str) and framework:
        named.append(framework)
    named.extend(framework_id for record in doc.records(REGIMES)
                 if isinstance(framework_id := record.get("framework"), str) and framework_id)
    return tuple(dict.fromkeys(named))


def _framework(framework_id: str) -> Framework | None:
    try:
        return load_framework(framework_id)
    except KeyError:
        return None


def summarise(path: Path, as_of: date) -> ModelRow | Unreadable:
    """Read one file read-only and summarise it; never raises for a bad file."""
    return read_summary(path, as_of, _nothing_more)[0]


def _nothing_more(_row: ModelRow, _db: Database, _document: Document) -> None:
    return None


def read_summary(path: Path, as_of: date, also: Callable[[ModelRow, Database, Document], T]
                 ) -> tuple[ModelRow | Unreadable, T | None]:
    """``summarise``, and ``also(row, db, document)`` while the verified file is still open (None when it is
    unreadable): a caller that needs more of the file than its row reads it once, not twice."""
    read = _read_verified(path, as_of, also)
    return (read, None) if isinstance(read, Unreadable) else read


_MAPPED = [False]
"""Whether files are read through a memory map (``map_files``)."""


def map_files(on: bool) -> None:
    """Read files through a memory map from now on (``app.store.file.open_inspected``'s ``mapped``): for
    a process whose sudden end its parent notices and recovers from (``app.portfolio.reading``)."""
    _MAPPED[0] = on


def _read_verified(path: Path, as_of: date, also: Callable[[ModelRow, Database, Document], T]
                   ) -> Unreadable | tuple[ModelRow, T]:
    try:
        version, conn = open_inspected(path, mapped=_MAPPED[0])  # read-only; the check keeps every page
    except StoreError as error:
        return Unreadable(path, _kind_of(str(error)), _plain(str(error), path))
    assert conn is not None
    if version < HISTORY_FORMAT:
        conn.close()
        return Unreadable(path, "unreadable", f"{path.name}: written before Riskwright kept a history (format "
                                              f"{version}); open it once in Riskwright to upgrade it")
    try:  # through the plain connection: reading needs no sqlite-utils (``app.store.readable``)
        stored = StoredPieces()
        document = _read_document(conn, stored)
        hasher = ContentHasher(stored)
        verdict = verify(conn, document, hasher)
        if not verdict.intact:
            return Unreadable(path, "tampered", f"{path.name}: tampered — {verdict.problems[0]}; "
                                                f"`riskwright verify {path.name}` names every problem")
        row = _row(path, conn, document, as_of, hasher)
        return row, (cast(T, None) if also is _nothing_more else also(row, _database(conn), document))
    except sqlite3.OperationalError as error:
        if "readonly" in str(error) or "read-only" in str(error):
            return Unreadable(path, "needs_recovery",
                              f"{path.name}: was left mid-edit by a crash; open it once in Riskwright to recover "
                              f"the last edit, then read the portfolio again")
        return Unreadable(path, "damaged", f"{path.name}: the file is damaged ({error}); restore it from a copy")
    except (sqlite3.Error, ValueError, KeyError, TypeError) as error:
        return Unreadable(path, "damaged", f"{path.name}: the file is damaged ({type(error).__name__}); "
                                           f"restore it from a copy")
    finally:
        conn.close()


def _kind_of(message: str) -> str:
    if "newer Riskwright" in message:
        return "newer_format"
    if "not a Riskwright assessment" in message:
        return "not_an_assessment"
    if "damaged" in message:
        return "damaged"
    return "unreadable"


def _plain(message: str, path: Path) -> str:
    """The store's message, naming the file by its name (the folder is the portfolio's)."""
    return message.replace(str(path), path.name, 1)


class _Opened:
    """What ``revision_status`` reads from an open assessment: the database and the document."""

    def __init__(self, db: Readable, document: Document) -> None:
        self.db = db
        self.document = document


def _row(path: Path, db: Readable, document: Document, as_of: date, hasher: ContentHasher) -> ModelRow:
    """The row: statuses, counts and the rubric score from counts-only checks (no messages are shown here)."""
    frameworks: list[Framework] = []
    regimes: list[RegimeStatus] = []
    filled: FilledCounts = {}  # the checks below count the same answers of one unchanged document
    for framework_id in regime_ids(document):
        framework = _framework(framework_id)
        if framework is None:
            regimes.append(RegimeStatus(framework_id, framework_id, "unknown"))
            continue
        result = check_counts(document, framework, filled=filled)
        frameworks.append(framework)
        regimes.append(RegimeStatus(framework.id, framework_title(framework), result.status,
                                    dict(result.counts)))
    rubric = _framework(RUBRIC)
    score = None
    if rubric is not None:
        scored = check_score(document, rubric, filled=filled)  # the row shows the rubric's score only
        score = None if scored is None else round(scored, 1)
    # A signed (frozen) current revision's hash is the one stored with it: hashing the content is for the rest.
    digest = None if current_revision(db).frozen else hasher.digest(document)
    status = revision_status(_Opened(db, document), DEFAULT_REQUIRED, digest=digest)
    value = document.value(MODEL_NAME)
    sensitivity = value.sensitivity if value is not None and value.sensitivity is not None else Sensitivity.PUBLIC
    decision = document.get("deployment_decision.decision")
    if decision is not None and not isinstance(decision, str):
        raise ValueError("the deployment decision is not one of its choices")
    return ModelRow(
        path=path, model=str(document.get(MODEL_NAME) or path.stem), model_sensitivity=sensitivity,
        version=str(document.get("header.model.version") or ""),
        release_type=document.get("header.model.release_type"), decision=decision,
        decision_date=_date(document.get("deployment_decision.decision_date")),
        assessment_date=_date(document.get("header.assessment_date")),
        revision=status.number, revision_hash=status.hash, signoff_state=status.state,
        last_signed=None if status.last_signed is None else status.last_signed[0],
        regimes=tuple(regimes), rubric_score=score, open_flags=_open_flags(db),
        clocks=tuple(running_clocks(document, tuple(frameworks), as_of)),
        levels=tuple((str(r.get("category")), r.get("pre_mitigation_level"), r.get("post_mitigation_level"))
                     for r in document.records(_LEVELS_TABLE)),
    )


def _date(value: Any) -> date | None:
    return value if isinstance(value, date) else None


def _open_flags(db: Readable) -> int:
    """Open detector flags: stored flags with no dismissal (the window and ``scan`` keep them current)."""
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "flag" not in tables:
        return 0
    if "flag_dismissal" not in tables:
        return int(db.execute("SELECT count(*) FROM flag").fetchone()[0])
    return int(db.execute(
        "SELECT count(*) FROM flag f LEFT JOIN flag_dismissal d ON d.field = f.field AND d.record_id = f.record_id"
        " AND d.detector = f.detector AND d.normalised = f.normalised WHERE d.rowid IS NULL").fetchone()[0])
