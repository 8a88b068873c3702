"""What people wrote that an audience will read: the flags of a document that reach one audience.

The output leak scan runs the detectors over every channel of a finished file,
and a finished report is mostly text the product generated: dates, cadence
notes ("2027-06-01 (6-month cadence)"), chart tick labels, page numbers,
hashes. A detector hit there is nothing a person could redact or dismiss, so
letting it refuse the export made ``riskwright scan`` (which reads only what
people wrote) and the export disagree, with no way out.

So a detector hit in the finished bytes counts only when it is a hit in text
an assessor wrote and the audience sees — the same hits the flag gate
computes (``app.redaction.flags.document_flags``), less the dismissed ones.
The finished-bytes scan still finds every such hit that reaches the file (the
gate may have been bypassed, or be wrong); it no longer refuses for text no
person typed. A hit is matched to an assessor's hit by detector and words:
one's word view contains the other's at word boundaries, so a line break or a
neighbouring cell in the output that lengthens or shortens a pattern's match
does not let it through.

Echoes of withheld values (``app.redaction.echo``) count the same way: the
words of every echo nobody dismissed are searched for in the output.

The words of every hit nobody dismissed are also searched for in the output
as phrases (runs of eight words for long ones), the way withheld text is:
rendering can take a pattern's match apart (a PDF drops a code block's
fences), and the words still give it away.
"""

from __future__ import annotations

import pickle
from collections.abc import Collection
from functools import cached_property

from app.model.document import Document
from app.model.forms import FormSet
from app.model.sensitivity import Sensitivity
from app.redaction.audiences import Audiences, load_audiences
from app.redaction.beside import Child, may_fork
from app.redaction.detectors import DetectorSet, default_detectors
from app.redaction.echo import ECHO_IDS, ECHO_PREFIX, echo_hits
from app.redaction.flags import FlagHit, document_flags, reaches


def _signature(doc: Document) -> list[object]:
    """Everything the flags of ``doc`` depend on, by identity: every value object and what it holds, every
    record and its id and sensitivity. Edits replace value objects (``dataclasses.replace``) and set record
    sensitivity in place, so any edit changes some element; elements are compared with ``is`` (the counts with
    ``==``: a count above 256 is a new int object each time it is worked out)."""
    parts: list[object] = []
    for path, value in doc.values.items():
        parts += (path, value, value.data, value.sensitivity, value.sensitivity_reason)
    for table, records in doc.tables.items():
        parts += (table, records, len(records))
        for record in records:
            parts += (record, record.id, record.sensitivity, record.sensitivity_reason, len(record.values))
            for relative, value in record.values.items():
                parts += (relative, value, value.data, value.sensitivity, value.sensitivity_reason)
    return parts


_LAST: list[tuple[list[object], tuple[object, ...], list[FlagHit]]] = []
"""The flags of the last document asked about: the export gate and the finished-file scan of one export
ask for the same document, and a whole-document scan of the large example costs about half a second."""


def _same(signature: list[object], tools: tuple[object, ...], other_signature: list[object],
          other_tools: tuple[object, ...]) -> bool:
    return len(other_signature) == len(signature) and all(a is b for a, b in zip(other_tools, tools, strict=True)) \
        and all(a is b or (type(a) is int and a == b) for a, b in zip(other_signature, signature, strict=True))


def document_hits(doc: Document, forms: FormSet, detectors: DetectorSet, audiences: Audiences) -> list[FlagHit]:
    """Every flag of ``doc`` — detector hits and echoes of withheld values — for every audience."""
    signature = _signature(doc)
    tools = (forms, detectors, audiences)
    if _LAST:
        last_signature, last_tools, hits = _LAST[0]
        if _same(signature, tools, last_signature, last_tools):
            return list(hits)
    background = _collect(signature, tools, detectors)
    hits = background if background is not None else _work_out(doc, forms, detectors, audiences)
    _LAST[:] = [(signature, tools, hits)]
    return list(hits)


def _work_out(doc: Document, forms: FormSet, detectors: DetectorSet, audiences: Audiences) -> list[FlagHit]:
    return [*document_flags(doc, forms, detectors, audiences), *echo_hits(doc, forms, audiences)[0]]


# -- working the flags out beside the export -------------------------------------------------------------
_PENDING: list[tuple[list[object], tuple[object, ...], Child]] = []
"""(signature, tools, child) of the one scan running in a forked child."""


def start_document_hits(doc: Document, forms: FormSet, detectors: DetectorSet, audiences: Audiences) -> bool:
    """Start working out ``document_hits(doc, …)`` in a forked child (``beside.Child``), so the second core
    scans the document (about 0.3 s on the large example) while this process builds and writes the report;
    the next ``document_hits`` call for the same document and tools takes the child's answer. True when a
    child was started. Call ``discard_document_hits`` when the answer may never be asked for (an error path).

    Nothing is trusted more than before: the child runs the same code on a copy of the same document, and
    when it fails or the document changed in between, ``document_hits`` works the flags out here.
    """
    discard_document_hits()
    signature = _signature(doc)
    tools = (forms, detectors, audiences)
    if (_LAST and _same(signature, tools, _LAST[0][0], _LAST[0][1])) or not may_fork():
        return False
    try:
        child = Child(lambda: portable_hits(_work_out(doc, forms, detectors, audiences), detectors),
                      (_pickled, pickle.loads))
    except OSError:  # no process to spare: the flags are worked out here when asked for
        return False
    _PENDING[:] = [(signature, tools, child)]
    return True


