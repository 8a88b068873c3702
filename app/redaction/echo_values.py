"""Numbers and dates as people write them, compared by what they mean.

An assessor who withholds the planned compute (6.0e25 FLOP) and then writes
"reached the planned 6 × 10^25 FLOP" in a public summary has published it,
although no byte of the withheld value appears. So echo detection
(``app.redaction.echo``) reads numbers and dates out of text and compares
values:

* numbers in the notations people use — ``6.0e25``, ``6e+25``, ``60e24``,
  ``6.0 × 10^25``, ``6.0x10^25``, ``6·10²⁵``, ``6,000,000``, ``4.2 million`` —
  with fullwidth digits, Unicode minus signs and invisible characters undone;
* a number matches a withheld one when it *states* it: at least as precise and
  equal after rounding to the withheld value's precision (``6.04e25`` states
  ``6.0e25``), or exactly equal (``60e24`` is ``6e25``); a less precise
  mention of a more precise value (``1.5e25`` beside a withheld ``1.53e25``)
  is not an echo, nor is a neighbouring round number (``10^26``);
* full dates in their common spellings: ``2025-08-13``, ``2025/08/13``,
  ``13 August 2025``, ``13th of Aug. 2025``, ``August 13, 2025``,
  ``13/08/2025`` and ``08/13/2025`` (a numeric day and month that could be
  either way round matches either way).

Some values are too generic to search for — a bare year, a small count, a
round number, a power of ten — since they turn up in any text by chance;
``generic_number`` says why, and echo detection lists them instead.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import lru_cache

from app.model.fast_dataclass import dataclass

_SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8",
                 "⁹": "9", "⁻": "-", "⁺": "+"}
_MINUS = {"\u2212": "-", "\u2012": "-", "\u2013": "-", "\u2010": "-", "\u2011": "-", "\ufe63": "-", "\uff0d": "-"}
_TIMES = "×xX*·⋅∙"
_DIGIT = re.compile(r"\d")
_DIGITS = re.compile(r"\d+")
_MULTIPLIERS = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12, "quadrillion": 15}

_NUMBER = re.compile(
    r"(?:(?P<bare>10\s?(?:\^|\*\*)\s?(?P<bare_pow>[+-]?\d{1,3}))"
    r"|(?P<mantissa>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?:(?:[eE](?P<exp>[+-]?\d{1,3}))"
    r"|(?:\s?[" + _TIMES + r"]\s?10\s?(?:\^|\*\*)\s?(?P<pow>[+-]?\d{1,3}))"
    r"|(?:\s(?P<word>thousand|million|billion|trillion|quadrillion)\b))?)"
    r"(?![\w^])(?!\.\d)")

_MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
    ("november", "nov"), ("december", "dec")), start=1) for name in names}
_MONTH = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")"
_ORDINAL = r"(?:st|nd|rd|th)?"
_DATES = re.compile(
    r"(?<!\d)(?:(?P<iy>\d{4})[-/.](?P<im>\d{1,2})[-/.](?P<id>\d{1,2})"
    r"|(?P<dd>\d{1,2})" + _ORDINAL + r"\s+(?:of\s+)?(?P<dm>" + _MONTH + r")\.?,?\s+(?P<dy>\d{4})"
    r"|(?P<mm>" + _MONTH + r")\.?\s+(?P<md>\d{1,2})" + _ORDINAL + r",?\s+(?P<my>\d{4})"
    r"|(?P<na>\d{1,2})[/.-](?P<nb>\d{1,2})[/.-](?P<ny>\d{4}))(?!\d)",
    re.IGNORECASE)


@dataclass(frozen=True)
class Number:
    """A number found in text: its value, significant digits as written, and where it stands."""

    value: Decimal
    digits: int
    start: int
    end: int


@dataclass(frozen=True)
class DateMention:
    """A full date found in text (one mention may be read two ways: 05/06/2025)."""

    values: tuple[date, ...]
    start: int
    end: int


def _prepared(text: str) -> tuple[str, list[int] | None]:
    """``text`` with superscript powers as ``^n``, look-alike digits, minus signs and invisible characters
    undone; and per character its offset in ``text`` (None when nothing changed)."""
    if text.isascii() or not any(_special(c) for c in set(text) if c > "\x7f"):
        return text, None
    out: list[str] = []
    origin: list[int] = []
    previous_super = False
    for index, char in enumerate(text):
        if char in _SUPERSCRIPTS:
            if not previous_super:
                out.append("^")
                origin.append(index)
            out.append(_SUPERSCRIPTS[char])
            origin.append(index)
            previous_super = True
            continue
        previous_super = False
        if char in _MINUS:
            mapped = "-"
        elif unicodedata.category(char) in ("Cf", "Mn", "Me"):
            continue
        elif char in "\u00a0\u2009\u202f\u2007":
            mapped = " "
        elif char in _TIMES:
            mapped = char
        else:
            mapped = unicodedata.normalize("NFKC", char)
        for piece in mapped:
            out.append(piece)
            origin.append(index)
    return "".join(out), origin


@lru_cache(maxsize=4096)
def _special(char: str) -> bool:
    """Whether a non-ASCII character changes how numbers and dates read (else the text is taken as it is)."""
    return (char in _SUPERSCRIPTS or char in _MINUS or char in _TIMES or char in "\u00a0\u2009\u202f\u2007"
            or unicodedata.category(char) in ("Cf", "Mn", "Me") or unicodedata.normalize("NFKC", char) != char)


def _span(origin: list[int] | None, start: int, end: int, size: int) -> tuple[int, int]:
    if origin is None:
        return start, end
    first = origin[start]
    last = origin[end - 1] + 1 if end > start else first
    return first, min(last, size)


def significant_digits(mantissa: str) -> int:
    """Significant digits of a written mantissa: ``6.0`` has 2, ``60`` and ``6`` have 1, ``0.050`` has 2."""
    plain = mantissa.replace(",", "")
    if "." in plain:
        digits = plain.replace(".", "").lstrip("0")
        return max(len(digits), 1)
    digits = plain.lstrip("0").rstrip("0")
    return max(len(digits), 1)


def _starts(view: str) -> list[int]:
    """Where a number may start: the first digit of a run of digits (or the point before it), not
    inside a word or right after a point or a comma (``h3``, ``1.2.3``)."""
    starts = []
    for run in _DIGITS.finditer(view):
        start = run.start()
        if start > 0 and view[start - 1] == "." and (start == 1 or not _glued(view[start - 2])):
            start -= 1
        elif start > 0 and _glued(view[start - 1]):
            continue
        starts.append(start)
    return starts


def _glued(char: str) -> bool:
    return char.isalnum() or char in "._,"


def numbers_and_dates(text: str) -> tuple[list[Number], list[DateMention]]:
    """``numbers_in`` and ``dates_in`` with one reading of the text."""
    if _DIGIT.search(text) is None:
        return [], []
    view, origin = _prepared(text)
    return _numbers(text, view, origin), _dates(text, view, origin)


def numbers_in(text: str) -> list[Number]:
    """Every number written in ``text``, with offsets into ``text``."""
    if _DIGIT.search(text) is None:
        return []
    view, origin = _prepared(text)
    return _numbers(text, view, origin)


def _numbers(text: str, view: str, origin: list[int] | None) -> list[Number]:
    found: list[Number] = []
    taken = 0
    for start in _starts(view):
        if start < taken:
            continue
        match = _NUMBER.match(view, start)
        if match is None:
            continue
        number = _number(match)
        if number is None:
            continue
        taken = match.end()
        first, last = _span(origin, match.start(), match.end(), len(text))
        found.append(Number(number[0], number[1], first, last))
    return found


def _number(match: re.Match[str]) -> tuple[Decimal, int] | None:
    try:
        if match.group("bare"):
            return Decimal(1).scaleb(int(match.group("bare_pow").replace("+", ""))), 1
        mantissa = match.group("mantissa")
        value = Decimal(mantissa.replace(",", ""))
        digits = significant_digits(mantissa)
        power = match.group("exp") or match.group("pow")
        if power is not None:
            value = value.scaleb(int(power.replace("+", "")))
        elif match.group("word"):
            value = value.scaleb(_MULTIPLIERS[match.group("word").lower()])
    except (InvalidOperation, ValueError):
        return None
    return value, digits


def stated(value: float | int | Decimal | str) -> tuple[Decimal, int]:
    """A withheld number as the product states it (``6e25`` from 6.0e+25: one digit), or as typed."""
    if isinstance(value, str):
        numbers = numbers_in(value)
        if len(numbers) != 1:
            raise ValueError(f"not one number: {value!r}")
        return numbers[0].value, numbers[0].digits
    if isinstance(value, float):
        text = f"{value:.6g}"
        mantissa, _, exponent = text.partition("e")
        number = Decimal(text)
        return number, significant_digits(mantissa.lstrip("-"))
    number = Decimal(value)
    return number, significant_digits(str(abs(value)))


def rounded(value: Decimal, digits: int) -> Decimal:
    """``value`` rounded to ``digits`` significant digits."""
    if value == 0:
        return value
    quantum = Decimal(1).scaleb(value.adjusted() - digits + 1)
    return value.quantize(quantum, rounding=ROUND_HALF_EVEN)


def states(candidate: Decimal, candidate_digits: int, withheld: Decimal, withheld_digits: int) -> bool:
    """Whether a number written as ``candidate`` states the withheld value (see the module's rules)."""
    if candidate == withheld:
        return True
    if candidate_digits < withheld_digits:
        return False
    return rounded(candidate, withheld_digits) == rounded(withheld, withheld_digits)


def generic_number(value: Decimal, digits: int) -> str | None:
    """Why a withheld number is too generic to search for, or None when it is worth searching for."""
    magnitude = abs(value)
    whole = value == value.to_integral_value()
    if whole and 1900 <= magnitude <= 2199 and digits <= 4:
        return "a bare year"
    if digits == 1 and magnitude != 0 and magnitude.scaleb(-magnitude.adjusted()) == 1:
        return "a power of ten"
    if whole and magnitude < 1000:
        return "a small whole number"
    if magnitude < 1000 and digits < 3:
        return "a short number"
    if digits == 1 and magnitude < Decimal("1e9"):
        return "a round number"
    return None


def dates_in(text: str) -> list[DateMention]:
    """Every full date written in ``text`` (day, month and year), with offsets into ``text``.

    Every date holds a four-digit year, so the date expressions run only in a
    short window around each year (running them over whole paragraphs costs
    far more: month names could start at any letter).
    """
    if _DIGIT.search(text) is None:
        return []
    view, origin = _prepared(text)
    return _dates(text, view, origin)


def _dates(text: str, view: str, origin: list[int] | None) -> list[DateMention]:
    size = len(view)
    found: dict[tuple[int, int], DateMention] = {}
    for year in _DIGITS.finditer(view):
        if year.end() - year.start() != 4:
            continue
        low, high = max(0, year.start() - 32), min(size, year.end() + 8)
        for match in _DATES.finditer(view, low, high):
            if not match.start() <= year.start() < match.end():
                continue
            if (match.end() < size and view[match.end()].isdigit()) or \
                    (match.start() > 0 and view[match.start() - 1].isdigit()):
                continue
            values = _readings(match)
            if values:
                start, end = _span(origin, match.start(), match.end(), len(text))
                found.setdefault((start, end), DateMention(values, start, end))
    return sorted(found.values(), key=lambda m: (m.start, m.end))


def _readings(match: re.Match[str]) -> tuple[date, ...]:
    if match.group("iy"):
        readings = [(match.group("iy"), match.group("im"), match.group("id"))]
    elif match.group("dd"):
        readings = [(match.group("dy"), str(_MONTHS[match.group("dm").lower()]), match.group("dd"))]
    elif match.group("mm"):
        readings = [(match.group("my"), str(_MONTHS[match.group("mm").lower()]), match.group("md"))]
    else:
        a, b, year = match.group("na"), match.group("nb"), match.group("ny")
        readings = [(year, b, a), (year, a, b)]
    values: list[date] = []
    for year, month, day in readings:
        try:
            day_value = date(int(year), int(month), int(day))
        except ValueError:
            continue
        if day_value not in values:
            values.append(day_value)
    return tuple(values)
