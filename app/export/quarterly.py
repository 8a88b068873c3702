"""The quarterly update: what happened across a lab's assessments in one quarter, as one report.

The best-practice rubric asks labs to update on risk assessment at least
quarterly — internally, to safety organisations, and publicly. This builds that
update from many assessments: the quarter's decisions, re-assessments,
incidents, sign-offs and framework changes, each model's standing against its
regimes, the running deadlines, and trends (rubric scores over quarters, the
highest level reached against effective compute).

Like every report, each edition is built only from the audience's filtered
copy of each assessment (``ModelInput.document``), so a writer never sees what
the audience may not: a withheld date cannot place an event in the quarter, a
withheld compute figure cannot place a point on a chart (and the report counts
what it could not show). A model whose name is withheld from the audience is
left out of that edition entirely — not listed, not counted, not charted — so
an unreleased model's existence stays internal. The session layer
(``app.session.quarterly``) reads the files and writes the finished bytes
through the usual leak scan.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

from app.export.quarterly_charts import ScoreTrendSpec, LevelComputeSpec
from app.export.report import (
    Cell, Chart, CoverFact, DataTable, Facts, Prose, Redaction, Report, ReportHeader, Section,
)
from app.model.document import Document, Record
from app.model.fast_dataclass import dataclass
from app.model.forms import FormSet

MODEL_NAME = "header.model.name"
TREND_QUARTERS = 6
"""How many quarters the score trend reaches back."""
_STATUS_WORDS = {"compliant": "compliant", "non_compliant": "non-compliant", "incomplete": "incomplete",
                 "unknown": "framework not installed"}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int
    """1 to 4."""

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """``2026-Q4``, ``2026Q4``, ``Q4 2026`` or ``Q4-2026``; ValueError otherwise."""
        match = re.fullmatch(r"\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*|\s*[Qq]([1-4])\s*[- ]?\s*(\d{4})\s*", text)
        if match is None:
            raise ValueError(f"{text!r} is not a quarter; write it as YYYY-QN, e.g. 2026-Q4")
        if match.group(1):
            return cls(int(match.group(1)), int(match.group(2)))
        return cls(int(match.group(4)), int(match.group(3)))

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        following = date(self.year + 1, 1, 1) if self.number == 4 else date(self.year, 3 * self.number + 1, 1)
        return following - timedelta(days=1)

    @property
    def label(self) -> str:
        return f"Q{self.number} {self.year}"

    @property
    def span(self) -> str:
        return f"1 {_MONTHS[self.start.month - 1]} – {self.end.day} {_MONTHS[self.end.month - 1]} {self.year}"

    def contains(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)


@dataclass(frozen=True)
class Deadline:
    due: date
    subject: str
    regime: str
    overdue: bool


@dataclass(frozen=True)
class ModelInput:
    """One assessment as one edition may use it: the audience's filtered copy, and facts read from its file.

    ``regimes`` (id, title, status), ``score``, ``signoff`` and the score history are what the
    assessment report itself states for any audience; ``deadlines`` must be computed from the
    filtered copy (so a withheld date runs no visible clock).
    """

    document: Document
    withheld_values: frozenset[str]
    withheld_records: frozenset[tuple[str, str]]
    signoff: str
    regimes: tuple[tuple[str, str, str], ...]
    score: float | None
    scores: tuple[tuple[Quarter, float], ...] = ()
    signed_on: tuple[date, ...] = ()
    deadlines: tuple[Deadline, ...] = ()
    highest_rank: float | None = None
    """The highest pre-mitigation level reached, as a fraction of the model's framework ladder (0 lowest,
    1 highest), from the filtered copy; None when no level is visible."""
    compute: float | None = None
    """Effective training compute (FLOP) as the filtered copy shows it; None when withheld or not recorded."""

    def shows_model(self) -> bool:
        return MODEL_NAME not in self.withheld_values and isinstance(self.document.get(MODEL_NAME), str)

    def trimmed(self) -> ModelInput:
        """This input with only the part of the filtered copy this module reads (``_READ_VALUES``,
        ``_READ_TABLES``), and only those of its withheld addresses: the same report, from what a worker
        process hands back per file in kilobytes — a large assessment's whole copy is a megabyte to pickle
        and ~36 ms to unpickle. Reading another value or table here means naming it there."""
        values = {path: value for path in _READ_VALUES if (value := self.document.values.get(path)) is not None}
        tables = {table: records for table in _READ_TABLES if (records := self.document.tables.get(table))}
        withheld = frozenset(key for key in self.withheld_values
                             if key in _READ_VALUES or key.startswith(tuple(f"{table}[" for table in _READ_TABLES)))
        hidden = frozenset(pair for pair in self.withheld_records if pair[0] in _READ_TABLES)
        return replace(self, document=Document(values, tables, self.document.filtered_for),
                       withheld_values=withheld, withheld_records=hidden)

    @property
    def name(self) -> str:
        version = self.document.get("header.model.version")
        text = str(self.document.get(MODEL_NAME))
        return f"{text} {version}" if isinstance(version, str) and version and not self._withheld(
            "header.model.version") else text

    def _withheld(self, address: str) -> bool:
        return address in self.withheld_values

    def day(self, address: str, record: Record | None = None) -> date | None:
        """A date the audience may see, or None (withheld, empty or not a date)."""
        value = self.document.get(address) if record is None else record.get(address.split("[].", 1)[1])
        key = address if record is None else f"{address.split('[].', 1)[0]}[{record.id}].{address.split('[].', 1)[1]}"
        return value if isinstance(value, date) and key not in self.withheld_values else None

    def records(self, table: str) -> list[Record]:
        """The table's records the audience may see (withheld records are left out, not shown as placeholders)."""
        return [r for r in self.document.records(table) if (table, r.id) not in self.withheld_records]


