"""Export an assessment: gate → filter → report model → writer → leak scan → rename.

The three walls of ``shared/redaction.md`` meet here. For a wider audience the
report is built from the audience-filtered copy (wall 1), the export is
refused while detector flags are open (wall 2), and the finished bytes are
scanned in a private temp file (``app.export.staging``) before anything is
moved into place (wall 3): a hit deletes the temp file and leaves the target
untouched. The assessment file is never opened here: the caller passes in
what the export needs from it (``app.session.export``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from app.content.forms import load_forms
from app.content.errors import ContentError, ContentErrors
from app.content.report_kinds import ASSESSMENT, layout_for_kind
from app.content.report_layout import ReportLayout, ReportStyles, load_layout, load_styles
from app.export import audience as audience_filter
from app.export import collection, compliance
from app.export.build import CheckOutcome, ReportRefused, Revision, Withholding, build_report
from app.export.errors import ExportRefused
from app.export.formats import FORMAT_IDS, ready_writer, writer_for
from app.export.formats.base import ReportWriter
from app.export.framework_view import framework_facts
from app.export.redaction_log import FlagDecision
from app.export.report import Report
from app.model.fast_dataclass import dataclass
from app.model.outputs import AUDIENCES as AUDIENCE_IDS
from app.model.document import Document
from app.model.canonical import revision_hash
from app.model.damage import damage_message, damaged_addresses
from app.model.forms import FormSet
from app.export.staging import staged_write
from app.redaction.beside import Awaiting, Child, core_idle, may_fork
from app.redaction.leak_scan import WithheldMatcher, warm_reader

AUDIENCES = AUDIENCE_IDS
FORMATS = FORMAT_IDS


@dataclass(frozen=True)
class Exported:
    path: Path
    size: int
    audience: str
    format: str
    pages: int | None = None


def check_outcome(doc: Document, forms: FormSet | None = None) -> CheckOutcome | None:
    """The framework check (None when the assessment names no installed framework)."""
    return compliance.run_check(doc, forms)


def revision_of(doc: Document) -> Revision:
    """The revision hash a sign-off signs (``app.model.canonical``)."""
    return Revision(revision_hash(doc))


def build_for_audience(doc: Document, audience: str, *, forms: FormSet | None = None,
                       layout: ReportLayout | None = None, styles: ReportStyles | None = None,
                       revision: Revision | None = None, flags_open: list[str] | None = None,
                       decisions: tuple[FlagDecision, ...] = (), kind: str = ASSESSMENT) -> Report:
    """The report model for ``audience``; for any audience but internal, from the filtered copy only.

    ``kind`` picks the document (``reports/kinds/``; ``assessment`` is the full assessment report).
    """
    return _prepare(doc, audience, forms=forms, layout=layout or layout_for_kind(kind), styles=styles,
                    revision=revision, flags_open=flags_open, decisions=decisions)[0]


def _prepare(doc: Document, audience: str, *, forms: FormSet | None = None, layout: ReportLayout | None = None,
             styles: ReportStyles | None = None, revision: Revision | None = None,
             flags_open: list[str] | None = None, decisions: tuple[FlagDecision, ...] = ()
             ) -> tuple[Report, audience_filter.AudienceView | None]:
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}; expected one of {', '.join(AUDIENCES)}")
    forms = forms or load_forms()
    damaged = damaged_addresses(doc, forms)
    if damaged:  # a damaged value must not reach a renderer, whose error would quote it
        raise ExportRefused(f"refused: {damage_message(damaged)}; nothing was written", "damaged")
    layout = layout or load_layout()
    styles = styles or load_styles()
    revision = revision or revision_of(doc)
    facts = framework_facts(_framework_id(doc))
    check = check_outcome(doc, forms)
    view = None
    if audience == "internal":
        source, withholding = doc, Withholding()
    else:
        if flags_open:
            raise flags_refusal(audience, flags_open)
        view = audience_filter.filtered(doc, audience, forms)
        source, withholding = view.document, view.withholding
        if withholding.value("header.framework"):
            # The framework itself is withheld: its title, labels, rules and citations would name it.
            facts, check = None, None
        elif check is not None:
            check = compliance.for_audience(check, view.sees, keep_links=audience != "public")
    try:
        report = build_report(source, audience=audience, forms=forms, layout=layout, styles=styles, facts=facts,
                              check=check, withholding=withholding, revision=revision, decisions=decisions)
    except ReportRefused as refusal:
        raise ExportRefused(f"refused: {refusal}", "filter") from None
    return report, view


def flags_refusal(audience: str, flags_open: list[str]) -> ExportRefused:
    """What an export is refused with while detector or echo flags reaching its audience are open."""
    count = len(flags_open)
    return ExportRefused(
        f"refused: {count} detector flag{'s are' if count != 1 else ' is'} open for the {audience} "
        f"audience; redact or dismiss {'them' if count != 1 else 'it'} first (riskwright scan / "
        f"riskwright resolve), nothing was written:\n  " + "\n  ".join(flags_open[:20])
        + ("\n  …" if count > 20 else ""), "flags")


FlagGate = Callable[[], tuple[list[str], set[tuple[str, str]]]]
"""Works out (open flag lines, dismissed pairs) when called: ``write_report`` asks only once the report is
built and written in memory, so a caller that started the flag scan in the background
(``app.redaction.authored.start_document_hits``) has it done beside the report."""


LONG_WRITERS = frozenset({"pdf", "docx"})
"""Formats whose writer takes long enough (the large example's PDF: about a second) that the exporting
process works the flags out while the writer's child writes (``_asked``); for the others a child of their
own works them out beside the report's build (``app.redaction.authored.start_document_hits``)."""


def flags_beside_build(fmt: str) -> bool:
    """Whether the caller should start the flag scan in a child beside the build (``start_document_hits``)
    for a ``fmt`` export; else the gate is asked while the writer's child writes, with no third process
    competing with the build for two cores. Either way the gate is met at the same point."""
    return fmt not in LONG_WRITERS or not may_fork()


def _framework_id(doc: Document) -> str | None:
    framework = doc.get("header.framework")
    return framework if isinstance(framework, str) else None


def write_report(doc: Document, audience: str, fmt: str, output: Path, *,
                 flags_open: list[str] | None = None, dismissed: set[tuple[str, str]] | None = None,
                 decisions: tuple[FlagDecision, ...] = (), revision: Revision | None = None,
                 kind: str = ASSESSMENT, gate: FlagGate | None = None) -> Exported:
    """Build, write to a private temp file, scan, and move into place; raise ExportRefused on a refusal.

    Everything the export needs from the assessment file comes in as plain
    data (the caller, ``app.session.export``, reads it): ``flags_open`` — one
    line per open flag reaching the audience; ``dismissed`` — (detector,
    normalised match) pairs the leak scan lets through; ``decisions`` — the
    internal redaction log; ``revision`` — number, hash and sign-offs. This
    module never opens the assessment file, let alone writes to it. ``kind``
    picks the document (``reports/kinds/``); every kind goes through the same
    filter, gate and scan. ``gate``, when given, replaces ``flags_open`` and ``dismissed`` for a wider
    audience: it is asked once the report is in memory (nothing is on disk before it answers), and its
    refusal comes before any other but a damaged value's, as when ``flags_open`` is given.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    with collection.paused():  # full collections would walk the live document again and again
        return _write_report(doc, audience, fmt, output, flags_open, dismissed, decisions, revision, kind, gate)


def _write_report(doc: Document, audience: str, fmt: str, output: Path, flags_open: list[str] | None,
                  dismissed: set[tuple[str, str]] | None, decisions: tuple[FlagDecision, ...],
                  revision: Revision | None, kind: str, gate: FlagGate | None) -> Exported:
    styles = load_styles()
    matcher = None
    if gate is None or audience == "internal":
        # The internal edition's writer gets ready in a forked child while this process builds the report
        # (``start_writer``, or here), where that pays.
        writer = _started_writer(fmt, styles, audience) if audience == "internal" else None
        try:
            report, view = _prepare(doc, audience, styles=styles, flags_open=flags_open, decisions=decisions,
                                    revision=revision, layout=layout_for_kind(kind))
            data = _written_by(writer, fmt, styles, report)
        finally:
            if writer is not None:
                writer.close()
    else:
        report, view, data, dismissed, matcher = _gated(doc, audience, fmt, styles, gate, decisions, revision,
                                                        kind)
    with staged_write(output, data) as temp:
        if view is not None:
            hits = audience_filter.leak_hits(view, report, fmt, temp, output.name, dismissed or set(), matcher)
            if hits:
                raise leak_refusal(audience, fmt, hits)
    pages = page_count(data, fmt)
    collection.set_aside(report, view, matcher, data)  # a one-shot process ends without freeing them
    return Exported(output, len(data), audience, fmt, pages)


def _gated(doc: Document, audience: str, fmt: str, styles: ReportStyles, gate: FlagGate,
           decisions: tuple[FlagDecision, ...], revision: Revision | None, kind: str
           ) -> tuple[Report, audience_filter.AudienceView | None, bytes, set[tuple[str, str]],
                      WithheldMatcher | None]:
    """Build and write the report in memory, then ask the gate; refusals in the order ``_prepare`` has them
    (a damaged value, then open flags, then anything else)."""
    writer = _started_writer(fmt, styles, audience)
    try:
        try:
            report, view = _prepare(doc, audience, styles=styles, flags_open=None, decisions=decisions,
                                    revision=revision, layout=layout_for_kind(kind))
            data, matcher, asked = _written_beside_matcher(fmt, styles, report, view, writer, gate)
        except ExportRefused as refusal:
            if refusal.reason == "damaged":
                raise
            _refuse_open(audience, gate)
            raise
        except Exception:
            _refuse_open(audience, gate)
            raise
    finally:
        if writer is not None:
            writer.close()
    flags_open, dismissed = asked()
    if flags_open:
        raise flags_refusal(audience, flags_open)
    return report, view, data, dismissed, matcher


def _early_writer(fmt: str, styles: ReportStyles) -> Awaiting | None:
    """For a long writer (``LONG_WRITERS``), a forked child that gets the writer ready (its module,
    reportlab's fonts …) while this process builds the report, then writes the report it is sent
    (``beside.Awaiting``). None for other formats — their writer's module loads in a moment, so their
    child is forked once the report is built and inherits it (``_written_beside_matcher``), with no copy
    to send — and where no child may be forked."""
    if fmt not in LONG_WRITERS or not may_fork():
        return None
    try:
        return Awaiting(lambda: ready_writer(fmt, styles), _write)
    except OSError:
        return None


def _write(writer: ReportWriter, report: Report) -> bytes:
    return writer.write(report)


_STARTED: list[tuple[str, str, Awaiting]] = []
"""(format, audience, child) of the writer's child ``start_writer`` forked for the export about to be made."""


def start_writer(fmt: str, audience: str) -> None:
    """Fork the writer's child (``_early_writer``) for an ``audience`` export in ``fmt`` now, before the
    caller reads the assessment file, so the writer is ready by the time the report is: the next
    ``write_report`` for the same format and audience hands its report to this child. Nothing is forked
    where it would not pay (``_pays``). Whoever calls this calls ``discard_writer`` once the export is done
    or failed (a child never handed a report is stopped and reaped there). A child already started for the
    same format and audience is kept: the command line starts it before it checks its arguments and loads
    the report kinds (``app.cli.cmd_export``), ~0.02 s earlier."""
    if _STARTED and _STARTED[-1][:2] == (fmt, audience):
        return
    discard_writer()
    if _pays(fmt, audience):
        try:
            styles = load_styles()
        except (ContentError, ContentErrors, OSError):
            # A styles file a person broke: no child; the export meets the same error where it always did
            # (after the assessment file is read, where the caller says file:line:column, not a traceback).
            return
        writer = _early_writer(fmt, styles)
        if writer is not None:
            _STARTED.append((fmt, audience, writer))


def discard_writer() -> None:
    """Stop and reap a child ``start_writer`` forked that no export took."""
    while _STARTED:
        _STARTED.pop()[2].close()


def _pays(fmt: str, audience: str) -> bool:
    """Whether a forked child getting the ``fmt`` writer ready beside the report's build pays, for a long
    writer (``LONG_WRITERS``). A wider edition's process asks the flag gate and builds the leak scan's
    search while its child writes, so its child always pays. The internal edition's process has nothing
    else to do beside the writer: its child pays only in a process that makes this one export and ends
    (``collection.ends_at_once``: the command, not the window's export worker, which gets its writer ready
    once and keeps it for the exports after), while this process has not loaded the writer's module (once
    it has — one edition of several made here — a child would only add the report's copy to send), and
    where a core is idle (with the other core busy the two would only take turns on one)."""
    if fmt not in LONG_WRITERS:
        return False
    return audience != "internal" or (collection.ends_at_once() and not _writer_loaded(fmt) and core_idle())


def _started_writer(fmt: str, styles: ReportStyles, audience: str) -> Awaiting | None:
    """The writer's child for this export: the one ``start_writer`` forked for it, else one forked now
    where that pays; None where there is none (the report is then written here)."""
    if _STARTED:
        started_fmt, started_audience, writer = _STARTED.pop()
        if (started_fmt, started_audience) == (fmt, audience) and styles is load_styles():
            return writer
        writer.close()
    return _early_writer(fmt, styles) if _pays(fmt, audience) else None


def _writer_loaded(fmt: str) -> bool:
    """Whether this process has the ``fmt`` writer's module loaded already (``ready_writer`` ran here, or an
    earlier export wrote here): a child getting it ready would then only add the report's copy to send."""
    return f"app.export.formats.{fmt}" in sys.modules


def _written_by(writer: Awaiting | None, fmt: str, styles: ReportStyles, report: Report) -> bytes:
    """The finished bytes, written by the forked ``writer`` child where there is one (it got the writer
    ready while this process built the report); here where there is none or it fails in any way (a
    writer's error is then raised here, as without the child)."""
    if writer is not None and writer.send(report):
        done, data = writer.answer()
        if done and isinstance(data, bytes):
            return data
    return writer_for(fmt, styles).write(report)


def _written_beside_matcher(fmt: str, styles: ReportStyles, report: Report,
                            view: audience_filter.AudienceView | None, writer: Awaiting | None,
                            gate: FlagGate) -> tuple[bytes, WithheldMatcher | None, FlagGate]:
    """The finished bytes, written by the forked ``writer`` child where there is one while this process
    builds the leak scan's search for the withheld texts and asks the flag gate; a child that fails means
    the report is written here (and a writer's error is raised here, as without the child). The gate's
    answer (or error) comes back as a callable, for the caller to meet once the bytes are written."""
    if writer is None or view is None or not writer.send(report):
        if writer is not None:
            writer.close()
        data, matcher = _written_here_or_beside(fmt, styles, report, view)
        return data, matcher, gate
    matcher = audience_filter.prepared_matcher(view, report)
    warm_reader(fmt)  # the leak scan's reader, imported while the child writes
    asked = _asked(gate)  # the flags, worked out while the child writes
    done, data = writer.answer()
    if done and isinstance(data, bytes):
        return data, matcher, asked
    return writer_for(fmt, styles).write(report), matcher, asked


def _written_here_or_beside(fmt: str, styles: ReportStyles, report: Report,
                            view: audience_filter.AudienceView | None) -> tuple[bytes, WithheldMatcher | None]:
    """The finished bytes, written in a child forked now (it inherits the report and imports the writer's
    module itself) while this process builds the leak scan's search; where no child may be forked, or it
    fails, written here (a writer's error is then raised here, as without the child)."""
    child = None
    if view is not None and may_fork():
        try:
            child = Child(lambda: writer_for(fmt, styles).write(report))
        except OSError:
            child = None
    try:
        matcher = audience_filter.prepared_matcher(view, report) if view is not None else None
        if child is not None:
            warm_reader(fmt)  # the leak scan's reader, imported while the child writes
            done, data = child.answer()
            if done and isinstance(data, bytes):
                return data, matcher
        return writer_for(fmt, styles).write(report), matcher
    finally:
        if child is not None:
            child.close()


def _asked(gate: FlagGate) -> FlagGate:
    """The gate asked now; its answer, or its error, is met when the returned callable is called."""
    try:
        answer = gate()
    except Exception as error:  # noqa: BLE001 - raised where the gate is met, as before
        failure = error

        def fail() -> tuple[list[str], set[tuple[str, str]]]:
            raise failure
        return fail
    return lambda: answer


def _refuse_open(audience: str, gate: FlagGate) -> None:
    """Raise the flags refusal when flags are open; otherwise return, and the caller re-raises its error
    (also when the gate itself cannot answer: the export fails either way)."""
    try:
        flags_open, _ = gate()
    except Exception:  # noqa: BLE001 - the error being handled is the one to report
        return
    if flags_open:
        raise flags_refusal(audience, flags_open) from None


def leak_refusal(audience: str, fmt: str, hits: list[str]) -> ExportRefused:
    """What a finished file that the leak scan caught is refused with (it is deleted; nothing is written)."""
    return ExportRefused(
        f"refused: the finished {audience} {fmt} file would leak; it was deleted and nothing was "
        f"written ({len(hits)} hit{'s' if len(hits) != 1 else ''}):\n  " + "\n  ".join(hits[:20]), "leak")


def page_count(data: bytes, fmt: str) -> int | None:
    """Pages of a finished PDF (each page object is written once by the writer); None for other formats."""
    return (data.count(b"/Type /Page\n") or None) if fmt == "pdf" else None
