"""Cadence rules: evaluate often enough in compute during training and in time during deployment.

Boundaries follow the frameworks' wording "at least every N×" / "every M
months": a gap of exactly N× or exactly M calendar months is on time, anything
beyond it is late. Compute ratios allow for float rounding (4e24 / 1e24 is
not always exactly 4.0).
"""

from __future__ import annotations

import calendar
from datetime import date

from app.checks.evidence import finding, gate, title_of
from app.checks.facts import DEPLOY_DECISIONS, Facts
from app.checks.findings import UNSAID, Finding
from app.content.framework_spec import CalendarCadenceRule, ComputeCadenceRule, MajorUpdateRule
from app.model.document import Record
from app.model.labelled import Labelled, count, derived, fixed, label_of, template
from app.model.sensitivity import Sensitivity
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


def _checkpoint(facts: Facts, record: Record) -> Labelled:
    return facts.title(CHECKPOINTS, record)


def _compute(facts: Facts, record: Record) -> Labelled:
    """A checkpoint's effective compute as messages quote it (internal by default)."""
    return facts.quote(COMPUTE, record, _flop(float(record.get("effective_compute_flop"))))


def check_compute_cadence(rule: ComputeCadenceRule, facts: Facts) -> list[Finding]:
    stopped = gate(rule, facts, CHECKPOINTS)
    if stopped is not None:
        return stopped
    records = facts.doc.records(CHECKPOINTS)
    limit = rule.max_ratio
    limit_text = fixed(_ratio_text(limit))
    if not records:
        return [finding(rule, "missing_evidence", CHECKPOINTS, template(
            "No training checkpoints recorded, so the compute cadence (an evaluation at least every {limit} "
            "effective compute) cannot be checked.", limit=limit_text))]
    found: list[Finding] = []
    usable: list[tuple[float, Record, bool]] = []
    said = facts.messages  # a counts-only check writes no message (only severities are counted)
    for record in records:
        compute, evaluated = record.get("effective_compute_flop"), record.get("evaluated")
        if evaluated is None:
            found.append(finding(rule, "missing_evidence", facts.address(EVALUATED, record), template(
                "{checkpoint}: say whether this checkpoint was evaluated; the compute cadence depends on it.",
                checkpoint=_checkpoint(facts, record)) if said else UNSAID))
        if compute is None:
            if evaluated:
                found.append(finding(rule, "missing_evidence", facts.address(COMPUTE, record), template(
                    "{checkpoint} was evaluated but its effective compute is empty, so the gap to the previous "
                    "evaluation cannot be measured.", checkpoint=_checkpoint(facts, record)) if said else UNSAID))
            continue
        usable.append((float(compute), record, bool(evaluated)))
    usable.sort(key=lambda item: item[0])
    # The order of checkpoints, and so which one is "the last evaluated", comes from comparing their compute.
    # (Read only by messages: a counts-only check does not compare the labels.)
    order = label_of(*(facts.label(COMPUTE, record) for _, record, _ in usable))[0] if said else Sensitivity.PUBLIC
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
                found.append(finding(rule, rule.severity, facts.address(COMPUTE, record), template(
                    "Checkpoint {checkpoint} at {compute} came {ratio} after the last evaluated checkpoint "
                    "{last} at {last_compute}; this framework requires an evaluation at least every {limit} "
                    "effective compute.", checkpoint=_checkpoint(facts, record), compute=_compute(facts, record),
                    ratio=_ratio(ratio, facts, record, last[1]),
                    last=_checkpoint(facts, last[1]).at_least(order), last_compute=_compute(facts, last[1]),
                    limit=limit_text) if said else UNSAID))
        last = (compute, record)
    if usable and evaluated_count == 0:
        found.append(finding(rule, rule.severity, CHECKPOINTS, template(
            "None of the {n} recorded checkpoints was evaluated; this framework requires an evaluation at least "
            "every {limit} effective compute.", n=count(len(usable)), limit=limit_text)))
    elif usable and last is not None:
        final_compute, final_record, final_evaluated = usable[-1]
        ratio = final_compute / last[0]
        if not final_evaluated and ratio > limit * (1 + _RATIO_TOLERANCE):
            found.append(finding(rule, rule.severity, facts.address(COMPUTE, final_record), template(
                "Training reached {compute} at {checkpoint}, {ratio} beyond the last evaluated checkpoint {last} "
                "at {last_compute}, with no evaluation after it; one was due by {due}.",
                compute=_compute(facts, final_record), checkpoint=_checkpoint(facts, final_record).at_least(order),
                ratio=_ratio(ratio, facts, final_record, last[1]), last=_checkpoint(facts, last[1]).at_least(order),
                last_compute=_compute(facts, last[1]),
                due=derived(_flop(last[0] * limit), facts.label(COMPUTE, last[1]))) if said else UNSAID))
    if found:
        return found
    if not said:
        return [finding(rule, "satisfied", CHECKPOINTS, UNSAID)]
    if largest is None:
        summary = template("{n} evaluated checkpoint; no gap to measure yet", n=count(evaluated_count))
    else:
        ratio, before, after = largest
        summary = template(
            "{n} evaluated checkpoints from {low} to {high}; the largest gap was {ratio} ({before} to {after}), "
            "within {limit}", n=count(evaluated_count), low=_compute(facts, usable[0][1]),
            high=_compute(facts, usable[-1][1]), ratio=derived(_ratio_text(ratio), order),
            before=facts.record_id(CHECKPOINTS, before).at_least(order),
            after=facts.record_id(CHECKPOINTS, after).at_least(order), limit=limit_text)
    return [finding(rule, "satisfied", CHECKPOINTS, template("{title} ({summary}).", title=title_of(rule),
                                                             summary=summary))]


