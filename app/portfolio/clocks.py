"""The deadlines running for one assessment on a given day, each under the regime that sets it.

A clock is a date something must happen by, read off the same rules the
checks use, so the portfolio and ``check`` never disagree about a deadline:

- an incident with a reporting deadline and no report date yet: due on its start
  date plus the regime's days for its kind (each regime its own deadline for the
  same incident);
- re-assessment during deployment: due a regime's cadence after the later of
  the deployment decision and the latest re-assessment;
- the lab's own re-assessment interval (``deployment.reassessment_interval_months``).

A clock is *overdue* when its due date is before ``as_of``; a due date equal to
``as_of`` is still on time, as the rules count "within N days".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.checks.cadence import DECISION, DECISION_DATE, REASSESSMENTS, add_months
from app.checks.facts import DEPLOY_DECISIONS
from app.content.framework_spec import CalendarCadenceRule, Framework, ReportingDeadlineRule
from app.model.document import Document, Record

OWN_INTERVAL = "deployment.reassessment_interval_months"
_OWN_REGIME = "assessment"


@dataclass(frozen=True)
class Clock:
    kind: str
    """``incident_report``, ``reassessment`` or ``own_reassessment``."""
    regime: str
    """The framework id that sets the deadline (``assessment`` for the lab's own interval)."""
    regime_title: str
    rule_id: str
    subject: str
    """What the clock is about, for a reader: ``incident inc-2``, ``re-assessment``."""
    address: str
    """The field or table the clock reads (for labels and for opening the assessment there)."""
    started: date
    due: date
    as_of: date

    @property
    def days_left(self) -> int:
        """Whole days from ``as_of`` to the due date; negative once overdue."""
        return (self.due - self.as_of).days

    @property
    def overdue(self) -> bool:
        return self.due < self.as_of

    def describe(self) -> str:
        left = self.days_left
        if left < 0:
            when = f"overdue by {-left} day{'s' if left != -1 else ''}"
        elif left == 0:
            when = "due today"
        else:
            when = f"due in {left} day{'s' if left != 1 else ''}"
        return f"{self.subject}: {when} ({self.due.isoformat()}, {self.regime_title})"

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind, "regime": self.regime, "rule_id": self.rule_id, "subject": self.subject,
                "address": self.address, "started": self.started.isoformat(), "due": self.due.isoformat(),
                "days_left": self.days_left, "overdue": self.overdue}


def running_clocks(doc: Document, frameworks: tuple[Framework, ...], as_of: date) -> list[Clock]:
    """Every deadline running on ``as_of``, soonest (most overdue) first."""
    found: list[Clock] = []
    for framework in frameworks:
        for rule in framework.rules:
            if isinstance(rule, ReportingDeadlineRule):
                found.extend(_incident_clocks(doc, framework, rule, as_of))
            elif isinstance(rule, CalendarCadenceRule):
                clock = _cadence_clock(doc, framework.id, _title(framework), rule.id, rule.max_months, as_of)
                if clock is not None:
                    found.append(clock)
    own = doc.get(OWN_INTERVAL)
    if isinstance(own, (int, float)) and not isinstance(own, bool) and 0 < own <= 1200:
        clock = _cadence_clock(doc, _OWN_REGIME, "the assessment's own interval", "own-interval", int(own), as_of,
                               kind="own_reassessment")
        if clock is not None:
            found.append(clock)
    found.sort(key=lambda clock: (clock.due, clock.regime, clock.subject))
    return found


def _title(framework: Framework) -> str:
    return f"{framework.name} {framework.version}".strip()


def _incident_clocks(doc: Document, framework: Framework, rule: ReportingDeadlineRule, as_of: date) -> list[Clock]:
    clocks = []
    for record in doc.records(rule.table):
        days = rule.deadline(record.get(rule.by))
        start, end = record.get(rule.start), record.get(rule.end)
        if days is None or not isinstance(start, date) or end is not None:
            continue
        clocks.append(Clock("incident_report", framework.id, _title(framework), rule.id,
                            f"{rule.noun} {record.id} report", f"{rule.table}[{record.id}].{rule.end}",
                            start, start + timedelta(days=days), as_of))
    return clocks


def _cadence_clock(doc: Document, regime: str, title: str, rule_id: str, months: int, as_of: date,
                   kind: str = "reassessment") -> Clock | None:
    """The next re-assessment a cadence of ``months`` asks for, once the model is deployed."""
    if doc.get(DECISION) not in DEPLOY_DECISIONS:
        return None
    start = doc.get(DECISION_DATE)
    if not isinstance(start, date):
        return None
    latest = max([start, *(_dates(doc.records(REASSESSMENTS)))])
    return Clock(kind, regime, title, rule_id, "re-assessment", REASSESSMENTS, latest, add_months(latest, months),
                 as_of)


def _dates(records: list[Record]) -> list[date]:
    return [when for record in records if isinstance(when := record.get("date"), date)]
