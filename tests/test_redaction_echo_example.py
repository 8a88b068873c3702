"""The bundled example no longer repeats its withheld planned compute, and the echo flag catches it put back.

Issue 11 item 7: the public training summary said "reached the planned 6.0e25
FLOP" while "Planned effective compute" is internal. The example is reworded;
here the sentence is put back, and `scan`, the export gate, `resolve` and the
finished-bytes scan each do their part.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from app.content.forms import load_forms
from app.export.errors import ExportRefused
from app.export.pipeline import write_report
from app.interchange.examples import example_document
from app.model.document import Document, SetValue
from app.model.paths import Address
from app.redaction import load_audiences
from app.redaction.echo import echo_hits
from app.session.export import export_file
from app.store import AssessmentFile

SUMMARY = Address("training.summary")
REWORDED = "reached its planned\neffective compute."
ECHOED = "reached the planned\n6.0e25 FLOP of effective compute."


def _echoed() -> Document:
    doc = example_document()
    text = doc.get(SUMMARY)
    assert REWORDED in text and "6.0e25" not in text
    doc.apply(SetValue(SUMMARY, text.replace(REWORDED, ECHOED)))
    return doc


def test_the_bundled_example_echoes_nothing() -> None:
    hits, skipped = echo_hits(example_document(), load_forms(), load_audiences())
    assert hits == []
    assert skipped  # the level words, short numbers and choices of the withheld records are listed


def test_the_planned_compute_put_back_is_an_echo_that_refuses_the_public_export_until_resolved(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "echo.rwa"
    AssessmentFile.create(path, _echoed()).close()
    assert main(["scan", str(path)]) == 1
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("F"))
    flag_id = line.split()[0]
    assert "training.summary  echo of Planned effective compute (FLOP)" in line and "'6.0e25'" in line
    assert "seen by public" in line and "1 open flag in" in out

    with pytest.raises(ExportRefused) as refused:
        export_file(path, "public", "md", tmp_path / "public.md")
    assert refused.value.reason == "flags" and flag_id in str(refused.value)
    assert not (tmp_path / "public.md").exists()
    export_file(path, "reviewers", "md", tmp_path / "reviewers.md")  # reviewers may see the planned compute

    assert main(["resolve", str(path), flag_id, "--redact"]) == 0  # the summary is withheld from the public
    capsys.readouterr()
    export_file(path, "public", "md", tmp_path / "public.md")
    assert "6.0e25" not in (tmp_path / "public.md").read_text(encoding="utf-8")


def test_a_dismissed_echo_is_published_and_recorded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "echo.rwa"
    AssessmentFile.create(path, _echoed()).close()
    main(["scan", str(path), "--format", "json"])
    import json
    [flag] = json.loads(capsys.readouterr().out)["flags"]
    assert main(["resolve", str(path), flag["id"], "--dismiss", "The planned compute is in the model card."]) == 0
    export_file(path, "public", "md", tmp_path / "public.md")
    assert "reached the planned 6.0e25 FLOP" in " ".join((tmp_path / "public.md").read_text().split())


@pytest.mark.parametrize("fmt", ["md", "pdf"])
def test_the_finished_file_scan_catches_an_echo_the_gate_let_through(tmp_path: Path, fmt: str) -> None:
    with pytest.raises(ExportRefused) as refused:
        write_report(_echoed(), "public", fmt, tmp_path / f"public.{fmt}", flags_open=[])  # no gate
    assert refused.value.reason == "leak"
    assert "echo of withheld text '6 0e25' (from Planned effective compute (FLOP)" in str(refused.value)
    assert not (tmp_path / f"public.{fmt}").exists()
