"""Detector flags of an open assessment: computed by ``app.redaction``, kept by ``app.store.flags``.

Echoes of withheld values (``app.redaction.echo``) are flags too, with the
same life: scanned, listed, redacted or dismissed, and a refusal at export.

Re-scanning one address costs one detector pass over one value and, when the
flags did not change, no write at all — the editor calls ``after_edit`` on
every edit. Redacting goes through ``AssessmentFile.apply`` so undo and
history see an ordinary edit. ``gate`` is the read-only view an export uses:
it computes the flags of the document as it is now in memory and never
writes to the file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, replace

from app.content.forms import load_forms
from app.model.document import Document, Edit, Record, SetRecordSensitivity, SetSensitivity, SetValue, touched_addresses
from app.model.forms import FormSet
from app.model.paths import Address
from app.model.sensitivity import HAZARD_DOMAINS, Sensitivity
from app.model.spans import SpanError, wrap_span
from app.redaction.audiences import Audiences, load_audiences
from app.redaction.definitions import DetectorSpec
from app.redaction.detectors import DetectorSet, default_detectors
from app.redaction.authored import document_hits
from app.redaction.echo import ECHO_IDS, EchoScan, Skipped, echo_spec
from app.redaction.flags import FlagHit, document_flags, reaches, table_flags, value_flags
from app.store.file import AssessmentFile
from app.store.flags import Flag, FlagError, FlagTable, Resolution, check_decisions, event_bodies, holds_at

__all__ = ["Flag", "FlagError", "FlagGate", "FlagStore", "FlagUpdate", "Resolution", "gate", "scan_copy"]


def _stored(hit: FlagHit) -> Flag:
    return Flag(hit.id, str(hit.address), hit.address.field, hit.address.record or "", hit.start, hit.end,
                hit.detector.id, hit.detector.category, hit.detector.domain, hit.matched, hit.normalised,
                hit.audience)


def _spec_of(flag: Flag, detectors: DetectorSet) -> DetectorSpec:
    """The detector behind a flag: a bundled one, or echo detection (``app.redaction.echo``); KeyError if
    neither knows it."""
    return echo_spec(flag.detector, flag.domain) or detectors.spec(flag.detector)


def _reaches(flag: Flag, sees: Sensitivity, detectors: DetectorSet, audiences: Audiences) -> bool:
    try:
        text_seen_by = audiences.get(flag.audience).sees
        implied = _spec_of(flag, detectors).sensitivity
    except KeyError:
        return True
    return reaches(text_seen_by, implied, sees)


@dataclass(frozen=True)
class FlagGate:
    """What an export for one audience needs to know about flags, as plain data."""

    open: tuple[str, ...]
    """One line per open flag that reaches the audience (the export is refused while there are any)."""
    dismissed: frozenset[tuple[str, str]]
    """(detector, normalised match) of every dismissal: the output leak scan lets these through."""


def gate(doc: Document, table: FlagTable, audience: str, forms: FormSet | None = None,
         detectors: DetectorSet | None = None, audiences: Audiences | None = None) -> FlagGate:
    """The flags of ``doc`` as it is now that reach ``audience``, less the recorded dismissals; no write."""
    forms = forms or load_forms()
    detectors = detectors or default_detectors()
    audiences = audiences or load_audiences()
    dismissals = table.trusted_dismissals()  # a dismissal with no decision in the history is not relied on
    dismissed_keys = {d.key for d in dismissals}
    sees = audiences.get(audience).sees
    lines = []
    for hit in document_hits(doc, forms, detectors, audiences):  # the finished-file scan asks for the same
        flag = _stored(hit)
        if flag.dismissal_key in dismissed_keys or not _reaches(flag, sees, detectors, audiences):
            continue
        lines.append(f"{flag.id}  {flag.address}  {flag.category} ({flag.detector})")
    return FlagGate(tuple(lines), frozenset((d.detector, d.normalised) for d in dismissals))


@dataclass(frozen=True)
class FlagUpdate:
    """Flags found by ``FlagStore.compute`` for one place: a value (``at``), a table, or every echo."""

    kind: str
    """``at`` (``where`` is an Address), ``table`` (``where`` is a table path) or ``echoes``."""
    where: Address | str | None
    flags: tuple[Flag, ...]


def scan_copy(doc: Document, targets: Iterable[Address | str]) -> Document:
    """The part of ``doc`` that re-scanning ``targets`` reads, copied so later edits cannot change it.

    A value needs itself and its record (for the record's sensitivity); a table path needs the whole
    table. Values are never changed in place, so they are shared; records and lists are copied. Costs
    what the targets hold, not what the document holds (``FlagStore.compute`` reads nothing else).
    """
    copy = Document()
    for target in targets:
        if isinstance(target, Address):
            if target.table is None or target.record is None:
                value = doc.values.get(target.field)
                if value is not None:
                    copy.values[target.field] = value
                continue
            record = doc.record(target.table, target.record)
            rows = copy.tables.setdefault(target.table, [])
            if record is not None and all(r.id != record.id for r in rows):
                rows.append(Record(record.id, dict(record.values), record.sensitivity, record.sensitivity_reason))
        else:
            copy.tables[target] = [Record(r.id, dict(r.values), r.sensitivity, r.sensitivity_reason)
                                   for r in doc.records(target)]
    return copy


class FlagStore:
    """The flags of one open assessment file: scan, read, dismiss, redact."""

    def __init__(self, file: AssessmentFile, forms: FormSet | None = None,
                 detectors: DetectorSet | None = None, audiences: Audiences | None = None) -> None:
        self.file = file
        self.table = FlagTable(file.db)
        self.forms = forms or load_forms()
        self.detectors = detectors or default_detectors()
        self.audiences = audiences or load_audiences()
        self.echoes = EchoScan(self.forms, self.audiences)
        """Echoes of withheld values, kept up to date edit by edit like the detector flags."""

    # -- scanning ------------------------------------------------------------
    def rescan_all(self) -> list[Flag]:
        """Scan the whole document and replace every stored flag."""
        self.file.wait_for_saves()
        hits = list(document_flags(self.file.document, self.forms, self.detectors, self.audiences))
        self.echoes.load(self.file.document)
        hits.extend(self.echoes.all_hits())
        self.table.replace_all(_stored(hit) for hit in hits)
        return self.flags(include_dismissed=True)

    def rescan(self, targets: Iterable[Address | str]) -> None:
        """Re-scan what an edit touched: addresses, or table paths for record edits."""
        self.store(self.compute(self.file.document, targets))

    def compute(self, doc: Document, targets: Iterable[Address | str]) -> list[FlagUpdate]:
        """The flags of what an edit touched, as of ``doc``, without touching the file.

        The window runs this on a worker thread over ``scan_copy(document, targets)`` and
        hands the result to ``store`` on its own thread (the file's connection lives there).
        It keeps the echo scan up to date, so calls must not overlap.
        """
        targets = list(targets)
        withheld_changed = self.echoes.sync(doc, targets)
        updates: list[FlagUpdate] = []
        for target in targets:
            if isinstance(target, Address):
                hits = value_flags(doc, self.forms, target, self.detectors, self.audiences)
                hits.extend(self.echoes.hits_at(target))
                updates.append(FlagUpdate("at", target, tuple(_stored(hit) for hit in hits)))
            else:
                hits = table_flags(doc, self.forms, target, self.detectors, self.audiences)
                hits.extend(self.echoes.hits_in_table(target))
                updates.append(FlagUpdate("table", target, tuple(_stored(hit) for hit in hits)))
        if withheld_changed:  # a withheld value changed: echoes anywhere may have come or gone
            updates.append(FlagUpdate("echoes", None, tuple(_stored(hit) for hit in self.echoes.all_hits())))
        return updates

    def store(self, updates: Iterable[FlagUpdate]) -> bool:
        """Write what ``compute`` found (nothing is written where the flags stayed the same); True: written."""
        self.file.wait_for_saves()  # this connection never writes beside the writer's (app.store.writer)
        written = False
        for update in updates:
            if update.kind == "at":
                assert isinstance(update.where, Address)
                written |= self.table.replace_at(update.where, list(update.flags))
            elif update.kind == "table":
                assert isinstance(update.where, str)
                written |= self.table.replace_in_table(update.where, list(update.flags))
            else:
                written |= self.table.replace_detectors(ECHO_IDS, list(update.flags))
        return written

    def unwritten(self, updates: Iterable[FlagUpdate], conn: sqlite3.Connection) -> list[FlagUpdate]:
        """Those of ``updates`` whose flags the file does not hold yet, read through ``conn``.

        The window asks this on the re-scan's worker thread, through a read-only connection of its own
        (``AssessmentFile.open_reader``), and hands only these to ``store`` (which reads again before it
        writes): typing nearly always leaves the flags as they were, and then the GUI thread reads nothing.
        """
        unwritten = []
        for update in updates:
            flags = list(update.flags)
            if update.kind == "at":
                assert isinstance(update.where, Address)
                held = holds_at(conn, flags, address=update.where)
            elif update.kind == "table":
                assert isinstance(update.where, str)
                held = holds_at(conn, flags, table=update.where)
            else:
                held = holds_at(conn, flags, detectors=ECHO_IDS)
            if not held:
                unwritten.append(update)
        return unwritten

    def after_edit(self, edit: Edit) -> None:
        """Bring the flags up to date after ``edit`` (or its undo) was applied."""
        self.rescan(dict.fromkeys(touched_addresses(edit)))

    # -- reading ---------------------------------------------------------------
    def flags(self, audience: str | None = None, include_dismissed: bool = False) -> list[Flag]:
        """Stored flags, in document order; ``audience`` keeps those that would reach it."""
        found = self.table.flags(include_dismissed=True)
        if any(not f.is_open for f in found):  # a dismissal the history does not back is not honoured
            unbound = check_decisions(self.file.db, event_bodies(self.file.db)).unbound
            found = [replace(f, dismissed=None) if f.dismissal_key in unbound else f for f in found]
        if not include_dismissed:
            found = [f for f in found if f.is_open]
        if audience is None:
            return found
        sees = self.audiences.get(audience).sees
        return [f for f in found if _reaches(f, sees, self.detectors, self.audiences)]

    def flag(self, flag_id: str) -> Flag:
        for flag in self.table.flags(include_dismissed=True):
            if flag.id == flag_id:
                return flag
        raise FlagError(f"no flag {flag_id!r} in this assessment; `riskwright scan FILE` lists the open flags")

    def dismissed_matches(self) -> set[tuple[str, str]]:
        return self.table.dismissed_matches()

    def resolutions(self) -> list[Resolution]:
        return self.table.resolutions()

    def echo_skipped(self) -> list[Skipped]:
        """Withheld values not searched for echoes (too generic), with the reason."""
        if not self.echoes.loaded:
            self.echoes.load(self.file.document)
        return self.echoes.skipped

    def redacts_whole_value(self, flag: Flag) -> bool:
        """Whether redacting ``flag`` by default raises its whole value rather than marking a passage: a
        detector (or an echo of an internal value) that implies only *internal* has no passage markup."""
        if flag.is_record_id:
            return False
        try:
            return _spec_of(flag, self.detectors).sensitivity < Sensitivity.HAZARDOUS
        except KeyError:
            return False

    # -- resolving -------------------------------------------------------------
    def dismiss(self, flag_id: str, reason: str) -> Flag:
        """Keep the text as it is; the reason is stored and logged."""
        reason = " ".join(reason.split())
        if not reason:
            raise FlagError("give a reason for dismissing the flag (it is kept in the redaction log)")
        self.file.wait_for_saves()
        self.table.dismiss(self.flag(flag_id), reason)
        return self.flag(flag_id)

    def redact(self, flag_id: str, domain: str | None = None, whole: bool = False) -> Edit:
        """Withhold the flagged text; return the inverse edit (for an undo stack).

        Default: wrap every occurrence of the match in this value in a hazard
        span (domain ``domain`` or the detector's); for a detector that only
        implies *internal*, or with ``whole``, raise the value's sensitivity
        instead. A flag in a record id marks the whole record.
        """
        self.file.wait_for_saves()
        flag = self.flag(flag_id)
        if domain is not None and domain not in HAZARD_DOMAINS:
            raise FlagError(f"unknown domain {domain!r}; use one of {', '.join(HAZARD_DOMAINS)}")
        try:
            spec = _spec_of(flag, self.detectors)
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
            same = sorted((f for f in self.table.flags(include_dismissed=True)
                           if f.dismissal_key == flag.dismissal_key), key=lambda f: f.start, reverse=True)
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
                self.table.log(flag, "redact", detail)
                self.after_edit(edit)
            except BaseException:
                self.file.document.apply(inverse)
                raise
        return inverse
