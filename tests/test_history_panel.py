"""The History tab, the Sign-off dialog and the revision status, driven in the real window (Qt offscreen)."""

from __future__ import annotations

import sqlite3

import pytest

from app.model import Address, SetValue
from app.store import AssessmentFile
from app.store.identity import read_settings
from app.store.signoff import load_or_create_key, sign_off, signoffs
from app.ui.signoff_dialog import SignOffAnswer, SignOffDialog
from app.ui.window import MainWindow


@pytest.fixture
def window(open_window, monkeypatch) -> MainWindow:
    monkeypatch.delenv("RISKWRIGHT_ASSESSOR", raising=False)
    window = open_window()
    window.show_panel("history")  # the tab these tests read, in front, as when a person reads it
    return window


def _rows(window) -> list[str]:
    model = window.history_panel.model
    return [model.data(model.index(row, 3)) for row in range(model.rowCount())]


def test_history_lists_changes_newest_first_as_they_happen(window, qtbot):
    panel = window.history_panel
    assert "Created the assessment" in _rows(window)[-1]
    window.session.apply(SetValue(Address.parse("header.model.version"), "rc9"), "Edit version")
    qtbot.waitUntil(lambda: len(_rows(window)) == 2, timeout=3000)
    assert _rows(window)[0] == "Version: “h3-2025-08-rc2” → “rc9”"
    model = panel.model
    assert model.data(model.index(0, 2)) == "1"  # still revision 1: nothing is signed yet
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: len(_rows(window)) == 3, timeout=3000)
    assert _rows(window)[0] == "Version: “rc9” → “h3-2025-08-rc2”"
    assert window.revision_status.text() == "Revision 1 · Unsigned — needs Assessor, Compliance lead"


def test_history_can_be_filtered_by_field(window, qtbot):
    window.session.apply(SetValue(Address.parse("header.model.version"), "rc9"), "Edit version")
    window.session.apply(SetValue(Address.parse("header.assessors"), "Team Kestrel"), "Edit assessors")
    qtbot.waitUntil(lambda: len(_rows(window)) == 3, timeout=3000)
    window.history_panel.filter.setText("header.model")
    qtbot.waitUntil(lambda: len(_rows(window)) == 1, timeout=3000)
    assert _rows(window)[0].startswith("Version: ")
    assert "1 of 3 changes" in window.history_panel.note.text()


def test_double_click_goes_to_the_field(window, qtbot):
    window.session.apply(SetValue(Address.parse("training.summary"), "Short summary."), "Edit summary")
    qtbot.waitUntil(lambda: len(_rows(window)) == 2, timeout=3000)
    table = window.history_panel.table
    table.doubleClicked.emit(window.history_panel.model.index(0, 3))
    assert window.navigator.current_stage() == "training"


def test_signing_off_from_the_window_freezes_the_revision(window, qtbot, monkeypatch):
    asked = {}

    def answer(parent, status, roles, name, key_text, warning=""):
        asked.update(number=status.number, missing=dict(status.missing), key=key_text)
        return SignOffAnswer("assessor", "Ada Lovelace"), True

    monkeypatch.setattr(SignOffDialog, "ask", classmethod(lambda cls, *args: answer(*args)))
    window.signoff_action.trigger()
    assert asked["number"] == 1 and asked["missing"] == {"assessor": 1, "compliance_lead": 1}
    assert "will be created" in asked["key"]
    assert [s.name for s in signoffs(window.session.assessment.db)] == ["Ada Lovelace"]
    assert window.revision_status.text() == "Revision 1 · Partly signed — needs Compliance lead"
    assert "Signed by Ada Lovelace as Assessor" in window.history_panel.status.text()
    # The name is remembered for the history entries that follow.
    assert read_settings()["assessor_name"] == "Ada Lovelace"
    window.session.apply(SetValue(Address.parse("header.model.version"), "rc9"), "Edit version")
    qtbot.waitUntil(lambda: window.revision_status.text().startswith("Revision 2 · Unsigned"), timeout=3000)
    window.session.apply(SetValue(Address.parse("header.model.version"), "rc10"), "Edit version")
    qtbot.wait(600)  # a second edit stays in revision 2
    assert window.revision_status.text().startswith("Revision 2 · Unsigned")
    newest = window.history_panel.model.entries[0]
    assert newest.revision == 2 and newest.who == "Ada Lovelace"


