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

``export_editions`` makes several audiences' editions in one go (``riskwright
export --audience internal --audience public``): the file is read once, and
the internal edition is made in a forked child beside the wider ones, each
edition through its whole path and written or refused on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from app.export.build import Revision
from app.export.errors import ExportRefused
from app.export.pipeline import Exported, discard_writer, flags_beside_build, start_writer, write_report
from app.export.redaction_log import FlagDecision
from app.content.forms import load_forms
from app.redaction import default_detectors, load_audiences
from app.redaction.beside import Child, may_fork
from app.session.changelog import with_changelog
from app.store import AssessmentFile
from app.store.flags import FlagTable
from app.store.hashing import ContentHasher

if TYPE_CHECKING:
    from app.store.verification import Verdict


def file_revision(assessment: AssessmentFile, digest: str | None = None) -> Revision:
    """Revision number, hash and sign-offs of the assessment as it is now (``digest``: the content's hash,
    when the caller has it — ``revision_status``)."""
    from app.content.roles import load_roles
    from app.store.signoff import required_approvals, revision_status
    roles = load_roles()
    status = revision_status(assessment, required_approvals(roles.required, roles.ids), digest)
    signoffs = tuple({"role": s.role, "name": s.name, "signed_at": s.signed_at, "fingerprint": s.fingerprint}
                     for s in status.signoffs)
    return Revision(status.hash, status.number, status.state, signoffs)


def flag_decisions(table: FlagTable) -> tuple[FlagDecision, ...]:
    """Flag resolutions recorded in the file (for the internal redaction log), oldest first."""
    return tuple(FlagDecision(r.address, f"{r.detector} ({r.category})", r.action, r.detail, r.at, r.who)
                 for r in table.resolutions())


def refuse_unless_verified(assessment: AssessmentFile, audience: str, verdict: Verdict | None = None) -> None:
    """Raise ExportRefused when the file does not verify (``verdict``: what a check of this snapshot already
    found, else it is checked here); the problems are not printed (they may quote values)."""
    if verdict is None:
        from app.store.verification import verify
        verdict = verify(assessment.db, assessment.document)
    refusal = _unverified(assessment, verdict, audience)
    if refusal is not None:
        raise refusal


def _unverified(assessment: AssessmentFile, verdict: Verdict, audience: str) -> ExportRefused | None:
    """The refusal of an ``audience`` edition when ``verdict`` says the file does not verify, else None."""
    if verdict.intact:
        return None
    count = len(verdict.problems)
    return ExportRefused(
        f"refused: {assessment.path.name} does not verify ({count} problem{'s' if count != 1 else ''}: it was "
        f"changed outside Riskwright); no {audience} edition was made from it or written. "
        f"`riskwright verify {assessment.path.name}` names what changed.", "verify")


def export_file(path: Path, audience: str, fmt: str, output: Path, kind: str = "assessment") -> Exported:
    """Export an assessment file as the document ``kind`` (``reports/kinds/``; ``assessment`` is the full
    report); raise ExportRefused (nothing written) or StoreError/OSError."""
    # The writer's child (a PDF's) gets the writer ready from now on, while the file is read and the report
    # built; ``write_report`` hands it the report.
    start_writer(fmt, audience)
    try:
        return _exported(path, audience, fmt, output, kind)
    finally:
        discard_writer()  # a child no export took (an error, a refusal before the report) is reaped


def _exported(path: Path, audience: str, fmt: str, output: Path, kind: str) -> Exported:
    # A snapshot: works beside an editor, on read-only media; an export only reads it (``reads_only``).
    with AssessmentFile.open(path, "read", reads_only=True) as assessment:
        table = FlagTable(assessment.db)
        if audience == "internal":
            revision = with_changelog(assessment, file_revision(assessment), kind)  # kinds with a changelog only
            return write_report(assessment.document, audience, fmt, output, decisions=flag_decisions(table),
                                revision=revision, kind=kind)
        # A wider edition: the file verifies first (before its history is read for a changelog), and the
        # revision's hash reuses what the content check encoded (~0.02 s of hashing the large example again).
        from app.store.verification import verify
        hasher = ContentHasher()
        verdict = verify(assessment.db, assessment.document, hasher)
        refuse_unless_verified(assessment, audience, verdict)
        revision = with_changelog(assessment, file_revision(assessment, hasher.digest(assessment.document)), kind)
        return _wider_edition(assessment, table, audience, fmt, output, revision, kind, verdict)


