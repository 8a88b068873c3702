"""Addresses as a person reads them: ``Training › Checkpoints › ckpt-3 › Date``.

Findings, flags, search hits and blocked exports all name a place in the
assessment; every panel and message says it the same way.
"""

from __future__ import annotations

from app.model import Address, FormSet


def address_label(address: str, forms: FormSet, with_stage: bool = True) -> str:
    """The stage, table, record and field titles of ``address`` (the address itself if unknown)."""
    try:
        parsed = Address.parse(address)
    except ValueError:
        return address
    parts: list[str] = []
    try:
        parts.append(forms.form(parsed.stage).title)
    except KeyError:
        return address
    if parsed.table:
        if forms.has_field(parsed.table):
            parts.append(forms.field(parsed.table).label)
        if parsed.record:
            parts.append(parsed.record)
    if forms.has_field(parsed.field) and not parsed.field.endswith("[]"):
        parts.append(forms.field(parsed.field).label)
    return " › ".join(parts if with_stage or len(parts) == 1 else parts[1:])
