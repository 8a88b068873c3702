"""``riskwright frameworks`` and ``riskwright check``.

JSON output of ``riskwright check --format json`` (format 1)::

    {
      "file": "halcyon.rwa",
      "format": 1,
      "framework": {"id": "openai-preparedness-beta", "name": "...", "version": "beta", "date": "2023-12-18"},
      "status": "compliant" | "non_compliant" | "incomplete",
      "counts": {"violation": 0, "missing_evidence": 2, "warning": 1, "satisfied": 11},
      "findings": [
        {"rule_id": "evaluate-every-2x", "rule_title": "...",
         "severity": "violation" | "missing_evidence" | "warning" | "satisfied",
         "stage": "training",
         "address": "training.checkpoints[ckpt-7].effective_compute_flop",
         "message": "Checkpoint ckpt-7 (...) at 9.6e25 FLOP came 4.8x after ...",
         "quotes": ["training.checkpoints[ckpt-7].effective_compute_flop", ...],
         "citation": {"source": "Preparedness Framework (Beta)", "section": "...", "url": "https://..."}}
      ],
      "score": null | {"total": 71.3, "out_of": 100, "sections": [
        {"id": "measuring_threats", "title": "...", "weight": 60, "earned": 40.2, "items": [
          {"id": "...", "title": "...", "stage": "...", "points": 13.85, "earned": 6.9, "fraction": 0.5,
           "parts": [{"label": "...", "fraction": 0.5}]}]}]}
    }

Findings come in stage order (header first, accountability last); ``quotes``
lists the addresses of the assessment values the message repeats.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.cli.common import (
    EXIT_CANNOT_RUN,
    EXIT_OK,
    EXIT_PROBLEMS,
    CommandFailed,
    cannot_run_on_errors,
    opened,
    report_failure,
    write_text_output,
)

_EXIT_HELP = "Exit 0 compliant, 1 non-compliant or incomplete, 2 could not run (bad file, unknown framework)."
_JSON_HELP = ("JSON (--format json): {file, format: 1, framework: {id, name, version, date}, status, counts, "
              "findings: [{rule_id, rule_title, severity, stage, address, message, quotes, "
              "citation: {source, section, url}}], score: null or {total, out_of, sections: [{id, title, "
              "weight, earned, items: [{id, title, stage, points, earned, fraction, parts}]}]}, "
              "documents: [findings of the same shape, one per document section without evidence]}.")


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    listing = commands.add_parser(
        "frameworks", help="list the installed commitment frameworks",
        description="List the commitment frameworks installed in schemas/: id, version, publication date, "
                    "name, how many risk categories are tracked and how many rules each has. A framework "
                    "file with mistakes is reported as file:line:column and the command exits 2.")
    listing.add_argument("--format", choices=("text", "json"), default="text",
                         help="text for people (the default) or JSON for scripts")
    listing.add_argument("--diff", nargs=2, metavar=("A", "B"),
                         help="show what changed from framework A to framework B: rules added, removed or "
                              "changed (condition, severity, requirement, deadline, citation), categories and "
                              "their level definitions, documents and ladders")
    listing.set_defaults(run=run_frameworks)

    check = commands.add_parser(
        "check", help="check an assessment against a framework",
        description="Check an assessment against the commitment framework it names, or against every regime "
                    "its header lists under 'Regimes that apply' (a regime x status matrix, each regime's "
                    "findings and each incident's deadline under every regime; JSON format 2), or against "
                    "--framework only: "
                    "required evidence, evaluation cadence in compute and in time, and the conditional "
                    "commitments (what the determinations require or forbid). Each finding cites the "
                    "framework's source. Text output groups findings by stage, violations first; the "
                    "best-practice rubric also prints a score out of 100. Sections without evidence of the "
                    "documents the regimes ask for (reports/kinds/, e.g. the SB 53 transparency report) are "
                    "listed after the findings and count as incomplete. " + _EXIT_HELP,
        epilog=_JSON_HELP)
    check.add_argument("file", help="the assessment (.rwa), or its YAML form (.yaml/.yml)")
    check.add_argument("--framework", metavar="ID",
                       help="check against this framework only, instead of the regimes the assessment names")
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help="text for people (the default) or JSON for scripts")
    check.add_argument("--all", action="store_true",
                       help="list every finding (text output shows five per rule and counts the rest)")
    check.add_argument("-o", "--output", help="write the report here instead of standard output")
    check.set_defaults(run=run_check)


def run_frameworks(args: argparse.Namespace) -> int:
    from app.checks.render import render_frameworks
    from app.content.errors import ContentError, ContentErrors
    from app.content.frameworks import framework_ids, load_framework
    if args.diff:
        return _run_diff(args)
    rows, broken = [], []
    for framework_id in framework_ids():
        try:
            fw = load_framework(framework_id)
        except (ContentError, ContentErrors) as error:
            broken.append(str(error))
            continue
        rows.append({"id": fw.id, "name": fw.name, "publisher": fw.publisher, "version": fw.version,
                     "date": fw.date, "categories": len(fw.categories), "tracked": len(fw.tracked),
                     "rules": len(fw.rules), "scored": fw.has_score, "kind": fw.kind, "checked_on": fw.checked_on,
                     "sources": [s.url for s in fw.sources]})
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
    else:
        sys.stdout.write(render_frameworks(rows) if rows else "no frameworks installed\n")
    for message in broken:
        report_failure(message)
    return EXIT_CANNOT_RUN if broken else EXIT_OK


def _run_diff(args: argparse.Namespace) -> int:
    from app.content.framework_diff import diff_frameworks, render_diff
    from app.content.frameworks import framework_ids, load_framework
    installed = framework_ids()
    for framework_id in args.diff:
        if framework_id not in installed:
            raise CommandFailed(f"unknown framework {framework_id!r}; installed: {', '.join(installed)}")
    with cannot_run_on_errors():
        diff = diff_frameworks(load_framework(args.diff[0]), load_framework(args.diff[1]))
    if args.format == "json":
        sys.stdout.write(json.dumps({"old": diff.old.id, "new": diff.new.id, "changes": [
            {"what": c.what, "id": c.id, "kind": c.kind, "details": list(c.details)} for c in diff.changes]},
            indent=2) + "\n")
    else:
        sys.stdout.write(render_diff(diff))
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    from app.checks import check, load_framework
    from app.checks.regimes import REGIMES_TABLE
    from app.checks.render import render_json, render_text
    from app.content.forms import load_forms
    from app.content.frameworks import framework_ids
    doc = _read_document(args.file)
    if not args.framework and doc.records(REGIMES_TABLE):
        return _run_regimes(args, doc)
    framework_id = args.framework or doc.get("header.framework")
    installed = framework_ids()
    if not framework_id:
        raise CommandFailed(f"{args.file} names no framework (header.framework is empty); pass --framework ID "
                            f"(installed: {', '.join(installed)})")
    if framework_id not in installed:
        raise CommandFailed(f"unknown framework {framework_id!r}; installed: {', '.join(installed)} "
                            f"(see `riskwright frameworks`)")
    with cannot_run_on_errors():
        framework = load_framework(framework_id)
        forms = load_forms()
    result = check(doc, framework, forms)
    name = Path(args.file).name
    text = render_json(result, name) if args.format == "json" else \
        render_text(result, forms, name, show_all=args.all)
    text, documents = _with_documents(text, args.format, doc, forms, [framework_id])
    write_text_output(text, args.output)
    return EXIT_OK if result.status == "compliant" and not documents else EXIT_PROBLEMS


def _run_regimes(args: argparse.Namespace, doc) -> int:  # type: ignore[no-untyped-def]
    """Every regime the header names, with the regime x status matrix (JSON format 2)."""
    from app.checks.regime_render import render_regimes_json, render_regimes_text
    from app.checks.regimes import check_regimes, regime_ids, unknown_regimes
    from app.content.forms import load_forms
    from app.content.frameworks import framework_ids
    ids = regime_ids(doc)
    unknown = unknown_regimes(ids)
    if unknown:
        raise CommandFailed(f"{args.file} names unknown regime {unknown[0]!r} under header.regimes; installed: "
                            f"{', '.join(framework_ids())} (see `riskwright frameworks`; or pass --framework ID)")
    with cannot_run_on_errors():
        forms = load_forms()
        checked = check_regimes(doc, ids, forms)
    deadlines = checked.incident_deadlines(doc, forms)
    name = Path(args.file).name
    text = render_regimes_json(checked, deadlines, name) if args.format == "json" else \
        render_regimes_text(checked, deadlines, forms, name, show_all=args.all)
    text, documents = _with_documents(text, args.format, doc, forms, ids)
    write_text_output(text, args.output)
    return EXIT_OK if checked.status == "compliant" and not documents else EXIT_PROBLEMS


def _with_documents(text: str, fmt: str, doc, forms, regimes: list[str]):  # type: ignore[no-untyped-def]
    """The output with the sections of required documents that have no evidence (reports/kinds/), and those
    findings: a ``documents`` list in JSON, a block after the findings in text."""
    from app.checks.documents import document_findings, documents_text
    with cannot_run_on_errors():
        documents = document_findings(doc, forms, regimes)
    if fmt == "json":
        payload = json.loads(text)
        payload["documents"] = [finding.to_json() for finding in documents]
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n", documents
    return text + documents_text(documents), documents


def _read_document(path: str):  # type: ignore[no-untyped-def]
    """An .rwa file through the store, a .yaml/.yml file through the interchange reader."""
    if Path(path).suffix.lower() in (".yaml", ".yml"):
        from app.content.forms import load_forms
        from app.interchange import load_document
        with cannot_run_on_errors():
            try:
                text = Path(path).read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise CommandFailed(f"{path}: not UTF-8 text") from None
            return load_document(text, path, load_forms())
    with opened(path) as assessment:
        return assessment.document
