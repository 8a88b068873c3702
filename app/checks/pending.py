"""Deadlines still running: what a framework's rules ask to happen next, and by when.

``check`` judges what has happened (a report filed late, a re-assessment that
came too late). A compliance lead also needs what is *open*: an incident with
no report yet, the next re-assessment a cadence asks for. Those are read here
from the same rules, with the same selection (``where``) and the same
boundaries as ``app.checks.deadlines`` and ``app.checks.cadence``, so the
portfolio's clocks and ``check`` never disagree about a deadline.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from app.checks.cadence import DECISION, DECISION_DATE, REASSESSMENTS, add_months
from app.checks.deadlines import _moment, selected
from app.checks.facts import DEPLOY_DECISIONS, Facts, FormIndex
from app.content.forms import load_forms
from app.content.framework_spec import CalendarCadenceRule, Framework, ReportingDeadlineRule
from app.model.document import Document, Record
from app.model.fast_dataclass import dataclass

OWN_INTERVAL = "deployment.reassessment_interval_months"


@dataclass(frozen=True)
class Pending:
    """One thing a rule asks for that has not happened yet."""

    kind: str
    """``incident_report``, ``reassessment`` or ``own_reassessment``."""
    rule_id: str
    subject: str
    """``incident inc-2 report``, ``re-assessment``."""
    address: str
    """The field that will record it (the report date), or the table (re-assessments)."""
    record_id: str | None
    """The record the clock runs for (the incident), None for a cadence."""
    started: date
    due: date
    due_at: datetime | None = None
    """For deadlines in hours: the moment (UTC) the report is due."""


def pending(doc: Document, framework: Framework, index: FormIndex | None = None) -> list[Pending]:
    """Every open deadline ``framework`` sets for ``doc``, in rule order."""
    facts = Facts(doc, framework, index or FormIndex(load_forms()))
    found: list[Pending] = []
    for rule in framework.rules:
        if isinstance(rule, ReportingDeadlineRule):
            found.extend(_unreported(rule, facts))
        elif isinstance(rule, CalendarCadenceRule):
            due = next_reassessment(doc, rule.max_months)
            if due is not None:
                found.append(Pending("reassessment", rule.id, "re-assessment", REASSESSMENTS, None, *due))
    return found


def own_interval(doc: Document) -> Pending | None:
    """The assessment's own re-assessment interval, when it sets one in whole months."""
    months = doc.get(OWN_INTERVAL)
    if isinstance(months, bool) or not isinstance(months, (int, float)) or not 0 < months <= 1200:
        return None
    due = next_reassessment(doc, int(months))
    return None if due is None else Pending("own_reassessment", "own-interval", "re-assessment", OWN_INTERVAL,
                                            None, *due)


def next_reassessment(doc: Document, months: int) -> tuple[date, date] | None:
    """(the later of the deployment decision and the latest re-assessment, that plus ``months``), once deployed."""
    if doc.get(DECISION) not in DEPLOY_DECISIONS:
        return None
    start = doc.get(DECISION_DATE)
    if not isinstance(start, date):
        return None
    latest = max([start, *(_dates(doc.records(REASSESSMENTS)))])
    return latest, add_months(latest, months)


def _unreported(rule: ReportingDeadlineRule, facts: Facts) -> list[Pending]:
    found = []
    for record in facts.doc.records(rule.table):
        if rule.where is not None and not selected(rule, facts, record):
            continue
        start, end = record.get(rule.start), record.get(rule.end)
        if end is not None or not isinstance(start, date):
            continue
        address = f"{rule.table}[{record.id}].{rule.end}"
        subject = f"{rule.noun} {record.id} report"
        if rule.in_hours:
            assert rule.within_hours is not None
            try:
                moment = _moment(start, record.get(rule.start_time))
            except ValueError:
                moment = None
            moment = moment or datetime(start.year, start.month, start.day)  # no time: count from midnight
            due_at = moment + timedelta(hours=rule.within_hours)
            found.append(Pending("incident_report", rule.id, subject, address, record.id, start, due_at.date(),
                                 due_at))
            continue
        days = rule.deadline(record.get(rule.by) if rule.by else None)
        if days is not None:
            found.append(Pending("incident_report", rule.id, subject, address, record.id, start,
                                 start + timedelta(days=days)))
    return found


def _dates(records: list[Record]) -> list[date]:
    return [when for record in records if isinstance(when := record.get("date"), date)]
