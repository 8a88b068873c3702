"""The changelog of a document that is updated over time (EU code, Measure 7.6): one row per signed revision.

An updated Safety and Security Model Report carries a changelog — how and why
the report changed, with a version number and the date. Riskwright's signed
history holds the first two: each signed revision (its number, the date it was
frozen by its first sign-off, its hash) and, by comparing it with the revision
signed before it, which sections and fields changed. The reasons are the
assessors' to write; the history does not record them.

What changed is told in section terms — a stage's title and its fields' and
tables' labels, with counts of records added or removed — never a value. Even
so the words are derived from values: that a withheld field changed is
something a wider edition must not learn. So each row's summary is labelled
(``app.model.labelled``) with the highest sensitivity of anything it was
derived from, on either side of the change: the value, the record holding it,
the table, a hazardous passage marked inside a text, and a field the forms no
longer know (hazardous: fail closed). A wider edition shows the row with its
summary as the placeholder.

The summaries are worked out from the unfiltered documents by the caller that
reads the file (``app.session.export``) and reach the report as labelled text
only, rendered for the edition by the report builder.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import field

from app.content.forms import STAGES
from app.export.labels import Renderer
from app.export.report import Block, Cell, DataTable, Prose
from app.model.changes import Difference, diff_documents
from app.model.document import Document, Record, Value
from app.model.fast_dataclass import dataclass
from app.model.forms import FormSet
from app.model.labelled import Labelled, derived, fixed
from app.model.paths import Address
from app.model.sensitivity import Sensitivity
from app.model.spans import has_span_markup
from app.model.validate import effective_sensitivity

SECTION_KIND = "changelog"


@dataclass(frozen=True)
class SignedRevision:
    """A revision as the store froze it at its first sign-off (plain data from the file)."""

    number: int
    hash: str
    frozen_at: str
    document: Document


@dataclass(frozen=True)
class ChangelogEntry:
    number: int
    hash: str
    date: str
    """The day the revision was frozen by its first sign-off; empty for the current, unsigned one."""
    signed: bool
    changes: Labelled
    """What changed since the revision before, in section terms, labelled with what it was derived from."""


@dataclass
class _Stage:
    labels: dict[str, dict[str, int]] = field(default_factory=dict)
    """Field or table label -> {"added": n, "removed": n, "changed": n}."""


def changelog(signed: Sequence[SignedRevision], current: Document, current_number: int | None,
              current_hash: str, forms: FormSet) -> tuple[ChangelogEntry, ...]:
    """One entry per signed revision, oldest first, then the current revision if it differs from the last."""
    entries: list[ChangelogEntry] = []
    previous: SignedRevision | None = None
    for revision in sorted(signed, key=lambda r: r.number):
        changes = (fixed("First signed version of the assessment.") if previous is None
                   else summary(previous.document, revision.document, forms))
        entries.append(ChangelogEntry(revision.number, revision.hash, revision.frozen_at[:10], True, changes))
        previous = revision
    if previous is None or previous.hash != current_hash:
        changes = (fixed("First version of the assessment; no revision has been signed yet.") if previous is None
                   else summary(previous.document, current, forms))
        number = current_number if current_number is not None else (previous.number + 1 if previous else 1)
        entries.append(ChangelogEntry(number, current_hash, "", False, changes))
    return tuple(entries)


def summary(old: Document, new: Document, forms: FormSet) -> Labelled:
    """What changed from ``old`` to ``new`` in section terms, labelled with everything it was derived from."""
    # Tables whose records are all equal cannot differ: compare only the others (equality of records is
    # much cheaper than the field-by-field comparison, and most tables are untouched between revisions).
    differences = diff_documents(
        Document(old.values, {t: r for t, r in old.tables.items() if new.tables.get(t) != r}),
        Document(new.values, {t: r for t, r in new.tables.items() if old.tables.get(t) != r}))
    if not differences:
        return fixed("No change to the content (signed again).")
    stages: dict[str, _Stage] = {}
    level = Sensitivity.PUBLIC
    for difference in differences:
        stage, label, change, sensitivity = _describe(difference, old, new, forms)
        level = max(level, sensitivity)
        counts = stages.setdefault(stage, _Stage()).labels.setdefault(label, {})
        counts[change] = counts.get(change, 0) + 1
    order = {stage: index for index, stage in enumerate(STAGES)}
    parts = []
    for stage in sorted(stages, key=lambda s: (order.get(s, len(order)), s)):
        title = forms.form(stage).title if stage in order else "Other fields"
        listed = ", ".join(_counted(label, counts) for label, counts in stages[stage].labels.items())
        parts.append(f"{title}: {listed}")
    return derived("; ".join(parts) + ".", level)


def _counted(label: str, counts: dict[str, int]) -> str:
    said = [f"{n} record{'s' if n != 1 else ''} {change}" for change, n in counts.items() if change != "changed"]
    return f"{label} ({', '.join(said)})" if said else label


def _describe(difference: Difference, old: Document, new: Document, forms: FormSet
              ) -> tuple[str, str, str, Sensitivity]:
    """(stage, label, change, sensitivity) of one difference; unknown fields are hazardous (fail closed)."""
    try:
        address = Address.parse(difference.address)
    except ValueError:
        return "", "a field the forms do not know", "changed", Sensitivity.HAZARDOUS
    stage = address.stage
    table = address.table
    if table is not None and address.field == f"{table}[]":  # a whole record: added, removed, moved, relabelled
        if not forms.has_field(table):
            return stage, "a table the forms do not know", "changed", Sensitivity.HAZARDOUS
        change = {"record added": "added", "record removed": "removed"}.get(difference.change, "changed")
        level = max(_record_level(forms, table, old, address.record), _record_level(forms, table, new, address.record),
                    _values_level(forms, table, old, address.record), _values_level(forms, table, new, address.record))
        return stage, forms.field(table).label, change, level
    if not forms.has_field(address.field) or (table is not None and not forms.has_field(table)):
        return stage, "a field the forms do not know", "changed", Sensitivity.HAZARDOUS
    label = forms.field(table).label if table is not None else forms.field(address.field).label
    level = max(_value_level(forms, address, old), _value_level(forms, address, new))
    return stage, label, "changed", level


def _record(doc: Document, table: str, record_id: str | None) -> Record | None:
    return next((r for r in doc.records(table) if r.id == record_id), None)


def _record_level(forms: FormSet, table: str, doc: Document, record_id: str | None) -> Sensitivity:
    record = _record(doc, table, record_id)
    if record is None:
        return Sensitivity.PUBLIC
    return effective_sensitivity(forms.field(table).sensitivity, record.sensitivity, record.sensitivity_reason)


def _values_level(forms: FormSet, table: str, doc: Document, record_id: str | None) -> Sensitivity:
    """The highest level among a record's values: an added record's title or id may come from any of them."""
    record = _record(doc, table, record_id)
    if record is None:
        return Sensitivity.PUBLIC
    path = f"{table}[]."
    return max((_level_of(forms, path + relative, value) for relative, value in record.values.items()),
               default=Sensitivity.PUBLIC)


def _value_level(forms: FormSet, address: Address, doc: Document) -> Sensitivity:
    if address.table is not None:
        record = _record(doc, address.table, address.record)
        if record is None:
            return Sensitivity.PUBLIC
        value = record.values.get(address.relative)
        holder = _record_level(forms, address.table, doc, address.record)
        return holder if value is None else max(holder, _level_of(forms, address.field, value))
    value = doc.value(address.field)
    return Sensitivity.PUBLIC if value is None else _level_of(forms, address.field, value)


def _level_of(forms: FormSet, path: str, value: Value) -> Sensitivity:
    if not forms.has_field(path):
        return Sensitivity.HAZARDOUS
    if _holds_passage(value.data):
        return Sensitivity.HAZARDOUS  # a change inside a text with a marked passage may be the passage
    return effective_sensitivity(forms.field(path).sensitivity, value.sensitivity, value.sensitivity_reason)


def _holds_passage(data: object) -> bool:
    if isinstance(data, str):
        return has_span_markup(data)
    if isinstance(data, (list, tuple)):
        return any(_holds_passage(item) for item in data)
    if isinstance(data, dict):
        return any(_holds_passage(item) for item in data.values())
    return False


def changelog_blocks(entries: tuple[ChangelogEntry, ...] | None, render: Renderer) -> Iterable[Block]:
    """The changelog section: a table of versions, each summary rendered for the edition."""
    if entries is None:
        yield Prose("This edition was made without the assessment file's signed history, so it carries no "
                    "changelog; export the document from the assessment file to include one.", tone="note")
        return
    rows = tuple((Cell(str(e.number), align="right"), Cell(e.date or "—"),
                  Cell("Signed" if e.signed else "Not signed yet"), Cell(render.show(e.changes)),
                  Cell(e.hash[:12])) for e in entries)
    yield DataTable(None, ("Version", "Date", "Sign-off", "What changed", "Revision"), rows,
                    widths=(1.1, 1.7, 2.1, 5.8, 2.1))
    yield Prose("Each version is a revision of the assessment: its number, the day its first sign-off froze it, "
                "and what changed since the version before, by section and field, counted from the signed "
                "history. Why each version was made is not recorded in that history.", tone="muted")
