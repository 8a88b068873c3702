"""Errors in content and input files, always with a location a person can open."""

from __future__ import annotations


class ContentError(Exception):
    """A content or input file is wrong; ``str()`` is ``file:line:column: message``."""

    def __init__(self, file: str, line: int | None, column: int | None, message: str) -> None:
        self.file, self.line, self.column, self.message = file, line, column, message
        where = file if line is None else f"{file}:{line}:{column or 1}"
        super().__init__(f"{where}: {message}")


class ContentErrors(Exception):
    """Several problems in one go, so a person can fix them all at once."""

    def __init__(self, errors: list[ContentError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
