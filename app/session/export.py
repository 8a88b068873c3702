"""The export use case: read what an export needs from the assessment file, then hand it plain data.

``app.export`` turns a document into a checked report and never opens the
file. This module opens it (read-only use: nothing is written to the
assessment during an export), collects the revision and sign-offs, the flag
gate for a wider audience — computed from the document in memory, with the
dismissals recorded in the file — and the internal redaction log, and calls
``app.export.pipeline.write_report``. The CLI and the window's export worker
both come through here.

A wider-audience edition is made only from a file that verifies
(``app.store.verification``): content changed behind the history's back, a
flag dismissal added with an SQLite tool or a planted trigger would otherwise
reach a public report unnoticed.
"""

from __future__ import annotations

from pathlib import Path

from app.export.build import Revision
from app.export.errors import ExportRefused
from app.export.pipeline import Exported, write_report
from app.export.redaction_log import FlagDecision
from app.content.forms import load_forms
from app.redaction import default_detectors, load_audiences
from app.redaction.authored import discard_document_hits, start_document_hits
from app.session.changelog import with_changelog
from app.session.flags import gate
from app.store import AssessmentFile
from app.store.flags import FlagTable
from app.store.verification import verify


def file_revision(assessment: AssessmentFile) -> Revision:
    """Revision number, hash and sign-offs of the assessment as it is now."""
    from app.content.roles import load_roles
    from app.store.signoff import required_approvals, revision_status
    roles = load_roles()
    status = revision_status(assessment, required_approvals(roles.required, roles.ids))
    signoffs = tuple({"role": s.role, "name": s.name, "signed_at": s.signed_at, "fingerprint": s.fingerprint}
                     for s in status.signoffs)
    return Revision(status.hash, status.number, status.state, signoffs)


def flag_decisions(table: FlagTable) -> tuple[FlagDecision, ...]:
    """Flag resolutions recorded in the file (for the internal redaction log), oldest first."""
    return tuple(FlagDecision(r.address, f"{r.detector} ({r.category})", r.action, r.detail, r.at, r.who)
                 for r in table.resolutions())


def refuse_unless_verified(assessment: AssessmentFile, audience: str) -> None:
    """Raise ExportRefused when the file does not verify; the problems are not printed (they may quote values)."""
    verdict = verify(assessment.db, assessment.document)
    if not verdict.intact:
        count = len(verdict.problems)
        raise ExportRefused(
            f"refused: {assessment.path.name} does not verify ({count} problem{'s' if count != 1 else ''}: it was "
            f"changed outside Riskwright); no {audience} edition is made from it, nothing was written. "
            f"`riskwright verify {assessment.path.name}` names what changed.", "verify")


def export_file(path: Path, audience: str, fmt: str, output: Path, kind: str = "assessment") -> Exported:
    """Export an assessment file as the document ``kind`` (``reports/kinds/``; ``assessment`` is the full
    report); raise ExportRefused (nothing written) or StoreError/OSError."""
    with AssessmentFile.open(path, "read") as assessment:  # a snapshot: works beside an editor, on read-only media
        table = FlagTable(assessment.db)
        revision = with_changelog(assessment, file_revision(assessment), kind)  # kinds with a changelog only
        if audience == "internal":
            return write_report(assessment.document, audience, fmt, output, decisions=flag_decisions(table),
                                revision=revision, kind=kind)
        refuse_unless_verified(assessment, audience)
        # The flag scan of the whole document runs beside the report's build where a second process can
        # (``start_document_hits``); the pipeline asks the gate before anything reaches the disk.
        forms, detectors, audiences = load_forms(), default_detectors(), load_audiences()
        start_document_hits(assessment.document, forms, detectors, audiences)

        def flag_gate() -> tuple[list[str], set[tuple[str, str]]]:
            answer = gate(assessment.document, table, audience, forms, detectors, audiences)
            return list(answer.open), set(answer.dismissed)

        try:
            return write_report(assessment.document, audience, fmt, output, revision=revision, kind=kind,
                                gate=flag_gate)
        finally:
            discard_document_hits()  # reaps the child when the gate was never asked (an error before it)
