"""Property tests: random documents with disguised canaries in every kind of hazardous place.

Each generated document puts unique random canaries in hazardous spans (in
Markdown and in plain text fields such as a record's title), in fields that
are hazardous by default, in fields an assessor raised, in fields lowered
without a reason, in whole hazardous records (title, text and record id) and in
internal fields — each canary disguised the ways redaction.md lists. The
public copy must contain none of them and the internal copy all of them,
compared in the normalised word view, so a disguise cannot hide a leak from
the test. A naive filter (one that matched raw text, or kept record titles)
fails this within a few examples.
"""

from __future__ import annotations

import html

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from profiles import examples

from app.content.forms import load_forms
from app.model.document import Document, Record, Value
from app.model.sensitivity import HAZARD_DOMAINS, Sensitivity
from app.redaction import for_audience, leak_scan
from app.redaction.normalise import word_view

FORMS = load_forms()
EVAL = "pre_deployment.evaluations"
RED = "pre_deployment.red_teaming"
FILLER = ("the model was evaluated on several suites and the results were reviewed by the team "
          "before a decision about deployment").split()

CYRILLIC = str.maketrans({"a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440", "c": "\u0441",
                          "x": "\u0445", "y": "\u0443"})


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _math_bold(text: str) -> str:
    return "".join(chr(0x1D41A + ord(c) - 97) if "a" <= c <= "z" else c for c in text)


def _split(mark: str):  # type: ignore[no-untyped-def]
    def apply(text: str, at: int) -> str:
        at = max(1, min(at, len(text) - 1))
        return text[:at] + mark + text[at:]
    return apply


DISGUISES = {
    "none": lambda t, at: t,
    "upper": lambda t, at: t.upper(),
    "title": lambda t, at: t.title(),
    "fullwidth": lambda t, at: _fullwidth(t),
    "math bold": lambda t, at: _math_bold(t),
    "zero-width": _split("\u200b"),
    "zero-width joiner": _split("\u200d"),
    "soft hyphen": _split("\u00ad"),
    "combining mark": _split("\u0301"),
    "cyrillic": lambda t, at: t.translate(CYRILLIC),
    "markdown split": lambda t, at: t[:max(1, at)] + "**" + t[max(1, at):] + "**",
    "hyphen line break": lambda t, at: _split("-\n")(t, at),
    "turkish I": lambda t, at: t.replace("i", "\u0130") if "i" in t else t.upper(),
    "sharp s": lambda t, at: t.replace("ss", "\u00df"),
}

# "qx" + letters without q + a per-document index + "qj": no canary can contain another, and none can
# be a word of the filler text or of a placeholder.
canary_body = st.text(alphabet="abcdefghijklmnoprstuvwxyz", min_size=6, max_size=10)


@st.composite
def disguised(draw, canary: str) -> str:  # type: ignore[no-untyped-def]
    names = draw(st.lists(st.sampled_from(sorted(DISGUISES)), min_size=1, max_size=3, unique=True))
    text = canary
    for name in names:
        if name in ("fullwidth", "math bold") and not text.isascii():
            continue
        text = DISGUISES[name](text, draw(st.integers(1, 8)))
    assert word_view(text) == canary, (names, text)
    return text


def _filler(draw) -> str:  # type: ignore[no-untyped-def]
    return " ".join(draw(st.lists(st.sampled_from(FILLER), min_size=1, max_size=6)))


