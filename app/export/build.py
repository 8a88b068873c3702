"""Build the report model from a document the audience may see in full.

``build_report`` is given the audience-filtered copy for any audience but
internal (see ``app.export.pipeline``), and it refuses a wider audience's
document that still carries hazardous-span markup: a filter that missed a
span must stop the export, not reach a writer.
"""

from __future__ import annotations

from dataclasses import field
from datetime import date
from typing import Any
from collections.abc import Callable, Iterable

from app.content.conditions import Conditions
from app.content.report_layout import ReportLayout, ReportStyles, SectionLayout
from app.export import charts, kind_changelog, worst_case
from app.export.kind_changelog import ChangelogEntry
from app.export.framework_view import FrameworkFacts, ladders_for, plain_label
from app.export.kind_sections import regime_facts
from app.export.labels import Renderer, rendered_finding
from app.export.redaction_log import FlagDecision, redaction_log_blocks
from app.export.text import DOMAIN_LABELS
from app.export.report import (
    Block, Cell, CheckOutcome, DataTable, Determination, Facts, FieldEntry, FieldGroup, Finding, Ladder, Prose,
    Redaction, Report, ReportHeader, RecordEntry, RecordTable, Section,
)
from app.model.document import Document, Record, Value
from app.model.fast_dataclass import dataclass
from app.model.forms import FieldSpec, FormSet
from app.model.sensitivity import Sensitivity
from app.model.spans import has_span_markup
from app.model.validate import effective_sensitivity
from app.model.values import format_value

NOT_SHOWN = "—"
_SHORT_TYPES = frozenset({"text", "integer", "number", "flop", "date", "enum", "category", "level",
                          "framework", "boolean"})


class ReportRefused(Exception):
    """The report cannot be built safely for this audience; the message says why."""


@dataclass
class Withholding:
    """What the audience filter withheld, by address, so the report can show placeholders."""

    values: set[str] = field(default_factory=set)
    """Addresses (``str(Address)``) of whole values withheld."""
    records: set[tuple[str, str]] = field(default_factory=set)
    """(table, record id) of whole records withheld."""
    placeholder: Callable[[Sensitivity], str] = lambda s: "[withheld]"
    redaction: Redaction | None = None

    def value(self, address: str) -> bool:
        return address in self.values

    def record(self, table: str, record_id: str) -> bool:
        return (table, record_id) in self.records


@dataclass(frozen=True)
class Revision:
    """The revision a report comes from: its hash, number and sign-offs (``app.store.signoff``)."""

    hash: str
    number: int | None = None
    state: str | None = None
    """``signed off``, ``partly signed`` or ``unsigned``."""
    signoffs: tuple[dict[str, str], ...] = ()
    """Each with ``role``, ``name``, ``signed_at`` and ``fingerprint``."""
    changelog: tuple[ChangelogEntry, ...] | None = None
    """Signed versions and what changed (``app.export.kind_changelog``); None when the history was not read."""


@dataclass
class _Context:
    doc: Document
    forms: FormSet
    audience: str
    styles: ReportStyles
    facts: FrameworkFacts | None
    ladders: dict[str, Ladder]
    withholding: Withholding
    conditions: Conditions
    condition_scope: dict[str, Any]
    decisions: tuple[FlagDecision, ...] = ()
    revision: Revision | None = None
    moved: frozenset[str] = frozenset()
    """Form paths shown by a section of their own (``app.export.worst_case``), not in their stage."""
    render: Renderer = field(default_factory=Renderer)

    def applies(self, spec: FieldSpec, record: Record | None = None) -> bool:
        return self.conditions.applies(self.doc, spec, record, self.condition_scope)


_CLAIMS_SIGNED = frozenset({"signed_off", "published"})


def recorded_status(forms: FormSet, doc: Document, revision: Revision | None) -> str:
    """The status the assessors chose, corrected where it claims a sign-off the file does not hold.

    ``header.status`` is typed by hand; the sign-offs are signatures over this very
    revision. A report must not call an unsigned revision "signed off".
    """
    chosen = doc.get("header.status")
    label = _option(forms, "header.status", chosen)
    if chosen in _CLAIMS_SIGNED and revision is not None and revision.state and revision.state != "signed off":
        return f"{label} (recorded by the assessors; this revision is {revision.state})"
    return label


