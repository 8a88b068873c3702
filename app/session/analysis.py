"""The live analysis of an open assessment: validation problems, framework findings, rubric score.

The session owns one ``LiveChecks``: it remembers which addresses the edits
touched since the last run and hands them to ``Checker.recheck``, so only the
rules reading what changed run again (the result equals a full check; a test
holds ``Checker`` to that). The window runs ``LiveChecks.run`` on a worker
thread over a ``snapshot`` taken on the GUI thread, never two at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from app.model import Address, Document, FormSet, Record
from app.model.canonical import RecordTexts
from app.model.validate import Problem, RecordProblems, validate

Progress = Callable[[int, str], None]
"""Report progress: percent done (0–100) and what is happening."""


def no_progress(_percent: int, _what: str) -> None:
    return None


@dataclass(frozen=True)
class StageCounts:
    """What the parts list shows beside a stage."""

    violations: int = 0
    missing: int = 0
    flags: int = 0

    def describe(self) -> str:
        parts = []
        if self.violations:
            parts.append(f"{self.violations} violation{'s' if self.violations != 1 else ''}")
        if self.missing:
            parts.append(f"{self.missing} missing or invalid")
        if self.flags:
            parts.append(f"{self.flags} open flag{'s' if self.flags != 1 else ''}")
        return ", ".join(parts) or "nothing open"


@dataclass
class Analysis:
    problems: list[Problem] = field(default_factory=list)
    findings: list[Any] = field(default_factory=list)
    """``app.checks.Finding`` in stage order."""
    status: str | None = None
    """compliant, non_compliant or incomplete (None when the check could not run)."""
    score: Any = None
    """The rubric score when the framework is the best-practice rubric."""
    framework_error: str | None = None
    regimes: list[Any] = field(default_factory=list)
    """``app.session.regime_checks.RegimeRow`` per regime the header lists (empty: one framework)."""
    revision_hash: str | None = None
    """The revision hash of the content checked (``app.model.canonical``), computed off the GUI thread."""
    listing: tuple[Listed, ...] | None = None
    """Findings and problems as the Findings tab lists them (filled by ``prepare``)."""
    listing_key: int | None = None
    """A hash of ``listing``, so the window can tell "same list as before" without comparing it."""
    shown: dict[str, Any] = field(default_factory=dict)
    """Texts the window shows about this result, worked out with it off the GUI thread (may be empty)."""
    _by_address: dict[str, str] | None = None
    _counts: dict[str, StageCounts] | None = None

    def prepare(self, forms: FormSet, memo: ListingMemo | None = None) -> None:
        """Work out, on the worker thread, what the window shows: listing, badges, problems by field.
        ``memo``: see ``listing``."""
        self._by_address = self._counts = None
        self._by_address = self.problems_by_address()
        self._counts = self.stage_counts()
        self.listing = listing(self, forms, memo)
        self.listing_key = hash((len(self.listing), self.listing))

    def problems_by_address(self) -> dict[str, str]:
        if self._by_address is not None:
            return self._by_address
        found: dict[str, str] = {}
        for problem in self.problems:
            found.setdefault(problem.address, problem.message)
        return found

    def stage_counts(self) -> dict[str, StageCounts]:
        if self._counts is not None:
            return self._counts
        counts: dict[str, list[int]] = {}
        for problem in self.problems:
            counts.setdefault(stage_of(problem.address), [0, 0, 0])[1] += 1
        for finding in self.findings:
            slot = counts.setdefault(finding.stage or stage_of(finding.address), [0, 0, 0])
            if finding.severity == "violation":
                slot[0] += 1
            elif finding.severity == "missing_evidence":
                slot[1] += 1
        return {stage: StageCounts(*values) for stage, values in counts.items()}


def stage_of(address: str) -> str:
    return address.split(".", 1)[0].split("[", 1)[0]


@dataclass(frozen=True)
class Listed:
    """One line of the Findings tab: what, how bad, where, and from which source."""

    severity: str
    message: str
    address: str
    where: str
    source: str = ""


SEVERITY_ORDER = {"violation": 0, "missing_evidence": 1, "invalid": 2, "warning": 3, "satisfied": 4}


class ListingMemo:
    """What one check's listing worked out, for the next (``listing``): each address's label, and each line.

    After a pause in typing the Findings tab lists the same few hundred places as before: their labels are
    looked up once, and a line equal to one of the last listing is that same object, so the cycle collector
    on the GUI thread has only the new lines to walk among the young objects a check leaves."""

    LABELS_KEPT = 100_000
    """The most labels kept (an assessment lists a few hundred places; ids change as records come and go)."""

    def __init__(self) -> None:
        self.labels: dict[str, str] = {}
        self.lines: dict[Listed, Listed] = {}


def listing(analysis: Analysis, forms: FormSet, memo: ListingMemo | None = None) -> tuple[Listed, ...]:
    """Findings and validation problems, worst first, with addresses as people read them.

    ``memo``: kept by the caller from one check to the next, for the same ``forms`` (``ListingMemo``)."""
    from app.session.labels import address_label
    if memo is None:
        memo = ListingMemo()
    if len(memo.labels) > memo.LABELS_KEPT:
        memo.labels = {}
    labels, last, lines = memo.labels, memo.lines, {}

    def where(address: str) -> str:
        if address not in labels:
            labels[address] = address_label(address, forms, with_stage=False)
        return labels[address]

    def kept(line: Listed) -> Listed:
        line = last.get(line, line)  # the last listing's equal line, if it had one
        lines[line] = line
        return line
    entries: list[Listed] = []
    for finding in analysis.findings:
        citation = getattr(finding, "citation", None)
        source = ""
        if citation is not None:
            source = getattr(citation, "label", "") or " ".join(
                p for p in (getattr(citation, "source_title", ""), getattr(citation, "section", "")) if p)
        title = getattr(finding, "rule_title", "") or getattr(finding, "rule_id", "")
        place = where(finding.address)
        entries.append(kept(Listed(finding.severity, finding.message, finding.address,
                                   f"{place}  ·  {title}" if title else place, source)))
    for problem in analysis.problems:
        entries.append(kept(Listed("invalid", problem.message[:1].upper() + problem.message[1:], problem.address,
                                   where(problem.address))))
    memo.lines = lines
    entries.sort(key=lambda e: SEVERITY_ORDER.get(e.severity, 9))
    return tuple(entries)


def snapshot(doc: Document) -> Document:
    """A copy that later edits cannot change, cheap enough to take on every pause in typing.

    Edits never change a ``Value`` in place (they store a new one), so sharing
    the values is safe; the dicts and lists that edits do change are copied.
    """
    return Document(
        values=dict(doc.values),
        tables={table: [Record(r.id, dict(r.values), r.sensitivity, r.sensitivity_reason) for r in records]
                for table, records in doc.tables.items()},
    )


def snapshot_since(previous: Document, doc: Document, touched: Iterable[Address | str],
                   positions: dict[str, dict[str, int]] | None = None) -> Document:
    """``snapshot(doc)`` when ``previous`` is the snapshot of ``doc`` before edits that touched ``touched``.

    Only what the edits touched is copied again: a record whose value changed, a table whose records were
    added, removed, moved or re-marked; every other table's list (and its records) is shared with
    ``previous``, which nothing changes after it was taken. So the snapshot the live check takes on each
    pause in typing costs what the edit touched, not what the document holds.

    ``positions`` (kept by the caller from one snapshot to the next): each table's record positions by id,
    so a changed record is found without walking its table (500 records walked in Python were most of the
    snapshot's cost). Only edits that name the table add, remove or move records (``touched_addresses``);
    such a table is copied whole and its positions worked out again, and a position that does not hold
    its record in both lists sends the table down that path too.
    """
    if positions is None:
        positions = {}
    changed: dict[str, set[str]] = {}
    whole: set[str] = set()
    for target in touched:
        if isinstance(target, Address):
            if target.table is not None and target.record is not None:
                changed.setdefault(target.table, set()).add(target.record)
        else:
            whole.add(target)
    tables: dict[str, list[Record]] = {}
    for table, records in doc.tables.items():
        old = previous.tables.get(table)
        ids = changed.get(table)
        if old is None or table in whole or len(old) != len(records):
            positions.pop(table, None)
            tables[table] = [_copied(r) for r in records]
        elif ids is None:
            tables[table] = old
        else:
            tables[table] = _records_since(old, records, ids, positions, table)
    return Document(values=dict(doc.values), tables=tables)


def _records_since(old: list[Record], records: list[Record], ids: set[str],
                   positions: dict[str, dict[str, int]], table: str) -> list[Record]:
    where = positions.get(table)
    if where is None or len(where) != len(records):
        where = positions[table] = {record.id: index for index, record in enumerate(records)}
        if len(where) != len(records):  # the same id twice (a damaged file): copy the whole table
            del positions[table]
            return [_copied(r) for r in records]
    rows = list(old)
    for record_id in ids:
        index = where.get(record_id)
        if index is None:
            continue  # no such record (as before: nothing to copy)
        if records[index].id != record_id or old[index].id != record_id:
            del positions[table]  # moved without the table being named: copy it whole, find them again
            return [_copied(r) for r in records]
        rows[index] = _copied(records[index])
    return rows


def _copied(record: Record) -> Record:
    return Record(record.id, dict(record.values), record.sensitivity, record.sensitivity_reason)


class LiveChecks:
    """Validation and the framework check of one open assessment, re-run for what changed.

    ``note`` (GUI thread, on every change) collects touched addresses;
    ``take`` (GUI thread) hands them over with a snapshot; ``run`` (any one
    thread at a time) checks. A failed or first run, or a change of framework,
    checks everything.
    """

    def __init__(self, forms: FormSet, conditions: Callable[[], Any] | None = None) -> None:
        """``conditions``: where to get the forms' compiled ``Conditions`` (the session's, shared)."""
        self.forms = forms
        self._conditions = conditions
        self._checker: Any = None
        self._framework: str | None = None
        from app.session.regime_checks import RegimeChecks
        self._regimes = RegimeChecks(forms)
        self._touched: dict[Address | str, None] = {}
        self._everything = True
        self._taken: tuple[Document, Document] | None = None
        """The document last taken and its snapshot (the next snapshot copies only what changed since)."""
        self._positions: dict[str, dict[str, int]] = {}
        """Record positions by table and id in the document last taken (see ``snapshot_since``)."""
        self._record_problems = RecordProblems()
        """Each snapshot record's value problems, for the next snapshot's records shared with it."""
        self._record_texts = RecordTexts()
        """Each snapshot record's canonical JSON, likewise (the revision hash)."""
        self._listed = ListingMemo()
        """The Findings tab's labels and lines, kept from one check to the next (``listing``)."""

    def note(self, addresses: tuple[Address | str, ...]) -> None:
        for address in addresses:
            self._touched[address] = None

    def take(self, document: Document) -> tuple[Document, list[Address | str] | None]:
        """A snapshot to check and what changed since the last run (None: check everything)."""
        touched: list[Address | str] | None = list(self._touched)
        self._touched = {}
        if self._everything:
            touched, self._everything = None, False
        taken = self._taken
        if taken is not None and taken[0] is document and touched is not None:
            copy = snapshot_since(taken[1], document, touched, self._positions)
        else:  # the first run, or the file's document was replaced (read again after another program's change)
            copy = snapshot(document)
            self._positions = {}
            if taken is not None and taken[0] is not document:
                touched = None  # what the other program changed was never noted here: check everything
        self._taken = (document, copy)
        return copy, touched

    def _is_snapshot(self, doc: Document) -> bool:
        """Whether ``doc`` is the snapshot ``take`` made last: only such a document's records never change once
        made, which the memos of value problems and record texts rely on (any other is checked in full)."""
        taken = self._taken
        return taken is not None and doc is taken[1]

    def run(self, doc: Document, touched: list[Address | str] | None, progress: Progress = no_progress) -> Analysis:
        try:
            result = self._run(doc, touched, progress)
            from app.model.canonical import revision_hash
            result.revision_hash = revision_hash(doc, self._record_texts if self._is_snapshot(doc) else None)
            result.prepare(self.forms, self._listed)
            return result
        except BaseException:
            self._checker = None  # a half-updated checker is not trusted again
            self._regimes.reset()
            self._record_problems = RecordProblems()
            self._record_texts = RecordTexts()
            raise

    def _run(self, doc: Document, touched: list[Address | str] | None, progress: Progress) -> Analysis:
        from app.checks import Checker, load_framework
        from app.content.errors import ContentError, ContentErrors
        from app.content.frameworks import vocabulary_for
        progress(10, "Checking values")
        framework_id = doc.get("header.framework")
        framework_id = framework_id if isinstance(framework_id, str) else None
        if self._conditions is None:
            from app.content.conditions import Conditions
            compiled = Conditions(self.forms)
            self._conditions = lambda: compiled
        conditions = self._conditions()
        memo = self._record_problems if self._is_snapshot(doc) else None
        result = Analysis(problems=validate(doc, self.forms, vocabulary_for(framework_id),
                                            conditions.applies_fn(doc), memo=memo))
        if framework_id is None:
            self._checker = None
            result.framework_error = "choose the framework in the Assessment part to check against it"
            return result
        progress(40, "Checking against the framework")
        if self._checker is None or self._framework != framework_id:
            self._checker, self._framework, touched = None, framework_id, None
            try:
                self._checker = Checker(load_framework(framework_id), self.forms)
            except KeyError:
                result.framework_error = f"the framework {framework_id!r} is not installed"
                return result
            except (ContentError, ContentErrors) as error:
                result.framework_error = f"the framework file is broken: {error}"
                return result
        checked = self._checker.check(doc) if touched is None else self._checker.recheck(doc, touched)
        result.findings = list(checked.findings)
        # Sections without evidence of the documents the regimes ask for (reports/kinds/): listed with the
        # findings, without changing the framework's status.
        from app.checks.documents import document_findings
        result.findings += document_findings(doc, self.forms)
        result.status = checked.status
        result.score = checked.score
        result.regimes = self._regimes.run(doc, touched, framework_id, checked)
        progress(100, "Done")
        return result
