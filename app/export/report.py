"""The report model: everything a report says, built once, written many ways.

Writers (``app.export.formats``) only arrange what is here; they never reach
back into the document. For a non-internal audience the model is built from
the audience-filtered copy, so a writer cannot print what it never received.

Text comes in two kinds: ``plain`` strings (short values, labels) and
``markdown`` strings (long-form fields), which may hold hazardous-span markup
(internal edition only: rendered as visibly marked passages) and redaction
placeholders (wider editions: rendered as a fixed, neutral placeholder).
"""

from __future__ import annotations

from dataclasses import field
from typing import Any, Union

from app.model.fast_dataclass import dataclass
from app.model.labelled import Labelled
from app.model.sensitivity import Sensitivity


@dataclass(frozen=True)
class FieldEntry:
    """One field of a form as the report shows it."""

    address: str
    label: str
    text: str
    """Display text; empty when the field holds nothing."""
    markdown: bool = False
    sensitivity: Sensitivity = Sensitivity.PUBLIC
    """Effective sensitivity; the internal edition marks anything above public."""
    withheld: bool = False
    """The value is withheld from this audience; ``text`` is the placeholder."""
    fill: str | None = None
    """Background colour (a level coloured by the framework's ladder)."""

    @property
    def is_empty(self) -> bool:
        return not self.text


@dataclass(frozen=True)
class FieldGroup:
    """Fields shown together under an optional sub-heading (a form group)."""

    title: str | None
    entries: tuple[FieldEntry, ...]


@dataclass(frozen=True)
class Cell:
    text: str
    fill: str | None = None
    withheld: bool = False
    sensitivity: Sensitivity = Sensitivity.PUBLIC
    align: str = "left"


@dataclass(frozen=True)
class RecordEntry:
    """All the fields of one record that are not overview columns."""

    record_id: str
    title: str
    sensitivity: Sensitivity
    groups: tuple[FieldGroup, ...]


@dataclass(frozen=True)
class RecordTable:
    """A table of records: an overview that may run over pages, then one entry per record."""

    address: str
    title: str
    help: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    record_ids: tuple[str, ...]
    entries: tuple[RecordEntry, ...]
    withheld_records: int = 0
    column_fields: tuple[str, ...] = ()
    """Record-relative paths of the columns (``effective_compute_flop``)."""
    """Whole records withheld from this audience (each replaced by a placeholder row)."""


@dataclass(frozen=True)
class Prose:
    """A paragraph or more of the report's own Markdown text (intros, notes)."""

    markdown: str
    tone: str = "normal"
    """``normal``, ``muted`` or ``note`` (a boxed remark)."""


@dataclass(frozen=True)
class DataTable:
    """A table the report computes (scorecard, findings, redaction counts)."""

    title: str | None
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[float, ...] = ()
    """Relative column widths; even when empty."""
    markdown_columns: tuple[int, ...] = ()
    """Columns whose cells hold Markdown rather than plain text."""


@dataclass(frozen=True)
class Chart:
    """A chart: its id says how to draw it, ``spec`` holds the data (see ``app.export.charts``)."""

    kind: str
    title: str
    caption: str
    spec: object


@dataclass(frozen=True)
class Facts:
    """A short list of label: value pairs (the summary's key results)."""

    items: tuple[tuple[str, Cell], ...]


Block = Union[FieldGroup, RecordTable, Prose, DataTable, Chart, Facts]


@dataclass(frozen=True)
class Section:
    id: str
    kind: str
    number: str
    """``"3"`` for numbered sections, ``"A"`` for appendices."""
    title: str
    blocks: tuple[Block, ...]

    @property
    def heading(self) -> str:
        if not self.number:
            return self.title
        if self.number.isalpha():
            return f"Appendix {self.number}  {self.title}"
        return f"{self.number}  {self.title}"


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: str
    stage: str | None
    address: str | None
    message: str
    citation: str
    citation_url: str = ""
    rule_title: str = ""


