"""Typing saved on a thread of its own (app.store.writer): in order, never claimed before it is on disk."""

from __future__ import annotations

import sqlite3
import threading

import pytest

import app.store.file as store_file
from app.model import Address, SetValue
from app.store import AssessmentFile
from app.store.verification import verify_file

SCOPE = Address("header.scope")
DESCRIPTION = Address("pre_deployment.evaluations[].description", "ev-1")


def _on_disk(path, address):  # type: ignore[no-untyped-def]
    with AssessmentFile.open(path, "read") as again:
        return again.document.get(address)


def test_saves_run_in_order_and_verify(example_file) -> None:
    file = AssessmentFile.open(example_file, "edit")
    file.start_writer(lambda: None)
    base = file.document.get(SCOPE)
    for number in range(30):
        file.apply_later(SetValue(SCOPE, f"{base} {number}"))
        file.apply_later(SetValue(DESCRIPTION, f"Description {number}."))
    file.wait_for_saves()
    assert not file.saving and not file.unsaved and file.save_problem is None
    assert _on_disk(example_file, SCOPE) == f"{base} 29"
    assert _on_disk(example_file, DESCRIPTION) == "Description 29."
    file.close()
    verdict = verify_file(example_file)
    assert verdict.intact, verdict.problems
    assert verdict.entries >= 61  # one history entry per save, chained in the order typed


def test_saving_until_collected_and_close_waits(example_file, monkeypatch) -> None:
    hold = threading.Event()
    save = store_file._save_job

    def held(*args):  # type: ignore[no-untyped-def]
        hold.wait(10)
        return save(*args)
    monkeypatch.setattr(store_file, "_save_job", held)
    file = AssessmentFile.open(example_file, "edit")
    file.start_writer(lambda: None)
    file.apply_later(SetValue(SCOPE, "Held back by the test."))
    assert file.saving  # nobody may say "saved" yet
    assert file.document.get(SCOPE) == "Held back by the test."
    assert _on_disk(example_file, SCOPE) != "Held back by the test."
    hold.set()
    file.close()  # waits for the save
    assert _on_disk(example_file, SCOPE) == "Held back by the test."


def test_a_failed_save_keeps_every_edit_in_order_and_a_retry_writes_them(example_file, monkeypatch) -> None:
    write = store_file._upsert_value
    full = {"on": True}

    def failing(*args):  # type: ignore[no-untyped-def]
        if full["on"]:
            raise sqlite3.OperationalError("database or disk is full")
        return write(*args)
    monkeypatch.setattr(store_file, "_upsert_value", failing)
    file = AssessmentFile.open(example_file, "edit")
    file.start_writer(lambda: None)
    file.apply_later(SetValue(SCOPE, "first"))
    file.apply_later(SetValue(SCOPE, "second"))
    file.wait_for_saves()
    assert file.save_problem is not None and "database or disk" not in file.save_problem.reason  # plain words
    assert len(file.unsaved) == 2 and not file.saving
    file.apply_later(SetValue(SCOPE, "third"))  # saved here and now with the others, which still fails
    assert len(file.unsaved) == 3 and file.document.get(SCOPE) == "third"
    full["on"] = False
    assert file.retry_save()
    assert _on_disk(example_file, SCOPE) == "third"
    file.apply_later(SetValue(SCOPE, "fourth"))  # back on the writer's thread
    file.close()
    assert _on_disk(example_file, SCOPE) == "fourth"
    verdict = verify_file(example_file)
    assert verdict.intact, verdict.problems


def test_another_connection_that_leaves_content_and_history_alone_does_not_stop_saving(example_file) -> None:
    file = AssessmentFile.open(example_file, "edit")
    file.start_writer(lambda: None)
    file.apply_later(SetValue(SCOPE, "mine"))
    file.wait_for_saves()
    other = sqlite3.connect(example_file)  # what a careless program would do beside the lock
    other.execute("UPDATE history SET body = body WHERE seq = 1")
    other.execute("INSERT INTO meta (key, value) VALUES ('touched', 'yes')")
    other.commit()
    other.close()
    file.apply_later(SetValue(SCOPE, "mine again"))
    file.wait_for_saves()
    assert file.save_problem is None  # content and history untouched: nothing to fear
    assert _on_disk(example_file, SCOPE) == "mine again"
    file.close()


@pytest.mark.parametrize("edits", [1, 5])
def test_a_window_session_flush_waits_for_the_writer(example_file, forms, qtbot, edits) -> None:
    from app.ui.session import AssessmentSession
    session = AssessmentSession(AssessmentFile.open(example_file, "edit"), forms)
    states = []
    session.save_state_changed.connect(lambda: states.append(session.assessment.saving))
    for number in range(edits):
        session.apply(SetValue(SCOPE, f"typed {number}"), "Typing", typing=True)
    assert states[0] is True  # "Saving…" first
    session.flush()
    assert states[-1] is False and not session.assessment.saving
    assert _on_disk(example_file, SCOPE) == f"typed {edits - 1}"
    session.close()
