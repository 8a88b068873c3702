"""Flags kept in the ``.rwa`` file, and the decisions about them (tables of migration ``0002_flags``).

Storage only: which hits are flags, and for whom, is computed from the
document by ``app.redaction.flags``; the application layer
(``app.session.flags``) joins the two. ``flag`` holds the current hits and is
rewritten per address on every scan; ``flag_dismissal`` holds "not a problem,
because …" keyed by address, detector and normalised match, so a dismissal
survives rescans and edits elsewhere in the text; ``flag_resolution`` records
every decision (redact or dismiss) with its detail and time, and each decision
is chained into the history in the same transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from app.model.fast_dataclass import dataclass
from app.model.paths import Address
from app.store import history, identity
from app.store.readable import Readable

if TYPE_CHECKING:
    from sqlite_utils import Database

_COLUMNS = ("id", "field", "record_id", "start", "end", "detector", "category", "domain", "matched",
            "normalised", "audience")


class FlagError(ValueError):
    """A flag cannot be resolved as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Flag:
    id: str
    address: str
    field: str
    record_id: str
    start: int
    end: int
    detector: str
    category: str
    domain: str | None
    matched: str
    normalised: str
    audience: str
    """The widest audience that would see the flagged text."""
    dismissed: str | None = None
    """The dismissal reason, or None while the flag is open."""

    @property
    def is_open(self) -> bool:
        return self.dismissed is None

    @property
    def is_record_id(self) -> bool:
        return self.field.endswith("[]")

    @property
    def dismissal_key(self) -> tuple[str, str, str, str]:
        """What a dismissal is keyed by: where, which detector, what (normalised)."""
        return (self.field, self.record_id, self.detector, self.normalised)

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "address": self.address, "field": self.field,
                "record": self.record_id or None, "start": self.start, "end": self.end,
                "detector": self.detector, "category": self.category, "domain": self.domain,
                "matched": self.matched, "audience": self.audience, "open": self.is_open,
                "dismissed_reason": self.dismissed}


@dataclass(frozen=True)
class Resolution:
    flag_id: str
    address: str
    detector: str
    category: str
    action: str
    detail: str
    at: str
    who: str = ""


@dataclass(frozen=True)
class Dismissal:
    field: str
    record_id: str
    detector: str
    normalised: str
    reason: str
    dismissed_at: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.field, self.record_id, self.detector, self.normalised)


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _at(address: Address) -> tuple[str, list[object]]:
    return "field = ? AND record_id = ?", [address.field, address.record or ""]


def _in_table(table: str) -> tuple[str, list[object]]:
    return "substr(field, 1, ?) = ?", [len(table) + 2, f"{table}[]"]


def _of_detectors(detectors: tuple[str, ...]) -> tuple[str, list[object]]:
    return f"detector IN ({', '.join('?' for _ in detectors)})", list(detectors)


def holds(conn: sqlite3.Connection, flags: list[Flag], where: str, params: list[object]) -> bool:
    """Whether the file holds exactly ``flags`` (by id and place) among the flags ``where`` selects."""
    stored = {tuple(row) for row in conn.execute(f"SELECT id, start, end FROM flag WHERE {where}", params)}
    return stored == {(f.id, f.start, f.end) for f in flags}


def holds_at(conn: sqlite3.Connection, flags: list[Flag], address: Address | None = None, table: str | None = None,
             detectors: tuple[str, ...] | None = None) -> bool:
    """``holds`` for the flags of one value (``address``), of one table's records, or raised by ``detectors``
    — the places the ``replace_*`` methods write. ``conn`` may be another thread's read-only connection."""
    if address is not None:
        return holds(conn, flags, *_at(address))
    if table is not None:
        return holds(conn, flags, *_in_table(table))
    assert detectors is not None
    return holds(conn, flags, *_of_detectors(detectors))


