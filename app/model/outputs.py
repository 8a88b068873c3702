"""Who a report is for and what file it is written as: the one list of each.

Export, the command line, the window and the report layout all read these, so
none can come to disagree. An audience's clearance is the highest sensitivity
it sees; ``schemas/audiences.yaml`` may relabel and describe the audiences but
must keep these three with these clearances. Plain data, cheap to import (the
command line reads it to build its help).
"""

from __future__ import annotations


from app.model.fast_dataclass import dataclass
from app.model.sensitivity import Sensitivity

AUDIENCES: tuple[str, ...] = ("public", "reviewers", "internal")
"""Widest first: the order export choices are offered in."""
NARROWEST_FIRST: tuple[str, ...] = tuple(reversed(AUDIENCES))
"""Internal first: the order reports are laid out and listed in."""
CLEARANCE: dict[str, Sensitivity] = {
    "public": Sensitivity.PUBLIC,
    "reviewers": Sensitivity.INTERNAL,
    "internal": Sensitivity.HAZARDOUS,
}
"""The highest sensitivity each audience sees."""


@dataclass(frozen=True)
class OutputFormat:
    id: str
    label: str
    """How the window names it."""
    suffix: str
    """The file name's ending, dot included."""


FORMATS: dict[str, OutputFormat] = {f.id: f for f in (
    OutputFormat("pdf", "PDF", ".pdf"),
    OutputFormat("md", "Markdown", ".md"),
    OutputFormat("html", "HTML", ".html"),
    OutputFormat("json", "JSON", ".json"),
    OutputFormat("docx", "Word (DOCX)", ".docx"),
)}
"""Every format a report can be exported as, in the order they are offered; writers in ``app.export.formats``."""
FORMAT_IDS: tuple[str, ...] = tuple(FORMATS)
