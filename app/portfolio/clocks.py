"""The deadlines running for one assessment on a given day, each under the regime that sets it.

The deadlines themselves come from ``app.checks.pending``, which reads the
same rules ``check`` judges by (incident reports per regime — each regime its
own deadline for the same incident — and re-assessment cadences), plus the
assessment's own re-assessment interval. Here they gain the regime's name and
the day they are read on.

A clock is *overdue* when its due date is before ``as_of``; a due date equal to
``as_of`` is still on time, as the rules count "within N days".
"""

from __future__ import annotations

from datetime import date, datetime

from app.checks.engine import shared_index
from app.checks.pending import own_interval, pending
from app.content.forms import load_forms
from app.content.framework_spec import Framework
from app.model.document import Document
from app.model.fast_dataclass import dataclass

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
    """What the clock is about, for a reader: ``incident inc-2 report``, ``re-assessment``."""
    address: str
    """The field or table the clock reads (for labels and for opening the assessment there)."""
    started: date
    due: date
    as_of: date
    due_at: datetime | None = None
    """For deadlines in hours, the moment (UTC) it is due."""

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
        due = self.due_at.strftime("%Y-%m-%d %H:%M UTC") if self.due_at else self.due.isoformat()
        return f"{self.subject}: {when} ({due}, {self.regime_title})"

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind, "regime": self.regime, "rule_id": self.rule_id, "subject": self.subject,
                "address": self.address, "started": self.started.isoformat(), "due": self.due.isoformat(),
                "due_at": None if self.due_at is None else self.due_at.isoformat(timespec="minutes"),
                "days_left": self.days_left, "overdue": self.overdue}


def running_clocks(doc: Document, frameworks: tuple[Framework, ...], as_of: date) -> list[Clock]:
    """Every deadline running on ``as_of``, soonest (most overdue) first."""
    index = shared_index(load_forms())
    found = [Clock(item.kind, framework.id, framework_title(framework), item.rule_id, item.subject, item.address,
                   item.started, item.due, as_of, item.due_at)
             for framework in frameworks for item in pending(doc, framework, index)]
    own = own_interval(doc)
    if own is not None:
        found.append(Clock(own.kind, _OWN_REGIME, "the assessment's own interval", own.rule_id, own.subject,
                           own.address, own.started, own.due, as_of))
    found.sort(key=lambda clock: (clock.due, clock.due_at or datetime.min, clock.regime, clock.subject))
    return found


def framework_title(framework: Framework) -> str:
    """``Name version``, or the name alone when it already ends with the version."""
    name, version = framework.name.strip(), framework.version.strip()
    return name if not version or name.endswith(version) else f"{name} {version}"
