"""The default file name of an exported edition, built from labelled parts like everything else.

A file name is a channel of its own: a sync tool, a mail attachment and a
file listing all show it before anyone opens the file. The model's name goes
into it only when the edition's audience may see the model's name; otherwise
the assessment file's own name stands in (what the command line's default,
``FILE.AUDIENCE.FORMAT``, uses too).
"""

from __future__ import annotations

from contextlib import suppress

from app.model.document import Document
from app.model.forms import FormSet
from app.model.labelled import Labelled, quoted
from app.model.sensitivity import Sensitivity
from app.model.spans import SpanError, has_span_markup, parse_spans
from app.model.validate import effective_sensitivity

MODEL_NAME = "header.model.name"


def model_name(doc: Document, forms: FormSet | None = None) -> Labelled | None:
    """The model's name, labelled (hazardous when it holds span markup or is not text)."""
    value = doc.value(MODEL_NAME)
    if value is None or value.data is None:
        return None
    if forms is None:
        from app.content.forms import load_forms
        forms = load_forms()
    spec = forms.field(MODEL_NAME)
    level = effective_sensitivity(spec.sensitivity, value.sensitivity, value.sensitivity_reason)
    text = value.data
    if not isinstance(text, str):
        return quoted(str(text), Sensitivity.HAZARDOUS, MODEL_NAME)
    if has_span_markup(text):
        level = Sensitivity.HAZARDOUS
        with suppress(SpanError):  # malformed markup: the name is hazardous anyway
            text = "".join(segment.text for segment in parse_spans(text))
    return quoted(" ".join(text.split()), level, MODEL_NAME)


def report_file_name(doc: Document, audience: str, what: str, suffix: str, fallback: str,
                     forms: FormSet | None = None) -> str:
    """``Halcyon-3 — public report.pdf``; ``FALLBACK — public report.pdf`` when the audience may not see
    the model's name (or there is none)."""
    from app.redaction import load_audiences
    sees = load_audiences().get(audience).sees
    name = model_name(doc, forms)
    shown = name.plain if name is not None and name.visible_to(sees) and name.plain.strip() else fallback
    return f"{shown} — {audience} {what}{suffix}".replace("/", "-")
