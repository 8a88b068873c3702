"""The report section on the worst-case estimate of an open-weight or fine-tunable release.

One section (layout kind ``worst_case``) gathers what the pre-deployment form
records about malicious fine-tuning and presents it the way a reader weighs
it: the method at a glance, a chart of every model on every evaluation
against the threshold, the two determinations per category, and the outside
review with the recommendations and what became of them. When the layout
gives an audience this section, the pre-deployment section leaves these
fields out (``moved_fields``), so nothing is printed twice and nothing is
lost: every field of the worst-case part appears here.

Everything is built from the document the report is built from, which for a
wider audience is the filtered copy: a withheld value arrives as its fixed
placeholder and is shown as such (and never plotted). Text composed from
several values (``0.94 → 0.03``) carries the highest sensitivity of its
parts, and is withheld as a whole if any part is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from app.content.report_layout import SectionLayout
from app.export.framework_view import FrameworkFacts, plain_label
from app.export.report import Block, Cell, Chart, DataTable, Facts, FieldEntry, FieldGroup, Prose, RecordEntry, \
    RecordTable
from app.export.worst_case_chart import Estimate, WorstCaseRow, WorstCaseSpec
from app.model.document import Document, Record, Value
from app.model.fast_dataclass import dataclass
from app.model.forms import FieldSpec, FormSet
from app.model.sensitivity import Sensitivity

__all__ = ["MOVED", "SECTION_KIND", "Context", "WorstCaseSpec", "blocks", "build_chart", "moved_fields"]

SECTION_KIND = "worst_case"
GROUP = "pre_deployment.worst_case_elicitation"
SCOPE = "pre_deployment.worst_case_scope"
RESULTS = "pre_deployment.worst_case_results"
RECOMMENDATIONS = "pre_deployment.worst_case_recommendations"
MOVED = (GROUP, SCOPE, RESULTS, RECOMMENDATIONS)
CHART_TITLE = "The worst case against the threshold, evaluation by evaluation"

_METHOD_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("The adversary assumed", ("threat_model", "adversary_compute", "adversary_data", "adversary_expertise")),
    ("Removing refusals, keeping ability", ("base_checkpoint", "anti_refusal_training", "refusal_benchmark",
                                            "refusal_rate_before", "refusal_rate_after", "retention_benchmarks",
                                            "retention_before", "retention_after", "retention_notes")),
    ("Domain training and how the model was run", ("domain_fine_tuning", "tools_and_environments",
                                                   "reasoning_effort", "inference_tools", "scaffolding")),
    ("Effort and when to stop", ("compute_spent", "person_hours", "stopping_rule")),
    ("Keeping the evaluations honest", ("anti_contamination", "anti_cheating", "cheating_check")),
)
_REVIEW_FIELDS = ("external_reviewers", "model_evaluators", "evaluator_fine_tuning_access", "recommendations_made",
                  "recommendations_adopted")
_CONCLUSION_FIELDS = ("conclusion", "evaluation_results", "comparators")

_SCOPE_COLUMNS = ("category", "scope", "level_reached", "basis", "versus_open", "versus_closed", "marginal_risk")
_RECOMMENDATION_COLUMNS = ("recommendation", "reviewer", "kind", "urgency", "decision")
_SERIES = (  # (key, legend, fields: score, low, high)
    ("base", "Released model", ("base_score", "base_ci_low", "base_ci_high")),
    ("ft", "Fine-tuned (worst case)", ("ft_score", "ft_ci_low", "ft_ci_high")),
    ("open", "Strongest open-weight model", ("open_score", "open_ci_low", "open_ci_high")),
    ("closed", "Lab's closed frontier model", ("closed_score", "closed_ci_low", "closed_ci_high")),
)
_RESULT_COLUMNS = ("Evaluation", "Category", "Threshold", "Experts", *(label for _, label, _ in _SERIES))
_RESULT_SHOWN = {"name", "category", "threshold", "expert_baseline",
                 *(f for _, _, fields in _SERIES for f in fields)}


class Withheld(Protocol):
    """What the audience filter withheld (``app.export.build.Withholding``)."""

    @property
    def placeholder(self) -> Callable[[Sensitivity], str]: ...

    def record(self, table: str, record_id: str) -> bool: ...


@dataclass(frozen=True)
class Context:
    """What the section reads from the report being built; ``app.export.build`` hands it over, so this
    module never imports the builder (and the builder's own rules for a value's text and label apply)."""

    doc: Document
    forms: FormSet
    facts: FrameworkFacts | None
    withholding: Withheld
    applies: Callable[..., bool]
    """``applies(spec, record=None)``: whether the forms' conditions show the field."""
    entry: Callable[[FieldSpec, Value | None, str, Record | None], FieldEntry]
    """The field as the report shows it: display text, effective sensitivity, placeholder if withheld."""


