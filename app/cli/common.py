"""Shared pieces of the command line: exit codes, opening files, printing errors."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.content.errors import ContentError, ContentErrors
from app.model.outputs import FORMATS
from app.store import AssessmentFile, FileInUse, ReadOnlyFile, StoreError

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


CLI_PROGRAM = "riskwright command line"
CLOSE_IT_THERE = ("Close it there first; commands that only read it (dump, validate, check, verify, history, "
                  "diff, export) work meanwhile.")


@contextmanager
def opened(path: str, write: bool = False, prefer_write: bool = False) -> Iterator[AssessmentFile]:
    """Open an assessment for a command.

    A command that only reads gets a snapshot (works on read-only media and
    while the desktop app is editing the file); a command that writes takes
    the one-writer lock and is refused, naming who has it, while the file is
    open for editing elsewhere. ``prefer_write`` is for commands whose writes
    are only a cache (``scan`` storing flags): they fall back to a snapshot.
    """
    with cannot_run_on_errors():
        if write or prefer_write:
            try:
                assessment = AssessmentFile.open(Path(path), "edit", program=CLI_PROGRAM)
            except (FileInUse, ReadOnlyFile) as refused:
                if not prefer_write:
                    if isinstance(refused, FileInUse):
                        raise FileInUse(refused.path, refused.holder, CLOSE_IT_THERE) from None
                    raise
                assessment = AssessmentFile.open(Path(path), "read")
        else:
            assessment = AssessmentFile.open(Path(path), "read")
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


def document_format(given: str | None, output: str | None) -> str:
    """The format of a document to write: ``--format`` if given, else read from ``-o``'s ending, else PDF.

    A name whose ending names another format than ``--format`` cannot run: a PDF saved as ``x.md`` opens
    as gibberish in every program that trusts the name.
    """
    by_suffix = {spec.suffix: spec.id for spec in FORMATS.values()}
    named = by_suffix.get(Path(output).suffix.lower()) if output else None
    if given is None:
        return named or "pdf"
    if output and named is not None and named != given:
        raise CommandFailed(f"-o {output} ends in {Path(output).suffix} but --format is {given}; drop --format "
                            f"to write {named}, or name the file ...{FORMATS[given].suffix}")
    return given
