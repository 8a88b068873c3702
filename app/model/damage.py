"""Stored values that do not have their field's type: damaged, and never quoted.

A value can reach the document with the wrong type only from outside the app
(an SQLite tool, a newer version, a broken disk). Rendering such a value is
where it leaks: a number field holding text once printed "could not convert
string to float: '…'" — the text — into a public report. So an export looks
for damage first and stops, naming the field but never the value.
"""

from __future__ import annotations

from app.model.document import Document
from app.model.forms import FormSet
from app.model.values import parse_value


def _same_kind(canonical: object, data: object) -> bool:
    if isinstance(canonical, bool) or isinstance(data, bool):
        return type(canonical) is type(data)
    if isinstance(canonical, (int, float)) and isinstance(data, (int, float)):
        return True
    return type(canonical) is type(data)


def damaged_addresses(doc: Document, forms: FormSet) -> list[str]:
    """Addresses whose value does not parse as, or is not stored as, its field's type (document order)."""
    found: list[str] = []
    for address, value in doc.addresses():
        if value.data is None or not forms.has_field(address.field):
            continue
        spec = forms.field(address.field)
        if not spec.is_leaf:
            continue
        try:
            canonical = parse_value(spec.type, value.data)
        except (ValueError, TypeError, KeyError, AttributeError):
            found.append(str(address))
            continue
        if canonical is not None and not _same_kind(canonical, value.data):
            found.append(str(address))
    return found


def damage_message(addresses: list[str]) -> str:
    """What to tell a person: which fields, what to do — the values themselves are left out."""
    shown = ", ".join(addresses[:10]) + (f" and {len(addresses) - 10} more" if len(addresses) > 10 else "")
    return (f"{shown} hold{'s' if len(addresses) == 1 else ''} a value that is not of the field's type "
            f"(changed outside Riskwright, or written by a newer version); the value is not shown here. "
            f"Correct {'it' if len(addresses) == 1 else 'them'} in the app or with `riskwright validate`")
