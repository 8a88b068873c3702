"""``riskwright scan`` and ``riskwright resolve``: detector flags from the command line.

``scan`` re-scans the whole assessment, stores the flags in the file and lists
the open ones (exit 0 none, 1 some, 2 could not run). ``resolve`` settles one
flag by redacting it or dismissing it with a reason — for batch review and for
tests; the desktop app does the same from its flags panel.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace

from app.cli.common import (
    EXIT_OK, EXIT_PROBLEMS, CommandFailed, cannot_run_on_errors, opened, report_failure,
)


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    scan = commands.add_parser(
        "scan", help="list detector flags and echoes of withheld values in text bound for a wider audience",
        description="Scan every text value with the detectors (hazard term lists, biological sequences, "
                    "CVE ids and exploit-like code, credentials, IP addresses and host names, e-mail "
                    "addresses and phone numbers) and list each hit in text that a wider audience would "
                    "see than the hit allows, and every echo of a withheld value (internal or hazardous) in "
                    "such text — numbers compared by value, dates in their usual spellings, names and short "
                    "phrases as words; withheld values too generic to search for are listed. The flags are "
                    "stored in the file. A public export is refused while a flag is open. Exit 0 no open "
                    "flags, 1 some, 2 could not run.")
    scan.add_argument("file", help="the assessment (.rwa)")
    scan.add_argument("--audience", help="only flags in text this audience would see "
                                         "(internal, reviewers, public; default: every audience)")
    scan.add_argument("--format", choices=("text", "json"), default="text",
                      help="text for people (default) or json for scripts")
    scan.add_argument("--all", action="store_true", help="list dismissed flags too, with their reasons")
    scan.set_defaults(run=run_scan)

    resolve = commands.add_parser(
        "resolve", help="redact or dismiss one flag",
        description="Resolve one flag listed by `riskwright scan`: --redact marks every occurrence of the "
                    "match in that value as a hazardous passage (or, for internal-level detectors such as "
                    "e-mail addresses and echoes of internal values, raises the value to internal); "
                    "--dismiss keeps the text and records the reason. Both are recorded in the redaction log. "
                    "Exit 0 resolved, 1 the flag could not be resolved as asked, 2 could not run.")
    resolve.add_argument("file", help="the assessment (.rwa)")
    resolve.add_argument("flag_id", metavar="FLAG_ID", help="the flag's id, as listed by `riskwright scan`")
    action = resolve.add_mutually_exclusive_group(required=True)
    action.add_argument("--redact", action="store_true", help="withhold the flagged text")
    action.add_argument("--dismiss", metavar="REASON", help="keep the text; REASON says why it is safe")
    resolve.add_argument("--domain", choices=("bio", "chem", "cyber", "autonomy", "other"),
                         help="hazard domain of the marked passage (default: the detector's)")
    resolve.add_argument("--whole", action="store_true",
                         help="with --redact: raise the whole value's sensitivity instead of marking a passage")
    resolve.set_defaults(run=run_resolve)


def _store(assessment):  # type: ignore[no-untyped-def]
    from app.session.flags import FlagStore
    with cannot_run_on_errors():
        return FlagStore(assessment)


def run_scan(args: argparse.Namespace) -> int:
    with opened(args.file, prefer_write=True) as assessment:
        store = _store(assessment)
        if args.audience is not None and args.audience not in store.audiences.ids():
            raise CommandFailed(f"unknown audience {args.audience!r}; audiences are "
                                f"{', '.join(store.audiences.ids())}")
        with cannot_run_on_errors():
            store.rescan_all()
        shown = store.flags(args.audience, include_dismissed=args.all)
        open_count = sum(1 for f in shown if f.is_open)
        dismissed = len(store.flags(args.audience, include_dismissed=True)) - len(store.flags(args.audience))
        skipped = store.echo_skipped()
        scrub = _no_scrub
        if args.audience is not None:  # a withheld record's id is not for this audience's eyes (#11)
            skipped = [_for_audience(s, assessment.document, store.audiences, args.audience) for s in skipped]
            scrub = _withheld_ids(assessment.document, store.audiences, args.audience)
            skipped = [replace(s, reason=scrub(s.reason)) for s in skipped]
    if args.format == "json":
        print(json.dumps({"file": args.file, "audience": args.audience, "open": open_count,
                          "dismissed": dismissed,
                          "flags": [{k: scrub(v) if isinstance(v, str) else v for k, v in f.as_json().items()}
                                    for f in shown],
                          "echo_skipped": [{"address": s.address, "reason": s.reason} for s in skipped]},
                         indent=2, ensure_ascii=False))
    else:
        for flag in shown:
            state = "" if flag.is_open else f"  [dismissed: {flag.dismissed}]"
            print(f"{flag.id}  {flag.address}  {scrub(flag.category)} ({flag.detector}): {flag.matched!r}"
                  f"  — seen by {flag.audience}{state}")
        scope = f" for the {args.audience} audience" if args.audience else ""
        print(f"{open_count} open flag{'s' if open_count != 1 else ''}{scope} in {args.file}"
              + (f" ({dismissed} dismissed)" if dismissed else ""))
        if open_count:
            print("Resolve each with `riskwright resolve FILE FLAG_ID --redact` or --dismiss \"reason\".")
        if skipped:  # said, not silently left out: these withheld values could be echoed unnoticed
            print(f"{len(skipped)} withheld value{'s are' if len(skipped) != 1 else ' is'} not searched for "
                  f"echoes (too generic to search for):")
            for entry in skipped:
                print(f"  {entry.address}: {entry.reason}")
    return EXIT_PROBLEMS if open_count else EXIT_OK


def _no_scrub(text: str) -> str:
    return text


def _withheld_ids(document, audiences, audience: str):  # type: ignore[no-untyped-def]
    """Replaces the id of every record withheld from ``audience`` by its placeholder, wherever a flag's words
    or an echo note name it ("echo of Why this level (wcs-3)"): text made by other modules, scrubbed here."""
    import re

    from app.content.forms import load_forms
    from app.model.sensitivity import Sensitivity
    from app.model.validate import effective_sensitivity
    forms = load_forms()
    sees = audiences.get(audience).sees
    withheld: dict[str, str] = {}
    for table, records in document.tables.items():
        default = forms.field(table).sensitivity if forms.has_field(table) else None
        for record in records:
            level = (effective_sensitivity(default, record.sensitivity, record.sensitivity_reason)
                     if default is not None else None)
            if level is None or level > sees:
                withheld[record.id] = audiences.record(level or Sensitivity.HAZARDOUS)
    if not withheld:
        return _no_scrub
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(i) for i in sorted(withheld, key=len, reverse=True))
                         + r")(?![\w-])")
    return lambda text: pattern.sub(lambda m: withheld[m.group(1)], text)


def _for_audience(entry, document, audiences, audience: str):  # type: ignore[no-untyped-def]
    from app.content.forms import load_forms
    from app.export.labels import address_for
    return replace(entry, address=address_for(document, load_forms(), entry.address, audiences.get(audience).sees,
                                              audiences.record))


def run_resolve(args: argparse.Namespace) -> int:
    from app.session.flags import FlagError
    if args.dismiss is not None and (args.domain or args.whole):
        raise CommandFailed("--domain and --whole go with --redact, not --dismiss")
    if args.dismiss is not None and not args.dismiss.strip():
        raise CommandFailed("give a reason after --dismiss (it is kept in the redaction log)")
    with opened(args.file, write=True) as assessment:
        store = _store(assessment)
        with cannot_run_on_errors():
            store.rescan_all()
        try:
            flag = store.flag(args.flag_id)
        except FlagError as error:
            raise CommandFailed(str(error)) from None
        try:
            if args.dismiss is not None:
                store.dismiss(args.flag_id, args.dismiss)
                print(f"dismissed {flag.id} at {flag.address} ({flag.matched!r}): {' '.join(args.dismiss.split())}")
            else:
                store.redact(args.flag_id, domain=args.domain, whole=args.whole)
                print(f"redacted {flag.id} at {flag.address} ({flag.matched!r}): "
                      f"{store.resolutions()[-1].detail}")
        except FlagError as error:
            report_failure(str(error))
            return EXIT_PROBLEMS
        remaining = len(store.flags())
    print(f"{remaining} open flag{'s' if remaining != 1 else ''} left in {args.file}")
    return EXIT_OK
