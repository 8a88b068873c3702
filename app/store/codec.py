"""Values in the store: JSON text, with dates tagged so they come back as dates."""

from __future__ import annotations

import json
from datetime import date
from typing import Any


def encode(data: Any) -> str | None:
    if data is None:
        return None
    if isinstance(data, date):
        return json.dumps({"date": data.isoformat()})
    return json.dumps(data, ensure_ascii=False)


def decode(text: str | None) -> Any:
    if text is None:
        return None
    data = json.loads(text)
    if isinstance(data, dict):
        return date.fromisoformat(data["date"])
    return data