def _wider_edition(assessment: AssessmentFile, table: FlagTable, audience: str, fmt: str, output: Path,
                   revision: Revision, kind: str, verdict: Verdict | None) -> Exported:
    """A reviewers' or public edition: only from a file that verifies (``verdict``: what the caller's check of
    this snapshot found; None: checked here), gated on open flags, leak-scanned."""
    refuse_unless_verified(assessment, audience, verdict)
    # The flag scan of the whole document runs beside the report's build where a second process can
    # (``start_document_hits``), or — a PDF — while the writer's child writes (``flags_beside_build``);
    # the pipeline asks the gate before anything reaches the disk.
    from app.redaction.authored import discard_document_hits, start_document_hits
    from app.session.flags import gate
    forms, detectors, audiences = load_forms(), default_detectors(), load_audiences()
    if flags_beside_build(fmt):
        start_document_hits(assessment.document, forms, detectors, audiences)

    def flag_gate() -> tuple[list[str], set[tuple[str, str]]]:
        answer = gate(assessment.document, table, audience, forms, detectors, audiences)
        return list(answer.open), set(answer.dismissed)

    try:
        return write_report(assessment.document, audience, fmt, output, revision=revision, kind=kind,
                            gate=flag_gate)
    finally:
        discard_document_hits()  # reaps the child when the gate was never asked (an error before it)


@dataclass(frozen=True)
class Edition:
    """What became of one audience's edition in a several-audience export: ``exported`` when it was written,
    else ``refusal`` (the export ran and refused; nothing written for it) or ``error`` (it could not run:
    a file error, said in plain words)."""

    audience: str
    output: Path
    exported: Exported | None = None
    refusal: ExportRefused | None = None
    error: str | None = None


def export_editions(path: Path, outputs: Sequence[tuple[str, Path]], fmt: str,
                    kind: str = "assessment") -> list[Edition]:
    """Export several audiences' editions of ``kind`` in one go: ``outputs`` is (audience, file) pairs, and the
    answer holds one ``Edition`` for each, in the same order. Raise StoreError/OSError only when the
    assessment cannot be read at all.

    Each edition takes the whole path of ``export_file`` — its own gate, audience filter, report, writer,
    leak scan of its finished bytes and atomic rename — and is written or refused on its own: a refused
    public edition does not stop the internal one, nor the other way round. What they share is the work
    before any edition: start-up, reading the file, its revision and sign-offs. The internal edition needs
    nothing from the file after that, so where this process may fork (``app.redaction.beside.may_fork``)
    it is made in a forked child on the second core while the wider editions are made here; a child that
    fails in any way (or a refused fork) means it is made here afterwards. Either way its bytes are those
    of a one-audience export: the same code on the same data.
    """
    with AssessmentFile.open(path, "read", reads_only=True) as assessment:
        table = FlagTable(assessment.db)
        verdict, digest = _verified_once(assessment, outputs)
        revision = with_changelog(assessment, file_revision(assessment, digest), kind)
        audiences = [audience for audience, _ in outputs]
        decisions = flag_decisions(table) if "internal" in audiences else ()

        def internal(output: Path) -> Exported:
            return write_report(assessment.document, "internal", fmt, output, decisions=decisions,
                                revision=revision, kind=kind)

        beside: Child | None = None
        first = audiences.index("internal") if "internal" in audiences else -1
        if first >= 0 and len(outputs) > 1 and may_fork():
            # Writer, fonts and the rest of a first write's loading: once here, inherited by the child,
            # instead of once in each edition's process (no output depends on it being done here).
            from app.content.report_layout import load_styles
            from app.export.formats import ready_writer
            ready_writer(fmt, load_styles())
            target = outputs[first][1]
            try:
                beside = Child(lambda: _edition_answer(internal, target))
            except OSError:
                beside = None
        done: dict[int, Edition] = {}
        try:
            for index, (audience, output) in enumerate(outputs):
                if beside is not None and index == first:
                    continue
                if audience == "internal":
                    done[index] = _edition(audience, output, partial(internal, output))
                else:
                    done[index] = _edition(audience, output, partial(
                        _wider_edition, assessment, table, audience, fmt, output, revision, kind, verdict=verdict))
            if beside is not None:
                target = outputs[first][1]
                ok, answer = beside.answer()
                edition = _edition_from_answer(target, fmt, answer) if ok else None
                done[first] = edition or _edition("internal", target, partial(internal, target))
        finally:
            if beside is not None:
                beside.close()
    return [done[index] for index in range(len(outputs))]


