"""The compliance section's table, worded for the edition's reader.

A check's findings speak the assessor's language: rule ids, field paths and a
severity whose mildest value is "satisfied". The internal edition keeps ids and
paths (an assessor looks the field up by them). The reviewer and public editions
are read by people who never saw the forms, so their table names each
commitment in the framework's words, says whether it was met, what the
assessment shows, and where in the report to look — no ids, no paths.

Only the wording changes here: every message has already been rendered for
the edition (labelled messages, ``app.export.labels``): the parts a wider
audience may not see are placeholders, and the detail column is cut from that message.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.content.report_layout import ReportStyles
from app.export.compliance import WITHHELD_MESSAGE
from app.export.report import Block, Cell, DataTable, Finding, Prose
from app.model.forms import FormSet
from app.model.paths import Address

SEVERITY_ORDER = {"violation": 0, "missing_evidence": 1, "warning": 2, "satisfied": 3}
RESULT_WORDS = {"violation": "Not met", "missing_evidence": "Evidence missing", "warning": "Partly met",
                "satisfied": "Met"}
"""A finding's severity as its result: "Severity: Satisfied" reads as a contradiction."""
_SUMMARY_WORDS = {"violation": "not met", "missing_evidence": "with evidence missing", "warning": "partly met",
                  "satisfied": "met"}
_WITHHELD_DETAIL = "Details withheld from this edition."
_EMPTY_SUBJECTS = ("This assessment",)
"""Subjects a message names that tell a reader nothing (the whole report is about this assessment)."""


def compliance_blocks(findings: Iterable[Finding], status_label: str, forms: FormSet, audience: str,
                      styles: ReportStyles, tint) -> Iterable[Block]:  # type: ignore[no-untyped-def]
    """The result sentence and the table. ``tint`` lightens a severity colour for a cell background."""
    ordered = sorted(findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.rule_id, f.address or ""))
    counts: dict[str, int] = {}
    for finding in ordered:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    total = sum(counts.values())
    parts = [f"{counts[s]} {_SUMMARY_WORDS[s]}" for s in SEVERITY_ORDER if s in counts]
    plural = "s" if total != 1 else ""
    if not total:
        yield Prose(f"Result: **{status_label}** — no commitment applied to this assessment.")
    elif counts.get("satisfied") == total:
        yield Prose(f"Result: **{status_label}** — {'all ' if total > 1 else ''}{total} commitment{plural} "
                    f"checked {'are' if total > 1 else 'is'} met.")
    else:
        yield Prose(f"Result: **{status_label}** — of {total} commitment{plural} checked, "
                    f"{', '.join(parts)}.")
    if audience == "internal":
        yield _internal_table(ordered, styles, tint)
    else:
        yield _reader_table(ordered, forms, styles, tint)


def _result_cell(finding: Finding, styles: ReportStyles, tint) -> Cell:  # type: ignore[no-untyped-def]
    return Cell(RESULT_WORDS.get(finding.severity, finding.severity.replace("_", " ").capitalize()),
                tint(styles.severities.get(finding.severity)))


def _source(finding: Finding) -> Cell:
    text = finding.citation.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return Cell(f"[{text}]({finding.citation_url})" if finding.citation_url else text)


def _internal_table(findings: list[Finding], styles: ReportStyles, tint) -> DataTable:  # type: ignore[no-untyped-def]
    rows = tuple((_result_cell(f, styles, tint), Cell(f.rule_id), Cell(f.address or f.stage or "—"),
                  Cell(f.message), _source(f)) for f in findings)
    return DataTable(None, ("Result", "Rule", "Field", "Finding", "Source"), rows,
                     widths=(1.5, 2.1, 2.7, 5.4, 2.8), markdown_columns=(4,))


def _reader_table(findings: list[Finding], forms: FormSet, styles: ReportStyles,
                  tint) -> DataTable:  # type: ignore[no-untyped-def]
    rows = []
    for finding in findings:
        commitment, detail = split_message(finding.rule_title, finding.message)
        rows.append((Cell(commitment), _result_cell(finding, styles, tint), Cell(detail or "—"),
                     Cell(where(forms, finding)), _source(finding)))
    return DataTable(None, ("Commitment", "Result", "What the assessment shows", "Where", "Source"), tuple(rows),
                     widths=(3.9, 1.5, 4.4, 2.3, 2.6), markdown_columns=(4,))


def split_message(title: str, message: str) -> tuple[str, str]:
    """(the commitment in the framework's words, what this assessment shows) from a finding's message.

    Messages restate the rule's title and add what was found, sometimes after a
    subject ("det-1 (Cybersecurity …): <title>. <detail>"). The title goes in
    one column, the rest in the other.
    """
    if message.endswith(WITHHELD_MESSAGE):
        return (title or message[: -len(WITHHELD_MESSAGE)]).strip(), _WITHHELD_DETAIL
    core = title.strip().rstrip(".")
    at = message.find(core) if core else -1
    if at < 0:
        return (title.strip() or message), (message if title.strip() else "")
    before = message[:at].strip().rstrip(":").strip()
    after = message[at + len(core):].lstrip(".:; ").strip()
    after = _unwrap(after.rstrip(".").strip())
    if before in _EMPTY_SUBJECTS:
        before = ""
    detail = f"{before}: {after}" if before and after else (before or after)
    if detail:
        first = detail.split(" ", 1)[0]
        if first.isalpha():  # an id such as "det-1" keeps its spelling
            detail = detail[0].upper() + detail[1:]
        if not detail.endswith((".", "!", "?")):
            detail += "."
    return title.strip(), detail


def _unwrap(text: str) -> str:
    """``(a (b) c)`` -> ``a (b) c``: parentheses around the whole detail add nothing in a column of its own."""
    if not (text.startswith("(") and text.endswith(")")):
        return text
    depth = 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and index < len(text) - 1:
            return text  # the first parenthesis closes before the end: not one wrapping pair
    return text[1:-1].strip()


def where(forms: FormSet, finding: Finding) -> str:
    """The part of the assessment a finding concerns, by the titles a reader sees in the report."""
    address = finding.address
    stage = finding.stage
    labels: list[str] = []
    if address:
        try:
            parsed = Address.parse(address)
        except ValueError:
            parsed = None
        if parsed is not None:
            stage = parsed.stage
            path = parsed.field
            table = parsed.table
            if table and forms.has_field(table):
                labels.append(forms.field(table).label)  # a value inside a record: its table says enough
            elif forms.has_field(path) and "." in path:
                labels.append(forms.field(path).label)
    title = ""
    if stage and stage in forms.stages:
        title = forms.form(stage).title
    return " › ".join([part for part in (title, *labels) if part]) or "The whole assessment"
