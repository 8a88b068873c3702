"""What every report writer shares: the report in, bytes out.

A writer arranges the report model and nothing else. It gets no document, no
file name and no clock, so the same report gives the same bytes every time
(the reproducibility promise) and it cannot print what the model lacks.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from app.content.report_layout import ReportStyles
from app.export.report import Cell, FieldEntry, Report

NOT_PROVIDED = "Not provided"


class ReportWriter(ABC):
    format_id: str = ""
    suffix: str = ""

    def __init__(self, styles: ReportStyles) -> None:
        self.styles = styles

    @abstractmethod
    def write(self, report: Report) -> bytes:
        """The finished file's bytes."""


def sensitivity_tag(entry: FieldEntry | Cell) -> str | None:
    """The visible marker of a value above public that this edition shows ('INTERNAL', 'HAZARDOUS')."""
    if entry.withheld or not entry.text:
        return None
    rank = entry.sensitivity.rank
    return None if rank == 0 else entry.sensitivity.value.upper()


def audience_note(report: Report) -> str:
    """One sentence on the cover saying who may read this edition."""
    audience = report.header.audience
    if audience == "internal":
        return ("This edition contains everything in the assessment, including passages marked hazardous. "
                "Do not copy it outside the assessment team; the reviewer and public editions are produced "
                "from the same revision with those passages withheld.")
    if audience == "reviewers":
        return ("This edition is for external reviewers under agreement. It includes internal details but "
                "withholds every passage marked hazardous; placeholders show where.")
    return ("This edition may be published. Passages that could give uplift towards serious harm, and "
            "proprietary details, are withheld; placeholders show where, and the section on what this "
            "report withholds counts them.")
