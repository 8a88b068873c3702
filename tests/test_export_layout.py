"""The report layout and styles are content: checked on load, mistakes reported as file:line:column."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.content.errors import ContentErrors
from app.content.locate import content_path
from app.content.report_layout import load_layout, load_styles


def _layout_with(tmp_path: Path, old: str, new: str) -> Path:
    text = content_path("reports", "layout.yaml").read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "layout.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_shipped_layout_gives_each_audience_its_sections(forms) -> None:
    layout = load_layout()
    public = [s.id for s in layout.sections_for("public")]
    internal = [s.id for s in layout.sections_for("internal")]
    assert public[0] == "summary" and "redaction_summary" in public and "redaction_log" not in public
    assert "redaction_log" in internal and "redaction_summary" not in internal
    assert layout.audiences["internal"].banner == "INTERNAL — CONTAINS HAZARDOUS INFORMATION"
    assert layout.audiences["reviewers"].banner == "FOR REVIEWERS"
    assert layout.audiences["public"].banner == "PUBLIC"
    for stage in forms.stages:
        assert stage in public, f"the public report leaves out the {stage} stage"


def test_redaction_log_for_the_public_is_refused_with_its_position(tmp_path: Path, forms) -> None:
    text = content_path("reports", "layout.yaml").read_text(encoding="utf-8")
    head, public = text.split("  public:\n", 1)
    public = public.replace("redaction_summary, revision]", "redaction_log, revision]", 1)
    path = tmp_path / "layout.yaml"
    path.write_text(head + "  public:\n" + public, encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_layout(path, forms)
    message = str(caught.value)
    line = len((head + "  public:\n" + public.split("redaction_log, revision]")[0]).splitlines())
    assert f"layout.yaml:{line}:" in message
    assert "may only go to the internal audience, not to public" in message


def test_unknown_column_names_the_table_fields(tmp_path: Path, forms) -> None:
    path = _layout_with(tmp_path, "columns: [name, effective_compute_flop, date, evaluated, action]",
                        "columns: [name, effective_compute, date, evaluated, action]")
    with pytest.raises(ContentErrors) as caught:
        load_layout(path, forms)
    line = _line_of(path, "effective_compute, date")
    assert f"layout.yaml:{line}:" in str(caught.value)
    assert "'effective_compute' is not a field of training.checkpoints" in str(caught.value)


def test_unknown_key_and_undefined_section_are_both_reported(tmp_path: Path, forms) -> None:
    path = _layout_with(tmp_path, "  retrospective:\n    kind: stage\n",
                        "  retrospective:\n    kind: stage\n    colour: red\n")
    with pytest.raises(ContentErrors) as caught:
        load_layout(path, forms)
    assert f"layout.yaml:{_line_of(path, 'colour: red')}:" in str(caught.value)
    assert "unknown key 'colour'" in str(caught.value)


def test_styles_colour_must_be_hex(tmp_path: Path) -> None:
    text = content_path("reports", "styles.yaml").read_text(encoding="utf-8")
    path = tmp_path / "styles.yaml"
    path.write_text(text.replace('ink: "#1f2933"', "ink: charcoal"), encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_styles(path)
    assert f"styles.yaml:{_line_of(path, 'ink: charcoal')}:" in str(caught.value)
    assert load_styles().ladder  # the shipped file is fine
