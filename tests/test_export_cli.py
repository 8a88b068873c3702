"""`riskwright export` end to end: written, refused (flags, leaks), could not run — and never half-written."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from app.interchange.examples import example_document
from app.model import Value
from app.store import AssessmentFile


def _export(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["export", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _file_with(tmp_path: Path, changes: dict[str, str]) -> Path:
    doc = example_document()
    for path, text in changes.items():
        doc.values[path] = Value(text)
    target = tmp_path / "changed.rwa"
    AssessmentFile.create(target, doc).close()
    return target


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_internal_pdf_is_written_next_to_the_assessment(example_file: Path, capsys) -> None:
    code, out, err = _export(capsys, str(example_file), "--audience", "internal", "--format", "pdf")
    target = example_file.with_name("example.internal.pdf")
    assert code == 0 and err == ""
    assert out.startswith(f"wrote the internal report to {target}") and " pages)" in out
    assert target.read_bytes().startswith(b"%PDF-") and _leftovers(example_file.parent) == []


@pytest.mark.parametrize("audience, fmt", [("public", "md"), ("public", "html"), ("public", "json"),
                                           ("reviewers", "html"), ("reviewers", "json")])
def test_wider_editions_pass_the_gate_and_the_scan(example_file: Path, tmp_path: Path, capsys, audience: str,
                                                    fmt: str) -> None:
    output = tmp_path / f"out.{fmt}"
    code, out, err = _export(capsys, str(example_file), "--audience", audience, "--format", fmt, "-o", str(output))
    assert (code, err) == (0, ""), err
    text = output.read_text(encoding="utf-8")
    assert "FROBNICATE" not in text and "Glimmerpox" not in text  # the fictional hazardous details
    assert "Cobaltline Security" in text  # internal by default, lowered to public with a reason
    assert "Sparrowhawk" not in text  # an organisation inside a hazardous record


def test_open_flags_refuse_the_public_export_and_name_them(tmp_path: Path, capsys) -> None:
    source = _file_with(tmp_path, {"retrospective.predicted_well": "The range host 203.0.113.9 behaved as forecast."})
    output = tmp_path / "public.html"
    output.write_text("an earlier export", encoding="utf-8")
    code, out, err = _export(capsys, str(source), "--audience", "public", "--format", "html", "-o", str(output))
    assert code == 1 and out == ""
    assert "1 detector flag is open for the public audience" in err
    assert "retrospective.predicted_well" in err and "network address (ipv4_address)" in err
    assert output.read_text(encoding="utf-8") == "an earlier export"  # untouched
    assert _leftovers(tmp_path) == []
    code, _, err = _export(capsys, str(source), "--audience", "internal", "--format", "html", "-o", str(output))
    assert code == 0  # the internal edition is not gated


def test_a_leak_in_the_finished_file_deletes_it_and_says_where(tmp_path: Path, capsys) -> None:
    """The same words marked hazardous in one field and left unmarked in a public one: the gate flags the
    echo; dismissed, the filter still removes the marked copy, the scan of the finished file finds the other,
    and nothing is written (a hazardous passage is searched for whatever became of its echo flags)."""
    passage = "the teal catalyst of the invented Quibble kit"
    source = _file_with(tmp_path, {
        "retrospective.predicted_badly": f"Uplift came from [[hazard:chem]]{passage}[[/hazard]] in one trial.",
        "retrospective.process_changes": f"Never again print {passage} in a public field.",
    })
    output = tmp_path / "public.md"
    code, out, err = _export(capsys, str(source), "--audience", "public", "--format", "md", "-o", str(output))
    assert code == 1 and "1 detector flag is open" in err and "echo of a passage in" in err
    flag_id = next(word for word in err.split() if word.startswith("F") and len(word) == 10)
    assert main(["resolve", str(source), flag_id, "--dismiss", "a test of the finished-file scan"]) == 0
    capsys.readouterr()
    code, out, err = _export(capsys, str(source), "--audience", "public", "--format", "md", "-o", str(output))
    assert code == 1 and out == ""
    assert "the finished public md file would leak; it was deleted and nothing was written" in err
    assert "withheld text" in err and "(from retrospective.predicted_badly)" in err
    assert "markdown" in err  # the channel
    assert not output.exists() and _leftovers(tmp_path) == []


def test_malformed_span_markup_is_refused_with_its_field(tmp_path: Path, capsys) -> None:
    source = _file_with(tmp_path, {"retrospective.predicted_badly": "An [[hazard:bio]]unclosed passage."})
    code, _, err = _export(capsys, str(source), "--audience", "public", "--format", "json",
                           "-o", str(tmp_path / "x.json"))
    assert code == 1 and "retrospective.predicted_badly" in err and "never closed" in err
    assert not (tmp_path / "x.json").exists()


def test_could_not_run(tmp_path: Path, example_file: Path, capsys) -> None:
    code, _, err = _export(capsys, str(tmp_path / "missing.rwa"), "--audience", "internal")
    assert code == 2 and "no such file" in err
    code, _, err = _export(capsys, str(example_file), "--audience", "internal", "-o",
                           str(tmp_path / "no-folder" / "r.pdf"))
    assert code == 2 and "no such folder" in err
    not_ours = tmp_path / "notes.rwa"
    not_ours.write_text("hello", encoding="utf-8")
    code, _, err = _export(capsys, str(not_ours), "--audience", "public")
    assert code == 2 and "not a Riskwright assessment" in err
    code, _, err = _export(capsys, str(example_file), "--audience", "internal", "-o", str(example_file))
    assert code == 2 and "would overwrite the assessment" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_a_broken_styles_file_is_named_not_a_traceback(example_file: Path, tmp_path: Path, capsys,
                                                       monkeypatch: pytest.MonkeyPatch, audience: str) -> None:
    """A compliance lead's mistake in reports/styles.yaml is said as file:line:column with exit 2, also for a
    PDF, whose writer's child the command starts before it reads the file (it loads the styles then)."""
    from app.content import report_layout
    from app.content.errors import ContentError
    from app.export import collection, pipeline

    def broken() -> None:
        raise ContentError("reports/styles.yaml", 6, 3, "expected ',' or ']'")

    monkeypatch.setattr(report_layout, "_default_styles", broken)
    monkeypatch.setattr(collection, "ends_at_once", lambda: True)  # as the command's own process
    monkeypatch.setattr(pipeline, "_writer_loaded", lambda fmt: False)
    monkeypatch.setattr(pipeline, "core_idle", lambda: True)
    target = tmp_path / f"{audience}.pdf"
    code, out, err = _export(capsys, str(example_file), "--audience", audience, "-o", str(target))
    assert (code, out) == (2, "")
    assert err.strip() == "riskwright: reports/styles.yaml:6:3: expected ',' or ']'"
    assert not target.exists() and not pipeline._STARTED


