"""The EU model report's changelog (Measure 7.6), generated from the assessment's signed history.

Each signed revision is a version: its number, the day its first sign-off
froze it and what changed since the version before, by section and field. A
summary derived from a value an edition withholds is withheld there as a
whole; a value that changes in the clear is named in every edition.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.cli import main
from app.model import Address, SetValue
from app.store import AssessmentFile
from app.store.signoff import load_or_create_key, sign_off

@pytest.fixture
def signed_twice(example_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Revision 1 signed; revision 2 (a public date) signed; revision 3 (planned compute, internal) not."""
    monkeypatch.setenv("RISKWRIGHT_ASSESSOR", "Ada Lovelace")
    key = load_or_create_key(tmp_path / "ada.pem")
    with AssessmentFile.open(example_file) as assessment:
        sign_off(assessment, "assessor", "Ada Lovelace", key)
        assessment.apply(SetValue(Address.parse("header.started"), date(2024, 12, 1)))
        sign_off(assessment, "assessor", "Ada Lovelace", key)
        assessment.apply(SetValue(Address.parse("pre_training.planned_compute_flop"), 7.5e25))
    return example_file


def _changelog(path: Path, audience: str, capsys: pytest.CaptureFixture[str]) -> list[list[str]]:
    out = path.with_name(f"eu.{audience}.md")
    code = main(["export", str(path), "--kind", "eu-model-report", "--audience", audience, "--format", "md",
                 "-o", str(out)])
    assert code == 0, capsys.readouterr()
    text = out.read_text(encoding="utf-8")
    lines = text.splitlines()
    start = lines.index("| Version | Date | Sign-off | What changed | Revision |") + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def test_each_signed_revision_is_a_version_with_its_date_and_what_changed(signed_twice: Path, capsys) -> None:
    rows = _changelog(signed_twice, "internal", capsys)
    assert [row[0] for row in rows] == ["1", "2", "3"]
    assert rows[0][3] == "First signed version of the assessment."
    assert rows[1][:3] == ["2", date.today().isoformat(), "Signed"]
    assert rows[1][3] == "Assessment: Assessment started."
    assert rows[2][:3] == ["3", "—", "Not signed yet"]
    assert rows[2][3] == "Before training: Planned effective compute (FLOP)."


def test_a_summary_derived_from_a_withheld_value_is_withheld_in_wider_editions(signed_twice: Path, capsys) -> None:
    internal = _changelog(signed_twice, "internal", capsys)
    public = _changelog(signed_twice, "public", capsys)
    assert [row[:3] for row in public] == [row[:3] for row in internal]
    assert public[1][3] == internal[1][3]  # a public date changed: named in the public edition too
    assert public[2][3] == r"\[redacted: internal detail\]"  # Markdown-escaped placeholder
    reviewers = _changelog(signed_twice, "reviewers", capsys)
    assert reviewers[2][3] == internal[2][3]  # reviewers see internal detail


def test_a_document_built_without_the_file_says_it_has_no_changelog() -> None:
    from app.export.pipeline import build_for_audience
    from app.interchange.examples import example_document
    report = build_for_audience(example_document(), "public", kind="eu-model-report")
    section = next(s for s in report.sections if s.id == "changelog")
    assert "without the assessment file's signed history" in section.blocks[-1].markdown  # type: ignore[union-attr]


def test_a_summary_carries_the_highest_label_of_anything_it_was_derived_from() -> None:
    import copy

    from app.content.forms import load_forms
    from app.export.kind_changelog import summary
    from app.interchange.examples import example_document
    from app.model import Sensitivity, Value
    from app.model.document import Record
    forms = load_forms()
    old = example_document()

    def changed(change) -> Sensitivity:  # type: ignore[no-untyped-def]
        new = copy.deepcopy(old)
        change(new)
        return summary(old, new, forms).sensitivity

    assert changed(lambda d: d.values.__setitem__("header.started", Value(date(2024, 12, 1)))) == Sensitivity.PUBLIC
    # a text holding a marked passage: the change may be the passage
    assert changed(lambda d: d.values.__setitem__(
        "header.scope", Value("Covers [[hazard:bio]]the fictional Zorblium step[[/hazard]] only."))) \
        == Sensitivity.HAZARDOUS
    # a record added as a whole withheld, and a record whose values are
    assert changed(lambda d: d.tables["training.checkpoints"].append(
        Record("ckpt-9", {"name": Value("late")}, Sensitivity.INTERNAL))) == Sensitivity.INTERNAL
    assert changed(lambda d: d.tables["training.checkpoints"].append(
        Record("ckpt-9", {"name": Value("late", Sensitivity.HAZARDOUS)}))) == Sensitivity.HAZARDOUS
    # a field the forms no longer know: fail closed
    assert changed(lambda d: d.values.__setitem__("header.retired_field", Value("x"))) == Sensitivity.HAZARDOUS
    # a value lowered to public since: still as sensitive as it was
    planned = old.value("pre_training.planned_compute_flop")
    assert planned is not None

    def lowered(d) -> None:  # type: ignore[no-untyped-def]
        d.values["pre_training.planned_compute_flop"] = Value(planned.data, Sensitivity.PUBLIC, "cleared")
    assert changed(lowered) == Sensitivity.INTERNAL