def moved_fields(section_kinds: Iterable[str]) -> frozenset[str]:
    """Form paths this section shows, for the pre-deployment section to leave out (empty if no such section)."""
    return frozenset(MOVED) if SECTION_KIND in section_kinds else frozenset()


def _number(data: Any) -> float | None:
    return float(data) if isinstance(data, (int, float)) and not isinstance(data, bool) else None


def build_chart(ctx: Context) -> Chart | None:
    """Scores of every model per evaluation as shares of the threshold, or None if nothing can be plotted."""
    rows: list[WorstCaseRow] = []
    skipped = 0
    for record in ctx.doc.records(RESULTS):
        if ctx.withholding.record(RESULTS, record.id):
            continue
        threshold = _number(record.get("threshold"))
        if not threshold:
            skipped += 1
            continue
        estimates = []
        for key, _, (score, low, high) in _SERIES:
            value = _number(record.get(score))
            if value is None:
                continue
            lower, upper = _number(record.get(low)), _number(record.get(high))
            estimates.append(Estimate(key, value / threshold, None if lower is None else lower / threshold,
                                      None if upper is None else upper / threshold))
        if not estimates:
            skipped += 1
            continue
        expert = _number(record.get("expert_baseline"))
        rows.append(WorstCaseRow(_title_text(ctx, RESULTS, record), _category(ctx, record), tuple(estimates),
                                 None if expert is None else expert / threshold))
    if not rows:
        return None
    left_out = (f" {skipped} evaluation{'s' if skipped != 1 else ''} without a threshold or scores "
                f"{'are' if skipped != 1 else 'is'} listed in the table only.") if skipped else ""
    return Chart(SECTION_KIND, CHART_TITLE,
                 "Each row is one evaluation. Scores are drawn as a share of the evaluation's threshold (the "
                 "dashed line at 1.0), with 95% confidence intervals; the tick marks the expert baseline. "
                 "A worst case whose interval reaches the line cannot rule the threshold out." + left_out,
                 WorstCaseSpec(tuple(rows), tuple((key, label) for key, label, _ in _SERIES), skipped))


# -- the section -----------------------------------------------------------------
def blocks(ctx: Context, section: SectionLayout) -> Iterable[Block]:
    """The blocks of the worst-case section (the layout's intro is added by the caller)."""
    forms = ctx.forms
    if not forms.has_field(GROUP):
        return
    if not ctx.applies(forms.field(GROUP)):
        yield Prose("Not applicable: the model's weights are not released and fine-tuning is not offered, so "
                    "no adversary can train its safeguards away.", tone="muted")
        return
    glance = tuple(_glance(ctx))
    if glance:
        yield Facts(glance)
    else:
        yield Prose("No worst-case estimate is recorded yet: the weights are released or fine-tuning is offered, "
                    "but none of the adversary's method, refusal rates or effort is filled in below.", tone="muted")
    for title, fields in _METHOD_GROUPS:
        entries = tuple(_entry(ctx, f"{GROUP}.{name}") for name in fields if forms.has_field(f"{GROUP}.{name}"))
        if entries:
            yield FieldGroup(title, entries)
    chart = build_chart(ctx)
    if chart is not None:
        yield chart
    else:
        yield Prose(f"*{CHART_TITLE}:* not shown — no evaluation of the fine-tuned model with a threshold is "
                    f"recorded, or its scores are withheld from this edition.", tone="muted")
    if forms.has_field(RESULTS):
        yield _results_table(ctx)
    if forms.has_field(SCOPE):
        yield _scope_table(ctx)
    yield FieldGroup("Conclusion", tuple(_entry(ctx, f"{GROUP}.{name}") for name in _CONCLUSION_FIELDS))
    yield FieldGroup("Outside review", tuple(_entry(ctx, f"{GROUP}.{name}") for name in _REVIEW_FIELDS))
    tally = _recommendation_tally(ctx)
    if tally is not None:
        yield tally
    if forms.has_field(RECOMMENDATIONS):
        yield _recommendations_table(ctx)


