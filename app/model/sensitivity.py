"""Sensitivity levels and the audiences' view of them.

The order matters everywhere: a value is shown to an audience only when the
audience's clearance is at least the value's sensitivity.
"""

from __future__ import annotations

from enum import Enum
from functools import total_ordering


@total_ordering
class Sensitivity(Enum):
    PUBLIC = "public"
    INTERNAL = "internal"
    HAZARDOUS = "hazardous"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Sensitivity):
            return NotImplemented
        return self.rank < other.rank

    @classmethod
    def parse(cls, text: str) -> Sensitivity:
        try:
            return cls(text)
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown sensitivity {text!r}; expected one of {choices}") from None


_RANK = {Sensitivity.PUBLIC: 0, Sensitivity.INTERNAL: 1, Sensitivity.HAZARDOUS: 2}

HAZARD_DOMAINS: tuple[str, ...] = ("bio", "chem", "cyber", "autonomy", "other")
"""Domains a hazardous passage can be tagged with."""
