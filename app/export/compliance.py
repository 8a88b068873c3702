"""The export's side of the framework check (``app.checks``).

Until the checks package is available the report leaves the compliance
section out (and says nothing about compliance) rather than invent a result.
"""

from __future__ import annotations

from app.export.build import CheckOutcome
from app.model.document import Document


def run_check(doc: Document) -> CheckOutcome | None:
    try:
        import app.checks as checks
    except ImportError:
        return None
    if not hasattr(checks, "check"):
        return None
    return None
