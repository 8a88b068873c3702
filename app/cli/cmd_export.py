"""``riskwright export``: write a document — the assessment report or a kind a regime asks for — for one audience,
or several audiences' editions in one command (``--audience`` repeated)."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import (
    EXIT_CANNOT_RUN, EXIT_OK, EXIT_PROBLEMS, CommandFailed, cannot_run_on_errors, document_format,
)
from app.model.outputs import AUDIENCES, FORMAT_IDS, FORMATS



def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser(
        "export", help="write a report (PDF, Word, Markdown, HTML or JSON)",
        description="Write the report for one audience. internal: everything, hazardous passages marked. "
                    "reviewers: internal details, hazardous passages withheld. public: public values only, "
                    "with placeholders and a redaction summary. Reviewer and public exports are refused "
                    "while detector or echo flags are open, and the finished file is scanned for withheld text "
                    "before it is written; a hit writes nothing. "
                    "--kind picks the document: the full assessment report (default) or one a regime asks "
                    "for (reports/kinds/: sb53-transparency-report, eu-model-report, rsp3-risk-report, "
                    "system-card); every kind goes through the same filter, gate and scan, and an unknown "
                    "kind or a kind file with mistakes cannot run. "
                    "Exit 0 written, 1 refused (open flags or a leak; the message says which), "
                    "2 could not run. "
                    "Repeat --audience to write several editions in one go (e.g. --audience internal "
                    "--audience public): the file is read once and the editions are made side by side, each "
                    "through its own gate, filter and scan, and each written or refused on its own (a line "
                    "for each says which); -o then names the folder to write them to, each under its usual "
                    "name. Exit 0 all written, 1 any refused, 2 any could not run.")
    parser.add_argument("file", help="the assessment (.rwa)")
    parser.add_argument("--audience", required=True, choices=AUDIENCES, action="append",
                        help="who the report is for; repeat it for several editions")
    parser.add_argument("--format", choices=FORMAT_IDS,
                        help="output format (default: from -o's ending, else pdf)")
    parser.add_argument("--kind", default="assessment", metavar="KIND",
                        help="the document to write (default assessment; see reports/kinds/)")
    parser.add_argument("-o", "--output",
                        help="the file to write (default: next to the assessment, FILE.AUDIENCE.FORMAT, or "
                             "FILE.KIND.AUDIENCE.FORMAT for another kind); with several audiences, an existing "
                             "folder to write each edition to under that name")
    parser.set_defaults(run=run)


def default_output(file: str, audience: str, fmt: str, kind: str = "assessment") -> Path:
    source = Path(file)
    middle = "" if kind == "assessment" else f".{kind}"
    return source.with_name(f"{source.stem}{middle}.{audience}{FORMATS[fmt].suffix}")


def run(args: argparse.Namespace) -> int:
    import gc
    # One export and the process ends: cycle collection stays off (app.export.collection says why), which
    # also spares the full collection Python runs at exit over everything still alive.
    gc.disable()
    audiences = list(dict.fromkeys(args.audience))  # named twice is still one edition
    if len(audiences) > 1:
        _known_kind(args.kind)
        return _several(args, audiences)
    audience = audiences[0]
    try:
        args.format = document_format(args.format, args.output)
    except CommandFailed:
        _known_kind(args.kind)  # an unknown kind is said first, as before
        raise
    # The writer's child (a PDF's, where it pays) gets the writer ready from here on, while this process
    # checks the kind and reads the file; ``export_file`` keeps it, and a command that stops reaps it.
    from app.export.pipeline import discard_writer, start_writer
    start_writer(args.format, audience)
    try:
        return _one(args, audience)
    finally:
        discard_writer()


def _known_kind(kind: str) -> None:
    from app.content.report_kinds import kind_ids
    with cannot_run_on_errors():
        installed = kind_ids()
    if kind not in installed:
        raise CommandFailed(f"unknown kind {kind!r}; installed: {', '.join(installed)} (reports/kinds/)")


def _one(args: argparse.Namespace, audience: str) -> int:
    from app.export.errors import ExportRefused
    from app.session.export import export_file
    _known_kind(args.kind)
    output = Path(args.output) if args.output else default_output(args.file, audience, args.format, args.kind)
    if output.resolve() == Path(args.file).resolve():
        raise CommandFailed(f"{output}: the report would overwrite the assessment; choose another -o")
    try:
        with cannot_run_on_errors():
            exported = export_file(Path(args.file), audience, args.format, output, args.kind)
    except ExportRefused as refusal:
        code = EXIT_CANNOT_RUN if refusal.reason == "unavailable" else EXIT_PROBLEMS
        raise CommandFailed(str(refusal), code) from None
    print(_written(audience, args.kind, exported.path, exported.size, exported.pages))
    return EXIT_OK


def _written(audience: str, kind: str, path: Path, size: int, pages: int | None) -> str:
    what = "report" if kind == "assessment" else kind
    return f"wrote the {audience} {what} to {path} ({size:,} bytes{f', {pages} pages' if pages else ''})"


def _several(args: argparse.Namespace, audiences: list[str]) -> int:
    """Several editions in one command (``app.session.export.export_editions``): a line for each."""
    from app.cli.common import report_failure
    from app.session.export import export_editions
    if args.output is not None and not Path(args.output).is_dir():
        raise CommandFailed(f"-o {args.output}: with several audiences -o names an existing folder (each edition "
                            "is written there under its usual name); write one audience per command to "
                            "choose each file's name")
    args.format = document_format(args.format, None)
    outputs = []
    for audience in audiences:
        output = default_output(args.file, audience, args.format, args.kind)
        if args.output is not None:
            output = Path(args.output) / output.name
        if output.resolve() == Path(args.file).resolve():
            raise CommandFailed(f"{output}: the report would overwrite the assessment; choose another -o")
        outputs.append((audience, output))
    with cannot_run_on_errors():
        editions = export_editions(Path(args.file), outputs, args.format, args.kind)
    code = EXIT_OK
    for edition in editions:
        if edition.exported is not None:
            exported = edition.exported
            print(_written(edition.audience, args.kind, exported.path, exported.size, exported.pages))
        elif edition.refusal is not None:
            report_failure(f"{edition.audience} edition {edition.refusal}")
            unavailable = edition.refusal.reason == "unavailable"
            code = max(code, EXIT_CANNOT_RUN if unavailable else EXIT_PROBLEMS)
        else:
            report_failure(f"{edition.audience} edition could not be written: {edition.error}")
            code = EXIT_CANNOT_RUN
    return code
