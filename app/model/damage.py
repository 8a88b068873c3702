"""Stored values that do not have their field's type: damaged, and never quoted.

A value can reach the document with the wrong type only from outside the app
(an SQLite tool, a newer version, a broken disk). Rendering such a value is
where it leaks: a number field holding text once printed "could not convert
string to float: '…'" — the text — into a public report. So an export looks
for damage first and stops, naming the field but never the value.
"""

from __future__ import annotations

from app.model.document import Document
from app.model.paths import Address, table_field
from app.model.forms import FormSet
from app.model.values import parse_value


def _same_kind(canonical: object, data: object) -> bool:
    if isinstance(canonical, bool) or isinstance(data, bool):
        return type(canonical) is type(data)
    if isinstance(canonical, (int, float)) and isinstance(data, (int, float)):
        return True
    return type(canonical) is type(data)


def damaged_addresses(doc: Document, forms: FormSet) -> list[str]:
    """Addresses whose value does not parse as, or is not stored as, its field's type (document order).

    Every value of an export is looked at, on its way to the first page (7,000 in the large example): the
    field's type is found once per field, and an address is made only for a damaged value."""
    found: list[str] = []
    for path, value in doc.values.items():
        if value.data is not None and _damaged(_leaf_type(forms, path), value.data):
            found.append(str(Address(path)))
    for table, records in doc.tables.items():
        kinds: dict[str, str | None] = {}
        for record in records:
            for relative, value in record.values.items():
                data = value.data
                if data is None:
                    continue
                kind = kinds.get(relative, _UNSEEN)
                if kind is _UNSEEN:
                    kind = kinds[relative] = _leaf_type(forms, table_field(table, relative))
                if _damaged(kind, data):
                    found.append(str(Address(table_field(table, relative), record.id)))
    return found


_UNSEEN = "\0unseen"


def _leaf_type(forms: FormSet, path: str) -> str | None:
    """The type of the form field at ``path`` when it holds a single value, else None (not looked at)."""
    if not forms.has_field(path):
        return None
    spec = forms.field(path)
    return spec.type if spec.is_leaf else None


def _damaged(kind: str | None, data: object) -> bool:
    if kind is None:
        return False
    try:
        canonical = parse_value(kind, data)
    except (ValueError, TypeError, KeyError, AttributeError):
        return True
    return canonical is not None and not _same_kind(canonical, data)


def damage_message(addresses: list[str]) -> str:
    """What to tell a person: which fields, what to do — the values themselves are left out."""
    shown = ", ".join(addresses[:10]) + (f" and {len(addresses) - 10} more" if len(addresses) > 10 else "")
    return (f"{shown} hold{'s' if len(addresses) == 1 else ''} a value that is not of the field's type "
            f"(changed outside Riskwright, or written by a newer version); the value is not shown here. "
            f"Correct {'it' if len(addresses) == 1 else 'them'} in the app or with `riskwright validate`")
