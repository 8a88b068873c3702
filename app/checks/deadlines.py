"""Reporting deadlines: each record of a kind that must be reported was reported in time.

The clock counts calendar days from the record's start date (when the
incident happened or was found) to its report date. The frameworks say
"within N days", so a report exactly N days later is on time and one day more
is late. A record whose kind has no deadline (or no kind yet) is left alone;
the framework's evidence rules decide whether its kind must be filled.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from app.checks.evidence import CEL_ERRORS, finding, gate
from app.checks.facts import Facts
from app.checks.findings import Finding
from app.content.framework_conditions import run
from app.content.framework_spec import ReportingDeadlineRule
from app.model.document import Record

_TIME = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)\s*(?:UTC|Z)?\s*$", re.IGNORECASE)

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
    if rule.where is not None:
        records = [record for record in records if selected(rule, facts, record)]
    if rule.in_hours:
        return _hours(rule, facts, records)
    for record in records:
        limit = rule.deadline(record.get(rule.by) if rule.by else None)
        if limit is None:
            continue
        if not (facts.applies(start_spec, record) and facts.applies(end_spec, record)):
            continue  # the forms hide a date for this record, so nobody could fill it in
        start, end = record.get(rule.start), record.get(rule.end)
        named = _named(rule, facts, record)
        quotes = _quotes(facts, record, (start_path, end_path, by_path) if rule.by else (start_path, end_path),
                         rule.table)
        within = f"this framework requires a report within {_days(limit)}"
        if start is None:
            found.append(finding(rule, _missing(rule), facts.address(start_path, record),
                                 f"{named}: {start_spec.label} is empty, so the time to its report cannot "
                                 f"be measured; {within}.", quotes))
            continue
        due = start + timedelta(days=limit)
        if end is None:
            found.append(finding(rule, _missing(rule), facts.address(end_path, record),
                                 f"{named}, {_since(rule, facts)} {start.isoformat()}, has no report date "
                                 f"({end_spec.label} is empty); "
                                 f"{within}, by {due.isoformat()}.", quotes))
            continue
        taken = _elapsed(start, end)
        if taken < 0:
            found.append(finding(rule, _missing(rule), facts.address(end_path, record),
                                 f"{named}, {_since(rule, facts)} {start.isoformat()}, was reported on "
                                 f"{end.isoformat()}, before that; correct one of the two dates ({within}).", quotes))
        elif taken > limit:
            found.append(finding(rule, rule.severity, facts.address(end_path, record),
                                 f"{named}, {_since(rule, facts)} {start.isoformat()}, was reported on "
                                 f"{end.isoformat()}: {_days(taken)}; {within}, by {due.isoformat()}.", quotes))
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
    quoted = tuple(q for record in records if rule.deadline(record.get(rule.by) if rule.by else None) is not None
                   for q in _quotes(facts, record, (start_path, end_path), None))
    return [finding(rule, "satisfied", rule.table,
                    f"{rule.title} (each reported in time: {listed}).", quoted)]


def selected(rule: ReportingDeadlineRule, facts: Facts, record: Record) -> bool:
    """Whether ``where`` picks the record; a record it cannot judge (an empty value) is measured,
    so that nothing escapes a deadline by leaving a field empty."""
    assert rule.where is not None
    try:
        return bool(run(rule.where, facts.record_context(rule.where, record)))
    except CEL_ERRORS:
        return True


def _since(rule: ReportingDeadlineRule, facts: Facts) -> str:
    """``discovered on`` / ``dated`` — how the start date reads in a sentence."""
    label = facts.index.label(f"{rule.table}[].{rule.start}")
    return label[:1].lower() + label[1:] if label.lower().endswith((" on", " at")) else "on"


def _moment(day: object, clock: object) -> datetime | None:
    """A date and an ``HH:MM`` time (UTC) as one moment; None when the time is empty."""
    if not isinstance(day, date):
        raise TypeError(f"expected a date, got {day!r}")
    if clock is None or not str(clock).strip():
        return None
    match = _TIME.match(str(clock))
    if match is None:
        raise ValueError(f"{clock!r} is not a time of day as HH:MM")
    return datetime(day.year, day.month, day.day, int(match.group(1)), int(match.group(2)))


def _hours(rule: ReportingDeadlineRule, facts: Facts, records: list[Record]) -> list[Finding]:
    """Hour deadlines: the clock runs from date+time to date+time; exactly the allowed hours is on time."""
    assert rule.within_hours is not None
    limit = rule.within_hours
    paths = {key: f"{rule.table}[].{name}" for key, name in
             (("start", rule.start), ("end", rule.end), ("start_time", rule.start_time), ("end_time", rule.end_time))}
    within = f"this framework requires a report within {limit} hours"
    found: list[Finding] = []
    on_time: list[str] = []
    for record in records:
        named = _named(rule, facts, record)
        quotes = _quotes(facts, record, tuple(paths.values()), rule.table)
        start_day, end_day = record.get(rule.start), record.get(rule.end)
        if start_day is None:
            found.append(finding(rule, _missing(rule), facts.address(paths["start"], record),
                                 f"{named}: {facts.index.label(paths['start'])} is empty, so the time to "
                                 f"its report cannot be measured; {within}.", quotes))
            continue
        start = _moment(start_day, record.get(rule.start_time))
        if start is None:
            found.append(finding(rule, _missing(rule), facts.address(paths["start_time"], record),
                                 f"{named}: {facts.index.label(paths['start_time'])} is empty; {within}, "
                                 f"so record the time of day (HH:MM, UTC).", quotes))
            continue
        due = start + timedelta(hours=limit)
        if end_day is None:
            found.append(finding(rule, _missing(rule), facts.address(paths["end"], record),
                                 f"{named}, {_since(rule, facts)} {_stamp(start)}, has no report date; {within}, "
                                 f"by {_stamp(due)}.", quotes))
            continue
        end = _moment(end_day, record.get(rule.end_time))
        if end is None:
            if end_day > due.date():
                end = datetime(end_day.year, end_day.month, end_day.day)  # late whatever the hour
            else:
                found.append(finding(rule, _missing(rule), facts.address(paths["end_time"], record),
                                     f"{named}: {facts.index.label(paths['end_time'])} is empty; {within}, "
                                     f"by {_stamp(due)}, so record the time of day (HH:MM, UTC).", quotes))
                continue
        taken = (end - start).total_seconds() / 3600
        if taken < 0:
            found.append(finding(rule, _missing(rule), facts.address(paths["end"], record),
                                 f"{named}, {_since(rule, facts)} {_stamp(start)}, was reported at {_stamp(end)}, "
                                 f"before that; correct one of the two moments ({within}).", quotes))
        elif taken > limit:
            found.append(finding(rule, rule.severity, facts.address(paths["end"], record),
                                 f"{named}, {_since(rule, facts)} {_stamp(start)}, was reported at {_stamp(end)}: "
                                 f"{taken:g} hours; {within}, by {_stamp(due)}.", quotes))
        else:
            on_time.append(f"{record.id} in {taken:g} of {limit} hours")
    if found:
        return found
    if not on_time:
        return [finding(rule, "satisfied", rule.table, f"{rule.title} (no {rule.noun} with this deadline recorded).")]
    listed = "; ".join(on_time[:_LISTED_ON_TIME])
    if len(on_time) > _LISTED_ON_TIME:
        listed += f"; and {len(on_time) - _LISTED_ON_TIME} more"
    return [finding(rule, "satisfied", rule.table, f"{rule.title} (each reported in time: {listed}).",
                    tuple(q for record in records for q in _quotes(facts, record, tuple(paths.values()), None)))]


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


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
    if not rule.by:
        return f"{noun} {title}"
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