def _verified_once(assessment: AssessmentFile, outputs: Sequence[tuple[str, Path]]
                   ) -> tuple[Verdict | None, str | None]:
    """For a several-audience export with a wider edition: whether the file verifies (one check of the
    snapshot for every wider edition, which each refuse on their own when it does not) and the revision's
    hash from what that check encoded (not the whole content hashed again, ~0.01 s). (None, None) without a
    wider edition, or when the check cannot run: each wider edition then checks for itself (and says why it
    could not, beside the other editions)."""
    from app.store import StoreError
    from app.store.verification import verify
    if all(audience == "internal" for audience, _ in outputs):
        return None, None
    hasher = ContentHasher()
    try:
        verdict = verify(assessment.db, assessment.document, hasher)
    except (StoreError, OSError):
        return None, None
    return verdict, hasher.digest(assessment.document)


def _edition(audience: str, output: Path, make: Callable[[], Exported]) -> Edition:
    from app.store import StoreError
    try:
        return Edition(audience, output, exported=make())
    except ExportRefused as refusal:
        return Edition(audience, output, refusal=refusal)
    except (StoreError, OSError) as error:
        name = getattr(error, "filename", None)
        detail = getattr(error, "strerror", None) or str(error)
        return Edition(audience, output, error=f"{name}: {detail}" if name else detail)


def _edition_answer(make: Callable[[Path], Exported], output: Path) -> tuple[object, ...]:
    """In the forked child: the edition as plain values (``marshal``). A refusal or a file error is an
    answer like a written file (made again here it would only meet the same); anything else fails the
    child, and the parent makes the edition itself."""
    edition = _edition("internal", output, partial(make, output))
    if edition.exported is not None:
        return ("written", str(edition.exported.path), edition.exported.size, edition.exported.pages)
    if edition.refusal is not None:
        return ("refused", str(edition.refusal), edition.refusal.reason)
    return ("error", edition.error or "")


def _edition_from_answer(output: Path, fmt: str, answer: object) -> Edition | None:
    """The child's answer as an Edition; None when it is not one of the shapes it writes."""
    if not isinstance(answer, tuple) or not answer:
        return None
    if len(answer) == 4 and answer[0] == "written" and answer[1] == str(output) and isinstance(answer[2], int) \
            and (answer[3] is None or isinstance(answer[3], int)):
        return Edition("internal", output, exported=Exported(output, answer[2], "internal", fmt, answer[3]))
    if len(answer) == 3 and answer[0] == "refused" and isinstance(answer[1], str) and isinstance(answer[2], str):
        return Edition("internal", output, refusal=ExportRefused(answer[1], answer[2]))
    if len(answer) == 2 and answer[0] == "error" and isinstance(answer[1], str):
        return Edition("internal", output, error=answer[1])
    return None
