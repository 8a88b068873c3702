"""Creating assessment files and moving them to and from YAML."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import EXIT_OK, CommandFailed, cannot_run_on_errors, opened, write_text_output


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    new = commands.add_parser(
        "new", help="create an empty assessment",
        description="Create a new, empty assessment file for a model, checked against a framework "
                    "(see `riskwright frameworks`).")
    new.add_argument("file", help="the new assessment file (.rwa); must not exist")
    new.add_argument("--framework", required=True, help="framework id, e.g. anthropic-rsp-2.2")
    new.add_argument("--model", required=True, help="the model's name")
    new.set_defaults(run=run_new)

    example = commands.add_parser(
        "example", help="write a bundled example assessment",
        description="Write a bundled, fictional example assessment. --kind api (the default) is an API "
                    "release with fine-tuning for vetted customers; --kind open-weights is an open-weight "
                    "release with a full worst-case (malicious fine-tuning) estimate. --size large writes a "
                    "synthetic benchmark-scale assessment (about 500 evaluations, 60 checkpoints, 1 MB of text).")
    example.add_argument("file", help="the assessment file to write (.rwa); must not exist")
    example.add_argument("--kind", choices=("api", "open-weights"), default="api",
                         help="api (the default): an API release with fine-tuning for vetted customers, the "
                              "example the README's screenshots show; open-weights: an open-weight release "
                              "with its worst-case (malicious fine-tuning) estimate")
    example.add_argument("--size", choices=("small", "large"), default="small",
                         help="small (the default): the bundled example of --kind; "
                              "large: a synthetic assessment for measuring speed")
    example.set_defaults(run=run_example)

    dump = commands.add_parser(
        "dump", help="write an assessment as YAML",
        description="Write the whole assessment as readable YAML (spans and sensitivities included), "
                    "to standard output or a file. `riskwright import` reads it back unchanged.")
    dump.add_argument("file", help="the assessment (.rwa)")
    dump.add_argument("-o", "--output", help="write here instead of standard output")
    dump.set_defaults(run=run_dump)

    imp = commands.add_parser(
        "import", help="create an assessment from YAML",
        description="Create an assessment file from YAML written by `riskwright dump` or by hand. "
                    "Problems are reported as file:line:column and nothing is created.")
    imp.add_argument("yaml", help="the YAML file ('-' for standard input)")
    imp.add_argument("-o", "--output", required=True, help="the assessment file to create (.rwa)")
    imp.add_argument("--force", action="store_true", help="replace the output file if it exists")
    imp.set_defaults(run=run_import)


def run_new(args: argparse.Namespace) -> int:
    from app.content.frameworks import framework_ids
    from app.model import Document, Value
    from app.store import AssessmentFile
    installed = framework_ids()
    if args.framework not in installed:
        raise CommandFailed(f"unknown framework {args.framework!r}; installed: {', '.join(installed)}")
    doc = Document()
    doc.values["header.framework"] = Value(args.framework)
    doc.values["header.model.name"] = Value(args.model)
    doc.values["header.status"] = Value("draft")
    with cannot_run_on_errors():
        AssessmentFile.create(Path(args.file), doc).close()
    print(f"created {args.file} for {args.model}, checked against {args.framework}")
    return EXIT_OK


def run_example(args: argparse.Namespace) -> int:
    from app.interchange.examples import write_example
    with cannot_run_on_errors():
        write_example(Path(args.file), args.size, args.kind)
    what = "large synthetic" if args.size == "large" else args.kind
    print(f"wrote the {what} example assessment to {args.file}")
    return EXIT_OK


def run_dump(args: argparse.Namespace) -> int:
    from app.content.forms import load_forms
    from app.interchange import InterchangeError, dump_document
    with opened(args.file) as assessment, cannot_run_on_errors():
        try:
            text = dump_document(assessment.document, load_forms())
        except InterchangeError as error:
            raise CommandFailed(f"{args.file}: {error}") from None
    write_text_output(text, args.output)
    return EXIT_OK


def run_import(args: argparse.Namespace) -> int:
    import sys

    from app.content.forms import load_forms
    from app.interchange import load_document
    from app.store import AssessmentFile
    with cannot_run_on_errors():
        if args.yaml == "-":
            text, name = sys.stdin.read(), "<stdin>"
        else:
            try:
                text = Path(args.yaml).read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise CommandFailed(f"{args.yaml}: not UTF-8 text") from None
            name = args.yaml
        doc = load_document(text, name, load_forms())
        AssessmentFile.create(Path(args.output), doc, overwrite=args.force).close()
    print(f"created {args.output} from {args.yaml}")
    return EXIT_OK
