"""Reporting deadlines: each record of a kind that must be reported was reported in time.

The clock counts calendar days from the record's start date (when the
incident happened or was found) to its report date. The frameworks say
"within N days", so a report exactly N days later is on time and one day more
is late. A record whose kind has no deadline (or no kind yet) is left alone;
the framework's evidence rules decide whether its kind must be filled.

Messages quote dates and kinds, and durations and due dates worked out from
them: each is labelled with the values behind it (``app.model.labelled``).
Which records are listed as on time depends on every record's kind (and what
``where`` reads), so that list carries those labels too.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from app.checks.evidence import CEL_ERRORS, finding, gate, title_of
from app.checks.facts import Facts
from app.checks.findings import Finding
from app.content.framework_conditions import run
from app.content.framework_spec import ReportingDeadlineRule
from app.model.document import Record
from app.model.labelled import Labelled, derived, fixed, join, label_of, template
from app.model.sensitivity import Sensitivity

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
    on_time: list[Labelled] = []
    selection = _selection_label(rule, facts, records)
    if rule.where is not None:
        records = [record for record in records if selected(rule, facts, record)]
    if rule.in_hours:
        return _hours(rule, facts, records, selection)
    for record in records:
        limit = rule.deadline(record.get(rule.by) if rule.by else None)
        if limit is None:
            continue
        if not (facts.applies(start_spec, record) and facts.applies(end_spec, record)):
            continue  # the forms hide a date for this record, so nobody could fill it in
        start, end = record.get(rule.start), record.get(rule.end)
        named = _named(rule, facts, record)
        kind = facts.quote(by_path, record) if rule.by else fixed("")
        within = template("this framework requires a report within {days}", days=derived(_days(limit), kind))
        if start is None:
            found.append(finding(rule, _missing(rule), facts.address(start_path, record), template(
                "{named}: {label} is empty, so the time to its report cannot be measured; {within}.", named=named,
                label=fixed(start_spec.label), within=within)))
            continue
        start_text = facts.day(start_path, record)
        due = derived((start + timedelta(days=limit)).isoformat(), start_text, kind)
        since = fixed(_since(rule, facts))
        if end is None:
            found.append(finding(rule, _missing(rule), facts.address(end_path, record), template(
                "{named}, {since} {start}, has no report date ({label} is empty); {within}, by {due}.",
                named=named, since=since, start=start_text, label=fixed(end_spec.label), within=within, due=due)))
            continue
        taken = _elapsed(start, end)
        end_text = facts.day(end_path, record)
        if taken < 0:
            found.append(finding(rule, _missing(rule), facts.address(end_path, record), template(
                "{named}, {since} {start}, was reported on {end}, before that; correct one of the two dates "
                "({within}).", named=named, since=since, start=start_text, end=end_text, within=within)))
        elif taken > limit:
            found.append(finding(rule, rule.severity, facts.address(end_path, record), template(
                "{named}, {since} {start}, was reported on {end}: {taken}; {within}, by {due}.", named=named,
                since=since, start=start_text, end=end_text, taken=derived(_days(taken), start_text, end_text),
                within=within, due=due)))
        else:
            on_time.append(template("{id} in {taken} of {limit}", id=facts.record_id(rule.table, record),
                                    taken=derived(str(taken), start_text, end_text),
                                    limit=derived(_days(limit), kind)))
    if found:
        return found
    return _satisfied(rule, on_time, selection, fixed(f"no {rule.noun} with a reporting deadline recorded"))


def _satisfied(rule: ReportingDeadlineRule, on_time: list[Labelled], selection: Sensitivity,
               nothing: Labelled) -> list[Finding]:
    if not on_time:
        return [finding(rule, "satisfied", rule.table, template("{title} ({nothing}).", title=title_of(rule),
                                                                nothing=nothing.at_least(selection)))]
    listed = join("; ", on_time[:_LISTED_ON_TIME])
    if len(on_time) > _LISTED_ON_TIME:
        listed = template("{listed}; and {n} more", listed=listed, n=fixed(str(len(on_time) - _LISTED_ON_TIME)))
    return [finding(rule, "satisfied", rule.table, template(
        "{title} (each reported in time: {listed}).", title=title_of(rule), listed=listed.at_least(selection)))]


def _selection_label(rule: ReportingDeadlineRule, facts: Facts, records: list[Record]) -> Sensitivity:
    """How sensitive the choice of records with a deadline is: the kinds, and what ``where`` reads."""
    paths = [f"{rule.table}[].{rule.by}"] if rule.by else []
    if rule.where is not None:
        paths += [path for path in rule.where.depends if "[]." in path]
    return label_of(*(facts.label(path, record) for record in records for path in paths))[0]


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
    """A date and an ``HH:MM`` time (UTC) as one moment; None when the time is empty.

    The errors name no value: the engine shows them in a finding, and the value may be withheld.
    """
    if not isinstance(day, date):
        raise TypeError("expected a date")
    if clock is None or not str(clock).strip():
        return None
    match = _TIME.match(str(clock))
    if match is None:
        raise ValueError("a time of day is not written as HH:MM")
    return datetime(day.year, day.month, day.day, int(match.group(1)), int(match.group(2)))


def _hours(rule: ReportingDeadlineRule, facts: Facts, records: list[Record], selection: Sensitivity
           ) -> list[Finding]:
    """Hour deadlines: the clock runs from date+time to date+time; exactly the allowed hours is on time."""
    assert rule.within_hours is not None
    limit = rule.within_hours
    paths = {key: f"{rule.table}[].{name}" for key, name in
             (("start", rule.start), ("end", rule.end), ("start_time", rule.start_time), ("end_time", rule.end_time))}
    within = fixed(f"this framework requires a report within {limit} hours")
    found: list[Finding] = []
    on_time: list[Labelled] = []
    for record in records:
        named = _named(rule, facts, record)
        start_day, end_day = record.get(rule.start), record.get(rule.end)
        since = fixed(_since(rule, facts))
        if start_day is None:
            found.append(finding(rule, _missing(rule), facts.address(paths["start"], record), template(
                "{named}: {label} is empty, so the time to its report cannot be measured; {within}.", named=named,
                label=fixed(facts.index.label(paths["start"])), within=within)))
            continue
        start = _moment(start_day, record.get(rule.start_time))
        if start is None:
            found.append(finding(rule, _missing(rule), facts.address(paths["start_time"], record), template(
                "{named}: {label} is empty; {within}, so record the time of day (HH:MM, UTC).", named=named,
                label=fixed(facts.index.label(paths["start_time"])), within=within)))
            continue
        start_text = derived(_stamp(start), facts.label(paths["start"], record),
                             facts.label(paths["start_time"], record))
        due = derived(_stamp(start + timedelta(hours=limit)), start_text)
        if end_day is None:
            found.append(finding(rule, _missing(rule), facts.address(paths["end"], record), template(
                "{named}, {since} {start}, has no report date; {within}, by {due}.", named=named, since=since,
                start=start_text, within=within, due=due)))
            continue
        end = _moment(end_day, record.get(rule.end_time))
        end_label = label_of(facts.label(paths["end"], record), facts.label(paths["end_time"], record))[0]
        if end is None:
            if end_day > (start + timedelta(hours=limit)).date():
                end = datetime(end_day.year, end_day.month, end_day.day)  # late whatever the hour
            else:
                found.append(finding(rule, _missing(rule), facts.address(paths["end_time"], record), template(
                    "{named}: {label} is empty; {within}, by {due}, so record the time of day (HH:MM, UTC).",
                    named=named, label=fixed(facts.index.label(paths["end_time"])), within=within,
                    due=due.at_least(end_label))))
                continue
        end_text = derived(_stamp(end), end_label)
        taken = (end - start).total_seconds() / 3600
        if taken < 0:
            found.append(finding(rule, _missing(rule), facts.address(paths["end"], record), template(
                "{named}, {since} {start}, was reported at {end}, before that; correct one of the two moments "
                "({within}).", named=named, since=since, start=start_text, end=end_text, within=within)))
        elif taken > limit:
            found.append(finding(rule, rule.severity, facts.address(paths["end"], record), template(
                "{named}, {since} {start}, was reported at {end}: {taken}; {within}, by {due}.", named=named,
                since=since, start=start_text, end=end_text, taken=derived(f"{taken:g} hours", start_text, end_text),
                within=within, due=due)))
        else:
            on_time.append(template("{id} in {taken} of {limit} hours", id=facts.record_id(rule.table, record),
                                    taken=derived(f"{taken:g}", start_text, end_text), limit=fixed(str(limit))))
    if found:
        return found
    return _satisfied(rule, on_time, selection, fixed(f"no {rule.noun} with this deadline recorded"))


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _elapsed(start: date, end: date) -> int:
    """Whole calendar days from ``start`` to ``end``; TypeError for values that are not dates,
    which the engine turns into a 'wrong form' finding (naming no value: it may be withheld)."""
    if not isinstance(start, date) or not isinstance(end, date):
        raise TypeError("expected two dates")
    return (end - start).days


def _named(rule: ReportingDeadlineRule, facts: Facts, record: Record) -> Labelled:
    """``Incident inc-2 (Weights copied to an unknown host), a serious cybersecurity breach``."""
    noun = fixed(rule.noun[:1].upper() + rule.noun[1:])
    title = facts.title(rule.table, record)
    if not rule.by:
        return template("{noun} {title}", noun=noun, title=title)
    label = facts.index.option_label(f"{rule.table}[].{rule.by}", record.get(rule.by))
    return template("{noun} {title}, {kind}", noun=noun, title=title,
                    kind=facts.quote(f"{rule.table}[].{rule.by}", record, _with_article(label)))


def _with_article(label: str) -> str:
    """``Serious cybersecurity breach`` → ``a serious cybersecurity breach`` (acronyms keep their case)."""
    text = label[:1].lower() + label[1:] if label[1:2].islower() else label
    return f"{'an' if text[:1].lower() in 'aeiou' else 'a'} {text}"


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def _missing(rule: ReportingDeadlineRule) -> str:
    return "warning" if rule.severity == "warning" else "missing_evidence"