_READ_VALUES = (MODEL_NAME, "header.model.version", "header.model.developer", "deployment_decision.decision",
                "deployment_decision.decision_date")
"""The values of a filtered copy that the update reads (``ModelInput.trimmed``)."""
_READ_TABLES = ("deployment.reassessments", "deployment.incidents", "accountability.policy_changes")
"""The tables of a filtered copy that the update reads."""


@dataclass(frozen=True)
class QuarterlyInput:
    quarter: Quarter
    as_of: date
    audience: str
    banner: str
    tone: str
    models: tuple[ModelInput, ...]
    unreadable: tuple[str, ...] = ()
    """Files that could not be read or trusted (internal edition only: their names can be internal)."""


@dataclass(frozen=True)
class _Event:
    day: date
    model: str
    kind: str
    detail: str


def build_quarterly(update: QuarterlyInput, forms: FormSet) -> Report:
    """The report model of one edition of the quarterly update."""
    shown = tuple(model for model in update.models if model.shows_model())
    not_placed = Counter[str]()
    events = _events(update.quarter, shown, forms, not_placed)
    sections = [
        Section("summary", "summary", "1", "Summary", _summary(update, shown, events)),
        Section("models", "models", "2", "Models and their standing", _models(shown)),
        Section("quarter", "quarter", "3", f"What happened in {update.quarter.label}", _happened(events, update)),
        Section("deadlines", "deadlines", "4", "Running deadlines", _deadlines(shown, update.as_of)),
        Section("trends", "trends", "5", "Trends", _trends(update.quarter, shown, not_placed)),
        Section("withheld", "withheld", "6", "What this update does not show",
                _not_shown(update, not_placed)),
    ]
    header = ReportHeader(
        title="Quarterly update on risk assessment", model=f"Quarterly update {update.quarter.label}", version="",
        developer=", ".join(sorted({d for m in shown if isinstance(d := m.document.get("header.model.developer"), str)
                                    and "header.model.developer" not in m.withheld_values})),
        framework_id="", framework_title="", assessment_date=update.as_of.isoformat(), status="", revision_hash="",
        audience=update.audience, banner=update.banner, tone=update.tone)
    cover = (CoverFact("Quarter", f"{update.quarter.label} ({update.quarter.span})"),
             *((CoverFact("Developer", header.developer),) if header.developer else ()),
             CoverFact("Assessments", str(len(shown))),
             CoverFact("Deadlines read on", update.as_of.isoformat()), CoverFact("Edition", update.banner))
    return Report(header=header, sections=tuple(sections), determinations=(), ladders={}, findings=None,
                  overall_status=None, rubric_score=None, decision="",
                  redaction=Redaction(update.audience, sum(not_placed.values()), {}, dict(not_placed), 0),
                  cover=cover)


def _option(forms: FormSet, path: str, value: object) -> str:
    if not isinstance(value, str):
        return ""
    try:
        return forms.field(path).option_label(value)
    except (KeyError, ValueError):
        return value


