"""The quarterly update use case: read every assessment of a portfolio, then write one report through the usual walls.

For each readable, verified file: the flag gate for the audience (an open flag in
any included assessment refuses a wider edition, as it would that assessment's
own report; the internal edition is not gated), the audience filter's copy (the
report is built only from it), the score history from its signed revisions, and
the deadlines running in the filtered copy. Files are read on worker processes,
one per core (``app.portfolio.reading.read_each``), each handing back only what
the update uses (``_Included``). Then ``app.export.quarterly`` builds the report,
a writer writes it to a private temp file, and the finished bytes are searched
for every text any included assessment withholds from the audience — and for the
names of the models left out because their names are withheld — before the file
is moved into place. Nothing is written to any assessment file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from datetime import date
from pathlib import Path

from sqlite_utils import Database

from app.checks import check_counts, load_framework
from app.content.forms import load_forms
from app.content.report_layout import load_layout, load_styles
from app.export.audience import filtered, not_shown, report_words, searchable_texts
from app.export.errors import ExportRefused
from app.export.formats import writer_for
from app.export.formats.base import audience_note
from app.export.pipeline import Exported, leak_refusal, page_count
from app.export.quarterly import Deadline, ModelInput, Quarter, QuarterlyInput, build_quarterly
from app.export.staging import staged_write
from app.model.document import Document
from app.model.outputs import FORMATS
from app.model.forms import FormSet
from app.model.sensitivity import Sensitivity
from app.portfolio import ModelRow, Unreadable, portfolio_files, read_summary, running_clocks
from app.portfolio.reading import read_each
from app.portfolio.summary import RUBRIC, regime_ids
from app.export.report import Report
from app.redaction import WithheldText, default_detectors, leak_scan, load_audiences
from app.redaction.authored import Authored, portable_hits, rebuilt_hits
from app.redaction.beside import may_fork
from app.redaction.flags import FlagHit
from app.session import offload
from app.session.flags import gate
from app.store.flags import FlagTable
from app.store.revision import frozen_revisions, snapshot
from app.store.signoff import signoffs

_DETERMINATIONS = "pre_deployment.determinations"


@dataclass(frozen=True)
class _Included:
    """One readable assessment as the update uses it: all a worker process hands back (it pickles), never the
    whole document or its filtered copy."""

    model: ModelInput
    """Trimmed to what the update reads (``ModelInput.trimmed``)."""
    open_flags: tuple[str, ...]
    """The flag gate's open flags that reach the audience (none for the internal edition: not gated)."""
    dismissed: frozenset[tuple[str, str]]
    """(detector, normalised match) pairs dismissed in this assessment, which its report may show."""
    scan: _Scanned | None
    """What the finished file is searched for on this assessment's behalf; None for the internal edition."""


@dataclass(frozen=True)
class _Scanned:
    """One assessment's part of the leak scan of a wider edition."""

    sees: Sensitivity
    texts: tuple[WithheldText, ...]
    """Its filtered copy's withheld texts (``searchable_texts``)."""
    strict: frozenset[str]
    """The sources among ``texts`` that are always searched for (``AudienceView.strict_sources``)."""
    hidden_name: str | None
    """The model's name when the edition leaves the model out (its name is withheld), else None."""
    authored: list[tuple[object, ...]]
    """The detector hits in what its assessors wrote that the audience sees (``Authored.hits``), as plain data."""


@dataclass(frozen=True)
class _Refused:
    """A file whose filter refused (``ExportRefused``), as data: the exception does not pickle."""

    message: str
    reason: str


_WORKERS_FROM = 2
"""Forked workers read a portfolio of this many files or more: a large file costs 0.1-0.7 s, a fork ~10 ms."""
_SPAWNED_WORKERS_FROM = 8
"""Spawned workers (``_read``) start a fresh interpreter each, about a second: only for this many files or more."""


def export_quarterly(places: list[Path], quarter: Quarter, audience: str, fmt: str, output: Path,
                     as_of: date | None = None) -> Exported:
    """Write the quarterly update; raise ExportRefused (nothing written) with the reason."""
    as_of = as_of or min(date.today(), quarter.end)
    forms = load_forms()
    layout = load_layout()
    if audience not in layout.audiences:
        raise ValueError(f"unknown audience {audience!r}")
    included, unreadable, open_flags = _read(portfolio_files(places), quarter, audience, as_of)
    if open_flags:
        raise ExportRefused(
            f"refused: {len(open_flags)} open flag{'s' if len(open_flags) != 1 else ''} in text this audience "
            f"would see; resolve them in each assessment (riskwright scan FILE) first:\n  " +
            "\n  ".join(open_flags[:20]), "flags")
    chosen = layout.audiences[audience]
    update = QuarterlyInput(quarter, as_of, audience, chosen.banner, chosen.tone,
                            tuple(item.model for item in included),
                            tuple(bad.message for bad in unreadable) if audience == "internal" else ())
    report = build_quarterly(update, forms)
    styles = load_styles()
    data = writer_for(fmt, styles).write(report)
    with staged_write(output, data) as temp:
        if audience != "internal":
            hits = _leaks(included, report, fmt, temp, output.name)
            if hits:
                raise leak_refusal(audience, fmt, hits)
    return Exported(output, len(data), audience, fmt, page_count(data, fmt))


