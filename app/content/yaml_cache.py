"""Parsed content YAML, kept between runs with every position it carries.

A ``riskwright`` command parses some thirty YAML files (forms, frameworks,
detectors, audiences, report layout and kinds) before it does anything, with
PyYAML's pure-Python parser: about a third of a second each run. The parsed
data — ``MarkedDict``/``MarkedList`` with the line and column of every entry,
so a later check can still say ``file:line:column`` — goes into the cache
folder (``app.content.derived_cache``) keyed by the file's text; a file that
does not parse is never kept, so its error is reported as before.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from typing import Any

from app.content.derived_cache import cached

CACHE_KIND = "content-yaml-1"


def cached_yaml(text: str, parse: Callable[[], Any], mapping: type[dict[Any, Any]], sequence: type[list[Any]]) -> Any:
    """``parse()`` of ``text``, or the data an earlier run parsed from the same text; ``mapping`` and
    ``sequence`` are the marked types the parser builds (``app.content.yaml_source``)."""
    return cached(CACHE_KIND, [text.encode("utf-8", "surrogatepass")], parse, encode,
                  lambda data: decode(data, mapping, sequence))


def encode(value: Any) -> Any:
    """JSON data for parsed YAML; TypeError for a value it cannot hold (then nothing is kept)."""
    if isinstance(value, dict):
        return {"d": list(value.mark), "e": [[encode(key), list(value.key_marks[key]),  # type: ignore[attr-defined]
                                             list(value.value_marks[key]),  # type: ignore[attr-defined]
                                             encode(item)] for key, item in value.items()]}
    if isinstance(value, list):
        return {"l": list(value.mark), "i": [[list(mark), encode(item)]  # type: ignore[attr-defined]
                                             for mark, item in zip(value.item_marks,  # type: ignore[attr-defined]
                                                                   value, strict=True)]}
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, dt.datetime):
        return {"t": "datetime", "v": value.isoformat()}
    if isinstance(value, dt.date):
        return {"t": "date", "v": value.isoformat()}
    if isinstance(value, bytes):
        return {"t": "bytes", "v": base64.b64encode(value).decode("ascii")}
    raise TypeError(f"a parsed YAML value of type {type(value).__name__} is not kept")


def decode(data: Any, mapping: type[dict[Any, Any]], sequence: type[list[Any]]) -> Any:
    if isinstance(data, dict):
        if "d" in data:
            found: Any = mapping()
            found.mark = _mark(data["d"])
            found.key_marks, found.value_marks = {}, {}
            for key_data, key_mark, value_mark, item in data["e"]:
                key = decode(key_data, mapping, sequence)
                found[key] = decode(item, mapping, sequence)
                found.key_marks[key] = _mark(key_mark)
                found.value_marks[key] = _mark(value_mark)
            return found
        if "l" in data:
            items: Any = sequence(decode(item, mapping, sequence) for _, item in data["i"])
            items.mark = _mark(data["l"])
            items.item_marks = [_mark(mark) for mark, _ in data["i"]]
            return items
        kind, text = data["t"], data["v"]
        if kind == "datetime":
            return dt.datetime.fromisoformat(text)
        if kind == "date":
            return dt.date.fromisoformat(text)
        if kind == "bytes":
            return base64.b64decode(text)
        raise ValueError(f"unknown cached YAML value kind {kind!r}")
    if isinstance(data, list):
        raise ValueError("a bare list in cached YAML")
    return data


def _mark(data: list[int]) -> tuple[int, int]:
    line, column = data
    return int(line), int(column)