class FlagTable:
    """The flag tables of one open file (an sqlite-utils ``Database``)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- the current hits ------------------------------------------------------
    def replace_all(self, flags: Iterable[Flag]) -> None:
        with self.db.atomic():
            self.db.execute("DELETE FROM flag")
            self._insert(flags)

    def replace_at(self, address: Address, flags: list[Flag]) -> bool:
        """Replace the flags of one value; no write when nothing changed (called on every edit). True: written."""
        return self._replace(flags, *_at(address))

    def replace_in_table(self, table: str, flags: list[Flag]) -> bool:
        """Replace the flags of every record of ``table`` (ids and values). True: written."""
        return self._replace(flags, *_in_table(table))

    def replace_detectors(self, detectors: tuple[str, ...], flags: list[Flag]) -> bool:
        """Replace every flag raised by ``detectors`` anywhere (echo flags, after a withheld value changed)."""
        return self._replace(flags, *_of_detectors(detectors))

    def _replace(self, flags: list[Flag], where: str, params: list[object]) -> bool:
        if holds(self.db.conn, flags, where, params):
            return False
        with self.db.atomic():
            self.db.execute(f"DELETE FROM flag WHERE {where}", params)
            self._insert(flags)
        return True

    def _insert(self, flags: Iterable[Flag]) -> None:
        rows = {f.id: (f.id, f.field, f.record_id, f.start, f.end, f.detector, f.category, f.domain, f.matched,
                       f.normalised, f.audience) for f in flags}
        if rows:
            marks = ", ".join("?" for _ in _COLUMNS)
            names = ", ".join(f'"{c}"' for c in _COLUMNS)
            self.db.conn.executemany(f"INSERT OR REPLACE INTO flag ({names}) VALUES ({marks})", list(rows.values()))

    def flags(self, include_dismissed: bool = False) -> list[Flag]:
        """Stored flags in document order, each with its dismissal reason (if any)."""
        rows = self.db.execute(
            "SELECT f.id, f.field, f.record_id, f.start, f.end, f.detector, f.category, f.domain, f.matched,"
            " f.normalised, f.audience, d.reason FROM flag f LEFT JOIN flag_dismissal d"
            " ON d.field = f.field AND d.record_id = f.record_id AND d.detector = f.detector"
            " AND d.normalised = f.normalised ORDER BY f.field, f.record_id, f.start, f.detector").fetchall()
        found = [Flag(row[0], str(Address(row[1], row[2] or None)), row[1], row[2], row[3], row[4], row[5], row[6],
                      row[7], row[8], row[9], row[10], row[11]) for row in rows]
        return found if include_dismissed else [f for f in found if f.is_open]

    # -- decisions -------------------------------------------------------------
    def dismissals(self) -> list[Dismissal]:
        return dismissals(self.db)

    def trusted_dismissals(self) -> list[Dismissal]:
        """The dismissals an export may rely on: those bound to a decision in the history."""
        unbound = check_decisions(self.db, event_bodies(self.db)).unbound
        return [d for d in self.dismissals() if d.key not in unbound]

    def dismissed_matches(self) -> set[tuple[str, str]]:
        """(detector, normalised match) of every dismissal, for the output leak scan."""
        return {(d.detector, d.normalised) for d in self.dismissals()}

    def resolutions(self) -> list[Resolution]:
        rows = self.db.execute(
            "SELECT flag_id, field, record_id, detector, category, action, detail, at, who FROM flag_resolution"
            " ORDER BY seq").fetchall()
        return [Resolution(r[0], str(Address(r[1], r[2] or None)), r[3], r[4], r[5], r[6], r[7], r[8])
                for r in rows]

    def dismiss(self, flag: Flag, reason: str) -> None:
        """Keep the text as it is; the reason is stored, logged and chained into the history."""
        with self.db.atomic():
            self.db.execute(
                "INSERT OR REPLACE INTO flag_dismissal (field, record_id, detector, normalised, reason,"
                " dismissed_at) VALUES (?, ?, ?, ?, ?, ?)",
                [flag.field, flag.record_id, flag.detector, flag.normalised, reason, _now()])
            self.log(flag, "dismiss", reason)

    def log(self, flag: Flag, action: str, detail: str) -> None:
        """Record a decision in the flag log and in the file's history, in the caller's transaction."""
        who = identity.assessor_name()
        self.db.execute(
            "INSERT INTO flag_resolution (flag_id, field, record_id, detector, category, normalised, action,"
            " detail, at, who) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [flag.id, flag.field, flag.record_id, flag.detector, flag.category, flag.normalised, action,
             detail, _now(), who])
        history.record_event(self.db, f"flag_{action}", Address(flag.field, flag.record_id or None),
                             {"flag": flag.id, "detector": flag.detector, "category": flag.category,
                              "detail": detail, "normalised": flag.normalised}, who)


# -- decisions bound to the history ------------------------------------------------
_ACTIONS = ("redact", "dismiss")


@dataclass
class DecisionCheck:
    """How the flag log and the dismissals stand against the history (``verify`` and the export gate)."""

    problems: list[str]
    unbound: set[tuple[str, str, str, str]]
    """Dismissal keys with no decision in the history behind them: an export must not rely on them."""


def _event_key(body: dict[str, object]) -> tuple[object, ...] | None:
    event = body.get("event")
    if body.get("kind") != "event" or not isinstance(event, str) or event not in {f"flag_{a}" for a in _ACTIONS}:
        return None
    detail = _detail(body)
    return (event[5:], str(body.get("address") or ""), detail.get("flag"), detail.get("detector"),
            detail.get("category"), detail.get("detail"))


def dismissals(db: Readable) -> list[Dismissal]:
    """Every stored dismissal, in key order."""
    rows = db.execute("SELECT field, record_id, detector, normalised, reason, dismissed_at"
                      " FROM flag_dismissal ORDER BY field, record_id, detector, normalised").fetchall()
    return [Dismissal(*row) for row in rows]


def check_decisions(db: Readable, bodies: Iterable[dict[str, object]]) -> DecisionCheck:
    """Bind every flag decision and dismissal in the file to an entry of the (chained) history.

    A decision is recorded three times in one transaction: a ``flag_resolution``
    row, a ``flag_<action>`` history event, and for a dismissal the
    ``flag_dismissal`` row the gate reads. Only the history is chained, so a
    row added with any SQLite tool has no event behind it: each resolution
    must consume an event of its own (same action, address, flag, detector,
    category, detail, person and — for events written since the binding was
    introduced — normalised match), and each dismissal must be the latest
    bound "dismiss" decision for its key, with the same reason.
    """
    waiting: dict[tuple[object, ...], list[tuple[int, dict[str, object]]]] = {}
    for body in bodies:
        key = _event_key(body)
        if key is not None:
            waiting.setdefault(key, []).append((int(str(body.get("seq", 0))), body))
    problems: list[str] = []
    latest: dict[tuple[str, str, str, str], str] = {}
    columns = {row[1] for row in db.execute("PRAGMA table_info(flag_resolution)")}
    who_column = "who" if "who" in columns else "''"  # format 3 did not record it
    rows = db.execute(f"SELECT seq, flag_id, field, record_id, detector, category, normalised, action, detail,"
                      f" {who_column} FROM flag_resolution ORDER BY seq").fetchall()
    for seq, flag_id, field, record_id, detector, category, normalised, action, detail, who in rows:
        address = str(Address(field, record_id or None))
        candidates = waiting.get((action, address, flag_id, detector, category, detail), [])
        match = next((i for i, (_, body) in enumerate(candidates)
                      if (not who or body.get("who") == who)
                      and _detail(body).get("normalised", normalised) == normalised), None)
        if match is None:
            problems.append(f"flag decision #{seq} ({action} {flag_id} at {address}) has no history entry behind "
                            f"it: it was added outside Riskwright")
            continue
        candidates.pop(match)
        if action == "dismiss":
            latest[(field, record_id, detector, normalised)] = detail
    for candidates in waiting.values():
        for entry_seq, body in candidates:
            problems.append(f"history entry #{entry_seq} records a flag decision ({body.get('event')} at "
                            f"{body.get('address')}) that is missing from the flag log (deleted)")
    unbound: set[tuple[str, str, str, str]] = set()
    for dismissal in dismissals(db):
        if latest.get(dismissal.key) != dismissal.reason:
            unbound.add(dismissal.key)
            problems.append(f"the dismissal of {dismissal.detector} at "
                            f"{Address(dismissal.field, dismissal.record_id or None)} has no decision in the "
                            f"history behind it: it was added or changed outside Riskwright")
    return DecisionCheck(problems, unbound)


def _detail(body: dict[str, object]) -> dict[str, object]:
    detail = body.get("detail")
    return detail if isinstance(detail, dict) else {}


def event_bodies(db: Readable) -> list[dict[str, object]]:
    """Bodies of the history's event entries (flag decisions among them), oldest first."""
    found = []
    for (text,) in db.execute("SELECT body FROM history WHERE kind = 'event' ORDER BY seq"):
        try:
            body = json.loads(text)
        except (TypeError, ValueError):
            continue
        if isinstance(body, dict):
            found.append(body)
    return found