def _pickled(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def discard_document_hits() -> None:
    """Stop and reap a child started by ``start_document_hits`` whose answer is not wanted."""
    if _PENDING:
        _PENDING.pop()[2].close()


def _collect(signature: list[object], tools: tuple[object, ...], detectors: DetectorSet) -> list[FlagHit] | None:
    """The child's answer when it was started for this document and these tools; None otherwise or when the
    child failed (then the caller works the flags out itself)."""
    if not _PENDING:
        return None
    started_signature, started_tools, child = _PENDING.pop()
    answered, portable = child.answer()
    if not answered or not _same(signature, tools, started_signature, started_tools):
        return None
    try:
        return rebuilt_hits(portable, detectors)
    except Exception:  # noqa: BLE001 - an answer that cannot be read is worked out again here
        return None


def portable_hits(hits: list[FlagHit], detectors: DetectorSet) -> list[tuple[object, ...]]:
    """Hits as plain data: a bundled detector by its place in the set (the parent holds the same set)."""
    places = {id(spec): index for index, spec in enumerate(detectors.specs)}
    return [(hit.id, hit.address, hit.target, hit.start, hit.end,
             places.get(id(hit.detector), hit.detector), hit.matched, hit.normalised, hit.sensitivity,
             hit.audience) for hit in hits]


def rebuilt_hits(portable: list[tuple[object, ...]], detectors: DetectorSet) -> list[FlagHit]:
    hits = []
    for (hit_id, address, target, start, end, detector, matched, normalised, sensitivity, audience) in portable:
        spec = detectors.specs[detector] if isinstance(detector, int) else detector
        hits.append(FlagHit(hit_id, address, target, start, end, spec, matched, normalised,  # type: ignore[arg-type]
                            sensitivity, audience))  # type: ignore[arg-type]
    return hits


def hits_reaching(doc: Document, forms: FormSet, sees: Sensitivity, detectors: DetectorSet,
                  audiences: Audiences) -> list[FlagHit]:
    """Every flag of ``doc`` — detector hits and echoes of withheld values — that an audience seeing
    ``sees`` would read (open or dismissed)."""
    return [hit for hit in document_hits(doc, forms, detectors, audiences)
            if reaches(audiences.get(hit.audience).sees, hit.detector.sensitivity, sees)]


def _within(short: str, long: str) -> bool:
    """Whether the words of ``short`` stand in ``long`` as whole words (both word views)."""
    return f" {short} " in f" {long} "


class Authored:
    """The detector hits in assessor-written text that one audience sees (computed lazily)."""

    def __init__(self, doc: Document, forms: FormSet, sees: Sensitivity,
                 detectors: DetectorSet | None = None, audiences: Audiences | None = None) -> None:
        self._doc = doc
        self._forms = forms
        self.sees = sees
        self._detectors = detectors
        self._audiences = audiences

    @cached_property
    def hits(self) -> list[FlagHit]:
        return hits_reaching(self._doc, self._forms, self.sees, self._detectors or default_detectors(),
                             self._audiences or load_audiences())

    @cached_property
    def _by_detector(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for hit in self.hits:
            if hit.detector.id in ECHO_IDS:
                continue
            words = found.setdefault(hit.detector.id, [])
            if hit.normalised not in words:
                words.append(hit.normalised)
        return found

    def open_texts(self, dismissed: Collection[tuple[str, str]] = ()) -> list[tuple[str, str, str]]:
        """(word view, source, kind) of every hit nobody dismissed: the finished file is searched for these
        words too, so a hit the output's layout no longer matches (a code block whose fences the PDF
        dropped) is still found, and so is an echo of a withheld value that got past the gate."""
        texts = []
        for hit in self.hits:
            if (hit.detector.id, hit.normalised) in dismissed:
                continue
            if hit.detector.id in ECHO_IDS:
                texts.append((hit.normalised, hit.detector.category.removeprefix(ECHO_PREFIX), "echo"))
            else:
                texts.append((hit.normalised, f"detector {hit.detector.id}", "detector"))
        return texts

    def wrote(self, detector_id: str, normalised: str, dismissed: Collection[tuple[str, str]] = ()) -> bool:
        """Whether a hit found in the output (detector, word view of the match) is an assessor's
        hit the audience sees that nobody dismissed."""
        for written in self._by_detector.get(detector_id, ()):
            if (detector_id, written) in dismissed:
                continue
            if _within(written, normalised) or _within(normalised, written):
                return True
        return False
