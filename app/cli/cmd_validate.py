"""``riskwright validate``: field-level validation of an assessment file."""

from __future__ import annotations

import argparse

from app.cli.common import EXIT_OK, EXIT_PROBLEMS, cannot_run_on_errors, opened


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser(
        "validate", help="check every value against the forms",
        description="Check every value of an assessment against the form definitions: types, choices, "
                    "required fields, hazardous-span markup and sensitivity reasons. "
                    "Exit 0 valid, 1 problems found, 2 could not run.")
    parser.add_argument("file", help="the assessment (.rwa)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from app.content.assessment import problems
    with opened(args.file) as assessment, cannot_run_on_errors():
        found = problems(assessment.document)
    for problem in found:
        print(problem)
    if found:
        print(f"{len(found)} problem{'s' if len(found) != 1 else ''} in {args.file}")
        return EXIT_PROBLEMS
    print(f"{args.file}: valid")
    return EXIT_OK
