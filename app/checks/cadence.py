"""Cadence rules: evaluate often enough in compute during training and in time during deployment.

Boundaries follow the frameworks' wording "at least every N×" / "every M
months": a gap of exactly N× or exactly M calendar months is on time, anything
beyond it is late. Compute ratios allow for float rounding (4e24 / 1e24 is
not always exactly 4.0).
"""

from __future__ import annotations

import calendar
from datetime import date

from app.checks.evidence import finding, gate
from app.checks.facts import DEPLOY_DECISIONS, Facts
from app.checks.findings import Finding
from app.content.framework_spec import CalendarCadenceRule, ComputeCadenceRule, MajorUpdateRule
from app.model.document import Record
from app.model.values import format_flop

CHECKPOINTS = "training.checkpoints"
COMPUTE = "training.checkpoints[].effective_compute_flop"
EVALUATED = "training.checkpoints[].evaluated"
REASSESSMENTS = "deployment.reassessments"
REASSESSMENT_DATE = "deployment.reassessments[].date"
UPDATES = "deployment.updates"
DECISION = "deployment_decision.decision"
DECISION_DATE = "deployment_decision.decision_date"
ASSESSMENT_DATE = "header.assessment_date"
_RATIO_TOLERANCE = 1e-9


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has no such day (31 Jan + 1 = 28/29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _ratio_text(ratio: float) -> str:
    return f"{ratio:.3g}x"


def _flop(value: float) -> str:
    return f"{format_flop(value)} FLOP"


def _checkpoint(facts: Facts, record: Record) -> str:
    return facts.record_title(CHECKPOINTS, record)


def check_compute_cadence(rule: ComputeCadenceRule, facts: Facts) -> list[Finding]:
    stopped = gate(rule, facts, CHECKPOINTS)
    if stopped is not None:
        return stopped
    records = facts.doc.records(CHECKPOINTS)
    limit = rule.max_ratio
    limit_text = _ratio_text(limit)
    if not records:
        return [finding(rule, "missing_evidence", CHECKPOINTS,
                        f"No training checkpoints recorded, so the compute cadence (an evaluation at least "
                        f"every {limit_text} effective compute) cannot be checked.")]
    found: list[Finding] = []
    usable: list[tuple[float, Record, bool]] = []
    for record in records:
        compute, evaluated = record.get("effective_compute_flop"), record.get("evaluated")
        if evaluated is None:
            found.append(finding(rule, "missing_evidence", facts.address(EVALUATED, record),
                                 f"{_checkpoint(facts, record)}: say whether this checkpoint was evaluated; "
                                 f"the compute cadence depends on it.", facts.title_address(CHECKPOINTS, record)))
        if compute is None:
            if evaluated:
                found.append(finding(rule, "missing_evidence", facts.address(COMPUTE, record),
                                     f"{_checkpoint(facts, record)} was evaluated but its effective compute "
                                     f"is empty, so the gap to the previous evaluation cannot be measured.",
                                     facts.title_address(CHECKPOINTS, record)))
            continue
        usable.append((float(compute), record, bool(evaluated)))
    usable.sort(key=lambda item: item[0])
    last: tuple[float, Record] | None = None
    largest: tuple[float, Record, Record] | None = None
    evaluated_count = 0
    for compute, record, evaluated in usable:
        if not evaluated:
            continue
        evaluated_count += 1
        if last is not None:
            ratio = compute / last[0]
            if largest is None or ratio > largest[0]:
                largest = (ratio, last[1], record)
            if ratio > limit * (1 + _RATIO_TOLERANCE):
                found.append(finding(rule, rule.severity, facts.address(COMPUTE, record),
                                     f"Checkpoint {_checkpoint(facts, record)} at {_flop(compute)} came "
                                     f"{_ratio_text(ratio)} after the last evaluated checkpoint "
                                     f"{_checkpoint(facts, last[1])} at {_flop(last[0])}; this framework "
                                     f"requires an evaluation at least every {limit_text} effective compute.",
                                     _quotes(facts, record, last[1])))
        last = (compute, record)
    if usable and evaluated_count == 0:
        found.append(finding(rule, rule.severity, CHECKPOINTS,
                             f"None of the {len(usable)} recorded checkpoints was evaluated; this framework "
                             f"requires an evaluation at least every {limit_text} effective compute."))
    elif usable and last is not None:
        final_compute, final_record, final_evaluated = usable[-1]
        ratio = final_compute / last[0]
        if not final_evaluated and ratio > limit * (1 + _RATIO_TOLERANCE):
            found.append(finding(rule, rule.severity, facts.address(COMPUTE, final_record),
                                 f"Training reached {_flop(final_compute)} at {_checkpoint(facts, final_record)}, "
                                 f"{_ratio_text(ratio)} beyond the last evaluated checkpoint "
                                 f"{_checkpoint(facts, last[1])} at {_flop(last[0])}, with no evaluation after "
                                 f"it; one was due by {_flop(last[0] * limit)}.",
                                 _quotes(facts, final_record, last[1])))
    if found:
        return found
    if largest is None:
        summary = f"{evaluated_count} evaluated checkpoint; no gap to measure yet"
    else:
        ratio, before, after = largest
        summary = (f"{evaluated_count} evaluated checkpoints from {_flop(usable[0][0])} to {_flop(usable[-1][0])}; "
                   f"the largest gap was {_ratio_text(ratio)} ({before.id} to {after.id}), within {limit_text}")
    quoted = _quotes(facts, usable[0][1], usable[-1][1]) if usable else ()
    return [finding(rule, "satisfied", CHECKPOINTS, f"{rule.title} ({summary}).", quoted)]


def _quotes(facts: Facts, *records: Record) -> tuple[str, ...]:
    """Checkpoint names and compute values quoted (compute is internal by default)."""
    quoted: list[str] = []
    for record in records:
        quoted += [facts.address(COMPUTE, record), *facts.title_address(CHECKPOINTS, record)]
    return tuple(quoted)


def _deployment_start(rule: CalendarCadenceRule | MajorUpdateRule, facts: Facts,
                      need_date: bool = True) -> tuple[date | None, list[Finding] | None]:
    """When deployment began; findings instead when that is unknown or there is no deployment."""
    decision = facts.doc.get(DECISION)
    if decision is None:
        return None, [finding(rule, "missing_evidence", DECISION,
                              f"The deployment decision is empty, so it is unknown whether {rule.title[0].lower()}"
                              f"{rule.title[1:].rstrip('.')} applies.")]
    if decision not in DEPLOY_DECISIONS:
        return None, []
    start = facts.doc.get(DECISION_DATE)
    if start is None and need_date:
        return None, [finding(rule, "missing_evidence", DECISION_DATE,
                              "The decision date is empty, so the time since deployment cannot be measured.")]
    return start, None


def check_calendar_cadence(rule: CalendarCadenceRule, facts: Facts) -> list[Finding]:
    stopped = gate(rule, facts, REASSESSMENTS)
    if stopped is not None:
        return stopped
    start, stopped = _deployment_start(rule, facts)
    if stopped is not None:
        return stopped
    assert start is not None
    months = rule.max_months
    found: list[Finding] = []
    dated: list[tuple[date, Record]] = []
    for record in facts.doc.records(REASSESSMENTS):
        when = record.get("date")
        if when is None:
            found.append(finding(rule, "missing_evidence", facts.address(REASSESSMENT_DATE, record),
                                 f"Re-assessment {record.id} has no date, so the cadence cannot be checked."))
        elif when >= start:
            dated.append((when, record))
    dated.sort(key=lambda item: item[0])
    previous, previous_name = start, f"the deployment decision on {start.isoformat()}"
    for when, record in dated:
        due = add_months(previous, months)
        if when > due:
            found.append(finding(rule, rule.severity, facts.address(REASSESSMENT_DATE, record),
                                 f"Re-assessment {record.id} on {when.isoformat()} came {_months(previous, when)} "
                                 f"after {previous_name}; this framework requires one at least every {months} "
                                 f"months, so it was due by {due.isoformat()}.",
                                 (facts.address(REASSESSMENT_DATE, record), DECISION_DATE)))
        previous, previous_name = when, f"the previous re-assessment {record.id} on {when.isoformat()}"
    as_of = facts.doc.get(ASSESSMENT_DATE)
    if as_of is not None and as_of > add_months(previous, months):
        due = add_months(previous, months)
        found.append(finding(rule, rule.severity, REASSESSMENTS,
                             f"No re-assessment since {previous_name}; one was due by {due.isoformat()}, "
                             f"before the assessment date {as_of.isoformat()} ({months}-month cadence).",
                             (ASSESSMENT_DATE, DECISION_DATE)))
    if found:
        return found
    count = len(dated)
    return [finding(rule, "satisfied", REASSESSMENTS,
                    f"{rule.title} ({count} re-assessment{'s' if count != 1 else ''} since deployment on "
                    f"{start.isoformat()}, none more than {months} months apart).")]


def _months(start: date, end: date) -> str:
    whole = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, whole) > end:
        whole -= 1
    days = (end - add_months(start, whole)).days
    return f"{whole} month{'s' if whole != 1 else ''} and {days} day{'s' if days != 1 else ''}"


