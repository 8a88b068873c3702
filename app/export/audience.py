"""The export's side of the audience filter and the output leak scan (``app.redaction``).

Kept in one place so the pipeline cannot call a writer with an unfiltered
document by accident: every non-internal path goes through ``filtered``,
and every finished non-internal file through ``leak_hits``. While the
redaction package is missing, both refuse, and nothing is written.
"""

from __future__ import annotations

from pathlib import Path

from app.export.build import Withholding
from app.export.errors import ExportRefused
from app.model.document import Document
from app.model.forms import FormSet
from app.store import AssessmentFile

_MISSING = ("{audience} exports need the audience filter and the output leak scanner (app.redaction), "
            "which this build does not have yet; nothing was written. Internal exports work.")


def _redaction():  # type: ignore[no-untyped-def]
    try:
        import app.redaction as redaction
    except ImportError:
        return None
    if not hasattr(redaction, "for_audience") or not hasattr(redaction, "leak_scan"):
        return None
    return redaction


def filtered(doc: Document, audience: str, forms: FormSet) -> tuple[Document, Withholding]:
    redaction = _redaction()
    if redaction is None:
        raise ExportRefused(_MISSING.format(audience=audience.capitalize()), "unavailable")
    raise ExportRefused(_MISSING.format(audience=audience.capitalize()), "unavailable")


def leak_hits(doc: Document, audience: str, fmt: str, path: Path, forms: FormSet) -> list[str]:
    redaction = _redaction()
    if redaction is None:
        raise ExportRefused(_MISSING.format(audience=audience.capitalize()), "unavailable")
    raise ExportRefused(_MISSING.format(audience=audience.capitalize()), "unavailable")


def open_flags(assessment: AssessmentFile, audience: str) -> list[str]:
    """Open detector flags that block an export to ``audience``, one line each (where, what kind)."""
    redaction = _redaction()
    if redaction is None:
        raise ExportRefused(_MISSING.format(audience=audience.capitalize()), "unavailable")
    raise ExportRefused(_MISSING.format(audience=audience.capitalize()), "unavailable")
