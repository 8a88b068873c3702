"""Shared pieces of the command line: exit codes, opening files, printing errors."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.content.errors import ContentError, ContentErrors
from app.store import AssessmentFile, StoreError

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_CANNOT_RUN = 2


class CommandFailed(Exception):
    """Stop the command with a message for the person and an exit code."""

    def __init__(self, message: str, code: int = EXIT_CANNOT_RUN) -> None:
        super().__init__(message)
        self.code = code


def report_failure(message: str) -> None:
    for line in message.splitlines() or [message]:
        print(f"riskwright: {line}", file=sys.stderr)


@contextmanager
def cannot_run_on_errors() -> Iterator[None]:
    """Turn the errors a person can fix into messages with exit code 2."""
    try:
        yield
    except (StoreError, ContentError, ContentErrors) as error:
        raise CommandFailed(str(error)) from None
    except OSError as error:
        name = f"{error.filename}: " if error.filename else ""
        raise CommandFailed(f"{name}{error.strerror or error}") from None


@contextmanager
def opened(path: str) -> Iterator[AssessmentFile]:
    with cannot_run_on_errors():
        assessment = AssessmentFile.open(Path(path))
    try:
        yield assessment
    finally:
        assessment.close()


def write_text_output(text: str, output: str | None) -> None:
    """Write to ``output`` atomically, or to stdout."""
    if output is None or output == "-":
        sys.stdout.write(text)
        return
    from app.store.atomic import write_atomically
    with cannot_run_on_errors():
        write_atomically(Path(output), text.encode("utf-8"))
