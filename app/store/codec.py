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


def decode(text: str | None) -> Any:
    if text is None:
        return None
    return decode_data(json.loads(text))
