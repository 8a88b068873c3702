"""Values in the store: JSON text, with dates tagged so they come back as dates.

The encoding is the canonical form's (``app.model.canonical.encode_data``), so a
value reads back from the file exactly as it hashes — dates inside lists too.
"""

from __future__ import annotations

import json
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