def default_file_name(quarter: Quarter, audience: str, fmt: str) -> str:
    """What an update is called unless the person names it (the command line and the window agree)."""
    return f"quarterly-update-{quarter.year}-Q{quarter.number}.{audience}{FORMATS[fmt].suffix}"


def written(exported: Exported, quarter: Quarter) -> str:
    pages = f", {exported.pages} pages" if exported.pages else ""
    return (f"wrote the {exported.audience} quarterly update for {quarter.label} to {exported.path} "
            f"({exported.size:,} bytes{pages})")


def export_quarterly_reporting(places: list[Path], quarter: Quarter, audience: str, fmt: str, output: Path,
                               as_of: date) -> tuple[bool, str]:
    """``export_quarterly`` for a worker process: (written, what happened in words) instead of raising, so
    a refusal crosses the process boundary as plain text (the window shows it as it is)."""
    try:
        return True, written(export_quarterly(places, quarter, audience, fmt, output, as_of), quarter)
    except ExportRefused as refusal:
        return False, str(refusal)
    except (OSError, ValueError) as error:
        return False, f"the quarterly update could not be written: {error}"


def _read(paths: list[Path], quarter: Quarter, audience: str, as_of: date
          ) -> tuple[list[_Included], list[Unreadable], list[str]]:
    """Every file read on both cores (``app.portfolio.reading.read_each``), the results in the order of
    ``paths``; the first refusal in that order is raised, as when the files were read one by one."""
    forking = may_fork()  # not in the window's worker process, which runs a thread of its own: spawned there
    read = read_each(paths, _read_share, (quarter, audience, as_of), fork=forking,
                     in_process_below=_WORKERS_FROM if forking else _SPAWNED_WORKERS_FROM,
                     warm=lambda: _warm(audience), started=offload.follow_parent, started_args=(os.getpid(),))
    included: list[_Included] = []
    unreadable: list[Unreadable] = []
    open_flags: list[str] = []
    for path, item in zip(paths, read, strict=True):
        if isinstance(item, _Refused):
            raise ExportRefused(item.message, item.reason)
        if isinstance(item, Unreadable):
            unreadable.append(item)
            continue
        if audience != "internal":
            open_flags += [f"{path.name}: {line}" for line in item.open_flags]
        included.append(item)
    return included, unreadable, open_flags


def _warm(audience: str) -> None:
    """Load, before the workers fork, what each of them would otherwise load for itself."""
    if audience != "internal":
        from app.export.choice_words import choice_vocabulary
        default_detectors()
        load_audiences()
        choice_vocabulary()


def _read_share(paths: list[Path], quarter: Quarter, audience: str, as_of: date
                ) -> list[_Included | Unreadable | _Refused]:
    """What a worker reads: each of ``paths`` as the update uses it, or why it cannot be."""
    forms = load_forms()
    return [_read_file(path, quarter, audience, as_of, forms) for path in paths]


def _read_file(path: Path, quarter: Quarter, audience: str, as_of: date, forms: FormSet
               ) -> _Included | Unreadable | _Refused:
    try:
        summary, read = read_summary(path, as_of, lambda row, db, full: _read_open(row, db, full, quarter, audience,
                                                                                   as_of, forms))
    except ExportRefused as refusal:
        return _Refused(str(refusal), refusal.reason)
    if isinstance(summary, Unreadable):
        return summary
    assert read is not None, "a readable file comes with what was read from it"
    return read


def _read_open(summary: ModelRow, db: Database, full: Document, quarter: Quarter, audience: str, as_of: date,
               forms: FormSet) -> _Included:
    """One verified assessment, still open, as the update uses it.

    The internal edition ignores open flags and runs no leak scan, so its files skip the flag gate (a whole
    scan of each file, most of the time a file took) and the leak scan's texts.
    """
    flag_gate = gate(full, FlagTable(db), audience, forms) if audience != "internal" else None
    view = filtered(full, audience, forms)
    scores = _score_history(db, summary, quarter)
    signed = tuple(date.fromisoformat(s.signed_at[:10]) for s in signoffs(db))
    model = ModelInput(
        document=view.document, withheld_values=frozenset(view.withholding.values),
        withheld_records=frozenset(view.withholding.records), signoff=summary.signoff_state,
        regimes=tuple((r.framework_id, r.title, r.status) for r in summary.regimes), score=summary.rubric_score,
        scores=scores, signed_on=signed, deadlines=_deadlines(view.document, as_of),
        highest_rank=_highest_rank(view.document), compute=_compute(view.document))
    if flag_gate is None:
        return _Included(model.trimmed(), (), frozenset(), None)
    texts = searchable_texts(view)
    hidden = None
    if not model.shows_model():
        name = full.get("header.model.name")
        hidden = name if isinstance(name, str) and name.strip() else None
    hits = view.authored.hits if view.authored is not None else []  # while the gate's scan is still at hand
    scan = _Scanned(view.sees, tuple(texts), frozenset(t.source for t in texts if t.source in view.strict_sources),
                    hidden, portable_hits(hits, default_detectors()))
    return _Included(model.trimmed(), flag_gate.open, flag_gate.dismissed, scan)