def build_report(doc: Document, *, audience: str, forms: FormSet, layout: ReportLayout,
                 styles: ReportStyles, facts: FrameworkFacts | None, check: CheckOutcome | None,
                 withholding: Withholding, revision: Revision,
                 decisions: Iterable[FlagDecision] = ()) -> Report:
    if audience != "internal":
        _refuse_leftover_spans(doc)
        if doc.filtered_for != audience:  # fail closed: every value of a wider report comes through its filter
            raise ReportRefused(f"the {audience} report was given a document the {audience} audience filter did "
                                f"not make; nothing was written")
    conditions = Conditions(forms)
    ctx = _Context(doc, forms, audience, styles, facts, ladders_for(facts, styles), withholding,
                   conditions, conditions.context(doc), tuple(decisions), revision,
                   worst_case.moved_fields(s.kind for s in layout.sections_for(audience)),
                   renderer_for(audience, withholding))
    findings = None if check is None else tuple(rendered_finding(ctx.render, f) for f in check.findings)
    audience_layout = layout.audiences[audience]
    header = ReportHeader(
        title=layout.title,
        model=_text(doc.get("header.model.name")) or "Unnamed model",
        version=_text(doc.get("header.model.version")),
        developer=_text(doc.get("header.model.developer")),
        framework_id=_text(doc.get("header.framework")),
        framework_title=facts.title if facts else _text(doc.get("header.framework")),
        assessment_date=_text(doc.get("header.assessment_date")),
        status=recorded_status(forms, doc, revision),
        revision_hash=revision.hash, audience=audience, banner=audience_layout.banner,
        tone=audience_layout.tone,
    )
    determinations = tuple(_determinations(ctx))
    sections: list[Section] = []
    number = 0
    appendix = 0
    for section_layout in layout.sections_for(audience):
        framework_withheld = withholding.value("header.framework")
        if section_layout.kind == "compliance" and check is None and not framework_withheld:
            continue  # no check available: leave the section out rather than pretend
        if section_layout.kind == "regimes" and (check is None or not check.regimes):
            continue  # one framework only: the compliance section says it all
        if section_layout.kind in ("redaction_log", "revision"):
            appendix += 1
            label = chr(ord("A") + appendix - 1)
        else:
            number += 1
            label = str(number)
        blocks = tuple(_blocks(ctx, section_layout, determinations, check, findings, revision))
        sections.append(Section(section_layout.id, section_layout.kind, label,
                                _section_title(section_layout, forms), blocks))
    decision = _option(forms, "deployment_decision.decision", doc.get("deployment_decision.decision"))
    return Report(
        header=header, sections=tuple(sections), determinations=determinations, ladders=ctx.ladders,
        findings=findings,
        overall_status=None if check is None else check.status,
        rubric_score=None if check is None else check.rubric_score,
        decision=decision, redaction=withholding.redaction,
        # Signers' names are personal data (internal, like the header's assessors): not in the public edition.
        signoffs=tuple(s if audience != "public" else {k: v for k, v in s.items() if k != "name"}
                       for s in revision.signoffs),
        decision_id=_text(doc.get("deployment_decision.decision")) or None,
        regime=regime_facts(layout, check, header.framework_id, withholding.value("header.framework")),
    )


def _refuse_leftover_spans(doc: Document) -> None:
    for address, value in doc.addresses():
        if isinstance(value.data, str) and has_span_markup(value.data):
            raise ReportRefused(f"{address}: the audience filter left hazardous-span markup in place; "
                                f"nothing was written")


def _section_title(section: SectionLayout, forms: FormSet) -> str:
    if section.title:
        return section.title
    if section.kind == "stage":
        return forms.form(section.id).title
    return plain_label(section.id)


def renderer_for(audience: str, withholding: Withholding) -> Renderer:
    """The renderer of labelled text for ``audience``, with the filter's placeholders."""
    from app.redaction import load_audiences
    return Renderer(audience, load_audiences().get(audience).sees, withholding.placeholder)


