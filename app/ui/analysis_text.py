"""What the window says about a check's result: the status bar's line and the Findings tab's summary.

Plain functions of an ``Analysis`` (no Qt), so the live check works them out on its worker thread
with the result (``shown_texts``): on the large example they walk a thousand findings, which the GUI
thread used to do twice on every pause in typing.
"""

from __future__ import annotations

from typing import Any

from app.session.analysis import SEVERITY_ORDER, Analysis


def shown_texts(analysis: Analysis, framework: str | None) -> dict[str, Any]:
    """The status line and the summary of ``analysis`` (checked against ``framework``), for ``Analysis.shown``."""
    return {"status": status_line(analysis), "summary": analysis_summary(analysis, framework),
            "framework": framework}


def status_line(analysis: Analysis) -> str:
    """The status bar's summary of the last check."""
    if analysis.framework_error:
        return "Not checked against a framework"
    # Sections of the documents the regimes ask for are counted apart: they do not change the framework's status,
    # and "Compliant — 3 missing" would read as a contradiction.
    own = [f for f in analysis.findings if not f.rule_id.startswith("document:")]
    documents = len(analysis.findings) - len(own)
    violations = sum(1 for f in own if f.severity == "violation")
    missing = sum(1 for f in own if f.severity == "missing_evidence") + len(analysis.problems)
    words = {"compliant": "Compliant", "non_compliant": "Non-compliant", "incomplete": "Incomplete"}
    status = words.get(analysis.status or "", "Checked")
    details = [f"{violations} violation{'s' if violations != 1 else ''}"] if violations else []
    if missing:
        details.append(f"{missing} missing or invalid")
    line = status + (f" — {', '.join(details)}" if details else "")
    if len(analysis.regimes) > 1:
        worst = next((s for s in ("non_compliant", "incomplete") if any(r.status == s for r in analysis.regimes)),
                     "compliant")
        line += f"; across {len(analysis.regimes)} regimes: {words[worst]}"
    if documents:
        line += f"; {documents} document section{'s' if documents != 1 else ''} without evidence"
    return line


def analysis_summary(analysis: Analysis, framework: str | None) -> str:
    """One paragraph above the list: status, counts, rubric score."""
    problems = len(analysis.problems)
    fix = f"{problems} value{'s' if problems != 1 else ''} to fix or fill in" if problems else ""
    if analysis.framework_error:
        text = f"Not checked against a framework: {analysis.framework_error}."
        return text + (f" {fix[:1].upper() + fix[1:]}." if fix else "")
    counts: dict[str, int] = {}
    documents = 0
    for finding in analysis.findings:
        if finding.rule_id.startswith("document:"):  # app.checks.documents: not the framework's own rules
            documents += 1
            continue
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    head = f"Checked against <b>{framework or 'no framework'}</b>"
    if analysis.status:
        head += f": <b>{STATUS_LABELS.get(analysis.status, analysis.status)}</b>"
    parts = [f"{counts[s]} {SEVERITY_NAMES[s][0 if counts[s] == 1 else 1]}" for s in SEVERITY_ORDER
             if s in counts and s in SEVERITY_NAMES]
    if fix:
        parts.append(fix)
    text = head + (". " + ", ".join(parts) + "." if parts else ".")
    if documents:
        text += (f"<br>{documents} section{'s' if documents != 1 else ''} of the documents the regimes ask for "
                 f"{'have' if documents != 1 else 'has'} no evidence.")
    score = analysis.score
    if score is not None:
        text += f"<br>Rubric score: <b>{score.total:.1f}</b> of {score.out_of:.0f}."
    return text


STATUS_LABELS = {"compliant": "Compliant", "non_compliant": "Non-compliant", "incomplete": "Incomplete"}
SEVERITY_NAMES = {"violation": ("violation", "violations"),
                  "missing_evidence": ("missing evidence", "missing evidence"),
                  "warning": ("warning", "warnings"), "satisfied": ("satisfied", "satisfied")}
