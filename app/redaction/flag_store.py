"""Flags kept in the ``.rwa`` file, and their resolution (tables of migration ``0002_flags``).

``flag`` holds the current hits and is rewritten per address on every scan;
``flag_dismissal`` holds "not a problem, because …" keyed by address,
detector and normalised match, so a dismissal survives rescans and edits
elsewhere in the text; ``flag_resolution`` records every decision (redact or
dismiss) with its detail and time. Redacting goes through
``AssessmentFile.apply`` so undo and history see an ordinary edit.

Re-scanning one address costs one detector pass over one value and, when the
flags did not change, no write at all — the editor calls ``after_edit`` on
every edit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from app.content.forms import load_forms
from app.model.document import Edit, SetRecordSensitivity, SetSensitivity, SetValue, touched_addresses
from app.model.forms import FormSet
from app.model.paths import Address
from app.model.sensitivity import HAZARD_DOMAINS, Sensitivity
from app.model.spans import SpanError, wrap_span
from app.redaction.audiences import Audiences, load_audiences
from app.redaction.detectors import DetectorSet, default_detectors
from app.redaction.flags import FlagHit, document_flags, reaches, table_flags, value_flags
from app.store.file import AssessmentFile
from app.store import history, identity

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


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class FlagStore:
    """The flags of one open assessment file."""

    def __init__(self, file: AssessmentFile, forms: FormSet | None = None,
                 detectors: DetectorSet | None = None, audiences: Audiences | None = None) -> None:
        self.file = file
        self.forms = forms or load_forms()
        self.detectors = detectors or default_detectors()
        self.audiences = audiences or load_audiences()

    # -- scanning ------------------------------------------------------------
    def rescan_all(self) -> list[Flag]:
        """Scan the whole document and replace every stored flag."""
        hits = list(document_flags(self.file.document, self.forms, self.detectors, self.audiences))
        with self.file.db.atomic():
            self.file.db.execute("DELETE FROM flag")
            self._insert(hits)
        return self.flags(include_dismissed=True)

    def rescan(self, targets: Iterable[Address | str]) -> None:
        """Re-scan what an edit touched: addresses, or table paths for record edits."""
        for target in targets:
            if isinstance(target, Address):
                hits = value_flags(self.file.document, self.forms, target, self.detectors, self.audiences)
                self._replace(hits, "field = ? AND record_id = ?", [target.field, target.record or ""])
            else:
                hits = table_flags(self.file.document, self.forms, target, self.detectors, self.audiences)
                self._replace(hits, "substr(field, 1, ?) = ?", [len(target) + 2, f"{target}[]"])

    def after_edit(self, edit: Edit) -> None:
        """Bring the flags up to date after ``edit`` (or its undo) was applied."""
        self.rescan(dict.fromkeys(touched_addresses(edit)))

    def _replace(self, hits: list[FlagHit], where: str, params: list[object]) -> None:
        stored = {row[0] for row in self.file.db.execute(f"SELECT id FROM flag WHERE {where}", params)}
        fresh = {hit.id for hit in hits}
        if stored == fresh and not self._moved(hits):
            return
        with self.file.db.atomic():
            self.file.db.execute(f"DELETE FROM flag WHERE {where}", params)
            self._insert(hits)

    def _moved(self, hits: list[FlagHit]) -> bool:
        for hit in hits:
            row = self.file.db.execute("SELECT start, end FROM flag WHERE id = ?", [hit.id]).fetchone()
            if row is None or tuple(row) != (hit.start, hit.end):
                return True
        return False

    def _insert(self, hits: list[FlagHit]) -> None:
        rows = {}
        for hit in hits:
            rows[hit.id] = (hit.id, hit.address.field, hit.address.record or "", hit.start, hit.end,
                            hit.detector.id, hit.detector.category, hit.detector.domain, hit.matched,
                            hit.normalised, hit.audience)
        if rows:
            marks = ", ".join("?" for _ in _COLUMNS)
            names = ", ".join(f'"{c}"' for c in _COLUMNS)
            self.file.db.conn.executemany(f"INSERT OR REPLACE INTO flag ({names}) VALUES ({marks})",
                                          list(rows.values()))

    # -- reading ---------------------------------------------------------------
    def flags(self, audience: str | None = None, include_dismissed: bool = False) -> list[Flag]:
        """Stored flags, in document order; ``audience`` keeps those that would reach it."""
        rows = self.file.db.execute(
            "SELECT f.id, f.field, f.record_id, f.start, f.end, f.detector, f.category, f.domain, f.matched,"
            " f.normalised, f.audience, d.reason FROM flag f LEFT JOIN flag_dismissal d"
            " ON d.field = f.field AND d.record_id = f.record_id AND d.detector = f.detector"
            " AND d.normalised = f.normalised ORDER BY f.field, f.record_id, f.start, f.detector").fetchall()
        wanted = self.audiences.get(audience) if audience is not None else None
        found: list[Flag] = []
        for row in rows:
            field, record_id = row[1], row[2]
            address = str(Address(field, record_id or None))
            flag = Flag(row[0], address, field, record_id, row[3], row[4], row[5], row[6], row[7], row[8],
                        row[9], row[10], row[11])
            if not include_dismissed and not flag.is_open:
                continue
            if wanted is not None and not self._reaches(flag, wanted.sees):
                continue
            found.append(flag)
        return found

    def _reaches(self, flag: Flag, sees: Sensitivity) -> bool:
        try:
            text_seen_by = self.audiences.get(flag.audience).sees
        except KeyError:
            return True
        try:
            implied = self.detectors.spec(flag.detector).sensitivity
        except KeyError:
            return True
        return reaches(text_seen_by, implied, sees)

    def flag(self, flag_id: str) -> Flag:
        for flag in self.flags(include_dismissed=True):
            if flag.id == flag_id:
                return flag
        raise FlagError(f"no flag {flag_id!r} in this assessment; `riskwright scan FILE` lists the open flags")

    def dismissed_matches(self) -> set[tuple[str, str]]:
        """(detector, normalised match) of every dismissal, for the output leak scan."""
        return {(row[0], row[1]) for row in
                self.file.db.execute("SELECT detector, normalised FROM flag_dismissal")}

    def resolutions(self) -> list[Resolution]:
        rows = self.file.db.execute(
            "SELECT flag_id, field, record_id, detector, category, action, detail, at FROM flag_resolution"
            " ORDER BY seq").fetchall()
        return [Resolution(r[0], str(Address(r[1], r[2] or None)), r[3], r[4], r[5], r[6], r[7]) for r in rows]

    # -- resolving -------------------------------------------------------------
    def dismiss(self, flag_id: str, reason: str) -> Flag:
        """Keep the text as it is; the reason is stored and logged."""
        reason = " ".join(reason.split())
        if not reason:
            raise FlagError("give a reason for dismissing the flag (it is kept in the redaction log)")
        flag = self.flag(flag_id)
        with self.file.db.atomic():
            self.file.db.execute(
                "INSERT OR REPLACE INTO flag_dismissal (field, record_id, detector, normalised, reason,"
                " dismissed_at) VALUES (?, ?, ?, ?, ?, ?)",
                [flag.field, flag.record_id, flag.detector, flag.normalised, reason, _now()])
            self._log(flag, "dismiss", reason)
        return self.flag(flag_id)

    def redact(self, flag_id: str, domain: str | None = None, whole: bool = False) -> Edit:
        """Withhold the flagged text; return the inverse edit (for an undo stack).

        Default: wrap every occurrence of the match in this value in a hazard
        span (domain ``domain`` or the detector's); for a detector that only
        implies *internal*, or with ``whole``, raise the value's sensitivity
        instead. A flag in a record id marks the whole record.
        """
        flag = self.flag(flag_id)
        if domain is not None and domain not in HAZARD_DOMAINS:
            raise FlagError(f"unknown domain {domain!r}; use one of {', '.join(HAZARD_DOMAINS)}")
        try:
            spec = self.detectors.spec(flag.detector)
            implied = spec.sensitivity
            default_domain = spec.domain
        except KeyError:
            implied, default_domain = Sensitivity.HAZARDOUS, "other"
        doc = self.file.document
        address = Address(flag.field, flag.record_id or None)
        if flag.is_record_id:
            table = flag.field[:-2]
            edit: Edit = SetRecordSensitivity(table, flag.record_id, implied, None)
            detail = f"record marked {implied.value}"
        elif whole or (domain is None and implied < Sensitivity.HAZARDOUS):
            edit = SetSensitivity(address, implied, None)
            detail = f"value raised to {implied.value}"
        else:
            text = doc.get(address)
            if not isinstance(text, str):
                raise FlagError(f"{flag.address}: the value changed since the scan; scan again")
            chosen = domain or default_domain
            same = sorted((f for f in self.flags(include_dismissed=True)
                           if (f.field, f.record_id, f.detector, f.normalised)
                           == (flag.field, flag.record_id, flag.detector, flag.normalised)),
                          key=lambda f: f.start, reverse=True)
            for other in same:
                if text[other.start:other.end] != other.matched:
                    raise FlagError(f"{flag.address}: the text changed since the scan; scan again")
                try:
                    text = wrap_span(text, other.start, other.end, chosen)
                except (SpanError, ValueError) as error:
                    raise FlagError(f"{flag.address}: cannot mark the passage ({error}); fix the markup, "
                                    f"or withhold the whole value with --whole") from None
            edit = SetValue(address, text)
            detail = f"marked hazardous ({chosen}), {len(same)} passage{'s' if len(same) != 1 else ''}"
        with self.file.db.atomic():
            inverse = self.file.apply(edit)
            try:
                self._log(flag, "redact", detail)
                self.after_edit(edit)
            except BaseException:
                self.file.document.apply(inverse)
                raise
        return inverse

    def _log(self, flag: Flag, action: str, detail: str) -> None:
        """Record the decision in the flag log and in the file's history, in the caller's transaction."""
        who = identity.assessor_name()
        self.file.db.execute(
            "INSERT INTO flag_resolution (flag_id, field, record_id, detector, category, normalised, action,"
            " detail, at, who) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [flag.id, flag.field, flag.record_id, flag.detector, flag.category, flag.normalised, action,
             detail, _now(), who])
        history.record_event(self.file.db, f"flag_{action}", Address(flag.field, flag.record_id or None),
                             {"flag": flag.id, "detector": flag.detector, "category": flag.category,
                              "detail": detail}, who)