@st.composite
def documents(draw):  # type: ignore[no-untyped-def]
    """(document, {canary: sensitivity it was placed at})."""
    canaries: dict[str, Sensitivity] = {}

    def new_canary(level: Sensitivity) -> str:
        word = f"qx{draw(canary_body)}{'abcdefghijklmnop'[len(canaries)]}qj"
        canaries[word] = level
        return draw(disguised(word))

    def span(level_text: str) -> str:
        domain = draw(st.sampled_from(HAZARD_DOMAINS))
        return f"{_filler(draw)} [[hazard:{domain}]]{level_text}[[/hazard]] {_filler(draw)}"

    doc = Document()
    doc.values["header.model.name"] = Value(f"Model {_filler(draw)}")
    if draw(st.booleans()):   # an internal field, withheld from the public only
        doc.values["header.assessors"] = Value(f"{_filler(draw)} {new_canary(Sensitivity.INTERNAL)}")
    records = []
    for number in range(draw(st.integers(1, 5))):
        record_id = f"ev-{number + 1}"
        values = {"name": Value(f"Suite {number + 1}"), "description": Value(_filler(draw))}
        placement = draw(st.sampled_from(["span in markdown", "span in title", "hazardous field",
                                          "raised field", "lowered without reason", "hazardous record",
                                          "internal field", "public only"]))
        sensitivity = None
        if placement == "span in markdown":
            values["description"] = Value(span(new_canary(Sensitivity.HAZARDOUS)))
        elif placement == "span in title":
            values["name"] = Value(span(new_canary(Sensitivity.HAZARDOUS)))
        elif placement == "hazardous field":
            values["task_details"] = Value(f"{_filler(draw)} {new_canary(Sensitivity.HAZARDOUS)}")
        elif placement == "raised field":
            values["name"] = Value(f"Suite {new_canary(Sensitivity.HAZARDOUS)}", Sensitivity.HAZARDOUS)
        elif placement == "lowered without reason":
            values["task_details"] = Value(new_canary(Sensitivity.HAZARDOUS), Sensitivity.PUBLIC, "  ")
        elif placement == "hazardous record":
            canary = new_canary(Sensitivity.HAZARDOUS)
            values["name"] = Value(f"Suite {canary}")
            values["description"] = Value(f"{_filler(draw)} {canary}")
            record_id = f"ev-{word_view(canary)}"
            sensitivity = Sensitivity.HAZARDOUS
        elif placement == "internal field":
            values["elicitation.compute_budget"] = Value(new_canary(Sensitivity.INTERNAL))
        records.append(Record(record_id, values, sensitivity))
    doc.tables[EVAL] = records
    if draw(st.booleans()):
        doc.tables[RED] = [Record("rt-1", {"organisation": Value(new_canary(Sensitivity.INTERNAL)),
                                           "hazardous_detail": Value(new_canary(Sensitivity.HAZARDOUS))})]
    return doc, canaries


def _strings(doc: Document) -> str:
    """Everything a writer could print from a document: values, record ids, reasons."""
    parts: list[str] = []
    for _, value in doc.addresses():
        parts.extend(str(x) for x in (value.data, value.sensitivity_reason) if x is not None)
    for table, records in doc.tables.items():
        parts.append(table)
        parts.extend(r.id for r in records)
        parts.extend(r.sensitivity_reason or "" for r in records)
    return "\n".join(word_view(part) for part in parts)


@settings(max_examples=examples(2000), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_public_copy_holds_no_canary_and_internal_copy_holds_all(case) -> None:  # type: ignore[no-untyped-def]
    doc, canaries = case
    public = _strings(for_audience(doc, "public", FORMS).document)
    reviewers = _strings(for_audience(doc, "reviewers", FORMS).document)
    internal = _strings(for_audience(doc, "internal", FORMS).document)
    for canary, level in canaries.items():
        assert canary not in public, f"{level.value} canary {canary!r} reached the public copy"
        assert canary in internal, f"positive control: {canary!r} missing from the internal copy"
        if level is Sensitivity.HAZARDOUS:
            assert canary not in reviewers, f"hazardous canary {canary!r} reached the reviewers' copy"
        else:
            assert canary in reviewers, f"internal canary {canary!r} missing from the reviewers' copy"


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_withheld_texts_let_the_leak_scanner_find_every_canary(case) -> None:  # type: ignore[no-untyped-def]
    """A crude writer prints every string of a copy as HTML; the scan must pass the public file and
    catch the internal one (the positive control that the scanner sees what was withheld)."""
    doc, canaries = case
    public = for_audience(doc, "public", FORMS)

    def render(copy: Document) -> bytes:
        cells = [f"<p title='{html.escape(r.id)}'>{html.escape(str(v.data))}</p>"
                 for _, v in copy.addresses() for r in [Record(str(v.sensitivity))]]
        ids = [f"<li>{html.escape(r.id)}</li>" for records in copy.tables.values() for r in records]
        return ("<html><body>" + "".join(cells + ids) + "</body></html>").encode()

    assert leak_scan(render(public.document), "html", public.withheld_texts) == []
    leaked = leak_scan(render(doc), "html", public.withheld_texts)
    found = {leak.matched for leak in leaked}
    assert all(any(canary in match for match in found) for canary in canaries)