def _entry(ctx: Context, path: str, record: Record | None = None) -> FieldEntry:
    spec = ctx.forms.field(path)
    if record is None:
        return ctx.entry(spec, ctx.doc.value(path), path, None)
    relative = path.split("[].", 1)[1]
    table = path.split("[].", 1)[0]
    return ctx.entry(spec, record.values.get(relative), f"{table}[{record.id}].{relative}", record)


def _combined(parts: list[FieldEntry], text: str) -> Cell:
    """A cell composed from several values: the highest sensitivity of its parts; withheld if any part is."""
    sensitivity = max((p.sensitivity for p in parts), key=lambda s: s.rank, default=Sensitivity.PUBLIC)
    if any(p.withheld for p in parts):
        withheld = next(p for p in parts if p.withheld)
        return Cell(withheld.text, withheld=True, sensitivity=sensitivity)
    return Cell(text, sensitivity=sensitivity)


def _glance(ctx: Context) -> Iterable[tuple[str, Cell]]:
    """The method at a glance: the numbers a reader checks first."""
    def field(name: str) -> FieldEntry:
        return _entry(ctx, f"{GROUP}.{name}")

    before, after, measured = field("refusal_rate_before"), field("refusal_rate_after"), field("refusal_benchmark")
    if before.text or after.text:
        text = f"{before.text or '?'} → {after.text or '?'}"
        text += f", measured on {measured.text}" if measured.text else ""
        yield "Refusal rate before → after", _combined([before, after, measured], text)
    kept_before, kept_after, on = field("retention_before"), field("retention_after"), field("retention_benchmarks")
    if kept_before.text or kept_after.text:
        text = f"{kept_before.text or '?'} → {kept_after.text or '?'}"
        text += f", measured on {on.text}" if on.text else ""
        yield "General ability before → after", _combined([kept_before, kept_after, on], text)
    effort, tools = field("reasoning_effort"), field("inference_tools")
    if effort.text or tools.text:
        text = "; ".join(t for t in (f"reasoning effort {effort.text.lower()}" if effort.text else "",
                                     f"tools: {tools.text}" if tools.text else "") if t)
        yield "Run with", _combined([effort, tools], text)
    hours, check = field("person_hours"), field("cheating_check")
    if hours.text:
        yield "Person-hours spent", _combined([hours], hours.text)
    if check.text:
        yield "Transcripts checked for cheating by", _combined([check], check.text)
    scope_rows = ctx.doc.records(SCOPE)
    if scope_rows:
        counts = {"in_scope": 0, "excluded": 0}
        for record in scope_rows:
            if record.get("scope") in counts:
                counts[str(record.get("scope"))] += 1
        undecided = len(scope_rows) - counts["in_scope"] - counts["excluded"]
        text = f"{counts['in_scope']} in scope, {counts['excluded']} excluded"
        yield "Risk categories", Cell(text + (f", {undecided} undecided" if undecided else ""))


def _title_text(ctx: Context, table: str, record: Record) -> str:
    spec = ctx.forms.field(table)
    if not spec.title_field:
        return record.id
    entry = _entry(ctx, f"{table}[].{spec.title_field}", record)
    return entry.text or record.id


def _category(ctx: Context, record: Record) -> str:
    category = record.get("category")
    if category is None:
        return ""
    return ctx.facts.category_label(str(category)) if ctx.facts else plain_label(str(category))


def _score_cell(ctx: Context, record: Record, fields: tuple[str, str, str]) -> Cell:
    score, low, high = (_entry(ctx, f"{RESULTS}[].{name}", record) for name in fields)
    if not score.text:
        return Cell("—", align="right")
    text = score.text + (f" ({low.text}–{high.text})" if low.text and high.text else "")
    cell = _combined([score, low, high], text)
    return Cell(cell.text, withheld=cell.withheld, sensitivity=cell.sensitivity, align="right")


def _record_entry(ctx: Context, table: str, record: Record, shown: set[str], title: str) -> RecordEntry | None:
    """The record's fields that the overview row does not show, so nothing is left out."""
    spec = ctx.forms.field(table)
    entries = [_entry(ctx, leaf.path, record) for leaf in spec.fields
               if leaf.is_leaf and leaf.id not in shown and ctx.applies(leaf, record)]
    if not entries:
        return None
    return RecordEntry(record.id, title, record.sensitivity or Sensitivity.PUBLIC, (FieldGroup(None, tuple(entries)),))