def _blocks(ctx: _Context, section: SectionLayout, determinations: tuple[Determination, ...],
            check: CheckOutcome | None, findings: tuple[Finding, ...] | None,
            revision: Revision) -> Iterable[Block]:
    if section.intro:
        yield Prose(section.intro, tone="muted")
    if section.kind == "summary":
        yield from _summary(ctx, section, determinations, check)
    elif section.kind == "stage":
        yield from _stage(ctx, section)
    elif section.kind == "compliance" and check is not None and findings is not None:
        yield from _compliance(ctx, check.status, findings)
    elif section.kind == "compliance":
        yield Prose("The framework this assessment is checked against is withheld from this edition, and with "
                    "it the result of the check, which would name it.", tone="note")
    elif section.kind == "regimes" and check is not None and check.regimes:
        from app.export.regimes_section import regime_blocks
        yield from regime_blocks(check.regimes, ctx.render, ctx.styles.severities)
    elif section.kind == "redaction_summary":
        yield from _redaction_summary(ctx)
    elif section.kind == "redaction_log":
        yield from _redaction_log(ctx)
    elif section.kind == "revision":
        yield from _revision(ctx, revision)
    elif section.kind == "fields":  # report kinds (reports/kinds/): chosen fields from any stage
        from app.export.kind_sections import fields_blocks
        yield from fields_blocks(ctx, section, entry=_entry, record_table=_record_table, charts=_charts,
                                 leaves=_leaves)
    elif section.kind == kind_changelog.SECTION_KIND:
        yield from kind_changelog.changelog_blocks(revision.changelog, ctx.render)
    elif section.kind == worst_case.SECTION_KIND:
        view = worst_case.Context(ctx.doc, ctx.forms, ctx.facts, ctx.withholding, ctx.applies,
                                  lambda spec, value, address, record: _entry(ctx, spec, value, address, record))
        yield from worst_case.blocks(view, section)


# -- values ----------------------------------------------------------------
def _text(data: Any) -> str:
    if data is None:
        return ""
    if isinstance(data, date):
        return data.isoformat()
    return str(data)


def _option(forms: FormSet, path: str, data: Any) -> str:
    if data is None:
        return ""
    return forms.field(path).option_label(str(data)) if forms.has_field(path) else str(data)


def _ladder_for(ctx: _Context, spec: FieldSpec, record: Record | None) -> Ladder | None:
    if spec.ladder == "security":
        return ctx.ladders.get("__security__")
    category = record.get("category") if record is not None else None
    return ctx.ladders.get(str(category)) if category else None


def display(ctx: _Context, spec: FieldSpec, data: Any, record: Record | None = None) -> tuple[str, str | None]:
    """Display text and background colour of a value."""
    if data is None:
        return "", None
    if spec.type == "enum":
        return spec.option_label(str(data)), None
    if spec.type == "category":
        return (ctx.facts.category_label(str(data)) if ctx.facts else plain_label(str(data))), None
    if spec.type == "level":
        ladder = _ladder_for(ctx, spec, record)
        if ladder is None:
            return plain_label(str(data)), None
        return ladder.label(str(data)) or plain_label(str(data)), ladder.colour(str(data))
    if spec.type == "framework":
        return (ctx.facts.title if ctx.facts and ctx.facts.id == data else str(data)), None
    if spec.type == "boolean":
        return ("Yes" if data else "No"), None
    if spec.type == "flop":
        return format_value("flop", data) + " FLOP", None
    return format_value(spec.type, data), None


def _entry(ctx: _Context, spec: FieldSpec, value: Value | None, address: str,
           record: Record | None = None) -> FieldEntry:
    sensitivity = effective_sensitivity(spec.sensitivity, value.sensitivity if value else None,
                                        value.sensitivity_reason if value else None)
    if ctx.withholding.value(address):
        # The filter put a fixed placeholder in the value; print it as it is, never formatted.
        data = value.data if value is not None and isinstance(value.data, str) else None
        return FieldEntry(address, spec.label, data or ctx.withholding.placeholder(sensitivity),
                          markdown=False, sensitivity=sensitivity, withheld=True)
    text, fill = display(ctx, spec, None if value is None else value.data, record)
    return FieldEntry(address, spec.label, text, markdown=spec.type == "markdown",
                      sensitivity=sensitivity, fill=fill)


