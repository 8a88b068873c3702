"""``riskwright export FILE --audience internal --audience public``: several editions in one command.

Each edition must be byte for byte what a one-audience export writes — with the internal edition made in a
forked child beside the public one, and without the fork (``RISKWRIGHT_NO_FORK``, or a child that dies) —
and each is written or refused on its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.interchange.examples import example_document
from app.model import Value
from app.session import export as session_export
from app.store import AssessmentFile


def _cli(*args: str, no_fork: bool = False) -> subprocess.CompletedProcess[str]:
    """The command as a person runs it: a fresh process (no Qt loaded, so it may fork)."""
    env = {k: v for k, v in os.environ.items() if k != "RISKWRIGHT_NO_FORK"}
    if no_fork:
        env["RISKWRIGHT_NO_FORK"] = "1"
    return subprocess.run([sys.executable, "-m", "app.cli", "export", *args], capture_output=True, text=True,
                          env=env, timeout=300, check=False)


def test_both_pdfs_in_one_command_are_the_one_audience_pdfs(example_file: Path, tmp_path: Path) -> None:
    single = {}
    for audience in ("internal", "public"):
        output = tmp_path / f"single.{audience}.pdf"
        assert _cli(str(example_file), "--audience", audience, "-o", str(output)).returncode == 0
        single[audience] = output.read_bytes()
    for no_fork in (False, True):
        folder = tmp_path / f"both-{no_fork}"
        folder.mkdir()
        done = _cli(str(example_file), "--audience", "internal", "--audience", "public", "-o", str(folder),
                    no_fork=no_fork)
        assert (done.returncode, done.stderr) == (0, "")
        lines = done.stdout.splitlines()
        assert lines[0].startswith(f"wrote the internal report to {folder / 'example.internal.pdf'} (")
        assert lines[1].startswith(f"wrote the public report to {folder / 'example.public.pdf'} (")
        assert sorted(p.name for p in folder.iterdir()) == ["example.internal.pdf", "example.public.pdf"]
        for audience in ("internal", "public"):
            assert (folder / f"example.{audience}.pdf").read_bytes() == single[audience], (audience, no_fork)


def test_without_o_each_edition_goes_next_to_the_assessment(example_file: Path) -> None:
    done = _cli(str(example_file), "--audience", "public", "--audience", "reviewers", "--format", "md")
    assert done.returncode == 0, done.stderr
    for audience in ("public", "reviewers"):
        assert example_file.with_name(f"example.{audience}.md").is_file()


def test_a_refused_edition_does_not_stop_the_other(tmp_path: Path) -> None:
    doc = example_document()
    doc.values["retrospective.predicted_well"] = Value("The range host 203.0.113.9 behaved as forecast.")
    source = tmp_path / "flagged.rwa"
    AssessmentFile.create(source, doc).close()
    done = _cli(str(source), "--audience", "internal", "--audience", "public", "--format", "pdf")
    assert done.returncode == 1
    assert "public edition refused: 1 detector flag is open for the public audience" in done.stderr
    assert "internal" not in done.stderr
    assert done.stdout.startswith("wrote the internal report to ")
    assert source.with_name("flagged.internal.pdf").is_file()
    assert not source.with_name("flagged.public.pdf").exists()


def test_several_audiences_need_o_to_be_a_folder(example_file: Path, tmp_path: Path) -> None:
    done = _cli(str(example_file), "--audience", "internal", "--audience", "public", "-o", str(tmp_path / "x.pdf"))
    assert done.returncode == 2 and "-o names an existing folder" in done.stderr
    assert not (tmp_path / "x.pdf").exists() and "Traceback" not in done.stderr


def test_a_child_that_dies_means_the_edition_is_made_here(example_file: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # The suite's process has Qt loaded, so it would not fork: fork on purpose, with a child that dies.
    monkeypatch.setattr(session_export, "may_fork", lambda: sys.platform.startswith("linux"))
    monkeypatch.setattr(session_export, "_edition_answer", lambda make, output: os._exit(9))
    single = tmp_path / "single.pdf"
    session_export.export_file(example_file, "internal", "pdf", single)
    outputs = [("internal", tmp_path / "internal.pdf"), ("public", tmp_path / "public.pdf")]
    editions = session_export.export_editions(example_file, outputs, "pdf")
    assert [e.audience for e in editions] == ["internal", "public"]
    assert all(e.exported is not None for e in editions)
    assert (tmp_path / "internal.pdf").read_bytes() == single.read_bytes()


def test_an_edition_that_cannot_be_written_is_said_and_the_other_is_written(example_file: Path, tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session_export, "may_fork", lambda: sys.platform.startswith("linux"))  # the child's path
    outputs = [("internal", tmp_path / "no-folder" / "internal.pdf"), ("public", tmp_path / "public.pdf")]
    internal, public = session_export.export_editions(example_file, outputs, "pdf")
    assert internal.exported is None and internal.error is not None and "no such folder" in internal.error
    assert public.exported is not None and (tmp_path / "public.pdf").is_file()
