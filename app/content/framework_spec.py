"""A commitment framework as loaded from ``schemas/``: plain, frozen data.

Everything a check needs is resolved at load time — citations carry their URL,
ladders know their ranks, conditions are compiled — so that checking an
assessment never re-reads or re-interprets the file.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

from app.model.fast_dataclass import dataclass

SEVERITIES: tuple[str, ...] = ("violation", "missing_evidence", "warning", "satisfied")
"""Most serious first; reports and the text output list findings in this order."""


VERIFICATIONS: tuple[str, ...] = ("published", "secondary")
"""How a rule's fact was checked: read in the published text itself, or known only from a secondary account."""


@dataclass(frozen=True)
class Citation:
    url: str
    section: str
    source_title: str
    page: str = ""
    """Page (or page range) in the versioned document, when it has pages."""
    verified: str = "secondary"
    """``published`` when the fact was read in the published text, ``secondary`` otherwise."""

    @property
    def where(self) -> str:
        """``§3.1, p. 6`` — the section with its page, as findings cite it."""
        return f"{self.section}, p. {self.page}" if self.page else self.section

    @property
    def secondary(self) -> bool:
        return self.verified != "published"

    @property
    def label(self) -> str:
        """Source, section and page, with a mark when only a secondary source backs the fact."""
        text = f"{self.source_title}, {self.where}"
        return text + " [not verified in the published text]" if self.secondary else text

    def __str__(self) -> str:
        return f"{self.label} <{self.url}>"


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str


@dataclass(frozen=True)
class Level:
    id: str
    label: str
    rank: int
    definition: str = ""


@dataclass(frozen=True)
class Step:
    """One rung of a category's ladder: a framework level with this category's meaning."""

    level: str
    label: str
    rank: int
    definition: str


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    status: str
    """``tracked`` (determinations required) or ``research`` (watched, no commitments)."""
    description: str
    ladder: tuple[Step, ...]
    equivalents: tuple[str, ...] = ()

    @property
    def level_ids(self) -> tuple[str, ...]:
        return tuple(step.level for step in self.ladder)

    def step(self, level: str) -> Step | None:
        for step in self.ladder:
            if step.level == level:
                return step
        return None


@dataclass(frozen=True)
class ExpectedDocument:
    kind: str
    title: str
    description: str
    citation: Citation


@dataclass(frozen=True)
class Condition:
    """A compiled CEL expression with what it reads.

    ``names`` are the context variables the program uses (only those are
    passed when it runs, which keeps each evaluation in microseconds);
    ``depends`` are the field or table paths whose change can alter the result.
    """

    source: str
    program: Any = field(compare=False, repr=False)
    names: tuple[str, ...] = ()
    depends: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Requirement:
    """What a triggered commitment requires (or, under ``forbids``, rules out)."""

    kind: str
    """``in``, ``not_in``, ``at_least``, ``filled`` or ``document``."""
    field: str | None = None
    values: tuple[Any, ...] = ()
    level: str | None = None
    document: str | None = None


@dataclass(frozen=True)
class RuleBase:
    id: str
    title: str
    citation: Citation
    stage: str
    severity: str
    """The severity of a failure of this rule (``violation`` for most cadence rules)."""
    when: Condition | None
    depends: frozenset[str]


@dataclass(frozen=True)
class EvidenceRule(RuleBase):
    fields: tuple[str, ...] = ()
    where: Condition | None = None
    table: str | None = None
    """Set when every field lives in one table (``where`` then filters its records)."""


@dataclass(frozen=True)
class CoverageRule(RuleBase):
    table: str = ""
    categories: tuple[str, ...] = ()
    where: Condition | None = None


@dataclass(frozen=True)
class ComputeCadenceRule(RuleBase):
    max_ratio: float = 2.0


@dataclass(frozen=True)
class CalendarCadenceRule(RuleBase):
    max_months: int = 3


@dataclass(frozen=True)
class MajorUpdateRule(RuleBase):
    pass


@dataclass(frozen=True)
class ReportingDeadlineRule(RuleBase):
    """Each record of ``table`` whose ``by`` value has a deadline was reported in time.

    Field names are relative to the record (``date``, ``reported_on``, ``kind``).
    ``max_days`` keeps the file's order so messages and tests read predictably.
    """

    table: str = ""
    start: str = ""
    """The record's date field the clock starts from (the rule's ``from``)."""
    end: str = ""
    """The record's date field that stops the clock (the rule's ``to``)."""
    by: str = ""
    max_days: tuple[tuple[str, int], ...] = ()
    """(option id of ``by``, whole days allowed); records with other values are skipped."""
    noun: str = "record"
    """What one record is called in messages (``incident``)."""
    where: Condition | None = None
    """Only records meeting this condition are measured (``record.imminent_danger == true``)."""
    within_days: int | None = None
    """One deadline in days for every record ``where`` selects (instead of ``by``/``max_days``)."""
    within_hours: int | None = None
    """One deadline in hours; the clock then reads ``start_time``/``end_time`` (``HH:MM``, UTC) too."""
    start_time: str = ""
    end_time: str = ""

    def deadline(self, value: object) -> int | None:
        """Days allowed for a record whose ``by`` value is ``value`` (None: the record is skipped)."""
        if not self.by:
            return self.within_days
        for option, days in self.max_days:
            if option == value:
                return days
        return None

    @property
    def in_hours(self) -> bool:
        return self.within_hours is not None


