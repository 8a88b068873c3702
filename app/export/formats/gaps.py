"""What a table of records leaves out, said once instead of once per record.

Printed record by record, an empty field reads "Not provided: Notes." eight
times, and a value withheld from every row fills a whole column with the same
placeholder. A reader learns nothing from the repetition and has to hunt for the
records that differ. The human-readable writers (PDF, Markdown, HTML) pass each
record table through ``plain_gaps`` first: a column or field withheld in every
record is dropped, empty fields leave the record entries, and one short paragraph under
the overview table says what is withheld everywhere and what was left empty,
and where. A value withheld in only some records keeps its placeholder where
it stands. The JSON edition, for machines, keeps every cell.
"""

from __future__ import annotations

from dataclasses import replace

from app.export.report import FieldGroup, RecordEntry, RecordTable
from app.model.sensitivity import Sensitivity

_REASONS = {Sensitivity.HAZARDOUS: "hazardous detail", Sensitivity.INTERNAL: "internal detail"}
LISTED_RECORDS = 8
"""How many record ids a sentence names before it says "and N more"."""


def plain_gaps(table: RecordTable) -> tuple[RecordTable, str]:
    """The table as the writers show it, and the sentence(s) that replace the repetition ("" if none)."""
    table, withheld = _drop_withheld_columns(table)
    entries, withheld_everywhere = _drop_fields_withheld_everywhere(table.entries)
    entries, empty = _drop_empty_fields(entries)
    table = replace(table, entries=entries)
    withheld += withheld_everywhere
    sentences = []
    if withheld:
        by_reason: dict[str, list[str]] = {}
        for label, reason in withheld:
            by_reason.setdefault(reason, []).append(label)
        parts = [_join(labels) if [label.lower() for label in labels] == [reason] else f"{_join(labels)} ({reason})"
                 for reason, labels in by_reason.items()]
        sentences.append(f"Withheld from this edition in every record: {'; '.join(parts)}.")
    if empty:
        total = len(table.entries)
        parts = []
        for label, record_ids in empty.items():
            if len(record_ids) == total:
                parts.append(label if total == 1 else f"{label} (in both records)" if total == 2
                             else f"{label} (in all {total} records)")
            else:
                parts.append(f"{label} (in {len(record_ids)} of {total}: {_ids(record_ids)})")
        sentences.append(f"Not filled in: {'; '.join(parts)}.")
    return table, " ".join(sentences)


def _drop_withheld_columns(table: RecordTable) -> tuple[RecordTable, list[tuple[str, str]]]:
    if len(table.rows) < 2 or not table.columns:
        return table, []
    gone = [index for index in range(len(table.columns))
            if all(index < len(row) and row[index].withheld for row in table.rows)]
    if not gone or len(gone) == len(table.columns):
        return table, []
    said = []
    for index in gone:
        reasons = sorted({_REASONS.get(row[index].sensitivity, "withheld detail") for row in table.rows})
        said.append((table.columns[index], " and ".join(reasons)))
    keep = [index for index in range(len(table.columns)) if index not in gone]
    columns = tuple(table.columns[i] for i in keep)
    rows = tuple(tuple(row[i] for i in keep if i < len(row)) for row in table.rows)
    fields = tuple(table.column_fields[i] for i in keep if i < len(table.column_fields)) \
        if table.column_fields else ()
    return replace(table, columns=columns, rows=rows, column_fields=fields), said


def _drop_fields_withheld_everywhere(
        entries: tuple[RecordEntry, ...]) -> tuple[tuple[RecordEntry, ...], list[tuple[str, str]]]:
    """Fields whose placeholder would stand in every record entry: dropped and named once."""
    if len(entries) < 2:
        return entries, []
    reasons: dict[tuple[str | None, str], set[str]] = {}
    seen: dict[tuple[str | None, str], int] = {}
    for entry in entries:
        for group in entry.groups:
            for field in group.entries:
                key = (group.title, field.label)
                seen[key] = seen.get(key, 0) + 1
                if field.withheld:
                    reasons.setdefault(key, set()).add(_REASONS.get(field.sensitivity, "withheld detail"))
                else:
                    reasons.setdefault(key, set()).add("")
    everywhere = {key for key, found in reasons.items()
                  if "" not in found and seen[key] == len(entries)}
    if not everywhere:
        return entries, []
    said = [(f"{title} — {label}" if title else label, " and ".join(sorted(reasons[(title, label)])))
            for title, label in sorted(everywhere, key=lambda k: (k[0] or "", k[1]))]
    kept_entries = []
    for entry in entries:
        groups = []
        for group in entry.groups:
            kept = tuple(f for f in group.entries if (group.title, f.label) not in everywhere)
            if kept:
                groups.append(FieldGroup(group.title, kept))
        kept_entries.append(replace(entry, groups=tuple(groups)))
    return tuple(kept_entries), said


def _drop_empty_fields(entries: tuple[RecordEntry, ...]) -> tuple[tuple[RecordEntry, ...], dict[str, list[str]]]:
    empty: dict[str, list[str]] = {}
    kept_entries = []
    for entry in entries:
        groups = []
        for group in entry.groups:
            kept = []
            for field in group.entries:
                if field.text:
                    kept.append(field)
                else:
                    label = f"{group.title} — {field.label}" if group.title else field.label
                    empty.setdefault(label, []).append(entry.record_id)
            if kept:
                groups.append(FieldGroup(group.title, tuple(kept)))
        kept_entries.append(replace(entry, groups=tuple(groups)))
    return tuple(kept_entries), empty


def _ids(record_ids: list[str]) -> str:
    shown = record_ids[:LISTED_RECORDS]
    rest = len(record_ids) - len(shown)
    return ", ".join(shown) + (f" and {rest} more" if rest else "")


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
