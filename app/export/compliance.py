"""The export's side of the framework check (``app.checks``).

The check always runs on the full assessment (a check of the filtered copy
would report withheld evidence as missing). Its messages are labelled text
(``app.model.labelled``): each quoted or derived part carries the sensitivity
of the values behind it, and the report renders them for its audience, the
parts it may not see as the usual placeholder. A finding's address names a
record by id; the id carries the record's sensitivity, and an address whose
record is withheld is shown as its table.
"""

from __future__ import annotations

from dataclasses import replace

from app.export.labels import concerns
from app.export.report import CheckedFinding, CheckOutcome
from app.model.document import Document
from app.model.forms import FormSet
from app.model.sensitivity import Sensitivity


WITHHELD_MESSAGE = " (The finding's details quote text withheld from this edition.)"
"""No longer produced (labelled messages keep what the audience may see); readers of old output know it."""


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
    """The best-practice rubric's score, from whichever installed framework carries a rubric (only the score
    is shown, so the counts-only check: the same score, no finding's message written)."""
    from app.checks import check_counts, framework_ids
    for other in framework_ids():
        if other == framework_id or not _may_score(other):
            continue
        framework = _framework(other)
        if framework is not None and framework.has_score:
            result = check_counts(doc, framework)
            return None if result.score is None else float(result.score)
    return None


def _may_score(framework_id: str) -> bool:
    """False only where the framework certainly carries no rubric: its file has no top-level ``score``
    (what ``has_score`` is built from). Reading the parsed file is several times cheaper than loading and
    checking the whole framework, which a file that may score still gets."""
    from app.content.frameworks import frameworks_folder
    from app.content.yaml_source import load_yaml_file
    try:
        data = load_yaml_file(frameworks_folder() / f"{framework_id}.yaml")
    except Exception:  # noqa: BLE001 - loading the framework reports (and skips) it as before
        return True
    return not isinstance(data, dict) or data.get("score") is not None


def run_check(doc: Document, forms: FormSet | None = None) -> CheckOutcome | None:
    """Findings, status and rubric score; None when the assessment names no installed framework."""
    framework_id = doc.get("header.framework")
    framework = _framework(framework_id if isinstance(framework_id, str) else None)
    if framework is None:
        return None
    from app.checks import check
    from app.content.forms import load_forms
    forms = forms or load_forms()
    result = check(doc, framework, forms)
    findings = tuple(
        CheckedFinding(rule_id=f.rule_id, severity=f.severity, stage=f.stage, address=f.address,
                       concerns=concerns(doc, forms, f.address), message=f.text,
                       citation=f.citation.label, citation_url=f.citation.url, rule_title=f.rule_title)
        for f in result.findings)
    score = float(result.score.total) if result.score is not None else _rubric_score(doc, framework.id)
    from app.export.regimes_section import regime_outcomes
    return CheckOutcome(findings, result.status, score, regime_outcomes(doc, forms))


def for_audience(outcome: CheckOutcome, sees: Sensitivity, keep_links: bool = True) -> CheckOutcome:
    """The check for a wider edition: regimes it may not know of left out (``regimes_for_audience``) and,
    without ``keep_links``, the source URLs gone too (host names are internal detail to the detectors, so
    the public edition names each source by title and section). Messages are rendered by the report."""
    from app.export.regimes_section import regimes_for_audience
    findings = outcome.findings if keep_links else tuple(replace(f, citation_url="") for f in outcome.findings)
    return replace(outcome, findings=findings, regimes=regimes_for_audience(outcome.regimes, sees, keep_links))