def _events(quarter: Quarter, models: tuple[ModelInput, ...], forms: FormSet, not_placed: Counter[str]) -> list[_Event]:
    found: list[_Event] = []
    seen_changes: set[tuple[date, str]] = set()
    for model in models:
        name = model.name
        decided = model.day("deployment_decision.decision_date")
        decision = _option(forms, "deployment_decision.decision", model.document.get("deployment_decision.decision"))
        if decided is None and decision and model.document.get("deployment_decision.decision_date") is not None:
            not_placed["dates withheld"] += 1
        if decided is not None and quarter.contains(decided) and decision:
            found.append(_Event(decided, name, "Decision", decision))
        for record in model.records("deployment.reassessments"):
            when = model.day("deployment.reassessments[].date", record)
            if when is not None and quarter.contains(when):
                trigger = _option(forms, "deployment.reassessments[].trigger", record.get("trigger"))
                found.append(_Event(when, name, "Re-assessment", f"Triggered by: {trigger.lower()}" if trigger
                                    else "Re-assessment"))
        for record in model.records("deployment.incidents"):
            when = model.day("deployment.incidents[].date", record)
            if when is None or not quarter.contains(when):
                continue
            title = record.get("title") if isinstance(record.get("title"), str) else "Incident"
            severity = _option(forms, "deployment.incidents[].severity", record.get("severity"))
            reported = model.day("deployment.incidents[].reported_on", record)
            detail = f"{title}" + (f" ({severity.lower()})" if severity else "") + \
                (f"; reported {reported.isoformat()}" if reported else "; no report date recorded")
            found.append(_Event(when, name, "Incident", detail))
        for record in model.records("accountability.policy_changes"):
            when = model.day("accountability.policy_changes[].date", record)
            text = record.get("description")
            if when is None or not quarter.contains(when) or not isinstance(text, str):
                continue
            first = _first_sentence(text)
            if (when, first) in seen_changes:  # the same lab change recorded in several assessments
                continue
            seen_changes.add((when, first))
            found.append(_Event(when, name, "Framework change", first))
        found.extend(_Event(day, name, "Sign-off", "Revision signed") for day in model.signed_on
                     if quarter.contains(day))
    found.sort(key=lambda event: (event.day, event.model.casefold(), event.kind))
    return found


def _first_sentence(markdown: str) -> str:
    text = " ".join(markdown.split())
    cut = re.search(r"(?<=[.!?])\s", text)
    sentence = text[:cut.start()] if cut else text
    return sentence if len(sentence) <= 220 else sentence[:217].rstrip() + "…"


def _summary(update: QuarterlyInput, models: tuple[ModelInput, ...], events: list[_Event]) -> tuple:  # type: ignore[type-arg]
    signed = sum(1 for m in models if m.signoff == "signed off")
    regimes: dict[str, Counter[str]] = {}
    for model in models:
        for _id, title, status in model.regimes:
            regimes.setdefault(title, Counter())[status] += 1
    overdue = sum(1 for m in models for d in m.deadlines if d.overdue)
    scores = [m.score for m in models if m.score is not None]
    items = [("Quarter", Cell(f"{update.quarter.label} ({update.quarter.span})")),
             ("Assessments covered", Cell(str(len(models)))),
             ("Signed off (current revision)", Cell(f"{signed} of {len(models)}")),
             ("Events this quarter", Cell(str(len(events)))),
             ("Deadlines overdue", Cell(str(overdue), "#fde2e1" if overdue else None))]
    if scores:
        items.append(("Best-practice rubric score", Cell(f"mean {sum(scores) / len(scores):.0f}, range "
                                                         f"{min(scores):.0f}–{max(scores):.0f} out of 100")))
    rows = tuple((Cell(title), *(Cell(str(counts.get(status, 0)), align="right") for status in
                                 ("compliant", "incomplete", "non_compliant")))
                 for title, counts in sorted(regimes.items()))
    blocks: list = [Prose("This update covers every assessment in the portfolio that this edition may name, "  # type: ignore[type-arg]
                          f"as it stood on {update.as_of.isoformat()}. Each assessment is checked against every "
                          "regime it names; the events of the quarter, the deadlines still running and the "
                          "trends follow."),
                    Facts(tuple(items))]
    if rows:
        blocks.append(DataTable("Standing against each regime (assessments)", ("Regime", "Compliant", "Incomplete",
                                                                               "Non-compliant"), rows,
                                (3, 1, 1, 1)))
    return tuple(blocks)


def _models(models: tuple[ModelInput, ...]) -> tuple:  # type: ignore[type-arg]
    if not models:
        return (Prose("No assessment in this edition.", "muted"),)
    rows = []
    for model in sorted(models, key=lambda m: m.name.casefold()):
        regimes = "; ".join(f"{title}: {_STATUS_WORDS.get(status, status)}" for _id, title, status in model.regimes)
        worst = min((status for _id, _t, status in model.regimes),
                    key=lambda s: {"non_compliant": 0, "unknown": 1, "incomplete": 2}.get(s, 3), default=None)
        next_due = min((d.due for d in model.deadlines if d.subject == "re-assessment"), default=None)
        rows.append((Cell(model.name), Cell(model.signoff), Cell(regimes or "—", _STATUS_FILL.get(worst or "")),
                     Cell("—" if model.score is None else f"{model.score:.0f}", align="right"),
                     Cell("—" if next_due is None else next_due.isoformat())))
    return (DataTable(None, ("Model", "Sign-off", "Regimes", "Rubric score", "Next re-assessment"), tuple(rows),
                      (2.2, 1.2, 4, 1, 1.4)),)