def _ratio(ratio: float, facts: Facts, *records: Record) -> Labelled:
    """A compute ratio, as sensitive as the compute values it divides."""
    return derived(_ratio_text(ratio), *(facts.label(COMPUTE, record) for record in records))


def _deployment_start(rule: CalendarCadenceRule | MajorUpdateRule, facts: Facts,
                      need_date: bool = True) -> tuple[date | None, list[Finding] | None]:
    """When deployment began; findings instead when that is unknown or there is no deployment."""
    decision = facts.doc.get(DECISION)
    if decision is None:
        return None, [finding(rule, "missing_evidence", DECISION, template(
            "The deployment decision is empty, so it is unknown whether {rule} applies.",
            rule=fixed(f"{rule.title[0].lower()}{rule.title[1:].rstrip('.')}")))]
    if decision not in DEPLOY_DECISIONS:
        return None, []
    start = facts.doc.get(DECISION_DATE)
    if start is None and need_date:
        return None, [finding(rule, "missing_evidence", DECISION_DATE,
                              fixed("The decision date is empty, so the time since deployment cannot be measured."))]
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
    months_text = count(months) if isinstance(months, int) else fixed(f"{months:g}")
    found: list[Finding] = []
    dated: list[tuple[date, Record]] = []
    start_label = facts.label(DECISION_DATE)
    for record in facts.doc.records(REASSESSMENTS):
        when = record.get("date")
        if when is None:
            found.append(finding(rule, "missing_evidence", facts.address(REASSESSMENT_DATE, record), template(
                "Re-assessment {id} has no date, so the cadence cannot be checked.",
                id=facts.record_id(REASSESSMENTS, record))))
        elif when >= start:
            dated.append((when, record))
    # Which re-assessments count, and their order, come from comparing every date with the decision date.
    order = label_of(start_label, *(facts.label(REASSESSMENT_DATE, record) for record in
                                    facts.doc.records(REASSESSMENTS)))[0]
    dated.sort(key=lambda item: item[0])
    previous = start
    previous_name = template("the deployment decision on {day}", day=facts.day(DECISION_DATE))
    previous_label: Labelled = facts.day(DECISION_DATE)
    for when, record in dated:
        due = add_months(previous, months)
        if when > due:
            found.append(finding(rule, rule.severity, facts.address(REASSESSMENT_DATE, record), template(
                "Re-assessment {id} on {day} came {gap} after {previous}; this framework requires one at least "
                "every {months} months, so it was due by {due}.", id=facts.record_id(REASSESSMENTS, record),
                day=facts.day(REASSESSMENT_DATE, record),
                gap=derived(_months(previous, when), previous_label, facts.day(REASSESSMENT_DATE, record)),
                previous=previous_name.at_least(order), months=months_text,
                due=derived(due.isoformat(), previous_label))))
        previous = when
        previous_label = facts.day(REASSESSMENT_DATE, record)
        previous_name = template("the previous re-assessment {id} on {day}",
                                 id=facts.record_id(REASSESSMENTS, record), day=previous_label)
    as_of = facts.doc.get(ASSESSMENT_DATE)
    if as_of is not None and as_of > add_months(previous, months):
        due = add_months(previous, months)
        found.append(finding(rule, rule.severity, REASSESSMENTS, template(
            "No re-assessment since {previous}; one was due by {due}, before the assessment date {as_of} "
            "({months}-month cadence).", previous=previous_name.at_least(order),
            due=derived(due.isoformat(), previous_label, order), as_of=facts.day(ASSESSMENT_DATE),
            months=months_text)))
    if found:
        return found
    number = len(dated)
    return [finding(rule, "satisfied", REASSESSMENTS, template(
        "{title} ({n} since deployment on {start}, none more than {months} months apart).", title=title_of(rule),
        n=derived(f"{number} re-assessment{'s' if number != 1 else ''}", order), start=facts.day(DECISION_DATE),
        months=months_text))]


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
            found.append(finding(rule, "missing_evidence", facts.address(f"{UPDATES}[].major", record), template(
                "Update {update}: say whether it is a major update; major updates need a re-assessment first.",
                update=facts.title(UPDATES, record))))
        elif major and when is None:
            found.append(finding(rule, "missing_evidence", facts.address(f"{UPDATES}[].date", record), template(
                "Major update {update} has no date.", update=facts.title(UPDATES, record))))
        elif major:
            majors.append((when, record))
    majors.sort(key=lambda item: item[0])
    # Whether a re-assessment came in time is worked out from every re-assessment date and the decision date.
    compared = label_of(*(facts.label(REASSESSMENT_DATE, r) for r in facts.doc.records(REASSESSMENTS)),
                        facts.label(DECISION_DATE))[0]
    previous: tuple[date, Labelled] | None = None
    for when, record in majors:
        # The window opens after the previous major update, or on the deployment decision.
        if previous is not None:
            low, inclusive, low_text = previous[0], False, previous[1]
        else:
            low, inclusive, low_text = decision_date, True, facts.day(DECISION_DATE)
        ok = any(day <= when and (low is None or day > low or (inclusive and day == low))
                 for day, _ in reassessed)
        day_text = facts.day(f"{UPDATES}[].date", record)
        if not ok:
            window = (template("between {low} and {high}", low=low_text, high=day_text) if low
                      else template("on or before {high}", high=day_text))
            found.append(finding(rule, rule.severity, facts.address(f"{UPDATES}[].date", record), template(
                "Major update {update} on {day} had no re-assessment before it (none dated {window}); this "
                "framework requires one before each major update.",
                update=facts.title(UPDATES, record), day=day_text, window=window)))
        previous = (when, day_text)
    if found:
        return found
    if not majors:
        return [finding(rule, "satisfied", UPDATES, template("{title} (no major updates recorded).",
                                                             title=title_of(rule)))]
    return [finding(rule, "satisfied", UPDATES, template(
        "{title} ({n}, each preceded by a re-assessment).", title=title_of(rule),
        n=derived(f"{len(majors)} major update{'s' if len(majors) != 1 else ''}", compared,
                  *(facts.label(f"{UPDATES}[].major", r) for r in updates))))]
