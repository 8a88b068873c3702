"""Is the assessment ready for what the person is about to do? Said before they do it.

Signing off freezes a revision; a public report is read by people who cannot ask
back. Doing either to an assessment that is still incomplete, or — for a public
report — not signed off, is allowed (a draft may be shared on purpose), but never
by accident: the export dialog and the sign-off dialog show this warning, in
words, before the button is pressed. The words come from the live check and the
revision status, never from values, so they are safe on any screen.
"""

from __future__ import annotations

from typing import Any

_STATUS_WORDS = {"incomplete": "incomplete", "non_compliant": "not compliant with its framework"}


def readiness_warning(analysis: Any, revision: Any, purpose: str) -> str:
    """A sentence or two of plain warning, or "" when there is nothing to say.

    ``analysis``: the latest ``app.session.Analysis`` (or None while the first check runs);
    ``revision``: ``app.store.signoff.RevisionStatus`` or None; ``purpose``: ``"public"``,
    ``"reviewers"`` or ``"signoff"``.
    """
    problems = []
    if analysis is not None:
        missing = sum(1 for f in analysis.findings if getattr(f, "severity", "") == "missing_evidence")
        missing += len(analysis.problems)
        violations = sum(1 for f in analysis.findings if getattr(f, "severity", "") == "violation")
        detail = []
        if missing:
            detail.append(f"{missing} answer{'s' if missing != 1 else ''} missing or invalid")
        if violations:
            detail.append(f"{violations} violation{'s' if violations != 1 else ''}")
        if analysis.status in _STATUS_WORDS:
            problems.append(f"is {_STATUS_WORDS[analysis.status]}" + (f" ({', '.join(detail)})" if detail else ""))
        elif detail:
            problems.append(f"has {' and '.join(detail)}")
    if purpose != "signoff" and revision is not None and getattr(revision, "state", "") != "signed off":
        problems.append("has not been signed off" if not revision.signoffs else "is only partly signed off")
    if not problems:
        return ""
    said = " and ".join(problems)
    if purpose == "signoff":
        return (f"This assessment {said}. Signing freezes the revision as it is; consider completing it "
                f"first (see Findings).")
    audience = "public" if purpose == "public" else "reviewer"
    return (f"This assessment {said}. A {audience} report states this on its cover; export anyway only if "
            f"that is intended.")
