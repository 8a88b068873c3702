"""``riskwright portfolio``: every assessment in a folder, one row per model, every running clock.

JSON output (``--format json``, format 1)::

    {"format": 1, "as_of": "2026-12-06", "all_clear": false,
     "models": [{"file", "model", "model_sensitivity", "version", "release_type", "decision",
                 "decision_date", "assessment_date", "revision", "revision_hash", "signoff",
                 "last_signed_revision", "regimes": [{"id", "title", "status", "counts"}],
                 "rubric_score", "open_flags", "next_reassessment", "clocks": [...], "needs_attention"}],
     "clocks": [{"file", "model", "kind", "regime", "rule_id", "subject", "address", "started", "due",
                 "days_left", "overdue"}],
     "unreadable": [{"file", "problem", "message"}]}

``problem`` is ``damaged``, ``newer_format``, ``tampered``, ``not_an_assessment``,
``needs_recovery`` or ``unreadable``. Clocks come most urgent first.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from app.cli.common import (
    EXIT_CANNOT_RUN, EXIT_OK, EXIT_PROBLEMS, CommandFailed, cannot_run_on_errors, document_format, write_text_output,
)
from app.model.outputs import AUDIENCES, FORMAT_IDS

JSON_FORMAT = 1
_EXIT_HELP = ("Exit 0 all clear, 1 something is overdue, non-compliant or unreadable, 2 could not run "
              "(no such folder, bad --as-of).")


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    portfolio = commands.add_parser(
        "portfolio", help="one row per model across a folder of assessments, with every running deadline",
        description="Read every assessment (.rwa) in the folders or files given, read-only: verify each, check "
                    "it against every regime it names, score it against the best-practice rubric, and list "
                    "its sign-off state, open flags, next re-assessment and every running deadline (incident "
                    "reports per regime, re-assessments), most urgent first. A damaged, tampered or newer-"
                    "format file is named with the reason and the others are still read. " + _EXIT_HELP,
        epilog="JSON (--format json): {format: 1, as_of, all_clear, models: [{file, model, revision, signoff, "
               "regimes: [{id, status}], rubric_score, open_flags, next_reassessment, clocks}], clocks: [{file, "
               "model, kind, regime, subject, due, days_left, overdue}], unreadable: [{file, problem, message}]}.")
    portfolio.add_argument("places", nargs="+", metavar="DIR_OR_FILE",
                           help="folders (searched with their sub-folders) or .rwa files")
    portfolio.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day the clocks are read on (default: today)")
    portfolio.add_argument("--format", choices=("text", "json"), default="text",
                           help="text for people (the default) or JSON for scripts")
    portfolio.add_argument("--no-cache", action="store_true",
                           help="read and verify every file afresh (normally a file whose bytes are unchanged since "
                                "the last read is not checked again)")
    portfolio.add_argument("--window", action="store_true",
                           help="show the Portfolio window instead of printing (double-click a row to open it)")
    portfolio.add_argument("--screenshot", metavar="OUT.png",
                           help="with --window: save the window as a PNG once the portfolio is read, and exit")
    portfolio.add_argument("-o", "--output", help="write the table here instead of standard output")
    portfolio.set_defaults(run=run_portfolio)

    update = commands.add_parser(
        "export-portfolio", help="write the quarterly update across a folder of assessments",
        description="Write the quarterly update on risk assessment for a portfolio: the quarter's decisions, "
                    "re-assessments, incidents, sign-offs and framework changes, each model's standing against its "
                    "regimes, running deadlines, and trends (rubric scores by quarter, the highest level reached "
                    "against effective compute). Each assessment contributes only what its own report shows the "
                    "audience; a model whose name is withheld from the audience is left out entirely. Wider "
                    "editions are refused while any included assessment has open flags, and the finished file "
                    "is scanned for every withheld text first. Exit 0 written, 1 refused, 2 could not run.")
    update.add_argument("places", nargs="+", metavar="DIR_OR_FILE", help="folders of .rwa files, or files")
    update.add_argument("--audience", required=True, choices=AUDIENCES, help="who the update is for")
    update.add_argument("--format", choices=FORMAT_IDS, help="output format (default: from -o's ending, else pdf)")
    update.add_argument("--quarter", metavar="YYYY-QN", help="the quarter (default: the one holding --as-of)")
    update.add_argument("--as-of", metavar="YYYY-MM-DD",
                        help="the day deadlines are read on (default: today, or the quarter's last day if earlier)")
    update.add_argument("-o", "--output", help="the file to write (default: quarterly-update-YYYY-QN.AUDIENCE.FORMAT "
                                               "in the current folder)")
    update.set_defaults(run=run_export_portfolio)


def parse_as_of(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandFailed(f"--as-of {text!r}: not a date; write it as YYYY-MM-DD, e.g. 2026-12-31") from None


def run_export_portfolio(args: argparse.Namespace) -> int:
    from app.export.errors import ExportRefused
    from app.export.quarterly import Quarter
    from app.session.quarterly import default_file_name, export_quarterly, written
    as_of = parse_as_of(args.as_of) if args.as_of else None
    try:
        quarter = Quarter.parse(args.quarter) if args.quarter else Quarter.containing(as_of or date.today())
    except ValueError as error:
        raise CommandFailed(f"--quarter: {error}") from None
    args.format = document_format(args.format, args.output)
    output = Path(args.output) if args.output else Path(default_file_name(quarter, args.audience, args.format))
    try:
        with cannot_run_on_errors():
            exported = export_quarterly([Path(p) for p in args.places], quarter, args.audience, args.format, output,
                                        as_of)
    except FileNotFoundError as error:
        raise CommandFailed(str(error)) from None
    except ExportRefused as refusal:
        raise CommandFailed(str(refusal), EXIT_PROBLEMS) from None
    print(written(exported, quarter))
    return EXIT_OK


def run_portfolio(args: argparse.Namespace) -> int:
    from app.portfolio import portfolio_files, read_portfolio
    from app.portfolio.render import render_json, render_text
    as_of = parse_as_of(args.as_of)
    if args.window or args.screenshot:
        from app.cli.cmd_app import start_portfolio
        return start_portfolio(list(args.places), as_of.isoformat(), args.screenshot)
    try:
        paths = portfolio_files(args.places)
    except FileNotFoundError as error:
        raise CommandFailed(str(error)) from None
    if not paths:
        raise CommandFailed(f"no assessment files (.rwa) in {', '.join(args.places)}", EXIT_CANNOT_RUN)
    portfolio = read_portfolio(paths, as_of, use_cache=not args.no_cache)
    text = json.dumps(render_json(portfolio), indent=2, ensure_ascii=False) + "\n" if args.format == "json" \
        else render_text(portfolio)
    write_text_output(text, args.output)
    if portfolio.unreadable and args.format == "text" and args.output not in (None, "-"):
        for bad in portfolio.unreadable:
            print(f"riskwright: {bad.message}", file=sys.stderr)
    return EXIT_OK if portfolio.all_clear else EXIT_PROBLEMS
