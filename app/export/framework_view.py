"""What a report needs to know about the framework an assessment is checked against.

Labels of categories and levels, the ordered ladders that colour the
scorecard, and the cadence rules the re-assessment timeline is drawn
against. Read from the framework loader in ``app.content.frameworks``; when a
framework (or the loader) is missing, the report still renders with plain ids
and uncoloured levels rather than inventing an order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.content.report_layout import ReportStyles
from app.export.report import Ladder


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
    try:
        from app.content import frameworks
    except ImportError:  # pragma: no cover - the module is part of the package
        return None
    loader = getattr(frameworks, "load_framework", None)
    if loader is None:
        return None
    try:
        framework = loader(framework_id)
    except Exception:  # an unreadable framework is reported by `riskwright check`, not here
        return None
    return _facts_from(framework)


def _facts_from(framework: Any) -> FrameworkFacts:
    categories = tuple((c.id, getattr(c, "label", None) or plain_label(c.id))
                       for c in getattr(framework, "categories", ()))
    ladders: dict[str, tuple[tuple[str, str], ...]] = {}
    for category in getattr(framework, "categories", ()):
        levels = getattr(category, "levels", None) or getattr(framework, "levels", ())
        ladders[category.id] = tuple(_level_pair(level) for level in levels)
    security = tuple(_level_pair(level) for level in getattr(framework, "security_levels", ()) or ())
    cadence = getattr(framework, "cadence", None)
    return FrameworkFacts(
        id=framework.id, title=getattr(framework, "title", framework.id),
        version=str(getattr(framework, "version", "") or ""), categories=categories, ladders=ladders,
        security_levels=security,
        reassessment_months=getattr(cadence, "deployment_months", None) if cadence else None,
        compute_factor=getattr(cadence, "training_compute_factor", None) if cadence else None,
    )


def _level_pair(level: Any) -> tuple[str, str]:
    if isinstance(level, str):
        return level, plain_label(level)
    return level.id, getattr(level, "label", None) or plain_label(level.id)


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