# -- stage sections --------------------------------------------------------
def _stage(ctx: _Context, section: SectionLayout) -> Iterable[Block]:
    form = ctx.forms.form(section.id)
    if form.summary:
        yield Prose(form.summary, tone="muted")
    yield from _charts(ctx, section)
    pending: list[FieldEntry] = []
    for spec in form.fields:
        if not ctx.applies(spec) or spec.path in ctx.moved:
            continue
        if spec.is_leaf:
            pending.append(_entry(ctx, spec, ctx.doc.value(spec.path), spec.path))
            continue
        if pending:
            yield FieldGroup(None, tuple(pending))
            pending = []
        if spec.is_group:
            entries = tuple(_entry(ctx, child, ctx.doc.value(child.path), child.path)
                            for child in _leaves(spec) if ctx.applies(child))
            yield FieldGroup(spec.label, entries)
        elif spec.is_table:
            yield _record_table(ctx, spec, section.tables.get(spec.path))
    if pending:
        yield FieldGroup(None, tuple(pending))


def _charts(ctx: _Context, section: SectionLayout) -> Iterable[Block]:
    for chart_id in section.charts:
        chart = charts.build_chart(chart_id, ctx.doc, ctx.facts, ctx.ladders, ctx.styles)
        if chart is not None:
            yield chart
        else:
            # Say so rather than leave a silent gap: which values are withheld, or what is not recorded.
            from app.export.chart_gaps import chart_left_out
            yield Prose(chart_left_out(chart_id, charts.CHART_TITLES[chart_id], ctx.forms, ctx.withholding.values),
                        tone="muted")


def _leaves(spec: FieldSpec) -> Iterable[FieldSpec]:
    for child in spec.fields:
        if child.is_leaf:
            yield child
        else:
            yield from _leaves(child)


def _relative(spec: FieldSpec) -> str:
    return spec.path.split("[].", 1)[1]


def _default_columns(table: FieldSpec) -> tuple[str, ...]:
    leaves = [c for c in table.fields if c.is_leaf and c.type in _SHORT_TYPES]
    if table.title_field:
        leaves.sort(key=lambda c: c.id != table.title_field)
    return tuple(_relative(c) for c in leaves[:5])


def _record_table(ctx: _Context, table: FieldSpec, table_layout: Any) -> RecordTable:
    columns = table_layout.columns if table_layout else _default_columns(table)
    column_specs = [ctx.forms.field(f"{table.path}[].{c}") for c in columns]
    rows: list[tuple[Cell, ...]] = []
    ids: list[str] = []
    entries: list[RecordEntry] = []
    withheld_records = 0
    for record in ctx.doc.records(table.path):
        if ctx.withholding.record(table.path, record.id):
            withheld_records += 1
            title = record.get(table.title_field) if table.title_field else None
            placeholder = title if isinstance(title, str) else ctx.withholding.placeholder(
                record.sensitivity or Sensitivity.HAZARDOUS)
            rows.append(tuple(Cell(placeholder if i == 0 else "", withheld=True)
                              for i in range(len(column_specs))))
            ids.append(record.id)
            continue
        cells = []
        for spec in column_specs:
            if not ctx.applies(spec, record):
                cells.append(Cell(NOT_SHOWN))
                continue
            entry = _entry(ctx, spec, record.values.get(_relative(spec)), f"{table.path}[{record.id}]."
                           f"{_relative(spec)}", record)
            align = "right" if spec.type in ("integer", "number", "flop") else "left"
            cells.append(Cell(entry.text, entry.fill, entry.withheld, entry.sensitivity, align))
        rows.append(tuple(cells))
        ids.append(record.id)
        entry_record = _record_entry(ctx, table, record, set(columns))
        if entry_record is not None:
            entries.append(entry_record)
    return RecordTable(table.path, table.label, table.help, tuple(s.label for s in column_specs),
                       tuple(rows), tuple(ids), tuple(entries), withheld_records, tuple(columns))


