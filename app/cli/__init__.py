"""The ``riskwright`` command.

Exit codes, the same for every command: 0 success (valid, compliant, written),
1 the command ran and found problems (or refused, for exports), 2 it could not
run (bad arguments, unreadable or foreign file, bad YAML, unknown framework).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

from app import __version__

COMMAND_MODULES: tuple[str, ...] = (
    "app.cli.cmd_accountability",
    "app.cli.cmd_app",
    "app.cli.cmd_check",
    "app.cli.cmd_document",
    "app.cli.cmd_export",
    "app.cli.cmd_portfolio",
    "app.cli.cmd_scan",
    "app.cli.cmd_validate",
)
"""Each module adds its subcommands with ``register(subparsers)``."""

WORKFLOW_ORDER: tuple[str, ...] = (
    "open", "new", "example", "import", "dump", "validate", "frameworks", "check", "scan", "resolve",
    "signoff", "export", "history", "diff", "verify", "portfolio", "export-portfolio",
)
"""How ``--help`` lists the commands: in the order a person uses them — start or create an
assessment, write it, check it, resolve flags, sign off, export, look back over its history, and
survey every model's assessment for the quarterly update.
Modules register in whatever order suits the code; this is the order a reader meets."""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole command line's parser; with ``command`` (the one a command line names), a parser that parses
    that command's arguments exactly as the whole one does and leaves the other commands out: each
    command's parser costs ~0.4 ms to build (argparse looks up its message catalogue for every one), which
    every run paid for all seventeen. ``--help`` and an unknown command need them all (``main``)."""
    parser = argparse.ArgumentParser(
        prog="riskwright",
        description="Write, check, redact and export risk assessments of frontier AI models.\n"
                    "With no command, starts the desktop app on the last file you had open\n"
                    "(the first time, on a personal copy of the bundled example).",
        epilog="A typical round: open (or new) and write in the app; check; scan and resolve\n"
               "the flags; signoff; export --audience public. Every command has --help.\n\n"
               "Exit codes: 0 success, 1 problems found or export refused, 2 could not run.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"riskwright {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    registering: Any = commands if command is None else _OnlyOne(commands, command)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(registering)
    if command is not None and command not in commands.choices:
        return build_parser()  # no such command: the whole parser says so, listing them all
    _order_for_help(commands)
    return parser


class _OnlyOne:
    """The subcommands as a command module's ``register`` sees them when only ``wanted`` is needed: its parser
    is built as usual, and every other command gets a stand-in that takes whatever is asked of it."""

    def __init__(self, commands: argparse._SubParsersAction, wanted: str) -> None:  # type: ignore[type-arg]
        self._commands, self._wanted = commands, wanted

    def add_parser(self, name: str, **options: Any) -> Any:
        if name == self._wanted or self._wanted in options.get("aliases", ()):
            return self._commands.add_parser(name, **options)
        return _Unused()


class _Unused:
    """A command's parser that is never built: every call (add_argument, set_defaults, groups …) gives it back."""

    def __getattr__(self, name: str) -> Any:
        return lambda *arguments, **options: self


def _named_command(argv: Sequence[str]) -> str | None:
    """The command a command line names, when only its parser is needed: the first argument, unless it is an
    option (``--help``, ``--version``: they are answered before any command's arguments are parsed)."""
    return argv[0] if argv and not argv[0].startswith("-") else None


def _order_for_help(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """List subcommands in ``WORKFLOW_ORDER``; any command not named there follows, as registered."""
    rank = {name: index for index, name in enumerate(WORKFLOW_ORDER)}
    commands._choices_actions.sort(key=lambda action: rank.get(action.dest, len(rank)))
    ordered = sorted(commands.choices.items(), key=lambda item: rank.get(item[0], len(rank)))
    commands.choices.clear()
    commands.choices.update(ordered)


def main(argv: Sequence[str] | None = None) -> int:
    from app.cli.common import EXIT_CANNOT_RUN, CommandFailed, report_failure
    arguments = list(sys.argv[1:] if argv is None else argv)
    collecting = gc.isenabled()
    # The modules loaded for the command make ~10,000 objects that live as long as the process: no use
    # looking for garbage among them while they are made (an export keeps collection off from here on).
    gc.disable()
    try:
        args = build_parser(_named_command(arguments)).parse_args(arguments)
    finally:
        if collecting:
            gc.enable()
    from app.export.staging import remove_stale
    remove_stale()  # a crashed export's unscanned report must not outlive the crash
    if args.command is None:
        from app.cli.cmd_app import start_app
        return start_app(None, None)
    try:
        code = int(args.run(args))
        sys.stdout.flush()  # a closed pipe shows here, not as a traceback at exit
        return code
    except BrokenPipeError:  # `riskwright scan FILE | head`: the reader stopped early; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_CANNOT_RUN
    except CommandFailed as failure:
        report_failure(str(failure))
        return failure.code
    except KeyboardInterrupt:
        report_failure("interrupted")
        return EXIT_CANNOT_RUN


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
