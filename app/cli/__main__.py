"""``python -m app.cli`` and the installed ``riskwright`` command: run one command, then end the process.

An export has closed the assessment, moved the scanned file into place and
printed its answer by the time ``main`` returns (a portfolio has written its
table and its workers have ended); what is left is tearing the interpreter
down, which frees every module's caches one object at a time (~0.07 s of CPU
after exporting the large example, ~0.04 s after a portfolio) while the person
waits for the prompt. After the commands in ``QUICK_EXIT`` the exit handlers
still run and the output streams are flushed, then the process ends at once
(``os._exit``). Every other command, and any command that showed a window
(its Qt objects tidy up as they are destroyed: ``portfolio --window``), ends
the usual way. Tests call ``app.cli.main`` itself.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from collections.abc import Sequence
from typing import NoReturn

from app.cli import main

QUICK_EXIT = frozenset({"export", "portfolio"})
"""Commands that leave nothing open or unwritten when ``main`` returns."""


def _command(argv: Sequence[str]) -> str | None:
    """The subcommand: the first argument that is not an option (``riskwright`` takes only --help and
    --version before it)."""
    return next((argument for argument in argv if not argument.startswith("-")), None)


def run(argv: Sequence[str] | None = None) -> NoReturn:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if _command(arguments) in QUICK_EXIT:
        from app.export.collection import process_ends_at_once
        process_ends_at_once()  # an export keeps its large objects for the exit instead of freeing them
    code = main(arguments)
    if (_command(arguments) in QUICK_EXIT and threading.active_count() == 1  # nothing left to wait for
            and "PySide6" not in sys.modules):  # no window was shown
        atexit._run_exitfuncs()
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):  # a stream that cannot be flushed: end the usual way, which reports it
            sys.exit(code)
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    run()