def test_the_dialog_shows_what_is_signed_and_needs_a_name(qtbot, example_file, tmp_path):
    from app.content.roles import load_roles
    from app.store.signoff import revision_status
    with AssessmentFile.open(example_file) as assessment:
        sign_off(assessment, "assessor", "Ada Lovelace", load_or_create_key(tmp_path / "a.pem"))
        status = revision_status(assessment)
    dialog = SignOffDialog(status, load_roles(), "", "Your key: 1a2b 3c4d")
    qtbot.addWidget(dialog)
    assert dialog.findChild(type(dialog.signed), "revisionHash").text() == status.hash
    assert "Ada Lovelace — Assessor" in dialog.signed.text()
    assert dialog.needed.text() == "Compliance lead"
    assert dialog.role.currentData() == "compliance_lead"  # the first approval still missing
    assert not dialog.sign_button.isEnabled()
    dialog.name.setText("Grace Hopper")
    assert dialog.sign_button.isEnabled()
    assert dialog.answer() == SignOffAnswer("compliance_lead", "Grace Hopper")


def test_verify_button_reports_tampering(window, qtbot, example_file):
    panel = window.history_panel
    assert panel.verify() is True
    assert panel.verdict.text().startswith("✔ Intact")
    conn = sqlite3.connect(example_file)
    conn.execute("UPDATE history SET who = 'Mallory' WHERE seq = 1")
    conn.commit()
    conn.close()
    assert panel.verify() is False
    assert "entry #1: its who column says 'Mallory'" in panel.verdict.text()


def test_a_refused_signoff_is_a_message_not_a_traceback(window, monkeypatch):
    monkeypatch.setattr(SignOffDialog, "ask", classmethod(
        lambda cls, *args: (SignOffAnswer("assessor", "Ada Lovelace"), True)))
    window.signoff_action.trigger()
    window.signoff_action.trigger()
    assert "already signed with this key" in window.last_error
    assert len(signoffs(window.session.assessment.db)) == 1


def test_the_history_tab_behind_another_catches_up_when_brought_forward(window, qtbot, monkeypatch):
    """Behind another tab the History tab reads nothing per edit; the status bar's revision status still
    follows every change (a sign-off, then the first edit after it starts the next revision), and the tab
    shows the new entries and the checked hash once it is brought forward."""
    monkeypatch.setattr(SignOffDialog, "ask", classmethod(
        lambda cls, *args: (SignOffAnswer("assessor", "Ada Lovelace"), True)))
    window.show_panel("findings")
    panel = window.history_panel
    qtbot.waitUntil(lambda: window.analysis.latest is not None and not window.jobs.busy, timeout=10000)
    qtbot.wait(600)  # the opening's own refreshes are done
    window.signoff_action.trigger()
    assert window.revision_status.text() == "Revision 1 · Partly signed — needs Compliance lead"
    window.session.apply(SetValue(Address.parse("header.model.version"), "rc9"), "Edit version")
    qtbot.waitUntil(lambda: window.revision_status.text().startswith("Revision 2 · Unsigned"), timeout=3000)
    window.session.apply(SetValue(Address.parse("header.model.version"), "rc10"), "Edit version")
    qtbot.wait(600)  # a second edit stays in revision 2
    assert window.revision_status.text().startswith("Revision 2 · Unsigned")
    qtbot.waitUntil(lambda: panel.stale and window.analysis.latest.revision_hash != "", timeout=10000)
    qtbot.wait(600)  # the check's result has come, while the tab was behind
    checked = window.analysis.latest.revision_hash
    window.show_panel("history")
    assert not panel.stale and checked[:12] in panel.status.text()
    assert _rows(window)[:2] == ["Version: “rc9” → “rc10”", "Version: “h3-2025-08-rc2” → “rc9”"]