def _score_history(db: Database, summary: ModelRow, quarter: Quarter) -> tuple[tuple[Quarter, float], ...]:
    """The rubric score of each quarter's latest signed revision, and the current score for ``quarter``."""
    rubric = load_framework(RUBRIC)
    by_quarter: dict[Quarter, float] = {}
    for frozen in frozen_revisions(db):
        signed = [s.signed_at for s in signoffs(db, frozen.number)]
        when = max(signed) if signed else frozen.frozen_at
        day = date.fromisoformat(when[:10])
        doc = snapshot(db, frozen.number)
        score = check_counts(doc, rubric).score if doc is not None else None
        if score is not None and Quarter.containing(day) <= quarter:
            by_quarter[Quarter.containing(day)] = round(score, 1)
    if summary.rubric_score is not None:
        by_quarter[quarter] = summary.rubric_score
    return tuple(sorted(by_quarter.items()))


def _deadlines(doc: Document, as_of: date) -> tuple[Deadline, ...]:
    """Deadlines running in the filtered copy: a withheld date runs no clock this edition shows."""
    frameworks = []
    for framework_id in regime_ids(doc):
        try:
            frameworks.append(load_framework(framework_id))
        except KeyError:
            continue
    return tuple(Deadline(clock.due, clock.subject, clock.regime_title, clock.overdue)
                 for clock in running_clocks(doc, tuple(frameworks), as_of))


def _highest_rank(doc: Document) -> float | None:
    try:
        framework = load_framework(str(doc.get("header.framework")))
    except KeyError:
        return None
    ladder = [level.id for level in framework.levels]
    ranks = [ladder.index(level) for record in doc.records(_DETERMINATIONS)
             if (level := record.get("pre_mitigation_level")) in ladder]
    if not ranks or len(ladder) < 2:
        return None
    return max(ranks) / (len(ladder) - 1)


def _compute(doc: Document) -> float | None:
    """The latest checkpoint's effective compute, else the planned compute; None when neither is visible."""
    reached = [c for r in doc.records("training.checkpoints")
               if isinstance(c := r.get("effective_compute_flop"), float) and c > 0]
    if reached:
        return max(reached)
    planned = doc.get("pre_training.planned_compute_flop")
    return planned if isinstance(planned, float) and planned > 0 else None


class _Authored(Authored):
    """What assessors wrote across every included assessment: a detector hit in the finished update counts
    only when it is a hit in one of them that the audience sees (``app.redaction.authored``)."""

    def __init__(self, hits: list[FlagHit], sees: Sensitivity) -> None:
        self.hits = hits  # known already: what ``Authored`` would work out from a document when first asked
        self.sees = sees


def _leaks(included: list[_Included], report: Report, fmt: str, temp: Path, name: str) -> list[str]:
    """Every withheld text of every included assessment, and every hidden model's name, searched for."""
    texts: list[WithheldText | str] = []
    dismissed: set[tuple[str, str]] = set()
    sees = Sensitivity.PUBLIC
    shown = cache(lambda: report_words(report, (audience_note(report),)))  # the report's words, cut once
    for item in included:
        assert item.scan is not None, "a wider edition reads what its leak scan needs"
        sees = item.scan.sees
        dismissed |= item.dismissed
        if item.model.shows_model():
            texts += not_shown(list(item.scan.texts), item.scan.strict, shown)
        else:
            texts += item.scan.texts  # a hidden model: every text it withholds, none shown to compare
            if item.scan.hidden_name is not None:
                texts.append(item.scan.hidden_name)
    try:
        detectors = default_detectors()
        authored = _Authored([hit for item in included if item.scan is not None
                              for hit in rebuilt_hits(item.scan.authored, detectors)], sees)
        # Assessments of one lab withhold many of the same texts; the index keeps a phrase's first source
        # anyway (``PhraseIndex.add_text``), so each text once, in the order first met, finds the same leaks.
        leaks = leak_scan(temp, fmt, list(dict.fromkeys(texts)), detectors, file_name=name, dismissed=dismissed,
                          audience_sees=sees, authored=authored)
    except Exception as error:  # noqa: BLE001 - a file that cannot be scanned is not written
        return [f"the output leak scanner could not read the finished file ({type(error).__name__}: {error})"]
    return [str(leak) for leak in leaks]