_STATUS_FILL = {"compliant": "#dcefe3", "incomplete": "#fff1d6", "non_compliant": "#fde2e1", "unknown": "#fde2e1"}


def _happened(events: list[_Event], update: QuarterlyInput) -> tuple:  # type: ignore[type-arg]
    if not events:
        return (Prose(f"No decision, re-assessment, incident, sign-off or framework change is dated in "
                      f"{update.quarter.label} in this edition.", "muted"),)
    rows = tuple((Cell(e.day.isoformat()), Cell(e.model), Cell(e.kind), Cell(e.detail)) for e in events)
    counts = Counter(e.kind for e in events)
    summary = ", ".join(f"{n} {kind.lower()}{'s' if n != 1 else ''}" for kind, n in sorted(counts.items()))
    return (Prose(f"In {update.quarter.label}: {summary}."),
            DataTable(None, ("Date", "Model", "Event", "Detail"), rows, (1.1, 1.8, 1.4, 5)))


def _deadlines(models: tuple[ModelInput, ...], as_of: date) -> tuple:  # type: ignore[type-arg]
    running = sorted(((d, m.name) for m in models for d in m.deadlines), key=lambda pair: (pair[0].due, pair[1]))
    if not running:
        return (Prose(f"No deadline is running on {as_of.isoformat()}.", "muted"),)
    rows = []
    for deadline, name in running:
        left = (deadline.due - as_of).days
        when = f"overdue by {-left} days" if left < 0 else ("due today" if left == 0 else f"in {left} days")
        fill = "#fde2e1" if deadline.overdue else ("#fff1d6" if left <= 7 else None)
        rows.append((Cell(deadline.due.isoformat(), fill), Cell(name), Cell(deadline.subject), Cell(deadline.regime),
                     Cell(when, fill)))
    return (Prose(f"Deadlines as of {as_of.isoformat()}, most urgent first: incident reports under each regime "
                  "and re-assessments each regime's cadence asks for."),
            DataTable(None, ("Due", "Model", "What", "Regime", "When"), tuple(rows), (1.1, 1.8, 1.8, 3, 1.3)))


def _trends(quarter: Quarter, models: tuple[ModelInput, ...], not_placed: Counter[str]) -> tuple:  # type: ignore[type-arg]
    quarters = [quarter]
    while len(quarters) < TREND_QUARTERS:
        quarters.insert(0, quarters[0].previous())
    series = []
    for model in sorted(models, key=lambda m: m.name.casefold()):
        points = tuple((quarters.index(q), score) for q, score in model.scores if q in quarters)
        if points:
            series.append((model.name, points))
    blocks: list = []  # type: ignore[type-arg]
    if series:
        blocks.append(Chart("score_trend", "Best-practice rubric score by quarter",
                            "Each line is one model: its rubric score at each quarter's latest signed revision "
                            "(and the current revision for this quarter).",
                            ScoreTrendSpec(tuple(q.label for q in quarters), tuple(series))))
        rows = tuple((Cell(name), *(Cell(next((f"{s:.0f}" for i, s in points if i == index), "–"), align="right")
                                    for index in range(len(quarters)))) for name, points in series)
        blocks.append(DataTable("Rubric scores by quarter", ("Model", *(q.label for q in quarters)), rows))
    placed: list[tuple[str, float, float]] = []
    for model in models:
        if model.highest_rank is None:
            continue
        if model.compute is None:
            not_placed["compute figures withheld or not recorded"] += 1
            continue
        placed.append((model.name, model.compute, model.highest_rank))
    if placed:
        blocks.append(Chart("level_compute", "Highest level reached against effective compute",
                            "One point per model: the highest level before mitigation on its framework's ladder "
                            "(lowest to highest), against effective training compute.",
                            LevelComputeSpec(tuple(sorted(placed, key=lambda p: p[1])))))
    return tuple(blocks) or (Prose("Too little is recorded, or visible in this edition, to draw a trend.",
                                   "muted"),)


def _not_shown(update: QuarterlyInput, not_placed: Counter[str]) -> tuple:  # type: ignore[type-arg]
    lines = []
    if not_placed:
        lines += [f"- {count} {what}: left out of the events and charts above" for what, count in
                  sorted(not_placed.items())]
    if update.audience != "public":
        hidden = sum(1 for model in update.models if not model.shows_model())
        if hidden:
            lines.append(f"- {hidden} assessment{'s' if hidden != 1 else ''} whose model name this edition withholds")
    if update.audience == "internal" and update.unreadable:
        lines += [f"- could not be read: {name}" for name in update.unreadable]
    text = "\n".join(lines) if lines else "- nothing beyond what each assessment's own report withholds"
    return (Prose("Each assessment contributes only what its own report shows this audience. Withheld details "
                  "are left out rather than replaced, so an event whose date is withheld is not listed:"),
            Prose(text))
