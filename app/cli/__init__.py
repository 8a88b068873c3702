"""The ``riskwright`` command.

Exit codes, the same for every command: 0 success (valid, compliant, written),
1 the command ran and found problems (or refused, for exports), 2 it could not
run (bad arguments, unreadable or foreign file, bad YAML, unknown framework).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from app import __version__
from app.cli.common import EXIT_CANNOT_RUN, CommandFailed, report_failure

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


def build_parser() -> argparse.ArgumentParser:
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
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands)
    _order_for_help(commands)
    return parser


def _order_for_help(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """List subcommands in ``WORKFLOW_ORDER``; any command not named there follows, as registered."""
    rank = {name: index for index, name in enumerate(WORKFLOW_ORDER)}
    commands._choices_actions.sort(key=lambda action: rank.get(action.dest, len(rank)))
    ordered = sorted(commands.choices.items(), key=lambda item: rank.get(item[0], len(rank)))
    commands.choices.clear()
    commands.choices.update(ordered)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
