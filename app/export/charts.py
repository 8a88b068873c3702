"""The data behind the report's charts, taken from the (filtered) document.

Each chart is computed once into a small spec; ``app.export.chart_drawing``
turns a spec into a reportlab drawing, which the PDF writer embeds as vector
graphics and the HTML and Markdown writers render as SVG. Labels come only
from the document the report was built from, so a chart cannot show what the
audience may not see.
"""

from __future__ import annotations

import calendar
import math
from datetime import date
from typing import Any

from app.content.report_layout import ReportStyles
from app.export.framework_view import FrameworkFacts, plain_label
from app.export.report import Chart, Ladder
from app.model.document import Document
from app.model.fast_dataclass import dataclass


@dataclass(frozen=True)
class ScorecardSpec:
    levels: tuple[str, ...]
    colours: tuple[str, ...]
    rows: tuple[tuple[str, int | None, int | None], ...]
    """(category label, rank before mitigation, rank after mitigation)."""


@dataclass(frozen=True)
class EvaluationPoint:
    label: str
    compute: float
    ratio: float
    low: float | None
    high: float | None


@dataclass(frozen=True)
class EvaluationPanel:
    category: str
    colour: str
    points: tuple[EvaluationPoint, ...]


@dataclass(frozen=True)
class EvaluationSpec:
    panels: tuple[EvaluationPanel, ...]
    checkpoints: tuple[tuple[float, bool], ...]
    """(effective compute, evaluated) of each training checkpoint."""
    compute_range: tuple[float, float]
    compute_factor: float | None


@dataclass(frozen=True)
class TimelineSpec:
    start: date
    end: date
    interval_months: float
    rule_source: str
    reassessments: tuple[tuple[date, str], ...]
    """(date, trigger label)."""
    updates: tuple[tuple[date, bool], ...]
    """(date, major)."""
    incidents: tuple[date, ...]
    gaps: tuple[tuple[date, date, bool], ...]
    """Intervals between re-assessments and whether each kept to the rule."""


CHART_TITLES = {"scorecard": "Levels before and after mitigation",
                "evaluation_scores": "Evaluation scores against effective compute",
                "reassessment_timeline": "Re-assessments against the cadence rule"}


def build_chart(kind: str, doc: Document, facts: FrameworkFacts | None, ladders: dict[str, Ladder],
                styles: ReportStyles) -> Chart | None:
    """The chart's spec, or None when the document holds too little to draw it honestly."""
    if kind == "scorecard":
        return _scorecard(doc, facts, ladders)
    if kind == "evaluation_scores":
        return _evaluations(doc, facts, styles)
    if kind == "reassessment_timeline":
        return _timeline(doc, facts)
    raise ValueError(f"unknown chart {kind!r}")


def _scorecard(doc: Document, facts: FrameworkFacts | None, ladders: dict[str, Ladder]) -> Chart | None:
    records = doc.records("pre_deployment.determinations")
    categories = [str(r.get("category")) for r in records if r.get("category")]
    known = [ladders[c] for c in categories if c in ladders]
    if not known:
        return None
    ladder = max(known, key=lambda lad: len(lad.levels))
    rows = []
    for record in records:
        category = str(record.get("category") or "")
        own = ladders.get(category, ladder)
        label = facts.category_label(category) if facts else plain_label(category)
        rows.append((label, own.rank(_str(record.get("pre_mitigation_level"))),
                     own.rank(_str(record.get("post_mitigation_level")))))
    return Chart("scorecard", CHART_TITLES["scorecard"],
                 "Each row is a risk category; the hollow marker is the level before mitigation, the filled "
                 "marker the level after mitigation.",
                 ScorecardSpec(ladder.labels, ladder.colours, tuple(rows)))


def _str(data: Any) -> str | None:
    return None if data is None else str(data)


def _number(data: Any) -> float | None:
    return float(data) if isinstance(data, (int, float)) and not isinstance(data, bool) else None


