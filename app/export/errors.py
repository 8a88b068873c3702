"""Why an export did not write a file."""

from __future__ import annotations


class ExportRefused(Exception):
    """The export ran and refused to write (open flags, a leak, no filter); nothing was written."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason
        """``flags``, ``leak``, ``filter``, ``verify`` (the file does not verify),
        ``damaged`` (a value not of its field's type) or ``unavailable``."""
