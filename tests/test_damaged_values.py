"""A damaged stored value fails closed: exports stop, name the field, never print the value (#11 case 2)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.cli import main
from app.export.errors import ExportRefused
from app.export.pipeline import write_report
from app.interchange.examples import example_document
from app.model import Value

SECRET = "CANARY-internal-budget-91c2"
FIELD = "pre_training.planned_compute_flop"


def _damage(path: Path, field: str, stored: str) -> None:
    connection = sqlite3.connect(path)
    connection.execute("UPDATE value SET data = ? WHERE field = ?", [stored, field])
    connection.commit()
    connection.close()


def _export(path: Path, audience: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, Path]:
    output = path.with_name(f"{audience}.md")
    code = main(["export", str(path), "--audience", audience, "--format", "md", "-o", str(output)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err, output


def test_text_behind_a_number_field_stops_every_export_without_quoting_it(example_file: Path, capsys) -> None:
    _damage(example_file, FIELD, f'"{SECRET} 9e25"')
    code, said, output = _export(example_file, "public", capsys)
    assert code == 1 and "does not verify" in said and SECRET not in said and not output.exists()
    code, said, output = _export(example_file, "internal", capsys)
    assert code == 1 and f"{FIELD} holds a value that is not of the field's type" in said
    assert SECRET not in said and "Traceback" not in said and not output.exists()


def test_a_damaged_value_is_refused_even_when_the_history_agrees(tmp_path: Path) -> None:
    """The export itself refuses (not only the verify gate in front of it): fail closed for any caller."""
    doc = example_document()
    doc.values[FIELD] = Value(f"{SECRET} 9e25")
    with pytest.raises(ExportRefused) as refused:
        write_report(doc, "public", "md", tmp_path / "p.md")
    assert refused.value.reason == "damaged" and FIELD in str(refused.value) and SECRET not in str(refused.value)
    assert not (tmp_path / "p.md").exists()


def test_an_unreadable_value_names_its_field_not_its_text(example_file: Path, capsys) -> None:
    _damage(example_file, "deployment_decision.decision_date", f'{{"date": "{SECRET}"}}')
    for command in (["export", str(example_file), "--audience", "public", "-o", str(example_file.with_suffix(".pdf"))],
                    ["verify", str(example_file)], ["validate", str(example_file)]):
        assert main(command) == 2
        said = capsys.readouterr().err
        assert "deployment_decision.decision_date is not readable" in said and SECRET not in said
