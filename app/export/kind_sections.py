"""Sections of report kinds (``reports/kinds/``): chosen fields, groups and tables of any stage.

A stage section shows one whole form; a report kind's section shows the
fields a regime's requirement draws on, from wherever they live (the release
date from the decision stage, the evaluations from pre-deployment, the
external reviews from accountability). The blocks are the same ones stage
sections use — field groups, record tables, charts — built by the same
helpers from the same (for a wider audience, filtered) document, so a kind
cannot show what the assessment report would withhold.

A section whose evidence is all empty says so in the report, in a visible
note naming the fields to fill, rather than printing an empty heading; the
same test gives the finding in ``riskwright check`` (``app.checks.documents``).

A regime's document gives, on its cover, the result against the regime that
asks for it (``regime_facts``), never the assessment's own framework's result
under another name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from app.content.report_kinds import KindLayout, has_evidence
from app.content.report_layout import ReportLayout, SectionLayout
from app.export.report import Block, CheckOutcome, CoverFact, FieldEntry, FieldGroup, Prose, RecordTable

REGIME_RESULT = "Result against that regime"
NOT_LISTED = "Not checked: the assessment does not list this regime"
NOT_SHOWN = "Not checked: not among the regimes this edition shows"
NOT_CHECKED = "Not checked: the assessment names no installed framework"
"""A wider edition that withholds a regime cannot tell "not listed" from "withheld" without naming it."""


def fields_blocks(ctx: Any, section: SectionLayout, *, entry: Callable[..., FieldEntry],
                  record_table: Callable[..., RecordTable], charts: Callable[..., Iterable[Block]],
                  leaves: Callable[[Any], Iterable[Any]]) -> Iterable[Block]:
    """The blocks of a ``fields`` section. ``ctx`` is the report builder's context and the callables are
    its own helpers (``app.export.build`` passes them, so this module does not import the builder back)."""
    forms = ctx.forms
    missing = [path for path in section.evidence if not has_evidence(ctx.doc, path, forms)]
    if section.evidence and len(missing) == len(section.evidence):
        yield Prose(no_evidence_note(section, forms), tone="note")
    yield from charts(ctx, section)
    pending: list[FieldEntry] = []
    for path in section.fields:
        if "[]." in path:
            continue  # a column path only serves as evidence; its table is listed on its own
        spec = forms.field(path)
        if not ctx.applies(spec):
            continue
        if spec.is_leaf:
            pending.append(entry(ctx, spec, ctx.doc.value(path), path))
            continue
        if pending:
            yield FieldGroup(None, tuple(pending))
            pending = []
        if spec.is_group:
            entries = tuple(entry(ctx, leaf, ctx.doc.value(leaf.path), leaf.path)
                            for leaf in leaves(spec) if ctx.applies(leaf))
            yield FieldGroup(spec.label, entries)
        elif spec.is_table:
            layout = section.tables.get(path)
            if layout is None or layout.details is None:
                yield record_table(ctx, spec, layout)
                continue
            # Build only the columns and the details shown: a table listed for one column should not cost
            # the work of every record's full entry.
            wanted = {name.split(".", 1)[0] for name in (*layout.columns, *layout.details)}
            narrowed = replace(spec, fields=tuple(child for child in spec.fields if child.id in wanted))
            yield _only_details(record_table(ctx, narrowed, layout), layout.details)
    if pending:
        yield FieldGroup(None, tuple(pending))


def _only_details(table: RecordTable, details: tuple[str, ...]) -> RecordTable:
    """The table with each record's entry cut down to ``details`` (record-relative ids; a group id keeps
    the group's fields)."""
    entries = []
    for entry in table.entries:
        groups = []
        for group in entry.groups:
            kept = tuple(e for e in group.entries if _relative(e.address) in details
                         or _relative(e.address).split(".", 1)[0] in details)
            if kept:
                groups.append(replace(group, entries=kept))
        if groups:
            entries.append(replace(entry, groups=tuple(groups)))
    return replace(table, entries=tuple(entries))


def _relative(address: str) -> str:
    return address.split("].", 1)[1] if "]." in address else address


def no_evidence_note(section: SectionLayout, forms: Any) -> str:
    labels = [_label(path, forms) for path in section.evidence]
    listed = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]
    return f"**No evidence recorded for this section.** Fill in {listed} in the assessment."


def _label(path: str, forms: Any) -> str:
    if "[]." in path:
        table, relative = path.split("[].", 1)
        return f"“{forms.field(path).label}” in {forms.field(table).label.lower()}"
    spec = forms.field(path)
    stage = forms.form(path.split(".", 1)[0]).title
    return f"“{spec.label}” ({stage})"


def regime_facts(layout: ReportLayout, check: CheckOutcome | None, framework_id: str,
                 framework_withheld: bool) -> tuple[CoverFact, ...]:
    """The cover's regime lines for a regime's document; empty for the assessment report and a kind no
    regime asks for (the system card), whose cover keeps the framework's result.

    ``check`` is the edition's own check: for a wider edition ``compliance.for_audience`` has already left
    out the regimes it may not name, and it is None when the framework itself is withheld
    (``framework_withheld``) or not installed. The regime's name comes from the kind file, so it reads the
    same whether or not the assessment lists it; only a result the edition may show is given, and "does
    not list" is said only where the edition withholds no regime (else the two would tell a withheld
    regime apart from an absent one).
    """
    if not isinstance(layout, KindLayout) or not layout.regime_ids:
        return ()
    facts = [CoverFact("Asked for by", layout.regime)]
    status = None
    if check is not None:
        status = next((o.check.status for o in check.regimes if o.id in layout.regime_ids), None)
        if status is None and framework_id in layout.regime_ids:
            status = check.status
    if status is not None:
        facts.append(CoverFact(REGIME_RESULT, status.replace("_", "-").capitalize(), status))
    elif framework_withheld or (check is not None and any(o.withheld for o in check.regimes)):
        facts.append(CoverFact(REGIME_RESULT, NOT_SHOWN))
    elif check is None:
        facts.append(CoverFact(REGIME_RESULT, NOT_CHECKED))
    else:
        facts.append(CoverFact(REGIME_RESULT, NOT_LISTED))
    return tuple(facts)
