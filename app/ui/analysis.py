"""Live checks of the open assessment, re-run after each pause in editing.

Validation problems, framework findings and detector flags are computed by the
core packages; this module only decides when to ask (debounced, on a snapshot,
off the GUI thread) and sums the answers per stage for the navigator badges.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from app.model import Address
from app.model.validate import Problem
from app.ui.jobs import JobRunner, Progress, snapshot
from app.ui.navigator import StageCounts
from app.ui.session import AssessmentSession

ANALYSIS_PAUSE_MS = 450


@dataclass
class Analysis:
    problems: list[Problem] = field(default_factory=list)
    findings: list[Any] = field(default_factory=list)
    """``app.checks.Finding`` in stage order."""
    status: str | None = None
    """compliant, non_compliant or incomplete (None when the check could not run)."""
    score: Any = None
    """The rubric score when the framework is the best-practice rubric."""
    framework_error: str | None = None

    def problems_by_address(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for problem in self.problems:
            found.setdefault(problem.address, problem.message)
        return found

    def stage_counts(self) -> dict[str, StageCounts]:
        counts: dict[str, list[int]] = {}
        for problem in self.problems:
            counts.setdefault(stage_of(problem.address), [0, 0, 0])[1] += 1
        for finding in self.findings:
            slot = counts.setdefault(finding.stage or stage_of(finding.address), [0, 0, 0])
            if finding.severity == "violation":
                slot[0] += 1
            elif finding.severity == "missing_evidence":
                slot[1] += 1
        return {stage: StageCounts(*values) for stage, values in counts.items()}


def stage_of(address: str) -> str:
    return address.split(".", 1)[0].split("[", 1)[0]


def analyse(doc: Any, progress: Progress) -> Analysis:
    """Everything the panels show about a document (runs on a worker thread)."""
    from app.checks import check, load_framework
    from app.content.assessment import problems
    from app.content.errors import ContentError, ContentErrors
    progress(10, "Checking values")
    result = Analysis(problems=problems(doc))
    framework_id = doc.get("header.framework")
    if not isinstance(framework_id, str):
        result.framework_error = "choose the framework in the Assessment part to check against it"
        return result
    progress(40, "Checking against the framework")
    try:
        framework = load_framework(framework_id)
    except KeyError:
        result.framework_error = f"the framework {framework_id!r} is not installed"
        return result
    except (ContentError, ContentErrors) as error:
        result.framework_error = f"the framework file is broken: {error}"
        return result
    checked = check(doc, framework)
    result.findings = list(checked.findings)
    result.status = checked.status
    result.score = checked.score
    progress(100, "Done")
    return result


class LiveAnalysis(QObject):
    """Re-runs ``analyse`` after edits settle; never more than one run at a time."""

    ready = Signal(object)
    started = Signal()

    def __init__(self, session: AssessmentSession, jobs: JobRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.jobs = jobs
        self.latest: Analysis | None = None
        self._running = False
        self._again = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(ANALYSIS_PAUSE_MS)
        self._timer.timeout.connect(self.run_now)
        self._closed = False

    def schedule(self) -> None:
        self._timer.start()

    def run_now(self) -> None:
        self._timer.stop()
        if self._closed:
            return
        if self._running:
            self._again = True
            return
        self._running = True
        self.started.emit()
        document = snapshot(self.session.document)
        self.jobs.start(lambda progress: analyse(document, progress), self._done, self._failed)

    def _done(self, result: Analysis) -> None:
        self._running = False
        if self._closed:
            return
        self.latest = result
        self.ready.emit(result)
        if self._again:
            self._again = False
            self.run_now()

    def _failed(self, message: str) -> None:
        self._running = False
        if not self._closed:
            self.ready.emit(Analysis(framework_error=message))

    def close(self) -> None:
        self._closed = True
        self._timer.stop()


def address_label(address: str, session: AssessmentSession, with_stage: bool = True) -> str:
    """``Training › Checkpoints › ckpt-3 › Date`` for a person to read."""
    try:
        parsed = Address.parse(address)
    except ValueError:
        return address
    forms = session.forms
    parts: list[str] = []
    try:
        parts.append(forms.form(parsed.stage).title)
    except KeyError:
        return address
    if parsed.table:
        if forms.has_field(parsed.table):
            parts.append(forms.field(parsed.table).label)
        if parsed.record:
            parts.append(parsed.record)
    if forms.has_field(parsed.field) and not parsed.field.endswith("[]"):
        parts.append(forms.field(parsed.field).label)
    return " › ".join(parts if with_stage or len(parts) == 1 else parts[1:])
