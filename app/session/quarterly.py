"""The quarterly update use case: read every assessment of a portfolio, then write one report through the usual walls.

For each readable, verified file: the flag gate for the audience (an open flag in
any included assessment refuses a wider edition, as it would that assessment's
own report), the audience filter's copy (the report is built only from it),
the score history from its signed revisions, and the deadlines running in the
filtered copy. Then ``app.export.quarterly`` builds the report, a writer writes
it to a private temp file, and the finished bytes are searched for every text
any included assessment withholds from the audience — and for the names of the
models left out because their names are withheld — before the file is moved
into place. Nothing is written to any assessment file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from datetime import date
from pathlib import Path

from sqlite_utils import Database

from app.checks import check_counts, load_framework
from app.content.forms import load_forms
from app.content.report_layout import load_layout, load_styles
from app.export.audience import AudienceView, filtered, scannable_texts, searchable_texts
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
from app.portfolio.summary import RUBRIC, regime_ids
from app.export.report import Report
from app.redaction import WithheldText, default_detectors, leak_scan
from app.redaction.authored import Authored
from app.redaction.flags import FlagHit
from app.session.flags import gate
from app.store.flags import FlagTable
from app.store.revision import frozen_revisions, snapshot
from app.store.signoff import signoffs

_DETERMINATIONS = "pre_deployment.determinations"


@dataclass
class _Included:
    row: ModelRow
    view: AudienceView
    full: Document
    model: ModelInput
    dismissed: frozenset[tuple[str, str]]
    """(detector, normalised match) pairs dismissed in this assessment, which its report may show."""


def export_quarterly(places: list[Path], quarter: Quarter, audience: str, fmt: str, output: Path,
                     as_of: date | None = None) -> Exported:
    """Write the quarterly update; raise ExportRefused (nothing written) with the reason."""
    as_of = as_of or min(date.today(), quarter.end)
    forms = load_forms()
    layout = load_layout()
    if audience not in layout.audiences:
        raise ValueError(f"unknown audience {audience!r}")
    included, unreadable, open_flags = _read(portfolio_files(places), quarter, audience, as_of, forms)
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


def _read(paths: list[Path], quarter: Quarter, audience: str, as_of: date, forms: FormSet
          ) -> tuple[list[_Included], list[Unreadable], list[str]]:
    included: list[_Included] = []
    unreadable: list[Unreadable] = []
    open_flags: list[str] = []
    for path in paths:
        summary, read = read_summary(path, as_of, lambda row, db, full: _read_open(row, db, full, quarter, audience,
                                                                                   as_of, forms))
        if isinstance(summary, Unreadable):
            unreadable.append(summary)
            continue
        assert read is not None, "a readable file comes with what was read from it"
        item, flags_open = read
        if audience != "internal":
            open_flags += [f"{path.name}: {line}" for line in flags_open]
        included.append(item)
    return included, unreadable, open_flags


def _read_open(summary: ModelRow, db: Database, full: Document, quarter: Quarter, audience: str, as_of: date,
               forms: FormSet) -> tuple[_Included, list[str]]:
    """One verified assessment, still open, as the update uses it; with the open flags of its gate."""
    flag_gate = gate(full, FlagTable(db), audience, forms)
    view = filtered(full, audience, forms)
    scores = _score_history(db, summary, quarter)
    signed = tuple(date.fromisoformat(s.signed_at[:10]) for s in signoffs(db))
    model = ModelInput(
        document=view.document, withheld_values=frozenset(view.withholding.values),
        withheld_records=frozenset(view.withholding.records), signoff=summary.signoff_state,
        regimes=tuple((r.framework_id, r.title, r.status) for r in summary.regimes), score=summary.rubric_score,
        scores=scores, signed_on=signed, deadlines=_deadlines(view.document, as_of),
        highest_rank=_highest_rank(view.document), compute=_compute(view.document))
    return _Included(summary, view, full, model, flag_gate.dismissed), list(flag_gate.open)


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

    def __init__(self, parts: list[Authored], sees: Sensitivity) -> None:
        self._parts = parts
        self.sees = sees

    @cached_property
    def hits(self) -> list[FlagHit]:
        return [hit for part in self._parts for hit in part.hits]


def _leaks(included: list[_Included], report: Report, fmt: str, temp: Path, name: str) -> list[str]:
    """Every withheld text of every included assessment, and every hidden model's name, searched for."""
    texts: list[WithheldText | str] = []
    dismissed: set[tuple[str, str]] = set()
    sees = Sensitivity.PUBLIC
    for item in included:
        sees = item.view.sees
        dismissed |= item.dismissed
        if item.model.shows_model():
            texts += scannable_texts(item.view, report, (audience_note(report),))
        else:
            texts += searchable_texts(item.view)  # a hidden model: every text it withholds, none shown to compare
            hidden = item.full.get("header.model.name")
            if isinstance(hidden, str) and hidden.strip():
                texts.append(hidden)
    try:
        authored = _Authored([item.view.authored for item in included if item.view.authored is not None], sees)
        leaks = leak_scan(temp, fmt, texts, default_detectors(), file_name=name, dismissed=dismissed,
                          audience_sees=sees, authored=authored)
    except Exception as error:  # noqa: BLE001 - a file that cannot be scanned is not written
        return [f"the output leak scanner could not read the finished file ({type(error).__name__}: {error})"]
    return [str(leak) for leak in leaks]