def _record_entry(ctx: _Context, table: FieldSpec, record: Record, columns: set[str]) -> RecordEntry | None:
    groups: list[FieldGroup] = []
    pending: list[FieldEntry] = []

    def entries_of(specs: Iterable[FieldSpec]) -> list[FieldEntry]:
        found = []
        for spec in specs:
            relative = _relative(spec)
            if relative in columns or not ctx.applies(spec, record):
                continue
            found.append(_entry(ctx, spec, record.values.get(relative),
                                f"{table.path}[{record.id}].{relative}", record))
        return found

    for child in table.fields:
        if child.is_leaf:
            pending.extend(entries_of([child]))
        elif child.is_group and ctx.applies(child, record):
            if pending:
                groups.append(FieldGroup(None, tuple(pending)))
                pending = []
            inner = entries_of(_leaves(child))
            if inner:
                groups.append(FieldGroup(child.label, tuple(inner)))
    if pending:
        groups.append(FieldGroup(None, tuple(pending)))
    if not groups:
        return None
    title_spec = ctx.forms.field(f"{table.path}[].{table.title_field}") if table.title_field else None
    title = record.id
    title_address = f"{table.path}[{record.id}].{table.title_field}"
    if title_spec is not None and not ctx.withholding.value(title_address):
        text, _ = display(ctx, title_spec, record.get(table.title_field or ""), record)
        title = text or record.id
    return RecordEntry(record.id, title, record.sensitivity or Sensitivity.PUBLIC, tuple(groups))


# -- summary ---------------------------------------------------------------
def _determinations(ctx: _Context) -> Iterable[Determination]:
    table = "pre_deployment.determinations"
    for record in ctx.doc.records(table):
        if ctx.withholding.record(table, record.id):
            continue
        category = _text(record.get("category"))
        rationale = record.values.get("rationale")
        withheld = ctx.withholding.value(f"{table}[{record.id}].rationale")
        yield Determination(
            category=category,
            category_label=ctx.facts.category_label(category) if ctx.facts else plain_label(category),
            pre_mitigation=_maybe(record.get("pre_mitigation_level")),
            post_mitigation=_maybe(record.get("post_mitigation_level")),
            basis=_maybe(record.get("basis")),
            rationale=(ctx.withholding.placeholder(Sensitivity.HAZARDOUS) if withheld
                       else _text(rationale.data if rationale else None)),
            withheld=withheld,
        )


def _maybe(data: Any) -> str | None:
    return None if data is None else str(data)


def _level_cell(ctx: _Context, category: str, level: str | None) -> Cell:
    ladder = ctx.ladders.get(category)
    if level is None:
        return Cell(NOT_SHOWN)
    if ladder is None:
        return Cell(plain_label(level))
    return Cell(ladder.label(level), ladder.colour(level), align="center")


def scorecard_table(ctx: _Context, determinations: tuple[Determination, ...]) -> DataTable:
    basis_spec = ctx.forms.field("pre_deployment.determinations[].basis")
    rows = tuple((Cell(d.category_label), _level_cell(ctx, d.category, d.pre_mitigation),
                  _level_cell(ctx, d.category, d.post_mitigation),
                  Cell(basis_spec.option_label(d.basis) if d.basis else NOT_SHOWN))
                 for d in determinations)
    return DataTable("Risk scorecard", ("Category", "Before mitigation", "After mitigation", "Basis"),
                     rows, widths=(3, 2, 2, 3))


def _summary(ctx: _Context, section: SectionLayout, determinations: tuple[Determination, ...],
             check: CheckOutcome | None) -> Iterable[Block]:
    doc, forms = ctx.doc, ctx.forms
    items: list[tuple[str, Cell]] = []
    if check is not None:
        colour = _tint(ctx.styles.statuses.get(check.status))
        items.append(("Overall status against the framework", Cell(plain_label(check.status), colour)))
        if check.rubric_score is not None:
            items.append(("Best-practice rubric score", Cell(f"{check.rubric_score:.0f} out of 100")))
    framework = ctx.facts.title if ctx.facts else _text(doc.get("header.framework"))
    if framework:
        items.append(("Framework", Cell(framework)))
    items.append(("Assessment status", Cell(recorded_status(forms, doc, ctx.revision) or NOT_SHOWN)))
    decision = _option(forms, "deployment_decision.decision", doc.get("deployment_decision.decision"))
    items.append(("Decision", Cell(decision or "Not yet taken")))
    for path, label in (("deployment_decision.decided_by", "Decided by"),
                        ("deployment_decision.decision_date", "Decision date")):
        entry = _entry(ctx, forms.field(path), doc.value(path), path)
        if entry.text:
            items.append((label, Cell(entry.text, withheld=entry.withheld, sensitivity=entry.sensitivity)))
    yield Facts(tuple(items))
    if determinations:
        yield scorecard_table(ctx, determinations)
    yield from _charts(ctx, section)
    path = "deployment_decision.justification"
    justification = _entry(ctx, forms.field(path), doc.value(path), path)
    if justification.text:
        yield FieldGroup("Decision and reasoning", (justification,))


