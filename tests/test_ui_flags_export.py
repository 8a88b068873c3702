"""Flags, export and preview in the real window: scan, redact, dismiss, write reports."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from app.model import Address, SetValue
from app.session.flags import FlagStore
from app.store import AssessmentFile
from app.ui.flags_panel import DismissDialog
from app.ui.window import MainWindow

FAKE_AGENT = "anthrax"  # a public, well-known select-agent name: enough to trip the term list


@pytest.fixture
def window(open_window, qtbot) -> MainWindow:
    window = open_window()
    qtbot.waitUntil(lambda: window.flag_watch is not None and window.flag_watch.ready, timeout=30000)
    return window


def type_into_scope(window: MainWindow, qtbot, text: str) -> None:
    page = window.current_page()
    edit = page.fields.rows["header.scope"].binding.widget
    edit.setFocus()
    edit.moveCursor(edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(edit, text)
    window.session.flush()
    window.flag_watch.settle()


def test_the_example_starts_without_open_flags(window):
    assert window.flag_watch.open_flags() == []
    assert "No open flags" in window.flags_panel.summary.text()


def test_a_flag_appears_while_typing_and_redacting_resolves_it(window, qtbot, example_file):
    type_into_scope(window, qtbot, f" We also asked about {FAKE_AGENT}.")
    flags = window.flag_watch.open_flags("public")
    assert [f.matched.lower() for f in flags] == [FAKE_AGENT]
    panel = window.flags_panel
    assert panel.tree.topLevelItemCount() == 1
    assert window.navigator.counts("header").flags == 1
    assert "1 open flag" in panel.summary.text()

    window.show_panel("flags")
    panel.tree.setCurrentItem(panel.tree.topLevelItem(0))
    assert panel.redact_current()
    stored = AssessmentFile.open(example_file)
    try:
        assert f"[[hazard:bio]]{FAKE_AGENT}[[/hazard]]" in stored.document.get("header.scope")
        assert FlagStore(stored).flags() == []
        assert [r.action for r in FlagStore(stored).resolutions()] == ["redact"]
    finally:
        stored.close()
    assert window.flag_watch.open_flags() == []
    assert window.navigator.counts("header").flags == 0

    # Redacting is an edit like any other: undo brings the plain text, and the flag, back.
    window.undo_action.trigger()
    window.flag_watch.settle()
    assert f"[[hazard:bio]]{FAKE_AGENT}" not in window.session.document.get("header.scope")
    assert len(window.flag_watch.open_flags()) == 1


def test_flags_follow_typing_after_the_pause_alone(window, qtbot):
    """Without settle: the re-scan after the pause raises the flag, and typing it away clears it (the worker
    thread reads what the file holds; the window writes only what changed)."""
    page = window.current_page()
    edit = page.fields.rows["header.scope"].binding.widget
    edit.setFocus()
    edit.moveCursor(edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(edit, f" About {FAKE_AGENT}.")
    qtbot.waitUntil(lambda: len(window.flag_watch.open_flags()) == 1, timeout=10000)
    assert window.navigator.counts("header").flags == 1
    qtbot.keyClicks(edit, " More words that raise nothing.")
    qtbot.wait(800)
    assert [f.matched.lower() for f in window.flag_watch.open_flags()] == [FAKE_AGENT]
    for _ in range(len(f"{FAKE_AGENT}. More words that raise nothing.")):
        qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: window.flag_watch.open_flags() == [], timeout=10000)
    assert window.navigator.counts("header").flags == 0


def test_dismissing_needs_a_reason_and_is_logged(window, qtbot, example_file, monkeypatch):
    type_into_scope(window, qtbot, f" Historical note: {FAKE_AGENT} was studied in the 1940s.")
    panel = window.flags_panel
    panel.tree.setCurrentItem(panel.tree.topLevelItem(0))
    monkeypatch.setattr(DismissDialog, "get_reason", classmethod(lambda cls, parent, flag: ("", False)))
    assert not panel.dismiss_current()
    assert len(window.flag_watch.open_flags()) == 1
    monkeypatch.setattr(DismissDialog, "get_reason",
                        classmethod(lambda cls, parent, flag: ("Historical mention, no uplift", True)))
    assert panel.dismiss_current()
    assert window.flag_watch.open_flags() == []
    panel.show_dismissed.setChecked(True)
    assert panel.tree.topLevelItemCount() == 1
    stored = AssessmentFile.open(example_file)
    try:
        resolution = FlagStore(stored).resolutions()[0]
        assert (resolution.action, resolution.detail) == ("dismiss", "Historical mention, no uplift")
    finally:
        stored.close()


def test_go_to_selects_the_flagged_text(window, qtbot):
    type_into_scope(window, qtbot, f" Mentions {FAKE_AGENT} once.")
    window.show_stage("training")
    panel = window.flags_panel
    panel.tree.setCurrentItem(panel.tree.topLevelItem(0))
    panel.go_button.click()
    assert window.navigator.current_stage() == "header"
    assert window.focusWidget().textCursor().selectedText().lower() == FAKE_AGENT


def _export(window: MainWindow, qtbot, audience: str, fmt: str, output: Path):
    window.export_action.trigger()
    dialog = window.export_dialog
    dialog.set_audience(audience)
    dialog.set_format(fmt)
    dialog.path.setText(str(output))
    dialog.last_result = dialog.last_refusal = None
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.running, timeout=120000)
    return dialog


def test_internal_export_writes_every_detail(window, qtbot, tmp_path):
    type_into_scope(window, qtbot, " Added just before export.")
    dialog = _export(window, qtbot, "internal", "pdf", tmp_path / "internal.pdf")
    assert dialog.last_refusal is None, dialog.last_refusal
    assert dialog.last_result.path == tmp_path / "internal.pdf"
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "internal.pdf").pages)
    assert "Halcyon-3" in text
    assert "Added just before export." in " ".join(text.split())
    assert "Glimmerpox" in text  # hazardous passages stay in the internal report
    assert "Written:" in dialog.message.text()


def test_markdown_export_and_a_bad_folder(window, qtbot, tmp_path):
    dialog = _export(window, qtbot, "internal", "md", tmp_path / "report.md")
    assert dialog.last_refusal is None, dialog.last_refusal
    assert "Halcyon-3" in (tmp_path / "report.md").read_text(encoding="utf-8")
    dialog = _export(window, qtbot, "internal", "md", tmp_path / "missing" / "report.md")
    assert dialog.last_result is None
    assert "missing" in dialog.last_refusal
    assert not (tmp_path / "missing").exists()


def test_preview_renders_the_internal_report(window, qtbot):
    window.show_panel("preview")
    preview = window.preview_panel
    preview.audience.setCurrentIndex(preview.audience.findData("internal"))
    preview.refresh()
    qtbot.waitUntil(lambda: not preview.rendering, timeout=120000)
    assert preview.pages >= 2, preview.status.text()
    assert "Internal report" in preview.status.text()


def test_flag_address_is_a_real_field(window, qtbot):
    type_into_scope(window, qtbot, f" {FAKE_AGENT}")
    flag = window.flag_watch.open_flags()[0]
    assert Address.parse(flag.address) == Address("header.scope")


def test_public_export_withholds_hazardous_passages(window, qtbot, tmp_path):
    dialog = _export(window, qtbot, "public", "md", tmp_path / "public.md")
    assert dialog.last_refusal is None, dialog.last_refusal
    public = (tmp_path / "public.md").read_text(encoding="utf-8")
    assert "Halcyon-3" in public
    assert "blue-handshake" not in public  # inside a [[hazard:cyber]] span in the retrospective
    assert "[redacted: hazardous detail" in public
    dialog = _export(window, qtbot, "internal", "md", tmp_path / "internal.md")
    assert "blue-handshake" in (tmp_path / "internal.md").read_text(encoding="utf-8")


def test_an_open_flag_refuses_the_public_export_until_resolved(window, qtbot, tmp_path):
    type_into_scope(window, qtbot, f" Testers asked about {FAKE_AGENT}; the model refused.")
    target = tmp_path / "public.md"
    dialog = _export(window, qtbot, "public", "md", target)
    assert dialog.last_result is None and not target.exists()
    assert "Not written" in dialog.message.text() and "1 open flag" in dialog.message.text()
    assert dialog.flags.count() == 1 and dialog.go_button.isVisible()

    window.show_stage("training")
    dialog.go_button.click()
    assert window.panels.currentWidget().isAncestorOf(window.flags_panel)
    assert window.focusWidget().textCursor().selectedText().lower() == FAKE_AGENT
    assert window.flags_panel.redact_current()

    dialog = _export(window, qtbot, "public", "md", target)
    assert dialog.last_refusal is None, dialog.last_refusal
    assert FAKE_AGENT not in target.read_text(encoding="utf-8").lower()


def test_a_dead_worker_process_is_replaced(tmp_path, example_file):
    import os
    import signal

    from app.session import offload
    kind, exported = offload.run(offload.export, example_file, "internal", "md", tmp_path / "a.md")
    assert kind == "done"
    for pid in list(offload._worker_pool()._processes):  # a worker dies (killed, out of memory)
        os.kill(pid, signal.SIGKILL)
    kind, exported = offload.run(offload.export, example_file, "internal", "md", tmp_path / "b.md")
    assert kind == "done" and (tmp_path / "b.md").is_file()


def test_public_pdf_export_and_preview(window, qtbot, tmp_path):
    dialog = _export(window, qtbot, "public", "pdf", tmp_path / "public.pdf")
    assert dialog.last_refusal is None, dialog.last_refusal
    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "public.pdf").pages)
    assert "Halcyon-3" in text and "Glimmerpox" not in text
    window.show_panel("preview")
    preview = window.preview_panel
    preview.audience.setCurrentIndex(preview.audience.findData("public"))
    preview.refresh()
    qtbot.waitUntil(lambda: not preview.rendering, timeout=120000)
    assert preview.pages >= 2, preview.status.text()
    assert "Public report" in preview.status.text()


def test_a_term_another_program_wrote_is_flagged_once_the_file_is_read_again(window, qtbot, example_file):
    """Another program (one that ignores the lock) writes a hazardous term into the file: when the window reads
    the file again, its flag re-scan covers what that program changed, not only what this window's edits named."""
    assert window.flag_watch.open_flags() == []
    scope = window.session.document.get("header.scope")
    with AssessmentFile.open(example_file, "unlocked") as other:
        other.apply(SetValue(Address("header.scope"), f"{scope} Another program added {FAKE_AGENT}."))
    window.save_status.check_outside_changes()
    qtbot.waitUntil(lambda: FAKE_AGENT in window.session.document.get("header.scope"), timeout=10000)
    qtbot.waitUntil(lambda: [f.matched.lower() for f in window.flag_watch.open_flags()] == [FAKE_AGENT],
                    timeout=20000)
    assert window.navigator.counts("header").flags == 1