@dataclass(frozen=True)
class ConditionRule(RuleBase):
    """A condition that must hold: of the assessment, or of each record of ``table`` that
    ``where`` selects. Used for commitments a requirement list cannot say (a number at least
    so large, a date at most so long ago)."""

    require: Condition | None = None
    table: str | None = None
    where: Condition | None = None
    noun: str = "record"


@dataclass(frozen=True)
class CommitmentRule(RuleBase):
    per_determination: bool = False
    timing: str = "always"
    requires: tuple[Requirement, ...] = ()
    forbids: tuple[Requirement, ...] = ()


@dataclass(frozen=True)
class MarginalCondition:
    """One condition a framework sets before it accepts a marginal-risk argument (``worst_case_release``)."""

    label: str
    condition: Condition


@dataclass(frozen=True)
class WorstCaseScopeRule(RuleBase):
    """Every category is in the worst-case estimate with a result, or excluded with a reason
    (built and documented in ``app.content.framework_worst_case``)."""

    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class WorstCaseReleaseRule(RuleBase):
    """A worst case at ``at_least`` or above rules out a release in ``release`` unless the framework
    accepts a marginal-risk argument and its conditions hold (``app.content.framework_worst_case``)."""

    at_least: str = ""
    release: tuple[str, ...] = ()
    marginal_allowed: bool = False
    marginal_requires: tuple[MarginalCondition, ...] = ()


@dataclass(frozen=True)
class WorstCaseRecommendationsRule(RuleBase):
    """Every outside recommendation on the worst-case estimate is recorded with a decision, those not adopted
    in full say why, and the table accounts for as many as were made (``app.content.framework_worst_case``)."""


Rule = (EvidenceRule | CoverageRule | ComputeCadenceRule | CalendarCadenceRule | MajorUpdateRule
        | ReportingDeadlineRule | ConditionRule | CommitmentRule
        | WorstCaseScopeRule | WorstCaseReleaseRule | WorstCaseRecommendationsRule)


@dataclass(frozen=True)
class ScorePart:
    label: str
    kind: str
    """``filled``, ``covers``, ``any_record``, ``all_records``, ``expression`` or ``rules``."""
    weight: float = 1.0
    fields: tuple[str, ...] = ()
    table: str | None = None
    categories: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()
    condition_labels: tuple[str, ...] = ()
    """What each record condition asks, in words (defaults to the expression)."""
    expression: Condition | None = None
    rules: tuple[str, ...] = ()
    depends: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ScoreItem:
    id: str
    title: str
    points: float
    """Weight within the section, as the rubric states it."""
    value: float
    """The same weight on the 100-point scale."""
    stage: str
    citation: Citation
    reading: str
    parts: tuple[ScorePart, ...]
    depends: frozenset[str]


@dataclass(frozen=True)
class ScoreSection:
    id: str
    title: str
    weight: float
    items: tuple[ScoreItem, ...]


@dataclass(frozen=True)
class Framework:
    id: str
    name: str
    publisher: str
    version: str
    date: str
    summary: str
    sources: tuple[Source, ...]
    levels: tuple[Level, ...]
    security_levels: tuple[Level, ...]
    categories: tuple[Category, ...]
    documents: tuple[ExpectedDocument, ...]
    rules: tuple[Rule, ...]
    score: tuple[ScoreSection, ...] = ()
    notes: str = ""
    file: str = ""
    checked_on: str = ""
    """When the file was last compared with its published source (YYYY-MM-DD)."""
    kind: str = "framework"
    """``framework`` (a lab's own policy), ``law`` (a statute or code of practice) or ``rubric``."""

    @property
    def tracked(self) -> tuple[Category, ...]:
        return tuple(c for c in self.categories if c.status == "tracked")

    def category(self, category_id: str | None) -> Category | None:
        """The category an assessment's id stands for: a category's own id always wins over
        another category listing it as an equivalent (the loader refuses an equivalent that two
        categories claim, so the second pass finds at most one)."""
        if category_id is None:
            return None
        for category in self.categories:
            if category.id == category_id:
                return category
        for category in self.categories:
            if category_id in category.equivalents:
                return category
        return None

    def level(self, level_id: str | None) -> Level | None:
        for level in self.levels:
            if level.id == level_id:
                return level
        return None

    def security_level(self, level_id: str | None) -> Level | None:
        for level in self.security_levels:
            if level.id == level_id:
                return level
        return None

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(f"no rule {rule_id!r} in {self.id}")

    @property
    def has_score(self) -> bool:
        return bool(self.score)
