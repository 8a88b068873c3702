"""Several regimes at once: one assessment checked against every framework or law it answers to.

A lab in 2026 answers to its own framework, California's SB 53 and the EU code
together. The header names them (``header.regimes``); an assessment written
before that field existed names one framework (``header.framework``), which
is then the only regime, so old files check exactly as before.

``check_regimes`` runs one ``Checker`` per regime (each framework resolves the
assessment's category ids through its own equivalents) and returns a
``RegimeCheck``: the results in header order, the regime x status matrix with
the findings behind each cell, and, for incident reporting, each regime's
own deadline for the same incident side by side.
"""

from __future__ import annotations

from typing import Any

from app.checks.deadlines import check_reporting_deadline, selected
from app.checks.engine import check
from app.checks.facts import Facts, FormIndex
from app.checks.findings import CheckResult
from app.content.forms import load_forms
from app.content.framework_spec import SEVERITIES, Framework, ReportingDeadlineRule
from app.content.frameworks import framework_ids, load_framework
from app.model.document import Document, Record
from app.model.fast_dataclass import dataclass
from app.model.forms import FormSet

INCIDENTS = "deployment.incidents"
REGIMES_TABLE = "header.regimes"
MATRIX_COLUMNS: tuple[str, ...] = SEVERITIES
"""The matrix's columns: findings per severity, most serious first; the status closes each row."""


def regime_ids(doc: Document) -> list[str]:
    """The regimes the assessment names, in header order without repeats; the single framework when
    the header lists none (files written before regimes existed)."""
    named: list[str] = []
    for record in doc.records(REGIMES_TABLE):
        framework_id = record.get("framework")
        if framework_id and framework_id not in named:
            named.append(str(framework_id))
    if named:
        return named
    primary = doc.get("header.framework")
    return [str(primary)] if primary else []


def unknown_regimes(ids: list[str]) -> list[str]:
    installed = set(framework_ids())
    return [framework_id for framework_id in ids if framework_id not in installed]


@dataclass(frozen=True)
class Deadline:
    """One regime's deadline for one incident, as its reporting rule judged it."""

    regime: str
    rule_id: str
    severity: str
    limit: str
    """``15 days``, ``24 hours``, ``5 days (serious cybersecurity breach)``."""
    message: str


@dataclass(frozen=True)
class RegimeCheck:
    frameworks: tuple[Framework, ...]
    results: tuple[CheckResult, ...]

    @property
    def status(self) -> str:
        """The most serious status of any regime: one regime's violation makes the whole non-compliant."""
        statuses = {result.status for result in self.results}
        for status in ("non_compliant", "incomplete"):
            if status in statuses:
                return status
        return "compliant"

    def matrix(self) -> list[dict[str, Any]]:
        """One row per regime: id, name, kind, status, and per severity the count and the findings."""
        rows = []
        for framework, result in zip(self.frameworks, self.results, strict=True):
            cells = {severity: [f for f in result.findings if f.severity == severity] for severity in MATRIX_COLUMNS}
            rows.append({"id": framework.id, "name": framework.name, "kind": framework.kind,
                         "version": framework.version, "status": result.status,
                         "counts": {severity: len(found) for severity, found in cells.items()},
                         "findings": cells})
        return rows

    def incident_deadlines(self, doc: Document, forms: FormSet | None = None) -> dict[str, list[Deadline]]:
        """Per incident record id, each regime's deadline for its first report, judged on that incident
        alone (regimes in header order; a regime whose rules do not cover the incident is left out)."""
        index = FormIndex(forms or load_forms())
        found: dict[str, list[Deadline]] = {}
        for framework in self.frameworks:
            for rule in framework.rules:
                if not isinstance(rule, ReportingDeadlineRule) or rule.table != INCIDENTS:
                    continue
                if rule.start == "resolved_on":
                    continue  # follow-up reports are not the first report's deadline
                for record in doc.records(INCIDENTS):
                    alone = doc.copy()
                    alone.tables[INCIDENTS] = [record]
                    facts = Facts(alone, framework, index)
                    if not _covers(rule, facts, record):
                        continue
                    for finding in check_reporting_deadline(rule, facts):
                        found.setdefault(record.id, []).append(
                            Deadline(framework.id, rule.id, finding.severity, _limit(rule, record), finding.message))
        return found


def check_regimes(doc: Document, ids: list[str], forms: FormSet | None = None) -> RegimeCheck:
    """Check ``doc`` against each framework in ``ids`` (installed ids; KeyError otherwise)."""
    frameworks = tuple(load_framework(framework_id) for framework_id in ids)
    return RegimeCheck(frameworks, tuple(check(doc, framework, forms) for framework in frameworks))


def _covers(rule: ReportingDeadlineRule, facts: Facts, record: Record) -> bool:
    if rule.where is not None and not selected(rule, facts, record):
        return False
    return rule.in_hours or rule.deadline(record.get(rule.by) if rule.by else None) is not None


def _limit(rule: ReportingDeadlineRule, record: Record) -> str:
    if rule.within_hours is not None:
        return f"{rule.within_hours} hours"
    days = rule.deadline(record.get(rule.by) if rule.by else None)
    return f"{days} day{'' if days == 1 else 's'}"
