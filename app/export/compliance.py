"""The export's side of the framework check (``app.checks``).

The check always runs on the full assessment (a check of the filtered copy
would report withheld evidence as missing). For a wider audience, a finding
whose message quotes a value the audience may not see in full keeps its rule,
severity and source but loses the quoting message: the rule's own title, from
the published framework, stands in for it.
"""

from __future__ import annotations

from dataclasses import replace

from app.export.report import CheckOutcome, Finding
from app.model.document import Document
from app.model.paths import Address

WITHHELD_MESSAGE = " (The finding's details quote text withheld from this edition.)"


def _framework(framework_id: str | None):  # type: ignore[no-untyped-def]
    try:
        from app.checks import load_framework
    except ImportError:  # pragma: no cover - the checks package is part of the application
        return None
    if not framework_id:
        return None
    try:
        return load_framework(framework_id)
    except (KeyError, Exception):  # an unknown or broken framework is `riskwright check`'s to report
        return None


def _rubric_score(doc: Document, framework_id: str) -> float | None:
    """The best-practice rubric's score, from whichever installed framework carries a rubric."""
    from app.checks import check, framework_ids
    for other in framework_ids():
        if other == framework_id:
            continue
        framework = _framework(other)
        if framework is not None and framework.has_score:
            result = check(doc, framework)
            return None if result.score is None else float(result.score.total)
    return None


def run_check(doc: Document) -> CheckOutcome | None:
    """Findings, status and rubric score; None when the assessment names no installed framework."""
    framework_id = doc.get("header.framework")
    framework = _framework(framework_id if isinstance(framework_id, str) else None)
    if framework is None:
        return None
    from app.checks import check
    result = check(doc, framework)
    findings = tuple(
        Finding(rule_id=f.rule_id, severity=f.severity, stage=f.stage, address=f.address, message=f.message,
                citation=f.citation.label, citation_url=f.citation.url,
                rule_title=f.rule_title, quotes=tuple(f.quotes))
        for f in result.findings)
    score = float(result.score.total) if result.score is not None else _rubric_score(doc, framework.id)
    from app.export.regimes_section import regime_outcomes
    return CheckOutcome(findings, result.status, score, regime_outcomes(doc))


def for_audience(outcome: CheckOutcome, original: Document, filtered: Document,
                 keep_links: bool = True) -> CheckOutcome:
    """Findings safe for the filtered edition: messages quoting altered values fall back to the rule title.

    Without ``keep_links`` the source URLs go too: host names are internal
    detail to the detectors, so the public edition names each source by
    title and section only.
    """
    hidden = _withheld_record_ids(original, filtered)
    findings = []
    for finding in outcome.findings:
        if not keep_links:
            finding = replace(finding, citation_url="")
        concerns = _record_of(finding.address)
        if concerns is not None and concerns in hidden:
            # The finding is about a withheld record: point at its table, never at its id.
            finding = replace(finding, address=concerns[0])
        if any(_altered(original, filtered, address) for address in finding.quotes) or any(
                record_id in finding.message for _, record_id in hidden):
            title = finding.rule_title or finding.rule_id
            findings.append(Finding(finding.rule_id, finding.severity, finding.stage, finding.address,
                                    title.rstrip(".") + "." + WITHHELD_MESSAGE, finding.citation,
                                    finding.citation_url, finding.rule_title, ()))
        else:
            findings.append(finding)
    from app.export.regimes_section import regimes_for_audience
    return CheckOutcome(tuple(findings), outcome.status, outcome.rubric_score,
                        regimes_for_audience(outcome.regimes, original, filtered, keep_links, for_audience))


def _withheld_record_ids(original: Document, filtered: Document) -> set[tuple[str, str]]:
    """(table, id) of every record the filter replaced (its id can be as telling as its text)."""
    hidden = set()
    for table, records in original.tables.items():
        kept = {r.id for r in filtered.records(table)}
        hidden |= {(table, r.id) for r in records if r.id not in kept}
    return hidden


def _record_of(address: str | None) -> tuple[str, str] | None:
    if not address:
        return None
    try:
        parsed = Address.parse(address)
    except ValueError:
        return None
    return None if parsed.record is None or parsed.table is None else (parsed.table, parsed.record)


def _altered(original: Document, filtered: Document, address: str) -> bool:
    try:
        before = original.value(address)
        after = filtered.value(address)
    except (KeyError, ValueError):
        return True
    if before is None:
        return after is not None
    return after is None or after.data != before.data
