"""Values in the store: JSON text, with dates tagged so they come back as dates.

The encoding is the canonical form's (``app.model.canonical.encode_data``), so a
value reads back from the file exactly as it hashes — dates inside lists too.
"""

from __future__ import annotations

import json
from json.scanner import make_scanner
from typing import Any

from app.model.canonical import decode_data, encode_data


def encode(data: Any) -> str | None:
    if data is None:
        return None
    return json.dumps(encode_data(data), ensure_ascii=False)


class DamagedValue(ValueError):
    """A stored value cannot be read; the message names where, never what (it may be withheld text)."""


def decode(text: str | None, where: str = "a value") -> Any:
    if text is None:
        return None
    try:
        return decode_data(json.loads(text))
    except (ValueError, TypeError, KeyError):
        raise DamagedValue(f"{where} is not readable (the value is not shown)") from None


scan_one = make_scanner(json.JSONDecoder())  # type: ignore[arg-type]  # typeshed: takes the decoder
"""The JSON decoder's own scanner (the C one when built): ``scan_one(text, 0)`` reads one value from the start
and returns it with where it ended; raises ``StopIteration`` or ``ValueError`` where no value starts.

A whole assessment holds thousands of values, and ``json.loads`` spends more on its own set-up than on a short
value, so a reader of many values (``app.store.file._read_document``) scans each text itself: a text is taken as
it stands only when the scan reads exactly one JSON value from its first character to its last (so text outside
a value, or two values in one, can never shift into a neighbour), and a list or mapping then goes through
``decode_scanned``; anything else — surrounding whitespace, damage — goes through ``decode``, which accepts and
refuses exactly as ``decode`` always does."""


def decode_scanned(data: list[Any] | dict[str, Any], text: str, where: str) -> Any:
    """A list or mapping ``scan_one`` read from ``text``: its dates decoded, or ``decode``'s refusal."""
    try:
        return decode_data(data)
    except (ValueError, TypeError, KeyError):
        return decode(text, where)  # raises DamagedValue, naming the value
