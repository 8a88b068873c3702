"""Findings for the documents an assessment's regimes ask for (``reports/kinds/``).

A regime that requires a document — SB 53's transparency report, the EU
code's model report, RSP v3's risk report — requires each of its sections.
For every kind one of the assessment's regimes calls for, each section whose
evidence fields are all empty becomes a ``missing_evidence`` finding, e.g.
"SB 53 transparency report: section “Languages supported” has no evidence",
citing the passage of the source that asks for the section. The same test
puts a visible note into the section of the exported document
(``app.export.kind_sections``), so the gap is never a silently empty heading.

These findings are about documents, not about the framework's rules: they
are listed with the check's findings (``riskwright check``, the Findings
panel) but do not change the framework's compliance status.
"""

from __future__ import annotations

from app.checks.findings import Finding
from app.content.framework_spec import Citation
from app.checks.regimes import regime_ids
from app.content.report_kinds import ReportKind, load_kinds, missing_evidence
from app.model.document import Document
from app.model.forms import FormSet
from app.model.labelled import fixed

RULE_PREFIX = "document:"


def document_findings(doc: Document, forms: FormSet, regimes: list[str] | None = None,
                      kinds: dict[str, ReportKind] | None = None) -> list[Finding]:
    """One finding per required section without evidence, for the kinds ``regimes`` call for."""
    regimes = regime_ids(doc) if regimes is None else regimes
    kinds = load_kinds() if kinds is None else kinds
    found: list[Finding] = []
    for kind in sorted(kinds.values(), key=lambda k: k.id):
        if not kind.required_by(regimes):
            continue
        for section in kind.sections:
            if not missing_evidence(doc, section, forms):
                continue
            first = section.evidence[0]
            stage = first.split(".", 1)[0]
            labels = ", ".join(_label(path, forms) for path in section.evidence)
            # The product's own words: the kind's and section's titles and the forms' labels, no value.
            message = (f"{kind.short_name}: section “{section.title}” has no evidence; fill in {labels}."
                       + ("" if section.verified else " (This section's requirement was not verified in the "
                                                      "source text.)"))
            found.append(Finding(
                rule_id=f"{RULE_PREFIX}{kind.id}/{section.id}", severity="missing_evidence", stage=stage,
                address=first.split("[].", 1)[0], text=fixed(message),
                citation=Citation(kind.source.url, section.cite or kind.source.version, kind.source.title),
                rule_title=f"{kind.title}: {section.title}"))
    return found


def _label(path: str, forms: FormSet) -> str:
    if "[]." in path:
        table = path.split("[].", 1)[0]
        return f"“{forms.field(path).label}” in {forms.field(table).label}"
    return f"“{forms.field(path).label}”"


def documents_text(findings: list[Finding]) -> str:
    """The findings as a block of ``riskwright check`` text output (empty when there are none)."""
    if not findings:
        return ""
    lines = ["", "== Documents the regimes ask for =="]
    for finding in findings:
        cite = finding.citation
        lines += [f"  {'MISSING':<10} {finding.address}",
                  f"             {finding.message}",
                  f"             [{finding.rule_id}] {cite.source_title}, {cite.section} <{cite.url}>"]
    return "\n".join(lines) + "\n"
