"""Second looks at a pattern's candidate match, named by ``check:`` in a definition.

A regular expression finds candidates cheaply; these functions decide whether
a candidate really is what the detector is after (a random key rather than a
hex digest, a host rather than ``report.pdf``), which keeps false flags down
without making the patterns unreadable.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections import Counter
from functools import lru_cache
from typing import Any
from collections.abc import Callable, Mapping

Check = Callable[[str, Mapping[str, Any]], bool]


def shannon_bits_per_char(text: str) -> float:
    counts = Counter(text)
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def _entropy(candidate: str, options: Mapping[str, Any]) -> bool:
    classes = sum((any(c.isupper() for c in candidate), any(c.islower() for c in candidate),
                   any(c.isdigit() for c in candidate)))
    if classes < int(options.get("require_classes", 3)):
        return False
    return shannon_bits_per_char(candidate) >= float(options.get("min_bits_per_char", 4.0))


def _letters(candidate: str) -> str:
    return "".join(c for c in candidate.upper() if c.isalpha())


def _nucleotide(candidate: str, options: Mapping[str, Any]) -> bool:
    bases = _letters(candidate)
    if len(bases) < int(options.get("min_bases", 24)):
        return False
    if bases.count("N") > float(options.get("max_n_fraction", 0.5)) * len(bases):
        return False
    return len(set(bases) - {"N"}) >= int(options.get("min_distinct", 3))


def _protein(candidate: str, options: Mapping[str, Any]) -> bool:
    residues = _letters(candidate)
    if len(residues) < int(options.get("min_residues", 30)):
        return False
    if len(set(residues)) < int(options.get("min_distinct", 8)):
        return False
    nucleotide = sum(residues.count(b) for b in "ACGTUN")
    return nucleotide <= float(options.get("max_nucleotide_fraction", 0.9)) * len(residues)


def _ipv6(candidate: str, _options: Mapping[str, Any]) -> bool:
    if sum(1 for group in candidate.split(":") if group) < 2:
        return False
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return True


def _host(candidate: str, options: Mapping[str, Any]) -> bool:
    host = candidate.lower().rstrip(".")
    tld = host.rsplit(".", 1)[-1]
    if tld not in {str(t).lower() for t in options.get("top_level_domains", [])}:
        return False
    for allowed in options.get("allow_domains", []):
        allowed = str(allowed).lower()
        if host == allowed or host.endswith("." + allowed):
            return False
    return True


_DECIMAL = re.compile(r"(?<![\d.])\d\.\d")
"""A lone digit before a point ("0.38 (0.27–0.50)") is a decimal number, not a phone group."""
_DATE_LIKE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{4}\s*[-–]\s*\d{4}$")


_DOTTED_QUAD = re.compile(r"\d+\.\d+\.\d+\.\d+")


def _phone(candidate: str, options: Mapping[str, Any]) -> bool:
    digits = sum(map(str.isdigit, candidate))
    if not int(options.get("min_digits", 9)) <= digits <= int(options.get("max_digits", 15)):
        return False
    if _DATE_LIKE.match(candidate.strip()) or _DECIMAL.search(candidate) or _DOTTED_QUAD.search(candidate):
        return False
    groups = [g for g in re.split(r"[^\d]+", candidate) if g]
    # A bare run of digits is a count, not a phone number: ask for the grouping
    # people write phone numbers with, or an international prefix.
    return candidate.lstrip().startswith(("+", "00")) or len(groups) >= 3 or "(" in candidate


@lru_cache(maxsize=64)
def _indicators(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


def _code_block(candidate: str, options: Mapping[str, Any]) -> bool:
    indicators = _indicators(tuple(str(p) for p in options.get("indicators", [])))
    found = sum(1 for indicator in indicators if indicator.search(candidate))
    return found >= int(options.get("min_indicators", 2))


CHECKS: dict[str, Check] = {
    "entropy": _entropy,
    "nucleotide": _nucleotide,
    "protein": _protein,
    "ipv6": _ipv6,
    "host": _host,
    "phone": _phone,
    "code_block": _code_block,
}
