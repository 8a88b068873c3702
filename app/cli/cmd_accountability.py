"""``signoff``, ``history``, ``diff`` and ``verify``: who changed what, who approved it, is it intact."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from app.cli.common import (
    EXIT_CANNOT_RUN,
    EXIT_OK,
    EXIT_PROBLEMS,
    CommandFailed,
    cannot_run_on_errors,
    opened,
    write_text_output,
)
from app.model.outputs import NARROWEST_FIRST

AUDIENCES = NARROWEST_FIRST


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    signoff = commands.add_parser(
        "signoff", help="sign off the current revision in a role",
        description="Approve the current revision of an assessment as ROLE with your signing key "
                    "(Ed25519; created in your config folder on first use, its public key and "
                    "fingerprint stored in the file). The revision is frozen: the next edit starts a new "
                    "revision and sign-offs do not carry over. Your name comes from --name, "
                    "$RISKWRIGHT_ASSESSOR, the app's settings, or your user name. "
                    "Exit 0 signed, 1 refused (e.g. this key already signed this revision), 2 could not run.")
    signoff.add_argument("file", help="the assessment (.rwa)")
    signoff.add_argument("--role", required=True,
                         help="the role you sign in: assessor, compliance_lead, or a role from "
                              "schemas/signoff/roles.yaml")
    signoff.add_argument("--name", help="your name as it should appear in the sign-off")
    signoff.set_defaults(run=run_signoff)

    hist = commands.add_parser(
        "history", help="list every change: who, when, what, before → after",
        description="List the assessment's history: every change with who made it, when, the field and "
                    "record, the value before and after, sensitivity changes, flag decisions and "
                    "sign-offs, oldest first. The history holds values as entered, hazardous ones "
                    "included: --audience reviewers or public passes every value through the same audience "
                    "filter as the reports (placeholders instead of withheld detail; names, reasons and "
                    "entry hashes left out where the audience may not see them). Exit 0 listed, 1 refused "
                    "(the file does not verify, or malformed span markup), 2 could not run.")
    hist.add_argument("file", help="the assessment (.rwa)")
    hist.add_argument("--format", choices=("text", "json"), default="text",
                      help="text for people (the default) or JSON for scripts")
    hist.add_argument("--audience", choices=AUDIENCES, default="internal",
                      help="who the listing is for (default internal)")
    hist.add_argument("--field", metavar="PATH",
                      help="only changes to this field, table, stage or record, e.g. header.model.name, "
                           "training.checkpoints[ckpt-2]")
    hist.add_argument("-o", "--output", help="write here instead of standard output")
    hist.set_defaults(run=run_history)

    diff = commands.add_parser(
        "diff", help="compare two revisions field by field",
        description="Show what changed between two revisions, field by field: values added, removed or "
                    "changed (with sensitivity), records added, removed or moved. Name a revision by "
                    "number (2 or r2), by the start of its hash, or as 'current'. Earlier revisions are "
                    "kept when they are signed. For --audience reviewers or public both revisions pass "
                    "through the audience filter first. Exit 0 identical, 1 different, 2 could not run.")
    diff.add_argument("file", help="the assessment (.rwa)")
    diff.add_argument("rev_a", metavar="REV_A", help="the older revision")
    diff.add_argument("rev_b", metavar="REV_B", help="the newer revision")
    diff.add_argument("--format", choices=("text", "json"), default="text",
                      help="text for people (the default) or JSON for scripts")
    diff.add_argument("--audience", choices=AUDIENCES, default="internal",
                      help="who the comparison is for (default internal)")
    diff.set_defaults(run=run_diff)

    verify = commands.add_parser(
        "verify", help="check the history chain and every signature",
        description="Check that the assessment is what its history and sign-offs say: the hash chain of "
                    "the history (no entry changed, removed or reordered), every sign-off signature and "
                    "the revision it signed, and that the current content follows from the history. "
                    "The file is opened read-only. "
                    "Exit 0 intact, 1 tampered (naming the first broken entry or signature), "
                    "2 could not run.")
    verify.add_argument("file", help="the assessment (.rwa)")
    verify.add_argument("--format", choices=("text", "json"), default="text",
                        help="text for people (the default) or JSON for scripts")
    verify.set_defaults(run=run_verify)


# -- signoff -----------------------------------------------------------------------
def run_signoff(args: argparse.Namespace) -> int:
    from app.content.roles import load_roles
    from app.session.accountability import sign_current
    from app.store.signoff import SignOffRefused, key_path, spaced
    with cannot_run_on_errors():
        roles = load_roles()
    if args.role not in roles.ids:
        raise CommandFailed(f"unknown role {args.role!r}; roles: {', '.join(roles.ids)} "
                            f"(defined in schemas/signoff/roles.yaml)")
    with opened(args.file, write=True) as assessment, cannot_run_on_errors():
        key_file = key_path()
        new_key = not key_file.exists()
        try:
            signed = sign_current(assessment, args.role, args.name, roles)
        except SignOffRefused as refused:
            if new_key and key_file.exists():
                print(f"created your signing key at {key_file} (keep it private; it identifies you)")
            raise CommandFailed(f"{args.file}: sign-off refused: {refused}", EXIT_PROBLEMS) from None
    if signed.new_key is not None:
        print(f"created your signing key at {signed.new_key} (keep it private; it identifies you)")
    made = signed.signoff
    print(f"signed revision {made.revision} ({made.revision_hash[:12]}) of {args.file} "
          f"as {roles.label(made.role)}: {made.name}")
    print(f"key fingerprint: {spaced(made.fingerprint)}")
    print(f"status: {signed.status.summary()}")
    return EXIT_OK


# -- history -------------------------------------------------------------------------
def run_history(args: argparse.Namespace) -> int:
    from app.store import history
    with opened(args.file) as assessment, cannot_run_on_errors():
        try:
            found = history.entries(assessment.db, args.field)
        except ValueError as error:
            raise CommandFailed(f"--field: {error}") from None
        if args.audience == "internal":
            bodies = [_entry_json(entry) for entry in found]
        else:
            bodies = _for_audience(args.audience, lambda forms: _history_view(
                assessment, forms, args.audience, {entry.seq for entry in found}))
    if args.format == "json":
        text = json.dumps({"file": args.file, "audience": args.audience, "field": args.field,
                           "entries": bodies}, indent=2, ensure_ascii=False) + "\n"
    elif bodies:
        text = "".join(_entry_line(body) + "\n" for body in bodies)
    else:
        text = f"no history entries{f' for {args.field}' if args.field else ''}\n"
    write_text_output(text, args.output)
    return EXIT_OK


def _for_audience(audience: str, build: Any, code: int = EXIT_PROBLEMS) -> Any:
    """Run ``build(forms)`` for a wider audience; a refusal exits with ``code`` and nothing is written."""
    from app.redaction.history_view import AudienceViewRefused
    from app.content.forms import load_forms
    try:
        return build(load_forms())
    except AudienceViewRefused as refused:
        raise CommandFailed(f"refused for the {audience} audience: {refused}", code) from None


def _history_view(assessment: Any, forms: Any, audience: str, wanted: set[int]) -> list[dict[str, Any]]:
    from app.model.changes import describe
    from app.redaction.history_view import history_for_audience
    from app.store import history
    bodies = history_for_audience([entry.body for entry in history.entries(assessment.db)], assessment.document,
                                  audience, forms, wanted)
    for body in bodies:
        body["summary"] = describe(body)
    return bodies


def _entry_line(body: dict[str, Any]) -> str:
    when = str(body["at"]).replace("T", " ").replace("Z", "")
    return f"#{body['seq']:<5} {when}  {body['who']:<18} r{body['revision']:<3} {body['summary']}"


def _entry_json(entry: Any) -> dict[str, Any]:
    return {**entry.body, "address": entry.address, "summary": entry.describe(), "hash": entry.hash,
            "prev": entry.prev}


# -- diff ---------------------------------------------------------------------------------
def run_diff(args: argparse.Namespace) -> int:
    from app.store import revision
    from app.model.changes import brief_data, diff_documents
    withheld = 0
    with opened(args.file) as assessment, cannot_run_on_errors():
        old = revision.resolve(assessment.db, assessment.document, args.rev_a)
        new = revision.resolve(assessment.db, assessment.document, args.rev_b)
        changes = diff_documents(old.document, new.document)
        if args.audience != "internal":
            from app.redaction.history_view import differences_for_audience
            changes, withheld = _for_audience(args.audience, lambda forms: differences_for_audience(
                old.document, new.document, changes, args.audience, forms), EXIT_CANNOT_RUN)
    note = (f"{withheld} change{'s' if withheld != 1 else ''} inside records the {args.audience} audience may "
            f"not see {'are' if withheld != 1 else 'is'} not shown") if withheld else None
    if args.format == "json":
        print(json.dumps({"file": args.file, "audience": args.audience,
                          "from": {"revision": old.number, "hash": old.hash},
                          "to": {"revision": new.number, "hash": new.hash}, "withheld": withheld,
                          "changes": [change.as_json() for change in changes]}, indent=2, ensure_ascii=False))
    else:
        print(f"from {old.label} {old.hash[:12]} to {new.label} {new.hash[:12]}: "
              f"{len(changes)} change{'s' if len(changes) != 1 else ''}")
        for change in changes:
            print(_change_line(change, brief_data))
        if note:
            print(f"({note})")
    return EXIT_PROBLEMS if changes else EXIT_OK


def _change_line(change: Any, brief: Any) -> str:
    def shown(form: Any) -> str:
        if form is None:
            return "(empty)"
        text = brief(form.get("data"))
        if form.get("sensitivity"):
            text += f" [{form['sensitivity']}]"
        return text

    if change.change in ("changed", "added", "removed"):
        mark = {"changed": "~", "added": "+", "removed": "-"}[change.change]
        return f"{mark} {change.address}: {shown(change.before)} → {shown(change.after)}"
    if change.change == "record moved":
        return f"~ {change.address}: moved from position {change.before} to {change.after}"
    if change.change == "record sensitivity":
        def level(form: Any) -> str:
            return (form or {}).get("sensitivity") or "default"
        return f"~ {change.address}: record sensitivity {level(change.before)} → {level(change.after)}"
    mark = "+" if change.change == "record added" else "-"
    return f"{mark} {change.address}: {change.change}"


# -- verify ---------------------------------------------------------------------------------
def run_verify(args: argparse.Namespace) -> int:
    from app.session.accountability import verify_path
    with cannot_run_on_errors():
        verdict = verify_path(Path(args.file))
    if args.format == "json":
        print(json.dumps({
            "file": args.file, "intact": verdict.intact, "entries": verdict.entries,
            "problems": verdict.problems,
            "signoffs": [{**signoff.as_json(), "valid": valid} for signoff, valid in verdict.signoffs],
        }, indent=2, ensure_ascii=False))
    else:
        _print_verdict(args.file, verdict)
    return EXIT_OK if verdict.intact else EXIT_PROBLEMS


def _print_verdict(name: str, verdict: Any) -> None:
    from app.store.signoff import spaced
    for signoff, valid in verdict.signoffs:
        mark = "ok " if valid else "BAD"
        print(f"{mark} revision {signoff.revision} ({signoff.revision_hash[:12]}) signed by {signoff.name} "
              f"as {signoff.role} at {signoff.signed_at}, key {spaced(signoff.fingerprint, 4)}")
    if verdict.intact:
        print(f"{name}: intact — {verdict.entries} history entries chained, "
              f"{len(verdict.signoffs)} signature{'s' if len(verdict.signoffs) != 1 else ''} valid, "
              f"content matches the history")
        return
    print(f"{name}: TAMPERED — {verdict.problems[0]}")
    for problem in verdict.problems[1:]:
        print(f"  also: {problem}")
