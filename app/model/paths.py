"""Field paths and addresses.

A *field path* names a field in the forms: ``header.model.name`` or, inside a
table, ``training.checkpoints[].date``. An *address* names one value: the field
path plus, for table fields, the record id — written
``training.checkpoints[ckpt-7].date``.
"""

from __future__ import annotations

import re

from app.model.fast_dataclass import dataclass

_ADDRESS = re.compile(r"^(?P<table>[a-z0-9_.]+)\[(?P<record>[^\[\]]*)\](\.(?P<rest>[a-z0-9_.]+))?$")
_PLAIN = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")


@dataclass(frozen=True, order=True)
class Address:
    field: str
    """Field path, with ``[]`` after a table name."""
    record: str | None = None
    """Record id for values inside a table."""

    @property
    def table(self) -> str | None:
        head, sep, _ = self.field.partition("[]")
        return head if sep else None

    @property
    def relative(self) -> str:
        """The path inside the record (``elicitation.person_hours``), or the whole path."""
        _, sep, tail = self.field.partition("[].")
        return tail if sep else self.field

    @property
    def stage(self) -> str:
        return self.field.split(".", 1)[0]

    def __str__(self) -> str:
        if self.record is None:
            return self.field
        return self.field.replace("[]", f"[{self.record}]", 1)

    @classmethod
    def parse(cls, text: str) -> Address:
        """Read ``a.b``, ``t[].f`` or ``t[rec-1].f``; raise ValueError otherwise."""
        text = text.strip()
        match = _ADDRESS.match(text)
        if match:
            record = match.group("record") or None
            rest = match.group("rest")
            field = match.group("table") + "[]" + (f".{rest}" if rest else "")
            return cls(field, record)
        if _PLAIN.match(text):
            return cls(text)
        raise ValueError(f"not a field path: {text!r} (expected e.g. header.model.name or "
                         f"training.checkpoints[ckpt-1].date)")


def table_field(table: str, relative: str) -> str:
    return f"{table}[].{relative}"
