"""Rendering labelled text for one edition: the only way text gets into a report model.

Every text of the report model is a ``Shown`` — a ``str`` that only
``Renderer.show`` makes, from labelled text (``app.model.labelled``), with the
parts the edition's audience may not see replaced by the fixed placeholder for
their sensitivity. The model's classes refuse anything else
(``require_shown``), so a plain string — a value formatted into an f-string, a
title read from the unfiltered document — cannot reach a writer: building the
report fails instead (fail closed). Writers take the model as it is; a
``Shown`` is a ``str`` to them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field
from typing import Any

from app.export.report import CheckedFinding, Finding
from app.model.document import Document
from app.model.fast_dataclass import dataclass
from app.model.forms import FormSet
from app.model.labelled import Labelled, fixed, quoted
from app.model.paths import Address
from app.model.sensitivity import Sensitivity
from app.model.spans import has_span_markup
from app.model.validate import effective_sensitivity


class Shown(str):
    """Text rendered for the report's audience (made only by ``Renderer.show``)."""

    __slots__ = ()


class UnlabelledText(TypeError):
    """A report model was given text that did not come through a ``Renderer`` (a programming error)."""


def _placeholder(sensitivity: Sensitivity) -> str:
    return "[withheld]"


@dataclass(frozen=True)
class Renderer:
    """Renders labelled text for an audience cleared for ``sees``."""

    audience: str = "internal"
    sees: Sensitivity = Sensitivity.HAZARDOUS
    placeholder: Callable[[Sensitivity], str] = field(default=_placeholder)

    def show(self, text: Labelled) -> Shown:
        if not isinstance(text, Labelled):
            raise UnlabelledText(f"the {self.audience} report was given unlabelled {type(text).__name__} "
                                 f"{_preview(text)}: build report text with app.model.labelled (fixed() for the "
                                 f"product's own words, quoted()/derived() for values)")
        return Shown(text.render(self.sees, self.placeholder))

    def fixed(self, text: str) -> Shown:
        """The product's own words and content-file text (headings, form labels): never a document value."""
        return self.show(fixed(text))

    def value(self, text: str, sensitivity: Sensitivity, *sources: str) -> Shown:
        """A value's display text with its sensitivity."""
        return self.show(quoted(text, sensitivity, *sources))

    def may_see(self, sensitivity: Sensitivity) -> bool:
        return sensitivity <= self.sees


def _preview(text: Any) -> str:
    shown = repr(text)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def require_shown(owner: object, *names: str) -> None:
    """Raise ``UnlabelledText`` unless each named attribute is a ``Shown`` (or None, or a tuple of them)."""
    for name in names:
        value = getattr(owner, name)
        if value is None or type(value) is Shown:
            continue
        if isinstance(value, tuple) and all(item is None or type(item) is Shown for item in value):
            continue
        raise UnlabelledText(f"{type(owner).__name__}.{name} holds {type(value).__name__} {_preview(value)}, "
                             f"not text rendered for the audience (app.export.labels.Renderer.show)")


def rendered_finding(render: Renderer, finding: CheckedFinding) -> Finding:
    """A finding as an edition prints it: labelled parts its audience may not see become placeholders."""
    address = finding.address
    if not finding.concerns.visible_to(render.sees):
        # About a withheld record: point at its table, never at its id.
        address = _table_of(address)
    elif address is not None:
        address = render.show(finding.concerns)
    return Finding(finding.rule_id, finding.severity, finding.stage, address, render.show(finding.message),
                   finding.citation, finding.citation_url, finding.rule_title)


def _table_of(address: str | None) -> str | None:
    try:
        parsed = Address.parse(address or "")
    except ValueError:
        return None
    return parsed.table or parsed.field


def concerns(doc: Document, forms: FormSet, address: str | None) -> Labelled:
    """What a finding is about, as the compliance table names it: the record id carries the record's label."""
    if not address:
        return fixed("")
    try:
        parsed = Address.parse(address)
    except ValueError:
        return quoted(address, Sensitivity.HAZARDOUS)
    if parsed.record is None or parsed.table is None:
        return fixed(address)
    record = doc.record(parsed.table, parsed.record)
    if record is None or not forms.has_field(parsed.table) or has_span_markup(record.id):
        level = Sensitivity.HAZARDOUS
    else:
        level = effective_sensitivity(forms.field(parsed.table).sensitivity, record.sensitivity,
                                      record.sensitivity_reason)
    return quoted(address, level, f"{parsed.table}[{parsed.record}]")


def address_for(doc: Document, forms: FormSet, address: str, sees: Sensitivity,
                placeholder: Callable[[Sensitivity], str]) -> str:
    """An address as a reader cleared for ``sees`` may read it: a withheld record's id becomes its placeholder."""
    label = concerns(doc, forms, address)
    if label.visible_to(sees):
        return address
    parsed = Address.parse(address)
    return str(Address(parsed.field, placeholder(label.sensitivity)))