# -- compliance, redaction, revision ----------------------------------------
def _compliance(ctx: _Context, status: str, findings: tuple[Finding, ...]) -> Iterable[Block]:
    from app.export.compliance_table import compliance_blocks  # imported here: it needs this module's types
    yield from compliance_blocks(findings, plain_label(status), ctx.forms, ctx.audience, ctx.styles, _tint)


def _tint(colour: str | None) -> str | None:
    """A light version of a strong status colour, for a cell background."""
    if colour is None:
        return None
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(v + (255 - v) * 0.8):02x}" for v in (red, green, blue))


REASON_LABELS = {"hazardous": "Hazardous detail (could give uplift towards serious harm)",
                 "internal": "Internal detail (proprietary or personal)",
                 "unchecked": "Could not be checked, so withheld to be safe"}
_KIND_WORDS = {"passage": ("marked passage", "marked passages"), "value": ("whole value", "whole values"),
               "record": ("whole record", "whole records")}


def _redaction_summary(ctx: _Context) -> Iterable[Block]:
    redaction = ctx.withholding.redaction
    if redaction is None or redaction.total == 0:
        yield Prose("Nothing is withheld from this edition.")
        return
    parts = [f"{n} {_KIND_WORDS.get(kind, (kind, kind + 's'))[n != 1]}"
             for kind, n in sorted(redaction.by_kind.items()) if n]
    yield Prose(f"**{redaction.total}** item{'s' if redaction.total != 1 else ''} withheld"
                + (f": {', '.join(parts)}." if parts else "."))
    if redaction.by_reason:
        yield DataTable("By reason", ("Reason", "Withheld"),
                        tuple((Cell(REASON_LABELS.get(reason, plain_label(reason))), Cell(str(n), align="right"))
                              for reason, n in sorted(redaction.by_reason.items())), widths=(5, 1))
    if redaction.by_domain:
        yield DataTable("Marked hazardous passages by domain", ("Domain", "Passages"),
                        tuple((Cell(plain_label(DOMAIN_LABELS.get(domain, domain))), Cell(str(n), align="right"))
                              for domain, n in sorted(redaction.by_domain.items())), widths=(5, 1))
    yield Prose("Hazardous passages inside values that are withheld as a whole are counted with those "
                "values.", tone="muted")


def _redaction_log(ctx: _Context) -> Iterable[Block]:
    yield from redaction_log_blocks(ctx.doc, ctx.forms, ctx.decisions)


def _revision(ctx: _Context, revision: Revision) -> Iterable[Block]:
    items = [("Revision hash (SHA-256)", Cell(revision.hash or NOT_SHOWN))]
    if revision.number is not None:
        items.append(("Revision number", Cell(str(revision.number))))
    if revision.state:
        items.append(("Sign-off", Cell(revision.state.capitalize())))
    items.append(("Assessment status", Cell(recorded_status(ctx.forms, ctx.doc, revision) or NOT_SHOWN)))
    yield Facts(tuple(items))
    if not revision.signoffs:
        yield Prose("No sign-off is recorded for this revision.", tone="muted")
        return
    # Signers' names are personal data held at internal sensitivity, like the header's assessors.
    named = ctx.audience != "public"
    columns = ("Role", "Signed by", "Signed at", "Key") if named else ("Role", "Signed at", "Key")
    rows = []
    for signoff in revision.signoffs:
        cells = [Cell(plain_label(signoff.get("role", "")))]
        if named:
            cells.append(Cell(signoff.get("name", "")))
        cells += [Cell(signoff.get("signed_at", "")), Cell(signoff.get("fingerprint", "")[:16])]
        rows.append(tuple(cells))
    yield DataTable("Sign-offs", columns, tuple(rows), widths=(2, 3, 2.5, 2) if named else (2, 2.5, 2))
    if not named:
        yield Prose("Signers' names are withheld from the public edition; each sign-off is an Ed25519 "
                    "signature over the revision hash, checkable with `riskwright verify`.", tone="muted")
