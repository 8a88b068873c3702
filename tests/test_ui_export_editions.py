"""The export dialog's *Also write the internal edition*: the chosen wider edition and the lab's internal one in
one action, each the same bytes a one-audience export writes, each written or refused on its own."""

from __future__ import annotations

from pathlib import Path

from app.interchange.examples import example_document
from app.model import Value
from app.session.export import export_file
from app.store import AssessmentFile


def test_public_and_internal_editions_in_one_action(open_window, qtbot, tmp_path: Path, example_file: Path) -> None:
    window = open_window()
    window.export_action.trigger()
    dialog = window.export_dialog
    dialog.set_audience("internal")
    assert dialog.also_internal.isHidden()  # offered for a wider audience only
    dialog.set_audience("public")
    dialog.set_format("pdf")
    assert not dialog.also_internal.isHidden()
    dialog.also_internal.setChecked(True)
    output = tmp_path / "out" / "for-the-website.pdf"
    output.parent.mkdir()
    dialog.path.setText(str(output))
    internal = dialog.internal_path()
    assert internal is not None and internal.parent == output.parent and "internal report" in internal.name
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.running, timeout=120000)
    assert dialog.last_refusal is None, dialog.last_refusal
    text = dialog.message.text()
    assert f"<b>Written:</b> {output}" in text and f"<b>Written:</b> {internal}" in text
    assert "Public report, PDF" in text and "Internal report, PDF" in text
    for audience, written in (("public", output), ("internal", internal)):
        single = tmp_path / f"single.{audience}.pdf"
        export_file(example_file, audience, "pdf", single)
        assert written.read_bytes() == single.read_bytes(), audience


def test_a_refused_public_edition_still_writes_the_internal_one(open_window, qtbot, tmp_path: Path,
                                                               example_file: Path) -> None:
    doc = example_document()
    doc.values["retrospective.predicted_well"] = Value("The range host 203.0.113.9 behaved as forecast.")
    example_file.unlink()
    AssessmentFile.create(example_file, doc).close()
    window = open_window()
    qtbot.waitUntil(lambda: window.flag_watch is not None and window.flag_watch.ready, timeout=30000)
    window.export_action.trigger()
    dialog = window.export_dialog
    dialog.set_audience("public")
    dialog.set_format("md")
    dialog.also_internal.setChecked(True)
    output = tmp_path / "public.md"
    dialog.path.setText(str(output))
    internal = dialog.internal_path()
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.running, timeout=120000)
    assert dialog.last_refusal is not None and dialog.last_refusal.startswith("public: refused: 1 detector flag")
    assert "Not written — the public edition" in dialog.message.text()
    assert not output.exists() and internal is not None and internal.is_file()
    assert dialog.flags.count() == 1 and not dialog.go_button.isHidden()  # the blocking flag, with Go to flag
