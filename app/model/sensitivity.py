"""Sensitivity levels and the audiences' view of them.

The order matters everywhere: a value is shown to an audience only when the
audience's clearance is at least the value's sensitivity.
"""

from __future__ import annotations

from enum import Enum


class Sensitivity(Enum):
    PUBLIC = "public"
    INTERNAL = "internal"
    HAZARDOUS = "hazardous"

    _rank: int
    """Set on each member below: comparisons run hundreds of thousands of times per export, and an
    enum member's hash (a dict lookup) is a Python-level call."""

    @property
    def rank(self) -> int:
        return self._rank

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Sensitivity):
            return NotImplemented
        return self._rank < other._rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Sensitivity):
            return NotImplemented
        return self._rank <= other._rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Sensitivity):
            return NotImplemented
        return self._rank > other._rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Sensitivity):
            return NotImplemented
        return self._rank >= other._rank

    @classmethod
    def parse(cls, text: str) -> Sensitivity:
        try:
            return cls(text)
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown sensitivity {text!r}; expected one of {choices}") from None


_RANK = {Sensitivity.PUBLIC: 0, Sensitivity.INTERNAL: 1, Sensitivity.HAZARDOUS: 2}
for _member, _number in _RANK.items():
    object.__setattr__(_member, "_rank", _number)

HAZARD_DOMAINS: tuple[str, ...] = ("bio", "chem", "cyber", "autonomy", "other")
"""Domains a hazardous passage can be tagged with."""
