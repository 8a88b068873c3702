"""The internal edition's redaction log: what the wider editions withhold, and why.

Grouped by field so a log over 500 evaluations stays readable: how many
values and marked passages of each field are withheld from whom. Decisions a
person made (a sensitivity raised or lowered with a reason, a whole record
withheld, a flag redacted or dismissed) are listed one by one, because those
are what a reviewer of the redaction wants to check.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from app.export.report import Block, Cell, DataTable, Prose
from app.model.document import Document
from app.model.fast_dataclass import dataclass
from app.model.forms import FormSet
from app.model.paths import Address
from app.model.sensitivity import Sensitivity
from app.model.spans import SpanError, parse_spans
from app.model.validate import effective_sensitivity

_WITHHELD_FROM = {Sensitivity.INTERNAL: "Public", Sensitivity.HAZARDOUS: "Reviewers, public"}


@dataclass(frozen=True)
class FlagDecision:
    """A detector flag resolved by a person (from the assessment's flag log)."""

    address: str
    detector: str
    action: str
    """``redact`` or ``dismiss``."""
    detail: str
    """The reason given (dismissals) or what was done (redactions)."""
    at: str
    who: str = ""
    """The person who decided; empty for decisions made before names were recorded."""


def redaction_log_blocks(doc: Document, forms: FormSet,
                         decisions: Iterable[FlagDecision] = ()) -> Iterable[Block]:
    values: Counter[tuple[str, Sensitivity]] = Counter()
    spans: Counter[tuple[str, str]] = Counter()
    choices: list[tuple[Cell, ...]] = []
    for address, value in doc.addresses():
        if not forms.has_field(address.field):
            continue
        spec = forms.field(address.field)
        sensitivity = effective_sensitivity(spec.sensitivity, value.sensitivity, value.sensitivity_reason)
        if sensitivity > Sensitivity.PUBLIC:
            values[(address.field, sensitivity)] += 1
        if value.sensitivity is not None and value.sensitivity != spec.sensitivity:
            direction = "raised" if value.sensitivity > spec.sensitivity else "lowered"
            choices.append((Cell(str(address)), Cell(f"{spec.sensitivity.value} → {value.sensitivity.value} "
                                                     f"({direction})"),
                            Cell(value.sensitivity_reason or "No reason given")))
        if isinstance(value.data, str) and sensitivity < Sensitivity.HAZARDOUS:
            try:
                for segment in parse_spans(value.data):
                    if segment.domain is not None:
                        spans[(address.field, segment.domain)] += 1
            except SpanError:
                continue
    records = [(table, record) for table, rows in doc.tables.items() for record in rows
               if record.sensitivity is not None and record.sensitivity > Sensitivity.PUBLIC]

    rows = [(Cell(_label(forms, path)), Cell(path), Cell(sensitivity.value.capitalize()),
             Cell(str(count), align="right"), Cell(_WITHHELD_FROM[sensitivity]))
            for (path, sensitivity), count in sorted(values.items(), key=lambda i: (i[0][0], i[0][1].rank))]
    if rows:
        yield DataTable("Whole values withheld", ("Field", "Path", "Sensitivity", "Values", "Withheld from"),
                        tuple(rows), widths=(3, 4.2, 1.6, 1, 2))
    span_rows = [(Cell(_label(forms, path)), Cell(path), Cell(domain), Cell(str(count), align="right"),
                  Cell(_WITHHELD_FROM[Sensitivity.HAZARDOUS]))
                 for (path, domain), count in sorted(spans.items())]
    if span_rows:
        yield DataTable("Marked hazardous passages", ("Field", "Path", "Domain", "Passages", "Withheld from"),
                        tuple(span_rows), widths=(3, 4.2, 1.6, 1, 2))
    if records:
        yield DataTable("Whole records withheld", ("Record", "Sensitivity", "Reason", "Withheld from"),
                        tuple((Cell(f"{table}[{record.id}]"), Cell(record.sensitivity.value.capitalize()),
                               Cell(record.sensitivity_reason or "—"),
                               Cell(_WITHHELD_FROM[record.sensitivity]))
                              for table, record in records if record.sensitivity is not None),
                        widths=(4, 1.6, 4, 2))
    if choices:
        yield DataTable("Sensitivities changed by a person", ("Value", "Change", "Reason"),
                        tuple(choices), widths=(4, 3, 5))
    decisions = list(decisions)
    if decisions:
        yield DataTable("Detector flags resolved", ("Where", "Detector", "Decision", "Reason", "By", "When"),
                        tuple((Cell(d.address), Cell(d.detector),
                               Cell({"dismiss": "Dismissed", "redact": "Redacted"}.get(d.action, d.action)),
                               Cell(d.detail), Cell(d.who or "(not recorded)"),
                               Cell(d.at)) for d in decisions), widths=(3.2, 2, 1.3, 3.8, 1.7, 1.8))
    else:
        yield Prose("No detector flag has been resolved for this assessment.", tone="muted")


def _label(forms: FormSet, path: str) -> str:
    spec = forms.field(path)
    table = Address(path).table
    if table is not None and forms.has_field(table):
        return f"{forms.field(table).label}: {spec.label}"
    return spec.label
