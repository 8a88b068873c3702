"""What a check produces: findings, an overall status and (for a rubric) a score.

These are the shapes the export, UI and redaction code read, and the JSON the
``riskwright check --format json`` command prints (``to_json``), so they are
plain frozen data with no behaviour beyond summarising themselves.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

from app.content.framework_spec import SEVERITIES, Citation
from app.model.fast_dataclass import dataclass
from app.model.labelled import EMPTY, Labelled, fixed
from app.model.sensitivity import Sensitivity

STATUSES: tuple[str, ...] = ("compliant", "non_compliant", "incomplete")
JSON_FORMAT_VERSION = 1
UNSAID = fixed("(not worked out: a counts-only check)")
"""The message of a finding found by a counts-only check (``check_counts``), which never leaves the checker."""


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: str
    """``violation``, ``missing_evidence``, ``warning`` or ``satisfied``."""
    stage: str
    address: str
    """A field path, with the record id for table rows (``training.checkpoints[ckpt-7].date``),
    or a table path when the finding concerns the table as a whole."""
    text: Labelled
    """The message, each part labelled with the sensitivity of the values it quotes or was worked
    out from (``app.model.labelled``), so a report renders it for its audience."""
    citation: Citation
    rule_title: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.text, Labelled):
            raise TypeError(f"finding {self.rule_id}: the message must be labelled text (app.model.labelled), "
                            f"not {type(self.text).__name__}")

    @property
    def message(self) -> str:
        """The whole message, for readers cleared for everything (the editor, ``riskwright check``)."""
        return self.text.plain

    @property
    def quotes(self) -> tuple[str, ...]:
        """Addresses of the assessment values the message quotes or was worked out from (a record's
        id is labelled with its record, ``table[id]``, which is not a value and is left out)."""
        return tuple(source for source in self.text.sources if not source.endswith("]"))

    @property
    def sensitivity(self) -> Sensitivity:
        """The highest sensitivity of anything in the message."""
        return self.text.sensitivity

    def to_json(self) -> dict[str, Any]:
        return {"rule_id": self.rule_id, "rule_title": self.rule_title, "severity": self.severity,
                "stage": self.stage, "address": self.address, "message": self.message,
                "quotes": list(self.quotes),
                "citation": {"source": self.citation.source_title, "section": self.citation.section,
                             "page": self.citation.page, "verified": self.citation.verified,
                             "url": self.citation.url}}


@dataclass(frozen=True)
class PartScore:
    label: str
    fraction: float
    why: Labelled = EMPTY
    """What falls short, in words (empty at full marks), labelled like a finding's message."""
    weight: float = 1.0

    @property
    def note(self) -> str:
        return self.why.plain


@dataclass(frozen=True)
class ItemScore:
    id: str
    title: str
    stage: str
    value: float
    """What the item is worth on the 100-point scale."""
    earned: float
    fraction: float
    parts: tuple[PartScore, ...]
    reading: str = ""


@dataclass(frozen=True)
class SectionScore:
    id: str
    title: str
    weight: float
    earned: float
    items: tuple[ItemScore, ...]


@dataclass(frozen=True)
class Score:
    total: float
    sections: tuple[SectionScore, ...]
    out_of: float = 100.0

    def to_json(self) -> dict[str, Any]:
        return {"total": round(self.total, 1), "out_of": self.out_of, "sections": [
            {"id": s.id, "title": s.title, "weight": s.weight, "earned": round(s.earned, 2), "items": [
                {"id": i.id, "title": i.title, "stage": i.stage, "points": round(i.value, 2),
                 "earned": round(i.earned, 2), "fraction": round(i.fraction, 3),
                 "parts": [{"label": p.label, "fraction": round(p.fraction, 3), "note": p.note}
                           for p in i.parts]}
                for i in s.items]} for s in self.sections]}


def status_of(counts: dict[str, int]) -> str:
    """Any violation makes the assessment non-compliant; otherwise missing evidence makes it incomplete."""
    if counts.get("violation"):
        return "non_compliant"
    if counts.get("missing_evidence"):
        return "incomplete"
    return "compliant"


@dataclass(frozen=True)
class CheckResult:
    framework_id: str
    framework_name: str
    framework_version: str
    framework_date: str
    findings: tuple[Finding, ...]
    score: Score | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return status_of(self.counts)

    def of_severity(self, severity: str) -> list[Finding]:
        return [f for f in self.findings if f.severity == severity]

    def for_rule(self, rule_id: str) -> list[Finding]:
        return [f for f in self.findings if f.rule_id == rule_id]

    def at(self, address: str) -> list[Finding]:
        """Findings about one value, or about anything inside a table when given its path."""
        return [f for f in self.findings if f.address == address or f.address.startswith(address + "[")]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": JSON_FORMAT_VERSION,
            "framework": {"id": self.framework_id, "name": self.framework_name,
                          "version": self.framework_version, "date": self.framework_date},
            "status": self.status,
            "counts": {severity: self.counts.get(severity, 0) for severity in SEVERITIES},
            "findings": [f.to_json() for f in self.findings],
            "score": self.score.to_json() if self.score else None,
        }


@dataclass(frozen=True)
class CheckCounts:
    """What a counts-only check (``app.checks.check_counts``) finds: the same status, counts and rubric
    score as ``check``, without findings or messages — for a view across many assessments."""

    framework_id: str
    counts: dict[str, int]
    score: float | None = None
    """The rubric's total out of 100 (``CheckResult.score.total``), unrounded; None for a framework."""

    @property
    def status(self) -> str:
        return status_of(self.counts)
