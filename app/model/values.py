"""Parsing typed values from what people type and what YAML holds.

Each parser accepts the already-typed value (from YAML or the store) or its
text form (from a line edit) and returns the canonical Python value, or raises
ValueError whose message says what was expected.
"""

from __future__ import annotations

import contextlib
import math
import re
from datetime import date, datetime
from typing import Any

FIELD_TYPES: tuple[str, ...] = (
    "text", "markdown", "integer", "number", "flop", "date", "enum", "category",
    "level", "framework", "boolean", "group", "table",
)
LEAF_TYPES = tuple(t for t in FIELD_TYPES if t not in ("group", "table"))
TEXT_TYPES = ("text", "markdown")

_FLOP = re.compile(r"^\s*(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")
_INTEGER = re.compile(r"^\s*[+-]?\d+\s*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = {"true", "yes", "on", "1"}
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
"""Dates outside these are typing mistakes in an AI risk assessment (and years past 9999 crash date arithmetic)."""
LARGEST_INTEGER = 10**15
"""Whole numbers beyond this are typing mistakes; SQLite and JSON hold them exactly up to here."""
_FALSE = {"false", "no", "off", "0"}


def parse_flop(raw: Any) -> float:
    """Effective compute in FLOP: a positive, finite number such as 3.2e25."""
    expected = "a positive number of FLOP such as 3.2e25"
    if isinstance(raw, bool):
        raise ValueError(f"expected {expected}, got {raw!r}")
    if isinstance(raw, (int, float)):
        value = float(raw)
    elif isinstance(raw, str):
        if not _FLOP.match(raw):
            raise ValueError(f"expected {expected}, got {raw!r}")
        value = float(raw)
    else:
        raise ValueError(f"expected {expected}, got {raw!r}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"expected {expected}, got {raw!r}")
    return value


def parse_integer(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError(f"expected a whole number, got {raw!r}")
    if isinstance(raw, str) and _INTEGER.match(raw):
        if len(raw.strip()) > 20:
            raise ValueError(f"expected a whole number of at most 15 digits, got {len(raw.strip())} characters")
        raw = int(raw)
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if not isinstance(raw, int):
        raise ValueError(f"expected a whole number, got {_shown(raw)}")
    value = raw
    if abs(value) > LARGEST_INTEGER:
        raise ValueError(f"expected a whole number of at most 15 digits, got {_shown(value)}")
    return value


def _shown(raw: Any) -> str:
    """``repr`` of a value for a message, shortened: a 5,000-digit number is not repeated back."""
    if isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) >= 10**40:
        return f"a number of {len(str(abs(raw))) if abs(raw) < 10**4000 else 'over 4,000'} digits"
    text = repr(raw)
    return text if len(text) <= 60 else f"{text[:57]}..."


def parse_number(raw: Any) -> float:
    if isinstance(raw, bool):
        raise ValueError(f"expected a number, got {raw!r}")
    if isinstance(raw, (int, float)):
        value = float(raw)
    elif isinstance(raw, str):
        try:
            value = float(raw.strip())
        except ValueError:
            raise ValueError(f"expected a number such as 0.42, got {raw!r}") from None
    else:
        raise ValueError(f"expected a number, got {raw!r}")
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {raw!r}")
    return value


def parse_date(raw: Any) -> date:
    value: date | None = None
    if isinstance(raw, datetime):
        value = None
    elif isinstance(raw, date):
        value = raw
    elif isinstance(raw, str) and _ISO_DATE.match(raw.strip()):
        with contextlib.suppress(ValueError):
            value = date.fromisoformat(raw.strip())
    if value is None:
        raise ValueError(f"expected a date as YYYY-MM-DD, got {_shown(raw)}")
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(f"expected a date between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}, "
                         f"got {value.isoformat()}")
    return value


def parse_boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
        return raw.strip().lower() in _TRUE
    raise ValueError(f"expected true or false, got {raw!r}")


def parse_text(raw: Any) -> str:
    if isinstance(raw, str):
        return raw
    raise ValueError(f"expected text, got {raw!r}")


def parse_choice(raw: Any) -> str:
    """Enums, categories, levels and framework ids are identifiers held as text."""
    if isinstance(raw, str) and raw.strip():
        return raw.strip()
    raise ValueError(f"expected one of the listed choices, got {raw!r}")


_PARSERS = {
    "text": parse_text,
    "markdown": parse_text,
    "integer": parse_integer,
    "number": parse_number,
    "flop": parse_flop,
    "date": parse_date,
    "boolean": parse_boolean,
    "enum": parse_choice,
    "category": parse_choice,
    "level": parse_choice,
    "framework": parse_choice,
}


def parse_value(field_type: str, raw: Any) -> Any:
    """The canonical value for ``field_type``; None stays None (an empty field)."""
    if raw is None or (isinstance(raw, str) and raw == "" ):
        return None
    try:
        parser = _PARSERS[field_type]
    except KeyError:
        raise ValueError(f"fields of type {field_type!r} hold no single value") from None
    return parser(raw)


def out_of_range(value: Any, minimum: float | None, maximum: float | None) -> str | None:
    """Why a parsed number lies outside a field's range (both ends inclusive), or None."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    if minimum is not None and value < minimum:
        return f"expected at least {minimum:g}, got {value:g}"
    if maximum is not None and value > maximum:
        return f"expected at most {maximum:g}, got {value:g}"
    return None


def format_flop(value: float) -> str:
    """3.2e25 rather than 3.2e+25 or 32000000000000000000000000.0."""
    mantissa, _, exponent = f"{value:.6g}".partition("e")
    if not exponent:
        return mantissa
    return f"{mantissa}e{int(exponent)}"


def format_value(field_type: str, value: Any) -> str:
    """Display text for a value, as a person would write it."""
    if value is None:
        return ""
    if field_type == "flop":
        return format_flop(float(value))
    if field_type == "boolean":
        return "yes" if value else "no"
    if field_type == "date":
        return str(value.isoformat())
    if field_type == "number":
        return f"{value:g}"
    return str(value)
