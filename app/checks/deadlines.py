"""Reporting deadlines: each record of a kind that must be reported was reported in time.

The clock counts calendar days from the record's start date (when the
incident happened or was found) to its report date. The frameworks say
"within N days", so a report exactly N days later is on time and one day more
is late. A record whose kind has no deadline (or no kind yet) is left alone;
the framework's evidence rules decide whether its kind must be filled.
"""

from __future__ import annotations

from datetime import date, timedelta

from app.checks.evidence import finding, gate
from app.checks.facts import Facts
from app.checks.findings import Finding
from app.content.framework_spec import ReportingDeadlineRule
from app.model.document import Record

_LISTED_ON_TIME = 5
"""How many on-time records the satisfied message names before summarising the rest."""


def check_reporting_deadline(rule: ReportingDeadlineRule, facts: Facts) -> list[Finding]:
    stopped = gate(rule, facts, rule.table)
    if stopped is not None:
        return stopped
    index = facts.index
    start_path, end_path, by_path = (f"{rule.table}[].{name}" for name in (rule.start, rule.end, rule.by))
    start_spec, end_spec = index.spec(start_path), index.spec(end_path)
    records = facts.doc.records(rule.table) if facts.applies(index.spec(rule.table)) else []
    found: list[Finding] = []
    on_time: list[str] = []
    for record in records:
        limit = rule.deadline(record.get(rule.by))
        if limit is None:
            continue
        if not (facts.applies(start_spec, record) and facts.applies(end_spec, record)):
            continue  # the forms hide a date for this record, so nobody could fill it in
        start, end = record.get(rule.start), record.get(rule.end)
        named = _named(rule, facts, record)
        quotes = _quotes(facts, record, (start_path, end_path, by_path), rule.table)
        within = f"this framework requires a report within {_days(limit)}"
        if start is None:
            found.append(finding(rule, _missing(rule), facts.address(start_path, record),
                                 f"{named}, has no {start_spec.label.lower()}, so the time to its report cannot "
                                 f"be measured; {within}.", quotes))
            continue
        due = start + timedelta(days=limit)
        if end is None:
            found.append(finding(rule, _missing(rule), facts.address(end_path, record),
                                 f"{named} on {start.isoformat()}, has no report date ({end_spec.label} is empty); "
                                 f"{within}, by {due.isoformat()}.", quotes))
            continue
        taken = _elapsed(start, end)
        if taken < 0:
            found.append(finding(rule, _missing(rule), facts.address(end_path, record),
                                 f"{named} on {start.isoformat()} was reported on {end.isoformat()}, before it "
                                 f"happened; correct one of the two dates ({within}).", quotes))
        elif taken > limit:
            found.append(finding(rule, rule.severity, facts.address(end_path, record),
                                 f"{named} on {start.isoformat()}, was reported on {end.isoformat()}: "
                                 f"{_days(taken)}; {within}, by {due.isoformat()}.", quotes))
        else:
            on_time.append(f"{record.id} in {taken} of {_days(limit)}")
    if found:
        return found
    if not on_time:
        return [finding(rule, "satisfied", rule.table,
                        f"{rule.title} (no {rule.noun} with a reporting deadline recorded).")]
    listed = "; ".join(on_time[:_LISTED_ON_TIME])
    if len(on_time) > _LISTED_ON_TIME:
        listed += f"; and {len(on_time) - _LISTED_ON_TIME} more"
    quoted = tuple(q for record in records if rule.deadline(record.get(rule.by)) is not None
                   for q in _quotes(facts, record, (start_path, end_path), None))
    return [finding(rule, "satisfied", rule.table,
                    f"{rule.title} (each reported in time: {listed}).", quoted)]


def _elapsed(start: date, end: date) -> int:
    """Whole calendar days from ``start`` to ``end``; TypeError for values that are not dates,
    which the engine turns into a 'wrong form' finding."""
    if not isinstance(start, date) or not isinstance(end, date):
        raise TypeError(f"expected two dates, got {start!r} and {end!r}")
    return (end - start).days


def _named(rule: ReportingDeadlineRule, facts: Facts, record: Record) -> str:
    """``Incident inc-2 (Weights copied to an unknown host), a serious cybersecurity breach``."""
    noun = rule.noun[:1].upper() + rule.noun[1:]
    title, _ = facts.title(rule.table, record)
    label = facts.index.option_label(f"{rule.table}[].{rule.by}", record.get(rule.by))
    return f"{noun} {title}, {_with_article(label)}"


def _with_article(label: str) -> str:
    """``Serious cybersecurity breach`` → ``a serious cybersecurity breach`` (acronyms keep their case)."""
    text = label[:1].lower() + label[1:] if label[1:2].islower() else label
    return f"{'an' if text[:1].lower() in 'aeiou' else 'a'} {text}"


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def _missing(rule: ReportingDeadlineRule) -> str:
    return "warning" if rule.severity == "warning" else "missing_evidence"


def _quotes(facts: Facts, record: Record, paths: tuple[str, ...], table: str | None) -> tuple[str, ...]:
    """The record's values the message repeats (dates, kind and, with ``table``, its title)."""
    quoted = [facts.address(path, record) for path in paths
              if record.get(path.split("[].", 1)[1]) is not None]
    if table is not None:
        quoted += facts.title_address(table, record)
    return tuple(quoted)
