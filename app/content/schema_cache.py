"""Content data found valid against a JSON Schema, remembered between runs.

Each ``riskwright`` command checks the content files it loads (forms,
frameworks, detectors, audiences, report layout and kinds) against their
schemas; with ``jsonschema`` walking every node in Python that is a noticeable
share of a short command, for files that almost never change. A (data, schema)
pair that passed is marked in the cache folder (``app.content.derived_cache``)
under a hash of both, written out with every type kept apart (``1``,
``"1"``, ``1.0`` and ``true`` differ, as they do to the schema); a pair with
errors is never marked, so its errors are worked out and reported every time.
Data holding a value the encoding does not know is simply checked each time.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any, TypeVar

from app.content.derived_cache import cached

CACHE_KIND = "schema-valid-1"
Error = TypeVar("Error")


class _Invalid(Exception):
    def __init__(self, errors: list[Any]) -> None:
        super().__init__("schema errors")
        self.errors = errors


def known_valid(data: Any, schema: dict[str, Any], check: Callable[[], list[Error]]) -> list[Error]:
    """``check()``'s errors, or none without running it when this data passed this schema before."""
    try:
        inputs = [json.dumps(_typed(data), ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass"),
                  json.dumps(schema, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogatepass")]
    except (TypeError, ValueError):
        return check()

    def build() -> bool:
        errors = check()
        if errors:
            raise _Invalid(errors)  # nothing is kept
        return True

    try:
        cached(CACHE_KIND, inputs, build, lambda valid: valid, _valid_mark)
    except _Invalid as invalid:
        return invalid.errors  # type: ignore[no-any-return]
    return []


def _valid_mark(data: Any) -> bool:
    if data is not True:
        raise ValueError("not a validity mark")
    return True


def _typed(value: Any) -> Any:
    """JSON data that tells apart every value the schema could tell apart; TypeError for others."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return ["b", value]
    if isinstance(value, int):
        return ["i", value]
    if isinstance(value, float):
        return ["f", repr(value)]
    if isinstance(value, dict):
        return ["d", [[_typed(key), _typed(item)] for key, item in value.items()]]
    if isinstance(value, (list, tuple)):
        return ["l", [_typed(item) for item in value]]
    if isinstance(value, dt.datetime):
        return ["t", value.isoformat()]
    if isinstance(value, dt.date):
        return ["a", value.isoformat()]
    raise TypeError(f"{type(value).__name__} is not kept")