def check_major_updates(rule: MajorUpdateRule, facts: Facts) -> list[Finding]:
    stopped = gate(rule, facts, UPDATES)
    if stopped is not None:
        return stopped
    _, stopped = _deployment_start(rule, facts, need_date=False)
    if stopped is not None:
        return stopped
    updates = facts.doc.records(UPDATES)
    found: list[Finding] = []
    reassessed = sorted((r.get("date"), r.id) for r in facts.doc.records(REASSESSMENTS) if r.get("date"))
    decision_date = facts.doc.get(DECISION_DATE)
    majors: list[tuple[date, Record]] = []
    for record in updates:
        major, when = record.get("major"), record.get("date")
        if major is None:
            found.append(finding(rule, "missing_evidence", facts.address(f"{UPDATES}[].major", record),
                                 f"Update {facts.record_title(UPDATES, record)}: say whether it is a major "
                                 f"update; major updates need a re-assessment first.",
                                 facts.title_address(UPDATES, record)))
        elif major and when is None:
            found.append(finding(rule, "missing_evidence", facts.address(f"{UPDATES}[].date", record),
                                 f"Major update {facts.record_title(UPDATES, record)} has no date.",
                                 facts.title_address(UPDATES, record)))
        elif major:
            majors.append((when, record))
    majors.sort(key=lambda item: item[0])
    previous: date | None = None
    for when, record in majors:
        # The window opens after the previous major update, or on the deployment decision.
        low, inclusive = (previous, False) if previous is not None else (decision_date, True)
        ok = any(day <= when and (low is None or day > low or (inclusive and day == low))
                 for day, _ in reassessed)
        if not ok:
            window = f"between {low.isoformat()} and {when.isoformat()}" if low else f"on or before {when.isoformat()}"
            found.append(finding(rule, rule.severity, facts.address(f"{UPDATES}[].date", record),
                                 f"Major update {facts.record_title(UPDATES, record)} on {when.isoformat()} had "
                                 f"no re-assessment before it (none dated {window}); this framework requires "
                                 f"one before each major update.",
                                 (facts.address(f"{UPDATES}[].date", record), *facts.title_address(UPDATES, record))))
        previous = when
    if found:
        return found
    if not majors:
        return [finding(rule, "satisfied", UPDATES, f"{rule.title} (no major updates recorded).")]
    return [finding(rule, "satisfied", UPDATES,
                    f"{rule.title} ({len(majors)} major update{'s' if len(majors) != 1 else ''}, each preceded "
                    f"by a re-assessment).")]
