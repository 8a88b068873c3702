"""Run a framework's rules over a document, in full or again after an edit.

Every rule and rubric item declares the field and table paths it reads (worked
out when the framework loads). ``Checker.recheck`` re-runs only those whose
paths an edit touched and reuses the rest, which keeps a check after each
keystroke well under the time a person notices. The result is the same as a
full check of the edited document; a test holds it to that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from app.checks.cadence import check_calendar_cadence, check_compute_cadence, check_major_updates
from app.checks.commitments import check_commitment
from app.checks.deadlines import check_reporting_deadline
from app.checks.evidence import (
    RecordResults,
    assemble_evidence,
    check_coverage,
    check_evidence,
    evidence_for_record,
    run_evidence,
)
from app.checks.facts import Facts, FilledCounts, FormIndex
from app.checks.holds import check_condition
from app.checks.findings import UNSAID, CheckCounts, CheckResult, Finding, ItemScore, Score
from app.checks.rubric import item_finding, score_item, total
from app.checks.worst_case import check_worst_case_recommendations, check_worst_case_release, check_worst_case_scope
from app.content.forms import STAGES, load_forms
from app.content.framework_spec import (
    CalendarCadenceRule,
    CommitmentRule,
    ComputeCadenceRule,
    ConditionRule,
    CoverageRule,
    EvidenceRule,
    Framework,
    MajorUpdateRule,
    ReportingDeadlineRule,
    Rule,
    WorstCaseRecommendationsRule,
    WorstCaseReleaseRule,
    WorstCaseScopeRule,
    ScoreItem,
)
from app.model.document import Document
from app.model.fast_dataclass import dataclass
from app.model.forms import FormSet
from app.model.labelled import derived, fixed, template
from app.model.paths import Address
from app.model.sensitivity import Sensitivity

_EVALUATORS: dict[type, Callable[..., list[Finding]]] = {
    EvidenceRule: check_evidence,
    CoverageRule: check_coverage,
    ComputeCadenceRule: check_compute_cadence,
    CalendarCadenceRule: check_calendar_cadence,
    MajorUpdateRule: check_major_updates,
    ReportingDeadlineRule: check_reporting_deadline,
    ConditionRule: check_condition,
    CommitmentRule: check_commitment,
    WorstCaseScopeRule: check_worst_case_scope,
    WorstCaseReleaseRule: check_worst_case_release,
    WorstCaseRecommendationsRule: check_worst_case_recommendations,
}


@dataclass
class _Unit:
    """A rule or a rubric item, with what it last produced."""

    key: str
    stage: int
    depends: frozenset[str]
    rule: Rule | None = None
    item: ScoreItem | None = None
    findings: tuple[Finding, ...] = ()
    scored: ItemScore | None = None
    counts: tuple[tuple[str, int], ...] = ()
    records: RecordResults | None = None
    """Per-record results of a record-wise evidence rule, so one record can be re-checked alone."""


def touched_paths(touched: Iterable[Address | str]) -> set[str]:
    """Field and table paths from ``app.model.touched_addresses`` output."""
    return {item.field if isinstance(item, Address) else str(item) for item in touched}


def depends_on(depends: frozenset[str], paths: set[str]) -> bool:
    """Whether a change to any of ``paths`` can change what reads ``depends``.

    A dependency ``table[]`` means the table's rows only (a record added, removed or
    moved, which edits report as the table path); ``table`` means the rows and every
    value in them; a field path also covers the fields inside it (a group).
    """
    for path in paths:
        for dep in depends:
            if dep.endswith("[]"):
                if path == dep[:-2]:
                    return True
            elif (path == dep or path.startswith(dep + ".") or path.startswith(dep + "[]")
                  or dep.startswith(path + "[]") or dep.startswith(path + ".")):
                return True
    return False


class Checker:
    """Checks documents against one framework; keeps the last results for cheap re-checks.

    Not thread-safe; one per open assessment (the UI's session owns one).
    """

    def __init__(self, framework: Framework, forms: FormSet | None = None, messages: bool = True,
                 index: FormIndex | None = None) -> None:
        self.framework = framework
        self.messages = messages
        """False: a counts-only checker (``check_counts``), whose findings have no messages."""
        self.index = index or FormIndex(forms or load_forms())
        order = {stage: i for i, stage in enumerate(STAGES)}
        units = [_Unit(rule.id, order.get(rule.stage, len(order)), rule.depends, rule=rule)
                 for rule in framework.rules]
        items = [item for section in framework.score for item in section.items]
        units += [_Unit(item.id, order.get(item.stage, len(order)), item.depends, item=item) for item in items]
        self._units = sorted(units, key=lambda u: u.stage)  # stable: file order within a stage
        self._checked = False

    def check(self, doc: Document) -> CheckResult:
        """Check everything."""
        self._check_all(doc)
        return self._result()

    def _check_all(self, doc: Document, filled: FilledCounts | None = None) -> None:
        facts = Facts(doc, self.framework, self.index, self.messages, filled)
        for unit in self._units:
            if unit.rule is not None:
                self._run_rule(unit, facts)
        for unit in self._units:
            if unit.item is not None:
                self._run_item(unit, facts)
        self._checked = True

    def recheck(self, doc: Document, touched: Iterable[Address | str]) -> CheckResult:
        """Check again after an edit; ``touched`` is ``app.model.touched_addresses(edit)``."""
        if not self._checked:
            return self.check(doc)
        touched = list(touched)
        paths = touched_paths(touched)
        if not paths:
            return self._result()
        facts = Facts(doc, self.framework, self.index, self.messages)
        for unit in self._units:
            if unit.rule is None or not depends_on(unit.depends, paths):
                continue
            records = self._touched_records(unit, touched)
            if records is not None:
                self._rerun_records(unit, facts, records)
            else:
                self._run_rule(unit, facts)
        for unit in self._units:
            if unit.item is not None and depends_on(unit.depends, paths):
                self._run_item(unit, facts)
        return self._result()

    @staticmethod
    def _touched_records(unit: _Unit, touched: list[Address | str]) -> set[str] | None:
        """Record ids to re-check alone, when every relevant change is a value inside the rule's table."""
        rule = unit.rule
        if unit.records is None or not isinstance(rule, EvidenceRule):
            return None
        records: set[str] = set()
        for item in touched:
            path = item.field if isinstance(item, Address) else str(item)
            if not depends_on(unit.depends, {path}):
                continue
            if not isinstance(item, Address) or item.record is None or item.table != rule.table:
                return None
            records.add(item.record)
        return records

    def _rerun_records(self, unit: _Unit, facts: Facts, records: set[str]) -> None:
        rule = unit.rule
        assert isinstance(rule, EvidenceRule) and rule.table is not None and unit.records is not None
        try:
            for record_id in records:
                record = facts.doc.record(rule.table, record_id)
                if record is None:
                    unit.records.pop(record_id, None)
                else:
                    unit.records[record_id] = evidence_for_record(rule, facts, record)
        except (TypeError, ValueError, AttributeError):
            self._run_rule(unit, facts)
            return
        self._store(unit, tuple(assemble_evidence(rule, facts, unit.records)))

    def _run_rule(self, unit: _Unit, facts: Facts) -> None:
        rule = unit.rule
        assert rule is not None
        unit.records = None
        try:
            if isinstance(rule, EvidenceRule):
                found, unit.records = run_evidence(rule, facts)
                findings = tuple(found)
            else:
                findings = tuple(_EVALUATORS[type(rule)](rule, facts))
        except (TypeError, ValueError, AttributeError, ArithmeticError) as error:
            # A value of the wrong type or out of range (stored without validation: a checkpoint's compute
            # of 0 divides by zero) must not stop the other rules or reach the person as a traceback
            # (the portfolio stopped on such a file); `riskwright validate` names the value.
            # The error's words may repeat the value (Python's "could not convert string to float: '…'"),
            # and which value it is is unknown here: label them hazardous, so only the internal reader sees them.
            said = template(
                "Could not apply this rule because a value it reads has the wrong form ({error}); run "
                "`riskwright validate` to find it. {title}", error=derived(str(error), Sensitivity.HAZARDOUS),
                title=fixed(rule.title)) if self.messages else UNSAID
            findings = (Finding(rule.id, "missing_evidence", rule.stage, rule.stage, said, rule.citation, rule.title),)
        self._store(unit, findings)

    def _run_item(self, unit: _Unit, facts: Facts) -> None:
        assert unit.item is not None
        by_rule = {u.key: u.findings for u in self._units if u.rule is not None}
        unit.scored = score_item(unit.item, facts, by_rule)
        self._store(unit, (item_finding(unit.item, unit.scored, facts.messages),))

    @staticmethod
    def _store(unit: _Unit, findings: tuple[Finding, ...]) -> None:
        unit.findings = findings
        counts: dict[str, int] = {}
        for found in findings:
            counts[found.severity] = counts.get(found.severity, 0) + 1
        unit.counts = tuple(counts.items())

    def _result(self) -> CheckResult:
        if not self.messages:
            raise TypeError("a counts-only Checker has no findings to show: use check_counts")
        return self._assemble()

    def score_only(self, doc: Document, filled: FilledCounts | None = None) -> float | None:
        """The rubric's total for ``doc`` (``counts().score`` after a check), running only the rules a
        score part reads (``rules`` parts): an item's share depends on its parts alone, and those read no
        other rule's findings, so the rules no part names cannot change the score."""
        if not self.framework.score:
            return None
        read = {rule_id for section in self.framework.score for item in section.items for part in item.parts
                if part.kind == "rules" for rule_id in part.rules}
        facts = Facts(doc, self.framework, self.index, self.messages, filled)
        for unit in self._units:
            if unit.rule is not None and unit.key in read:
                self._run_rule(unit, facts)
        by_rule = {u.key: u.findings for u in self._units if u.rule is not None and u.key in read}
        scored = {u.key: score_item(u.item, facts, by_rule) for u in self._units if u.item is not None}
        return self._total(scored).total

    def counts(self) -> CheckCounts:
        """Status, counts and score of the last check (a counts-only checker's whole result)."""
        result = self._assemble()
        return CheckCounts(result.framework_id, result.counts, None if result.score is None else result.score.total)

    def _total(self, scored: dict[str, ItemScore]) -> Score:
        """The rubric's total from each scored item, section by section as the framework lists them."""
        return total([(s.id, s.title, s.weight, [scored[i.id] for i in s.items if i.id in scored])
                      for s in self.framework.score])

    def _assemble(self) -> CheckResult:
        findings: list[Finding] = []
        counts: dict[str, int] = {}
        for unit in self._units:
            findings.extend(unit.findings)
            for severity, number in unit.counts:
                counts[severity] = counts.get(severity, 0) + number
        score = None
        if self.framework.score:
            score = self._total({u.key: u.scored for u in self._units if u.scored is not None})
        fw = self.framework
        return CheckResult(fw.id, fw.name, fw.version, fw.date, tuple(findings), score, counts)


def check(doc: Document, framework: Framework, forms: FormSet | None = None) -> CheckResult:
    """Check ``doc`` against ``framework``: a pure function of its inputs."""
    return Checker(framework, forms).check(doc)


def check_counts(doc: Document, framework: Framework, forms: FormSet | None = None,
                 filled: FilledCounts | None = None) -> CheckCounts:
    """``check``'s status, counts and rubric score, without writing a message (for the portfolio).

    The same rules run over the same document and reach the same verdicts; only
    the messages of the rules that find hundreds of things (each missing answer
    of required evidence, coverage, the rubric's items) are not written, which
    is most of a large assessment's check. ``tests/test_checks_counts.py`` holds
    the two to the same statuses, counts and scores.

    ``filled``: answer counts shared by the checks of one unchanged document (``Facts.filled_in``); start it
    empty, and hand it to no check of another document or of this one once changed.
    """
    checker = Checker(framework, messages=False, index=shared_index(forms or load_forms()))
    checker._check_all(doc, filled)
    return checker.counts()


def check_score(doc: Document, framework: Framework, forms: FormSet | None = None,
                filled: FilledCounts | None = None) -> float | None:
    """``check_counts(doc, framework).score`` — the rubric's total, or None for a framework without a score —
    without running the rules no score part reads (for the portfolio, which shows only the rubric's score).
    ``tests/test_checks_counts.py`` holds it to ``check``'s score. ``filled``: as ``check_counts``'s."""
    return Checker(framework, messages=False, index=shared_index(forms or load_forms())).score_only(doc, filled)


_INDEXES: dict[int, tuple[FormSet, FormIndex]] = {}


def shared_index(forms: FormSet) -> FormIndex:
    """One ``FormIndex`` per form set for checks that keep no state between documents (``check_counts``,
    the portfolio's clocks): building one compiles every form condition again."""
    known = _INDEXES.get(id(forms))
    if known is None or known[0] is not forms:
        known = _INDEXES[id(forms)] = (forms, FormIndex(forms))
    return known[1]