def test_help_documents_the_exit_codes(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--audience {public,reviewers,internal}" in text and "--format {pdf,md,html,json,docx}" in text
    assert "Exit 0 written, 1 refused (open flags or a leak; the message says which), 2 could not run." in text


@pytest.mark.parametrize("audience", ["public", "reviewers"])
def test_public_and_reviewer_pdfs_are_written(example_file: Path, tmp_path: Path, capsys, audience: str) -> None:
    output = tmp_path / f"{audience}.pdf"
    code, out, err = _export(capsys, str(example_file), "--audience", audience, "--format", "pdf", "-o", str(output))
    assert (code, err) == (0, ""), err
    assert output.read_bytes().startswith(b"%PDF-") and _leftovers(tmp_path) == []


def test_a_dismissed_flag_lets_the_public_export_through_and_is_logged_internally(tmp_path: Path, capsys) -> None:
    source = _file_with(tmp_path, {"retrospective.predicted_well": "The range host 203.0.113.9 behaved as forecast."})
    assert main(["scan", str(source), "--audience", "public"]) == 1
    flag_id = capsys.readouterr().out.split()[0]
    reason = "Documentation address (RFC 5737), not a real host"
    assert main(["resolve", str(source), flag_id, "--dismiss", reason]) == 0
    capsys.readouterr()
    code, _, err = _export(capsys, str(source), "--audience", "public", "--format", "html",
                           "-o", str(tmp_path / "public.html"))
    assert (code, err) == (0, "")
    assert "203.0.113.9" in (tmp_path / "public.html").read_text(encoding="utf-8")  # dismissed: kept, on purpose
    code, _, _ = _export(capsys, str(source), "--audience", "internal", "--format", "md",
                         "-o", str(tmp_path / "internal.md"))
    log = (tmp_path / "internal.md").read_text(encoding="utf-8").split("#### Detector flags resolved", 1)[1]
    assert code == 0
    assert "retrospective.predicted\\_well" in log and "Dismissed" in log
    assert "Documentation address (RFC 5737), not a real host" in log