@dataclass(frozen=True)
class CheckedFinding:
    """A finding as the check produced it: its message and address labelled (``app.export.compliance``).

    Reports never print one as it is: ``app.export.labels.rendered_finding`` turns it into a
    ``Finding`` for one edition, the parts its audience may not see replaced by placeholders.
    """

    rule_id: str
    severity: str
    stage: str | None
    address: str | None
    concerns: Labelled
    """The address as the compliance table shows it; a record id carries the record's label."""
    message: Labelled
    citation: str
    citation_url: str = ""
    rule_title: str = ""


@dataclass(frozen=True)
class CheckOutcome:
    """The result of checking the assessment against its framework (``app.checks``)."""

    findings: tuple[CheckedFinding, ...]
    status: str
    rubric_score: float | None = None
    regimes: tuple[Any, ...] = ()
    """``app.export.regimes_section.RegimeOutcome`` per regime the header lists (empty for one framework)."""


@dataclass(frozen=True)
class Determination:
    category: str
    category_label: str
    pre_mitigation: str | None
    post_mitigation: str | None
    basis: str | None
    rationale: str
    withheld: bool = False


@dataclass(frozen=True)
class Ladder:
    """A framework's ordered levels for one category, lowest first."""

    levels: tuple[str, ...]
    labels: tuple[str, ...]
    colours: tuple[str, ...]

    def rank(self, level: str | None) -> int | None:
        return self.levels.index(level) if level in self.levels else None

    def label(self, level: str | None) -> str:
        rank = self.rank(level)
        return "" if level is None else (self.labels[rank] if rank is not None else str(level))

    def colour(self, level: str | None) -> str | None:
        rank = self.rank(level)
        return None if rank is None else self.colours[rank]


@dataclass(frozen=True)
class Redaction:
    """What this edition withholds, counted (never quoted)."""

    audience: str
    total: int
    by_domain: dict[str, int]
    by_reason: dict[str, int]
    withheld_records: int
    by_kind: dict[str, int] = field(default_factory=dict)
    """``passage``, ``value``, ``record`` → how many."""


@dataclass(frozen=True)
class ReportHeader:
    title: str
    model: str
    version: str
    developer: str
    framework_id: str
    framework_title: str
    assessment_date: str
    status: str
    revision_hash: str
    audience: str
    banner: str
    tone: str


@dataclass(frozen=True)
class Report:
    header: ReportHeader
    sections: tuple[Section, ...]
    determinations: tuple[Determination, ...]
    ladders: dict[str, Ladder]
    """Per category id."""
    findings: tuple[Finding, ...] | None
    """None when no check was available; the report then says so instead of faking one."""
    overall_status: str | None
    rubric_score: float | None
    decision: str
    redaction: Redaction | None
    signoffs: tuple[dict[str, str], ...] = ()
    decision_id: str | None = None
    cover: tuple[CoverFact, ...] = ()
    """The cover's facts when the report is not about one assessment (the quarterly update);
    empty for an assessment report, whose cover ``cover_facts`` lists from the header."""
    regime: tuple[CoverFact, ...] = ()
    """A regime's document (``reports/kinds/``): the regime asking for it and the result against that
    regime, which take the place of the result against the assessment's own framework on the cover
    (``app.export.kind_sections.regime_facts``)."""


@dataclass(frozen=True)
class CoverFact:
    label: str
    text: str
    status: str | None = None
    """A check status (``compliant``…): writers colour the value with it."""
    mono: bool = False
    """A hash or id, set in the monospaced font."""


def cover_facts(report: Report) -> tuple[CoverFact, ...]:
    """What every writer lists on the cover: the report's own facts, or the assessment's from its header."""
    if report.cover:
        return report.cover
    header = report.header
    facts = [CoverFact("Version", header.version), CoverFact("Developer", header.developer),
             CoverFact("Framework", header.framework_title)]
    if report.regime:
        facts += report.regime
    elif report.overall_status:
        facts.append(CoverFact("Result against the framework", report.overall_status.replace("_", "-").capitalize(),
                               report.overall_status))
    facts += [CoverFact("Decision", report.decision or "Not yet taken"),
              CoverFact("Assessment date", header.assessment_date), CoverFact("Status", header.status),
              CoverFact("Revision", header.revision_hash, mono=True), CoverFact("Edition", header.banner)]
    return tuple(facts)
