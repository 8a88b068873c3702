"""The export's side of the audience filter, the flag gate and the output leak scan (``app.redaction``).

Kept in one place so the pipeline cannot hand a writer an unfiltered
document by accident: every non-internal path goes through ``filtered``,
and every finished non-internal file through ``leak_hits`` with the texts
that same filter withheld.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from app.export.build import Withholding
from app.export.errors import ExportRefused
from app.export.report import Redaction, Report
from app.model.document import Document
from app.model.fast_dataclass import dataclass
from app.model.forms import FormSet
from app.model.sensitivity import Sensitivity
from app.export.report_text import report_texts
from app.model.spans import has_span_markup
from app.redaction import (
    FilterRefused, WithheldMatcher, WithheldText, default_detectors, for_audience, leak_scan, load_audiences,
)
from app.redaction.leak_scan import SHINGLE_WORDS
from app.redaction.normalise import word_list, word_view, word_view_and_words

if TYPE_CHECKING:
    from app.redaction.authored import Authored

@dataclass
class AudienceView:
    """What the filter gave one audience: the copy the report is built from, and what it withheld."""

    audience: str
    document: Document
    withholding: Withholding
    withheld_texts: list[WithheldText] = field(default_factory=list)
    sees: Sensitivity = Sensitivity.PUBLIC
    strict_sources: set[str] = field(default_factory=set)
    """Addresses whose withheld text is always searched for (passages, values holding passages)."""
    authored: Authored | None = None
    """The detector hits in what assessors wrote that this audience sees: only these refuse a finished file."""


def filtered(doc: Document, audience: str, forms: FormSet) -> AudienceView:
    """The audience's copy; refuse (nothing written) when the filter cannot vouch for the markup."""
    try:
        result = for_audience(doc, audience, forms)
    except FilterRefused as refusal:
        raise ExportRefused(f"refused: {refusal}", "filter") from None
    redaction = Redaction(
        audience=audience, total=result.total,
        by_domain=dict(result.by_domain()), by_reason=dict(result.by_reason()),
        withheld_records=len(result.withheld_records), by_kind=result.by_kind())
    withholding = Withholding(values=set(result.withheld_values), records=set(result.withheld_records),
                              placeholder=result.placeholder, redaction=redaction)
    from app.redaction.authored import Authored  # the flag scan's modules: loaded once a wider edition needs them
    strict = {w.address for w in result.withheld if w.kind == "passage"}
    strict |= {str(address) for address, value in doc.addresses()
               if isinstance(value.data, str) and has_span_markup(value.data)}
    return AudienceView(audience, result.document, withholding, list(result.withheld_texts),
                        result.audience.sees, strict, Authored(doc, forms, result.audience.sees))


def scannable_texts(view: AudienceView, report: Report, also_shown: tuple[str, ...] = ()) -> list[WithheldText]:
    """The withheld texts the finished file is searched for.

    A short withheld value that the report legitimately shows elsewhere —
    the level ``medium`` of a withheld record, an internal compute budget of
    "Negligible" beside public prose saying "not negligible" — cannot be told
    apart from that visible text, so searching for it only blocks the export.
    Such texts are left out when the report model (built from the filtered
    copy alone) already contains the whole phrase. Hazardous passages, and any
    value that held one, are always searched for; so is every longer text.
    A withheld choice word alone (``app.export.choice_words``) is not searched for.
    """
    return not_shown(searchable_texts(view), view.strict_sources, lambda: report_words(report, also_shown))


def report_words(report: Report, also_shown: tuple[str, ...] = ()) -> tuple[str, list[str] | None]:
    """The word view of everything ``report`` shows (and ``also_shown``), and its words: what ``not_shown``
    compares with (cut into words once)."""
    return word_view_and_words("\n".join([*report_texts(report), *also_shown]))


def not_shown(texts: list[WithheldText], strict_sources: Collection[str],
              shown: Callable[[], tuple[str, list[str] | None]]) -> list[WithheldText]:
    """``scannable_texts`` from a view's ``searchable_texts`` and the sources always searched for, for a
    report whose ``report_words`` ``shown`` gives (asked for only when some text might be left out)."""
    candidates = [t for t in texts
                  if t.source not in strict_sources and len(word_list(t.text)) <= SHINGLE_WORDS]
    if not candidates:
        return texts
    visible, words = shown()
    found = {phrase for phrase, _ in WithheldMatcher(candidates).find(visible, words)}
    return [t for t in texts if t.source in strict_sources or " ".join(word_list(t.text)) not in found]


def searchable_texts(view: AudienceView) -> list[WithheldText]:
    """The view's withheld texts less choice words alone (``app.export.choice_words``); hazardous passages stay."""
    from app.export.choice_words import choice_vocabulary
    vocabulary = choice_vocabulary()
    return [t for t in view.withheld_texts if t.source in view.strict_sources or word_view(t.text) not in vocabulary]


def prepared_matcher(view: AudienceView, report: Report) -> WithheldMatcher | None:
    """The leak scan's search for the withheld texts, built ahead (while the writer runs in another
    process); None when it cannot be built — ``leak_hits`` then builds it and reports what went wrong."""
    try:
        return WithheldMatcher(scannable_texts(view, report))
    except Exception:  # noqa: BLE001 - leak_hits tries again and refuses the file if it still fails
        return None


def leak_hits(view: AudienceView, report: Report, fmt: str, path: Path, output_name: str,
              dismissed: set[tuple[str, str]] = frozenset(),  # type: ignore[assignment]
              matcher: WithheldMatcher | None = None) -> list[str]:
    """Every leak of withheld text or detector hit in the finished file, one line each (``matcher``: the
    search ``prepared_matcher`` built for this view and report)."""
    try:
        texts = matcher if matcher is not None else scannable_texts(view, report)
        leaks = leak_scan(path, fmt, texts, default_detectors(), file_name=output_name,
                          dismissed=dismissed, audience_sees=view.sees, authored=view.authored)
    except Exception as error:  # noqa: BLE001 - a scan that cannot finish must not let the file through
        return [f"the output leak scanner could not read the finished file ({type(error).__name__}: "
                f"{error}); a file that cannot be scanned is not written"]
    return [str(leak) for leak in leaks]


def audience_ids() -> tuple[str, ...]:
    return tuple(load_audiences().ids())