def _evaluations(doc: Document, facts: FrameworkFacts | None, styles: ReportStyles) -> Chart | None:
    checkpoints = tuple((float(c), bool(r.get("evaluated"))) for r in doc.records("training.checkpoints")
                        if (c := _number(r.get("effective_compute_flop"))) is not None)
    planned = _number(doc.get("pre_training.planned_compute_flop"))
    final = max((c for c, _ in checkpoints), default=planned)
    if final is None:
        return None
    order = [c for c, _ in facts.categories] if facts else []
    panels: dict[str, list[EvaluationPoint]] = {}
    for record in doc.records("pre_deployment.evaluations"):
        score, threshold = _number(record.get("score")), _number(record.get("threshold"))
        category = _str(record.get("category"))
        if score is None or not threshold or category is None:
            continue
        compute = _number(record.get("effective_compute_flop")) or final
        low, high = _number(record.get("ci_low")), _number(record.get("ci_high"))
        panels.setdefault(category, []).append(EvaluationPoint(
            str(record.get("name") or record.id), compute, score / threshold,
            None if low is None else low / threshold, None if high is None else high / threshold))
    if not panels:
        return None
    categories = sorted(panels, key=lambda c: (order.index(c) if c in order else len(order), c))
    built = tuple(EvaluationPanel(facts.category_label(c) if facts else plain_label(c),
                                  styles.series[i % len(styles.series)], tuple(panels[c]))
                  for i, c in enumerate(categories))
    computes = [c for c, _ in checkpoints] + [p.compute for panel in built for p in panel.points]
    return Chart("evaluation_scores", CHART_TITLES["evaluation_scores"],
                 "Each evaluation's score as a share of its threshold (1.0 = threshold, dashed line), with "
                 "its confidence interval, at the effective compute of the model evaluated (log scale). Ticks "
                 "along the axis are training checkpoints; filled ticks were evaluated.",
                 EvaluationSpec(built, checkpoints, (min(computes), max(computes)),
                                facts.compute_factor if facts else None))


def add_months(day: date, months: float) -> date:
    """``months`` after ``day``; beyond the calendar's last day (an absurd interval) it stays at date.max."""
    if not math.isfinite(months) or abs(months) > 12 * 9000:
        return date.max if months > 0 else date.min
    whole = int(months)
    extra_days = round((months - whole) * 30.4)
    month_index = day.month - 1 + whole
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if not 1 <= year <= 9999:
        return date.max if year > 9999 else date.min
    last = calendar.monthrange(year, month)[1]
    ordinal = date(year, month, min(day.day, last)).toordinal() + extra_days
    return date.fromordinal(min(max(ordinal, 1), date.max.toordinal()))


def _timeline(doc: Document, facts: FrameworkFacts | None) -> Chart | None:
    months: float | None = facts.reassessment_months if facts else None
    source = "framework"
    if not months:
        months = _number(doc.get("deployment.reassessment_interval_months"))
        source = "assessment"
    trigger = "deployment.reassessments[].trigger"
    reassessments = sorted((r.get("date"), str(r.get("trigger") or ""))
                           for r in doc.records("deployment.reassessments") if isinstance(r.get("date"), date))
    if not months or not reassessments:
        return None
    from app.content.forms import load_forms
    trigger_spec = load_forms().field(trigger)
    labelled = tuple((d, trigger_spec.option_label(t) if t else "") for d, t in reassessments)
    updates = tuple(sorted((r.get("date"), bool(r.get("major"))) for r in doc.records("deployment.updates")
                           if isinstance(r.get("date"), date)))
    incidents = tuple(sorted(r.get("date") for r in doc.records("deployment.incidents")
                             if isinstance(r.get("date"), date)))
    start = doc.get("deployment_decision.decision_date")
    if not isinstance(start, date):
        start = reassessments[0][0]
    end_candidates = [reassessments[-1][0], *(d for d, _ in updates), *incidents]
    assessed = doc.get("header.assessment_date")
    if isinstance(assessed, date):
        end_candidates.append(assessed)
    end = max(end_candidates)
    gaps = []
    previous = start
    for day, _ in reassessments:
        if day < previous:
            continue
        gaps.append((previous, day, day <= add_months(previous, months)))
        previous = day
    if end > previous:
        gaps.append((previous, end, end <= add_months(previous, months)))
    return Chart("reassessment_timeline", CHART_TITLES["reassessment_timeline"],
                 f"Re-assessments (circles, by trigger), model updates (diamonds; filled = major) and incidents "
                 f"(triangles) since the deployment decision. The bar shows each interval between "
                 f"re-assessments against the {source}'s rule of at least one every {months:g} months: green "
                 f"kept to it, red ran over.",
                 TimelineSpec(start, end, months, source, labelled, updates, incidents, tuple(gaps)))
