"""What a report needs to know about the framework an assessment is checked against.

Labels of categories and levels, the ordered ladders that colour the
scorecard, and the cadence rules the re-assessment timeline is drawn
against, read from ``app.content.frameworks``. When the assessment names no
installed framework the report still renders, with plain ids and uncoloured
levels, rather than inventing an order.
"""

from __future__ import annotations

from app.content.framework_spec import CalendarCadenceRule, ComputeCadenceRule, Framework
from app.content.report_layout import ReportStyles
from app.export.report import Ladder
from app.model.fast_dataclass import dataclass


@dataclass(frozen=True)
class FrameworkFacts:
    id: str
    title: str
    version: str
    categories: tuple[tuple[str, str], ...]
    """(id, label) in the framework's order."""
    ladders: dict[str, tuple[tuple[str, str], ...]]
    """Per category id: (level id, label), lowest first."""
    security_levels: tuple[tuple[str, str], ...] = ()
    reassessment_months: float | None = None
    """Deployment cadence: re-assess at least this often."""
    compute_factor: float | None = None
    """Training cadence: evaluate whenever effective compute grew by this factor."""

    def category_label(self, category: str | None) -> str:
        for category_id, label in self.categories:
            if category_id == category:
                return label
        return plain_label(category)


def plain_label(identifier: str | None) -> str:
    """``model_autonomy`` → ``Model autonomy``: the best we can do without a label."""
    if not identifier:
        return ""
    text = str(identifier).replace("_", " ")
    return text[:1].upper() + text[1:]


def framework_facts(framework_id: str | None) -> FrameworkFacts | None:
    """The framework's facts, or None when it is not installed or cannot be read."""
    if not framework_id:
        return None
    from app.content.errors import ContentErrors
    from app.content.frameworks import load_framework
    try:
        framework = load_framework(framework_id)
    except (KeyError, ContentErrors):  # `riskwright check` reports these; a report still renders
        return None
    return facts_from(framework)


def facts_from(framework: Framework) -> FrameworkFacts:
    categories = []
    ladders: dict[str, tuple[tuple[str, str], ...]] = {}
    for category in framework.categories:
        ladder = tuple((step.level, step.label) for step in category.ladder)
        categories.append((category.id, category.label))
        for alias in (category.id, *category.equivalents):
            ladders[alias] = ladder
            if alias != category.id:
                categories.append((alias, category.label))
    months = next((rule.max_months for rule in framework.rules if isinstance(rule, CalendarCadenceRule)), None)
    factor = next((rule.max_ratio for rule in framework.rules if isinstance(rule, ComputeCadenceRule)), None)
    return FrameworkFacts(
        id=framework.id, title=framework.name, version=framework.version, categories=tuple(categories),
        ladders=ladders, security_levels=tuple((level.id, level.label) for level in framework.security_levels),
        reassessment_months=float(months) if months else None,
        compute_factor=float(factor) if factor else None,
    )


def ladder_colours(count: int, stops: tuple[str, ...]) -> tuple[str, ...]:
    """Spread ``count`` levels over the colour stops, lowest level on the first stop."""
    if count <= 0:
        return ()
    if count == 1:
        return (stops[0],)
    colours = []
    for index in range(count):
        position = index * (len(stops) - 1) / (count - 1)
        low = int(position)
        high = min(low + 1, len(stops) - 1)
        colours.append(_mix(stops[low], stops[high], position - low))
    return tuple(colours)


def _mix(first: str, second: str, share: float) -> str:
    a = [int(first[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(second[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in zip(a, b, strict=True))


def ladders_for(facts: FrameworkFacts | None, styles: ReportStyles) -> dict[str, Ladder]:
    if facts is None:
        return {}
    ladders = {}
    for category, levels in facts.ladders.items():
        ids = tuple(level for level, _ in levels)
        ladders[category] = Ladder(ids, tuple(label for _, label in levels),
                                   ladder_colours(len(ids), styles.ladder))
    if facts.security_levels:
        ids = tuple(level for level, _ in facts.security_levels)
        # Security runs the other way: a higher level is better protection.
        colours = tuple(reversed(ladder_colours(len(ids), styles.ladder)))
        ladders["__security__"] = Ladder(ids, tuple(label for _, label in facts.security_levels), colours)
    return ladders