def _withheld_row(ctx: Context, record: Record, width: int) -> tuple[Cell, ...]:
    placeholder = ctx.withholding.placeholder(record.sensitivity or Sensitivity.HAZARDOUS)
    return tuple(Cell(placeholder if i == 0 else "", withheld=True) for i in range(width))


def _results_table(ctx: Context) -> RecordTable:
    spec = ctx.forms.field(RESULTS)
    rows, ids, entries, withheld = [], [], [], 0
    for record in ctx.doc.records(RESULTS):
        ids.append(record.id)
        if ctx.withholding.record(RESULTS, record.id):
            withheld += 1
            rows.append(_withheld_row(ctx, record, len(_RESULT_COLUMNS)))
            continue
        name = _entry(ctx, f"{RESULTS}[].name", record)
        threshold = _entry(ctx, f"{RESULTS}[].threshold", record)
        expert = _entry(ctx, f"{RESULTS}[].expert_baseline", record)
        cells = [Cell(name.text or record.id, withheld=name.withheld, sensitivity=name.sensitivity),
                 Cell(_category(ctx, record)),
                 Cell(threshold.text or "—", withheld=threshold.withheld, sensitivity=threshold.sensitivity,
                      align="right"),
                 Cell(expert.text or "—", withheld=expert.withheld, sensitivity=expert.sensitivity, align="right")]
        cells += [_score_cell(ctx, record, fields) for _, _, fields in _SERIES]
        rows.append(tuple(cells))
        entry = _record_entry(ctx, RESULTS, record, _RESULT_SHOWN, name.text or record.id)
        if entry is not None:
            entries.append(entry)
    return RecordTable(RESULTS, spec.label, spec.help, _RESULT_COLUMNS, tuple(rows), tuple(ids), tuple(entries),
                       withheld, tuple(sorted(_RESULT_SHOWN)))


def _plain_table(ctx: Context, table: str, columns: tuple[str, ...]) -> RecordTable:
    """A table whose overview columns are plain fields, with every other field in the record entries."""
    spec = ctx.forms.field(table)
    column_specs = [ctx.forms.field(f"{table}[].{c}") for c in columns]
    rows, ids, entries, withheld = [], [], [], 0
    for record in ctx.doc.records(table):
        ids.append(record.id)
        if ctx.withholding.record(table, record.id):
            withheld += 1
            rows.append(_withheld_row(ctx, record, len(columns)))
            continue
        cells = []
        for column in column_specs:
            if not ctx.applies(column, record):
                cells.append(Cell("—"))
                continue
            entry = _entry(ctx, column.path, record)
            cells.append(Cell(entry.text or "—", entry.fill, entry.withheld, entry.sensitivity))
        rows.append(tuple(cells))
        entry_record = _record_entry(ctx, table, record, set(columns), _title_text(ctx, table, record))
        if entry_record is not None:
            entries.append(entry_record)
    return RecordTable(table, spec.label, spec.help, tuple(c.label for c in column_specs), tuple(rows),
                       tuple(ids), tuple(entries), withheld, columns)


def _scope_table(ctx: Context) -> RecordTable:
    return _plain_table(ctx, SCOPE, _SCOPE_COLUMNS)


def _recommendations_table(ctx: Context) -> RecordTable:
    return _plain_table(ctx, RECOMMENDATIONS, _RECOMMENDATION_COLUMNS)


def _recommendation_tally(ctx: Context) -> DataTable | None:
    """How many recommendations were made, recorded, adopted, partly adopted and not adopted."""
    records = [r for r in ctx.doc.records(RECOMMENDATIONS) if not ctx.withholding.record(RECOMMENDATIONS, r.id)]
    made = _entry(ctx, f"{GROUP}.recommendations_made")
    if not records and not made.text:
        return None
    decisions = ctx.forms.field(f"{RECOMMENDATIONS}[].decision")
    counted = {option.id: 0 for option in decisions.options}
    undecided = 0
    for record in records:
        decision = record.get("decision")
        if decision in counted:
            counted[str(decision)] += 1
        else:
            undecided += 1
    cells = [Cell(made.text or "—", withheld=made.withheld, sensitivity=made.sensitivity, align="right"),
             Cell(str(len(records)), align="right")]
    cells += [Cell(str(counted[o.id]), align="right") for o in decisions.options]
    columns = ("Made", "Recorded", *(o.label for o in decisions.options))
    if undecided:
        cells.append(Cell(str(undecided), align="right"))
        columns += ("No decision yet",)
    return DataTable("Recommendations", columns, (tuple(cells),))
