"""Starting, opening files, settings, the command line, and keyboard-only use."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QAccessible
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

from app.store import AssessmentFile
from app.session.start import first_start_file, start_file
from app.ui.settings import AppSettings, settings_file
from app.ui.window import MainWindow


@pytest.fixture
def window(open_window) -> MainWindow:
    return open_window(remember_window=True)


def test_first_start_opens_a_copy_of_the_example(isolated_home, qtbot, forms):
    settings = AppSettings()
    path = start_file(settings.last_file())
    assert path.is_relative_to(isolated_home)
    assert path == first_start_file()
    window = MainWindow(forms, settings)
    qtbot.addWidget(window)
    assert window.open_file(path)
    assert window.session.document.get("header.model.name") == "Halcyon-3"
    assert window.windowTitle() == "Example assessment.rwa — Riskwright"
    # The next start reopens the last file instead.
    other = isolated_home / "other.rwa"
    AssessmentFile.create(other).close()
    settings.add_recent_file(other)
    assert start_file(AppSettings().last_file()) == other.resolve()


def test_settings_live_in_the_isolated_home(isolated_home):
    assert settings_file().is_relative_to(isolated_home)


def test_recent_files_and_geometry_persist(window, example_file, isolated_home, qtbot, forms):
    assert AppSettings().recent_files()[0] == example_file.resolve()
    window.resize(900, 560)
    window.close()
    assert settings_file().is_file()
    again = MainWindow(forms)
    qtbot.addWidget(again)
    assert again.height() == 560  # the offscreen screen is only 800 wide, so only the height is telling
    again._fill_recent()
    labels = [a.text() for a in again.recent_menu.actions()]
    assert labels[0] == f"&1 {example_file.name}"


def test_last_framework_is_remembered(window):
    assert AppSettings().last_framework() == "openai-preparedness-beta"


def test_a_bad_file_gives_a_message_and_changes_nothing(window, tmp_path, example_file):
    garbage = tmp_path / "notes.rwa"
    garbage.write_bytes(b"these are my notes, not an assessment\n" * 20)
    before = garbage.read_bytes()
    assert not window.open_file(garbage)
    assert "not a Riskwright assessment" in window.last_error
    assert garbage.read_bytes() == before
    assert window.session.path == example_file
    assert window.session.document.get("header.model.name") == "Halcyon-3"


def test_a_newer_file_is_refused_untouched(window, tmp_path):
    newer = tmp_path / "newer.rwa"
    AssessmentFile.create(newer).close()
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = newer.read_bytes()
    assert not window.open_file(newer)
    assert "newer Riskwright" in window.last_error
    assert newer.read_bytes() == before


def test_close_leaves_an_empty_window_and_reopen_works(window, example_file):
    window.close_action.trigger()
    assert window.session is None
    assert window.stack.currentWidget() is window.empty
    assert not window.export_action.isEnabled()
    assert window.open_file(example_file)
    assert window.current_page() is not None


def _run(*args: str, env_home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, HOME=str(env_home), XDG_CONFIG_HOME=str(env_home / ".config"),
               XDG_DATA_HOME=str(env_home / ".local" / "share"), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def test_screenshot_from_the_command_line(example_file, tmp_path, isolated_home):
    out = tmp_path / "window.png"
    result = _run("open", str(example_file), "--stage", "training", "--screenshot", str(out),
                  env_home=isolated_home)
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert image.width() >= 1000 and image.height() >= 700
    assert "Traceback" not in result.stderr


def test_open_a_bad_file_from_the_command_line(tmp_path, isolated_home):
    garbage = tmp_path / "broken.rwa"
    garbage.write_text("hello")
    out = tmp_path / "never.png"
    result = _run("open", str(garbage), "--screenshot", str(out), env_home=isolated_home)
    assert result.returncode == 2
    assert "not a Riskwright assessment" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
    assert garbage.read_text() == "hello"


def test_unknown_stage_is_refused(example_file, tmp_path, isolated_home):
    result = _run("open", str(example_file), "--stage", "lunch", "--screenshot", str(tmp_path / "x.png"),
                  env_home=isolated_home)
    assert result.returncode == 2
    assert "no stage 'lunch'" in result.stderr


# -- keyboard-only use ------------------------------------------------------------------------------
def _focusable(root: QWidget) -> list[QWidget]:
    return [w for w in root.findChildren(QWidget)
            if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isVisibleTo(root) and w.isEnabled()]


def test_every_control_has_an_accessible_name(window):
    for stage in window.forms.stages:
        window.show_stage(stage)
    window.show_stage("pre_deployment")
    unnamed = []
    for widget in _focusable(window):
        if widget.objectName() == "qt_scrollarea_viewport" or widget.parent() is None:
            continue
        interface = QAccessible.queryAccessibleInterface(widget)
        name = interface.text(QAccessible.Text.Name) if interface is not None else ""
        if not name.strip():
            unnamed.append(f"{type(widget).__name__} {widget.objectName()}")
    assert not unnamed, unnamed


def test_tab_walks_the_fields_in_form_order(window, qtbot):
    page = window.current_page()
    rows = [r for r in page.all_rows() if r.isVisibleTo(page)]
    rows[0].binding.widget.setFocus()
    seen = [QApplication.focusWidget()]
    for _ in range(6):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    editors = [r.binding.widget for r in rows]
    chips = [r.chip for r in rows]
    walked = [w for w in seen if w in editors or w in chips]
    assert walked == seen
    order = [editors.index(w) for w in seen if w in editors]
    assert order == sorted(order) and len(order) >= 3


def test_mnemonics_jump_to_fields(window, qtbot):
    name = window.current_page().fields.rows["header.model.name"]
    assert name.label.text().startswith("&")
    key = getattr(Qt.Key, f"Key_{name.label.text()[1].upper()}")
    qtbot.keyClick(window, key, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is name.binding.widget


def test_parts_change_from_the_keyboard(window, qtbot):
    assert window.navigator.current_stage() == "header"
    window.next_action.trigger()
    assert window.navigator.current_stage() == "pre_training"
    window.previous_action.trigger()
    assert window.navigator.current_stage() == "header"
    shortcuts = {a.shortcut().toString() for a in window.actions()}
    assert {"Ctrl+Z", "Ctrl+N", "Ctrl+O", "Ctrl+Q", "Ctrl+F", "Ctrl+Shift+H", "Ctrl+E"} <= shortcuts


def test_find_jumps_to_the_field(window, qtbot):
    window.find_action.trigger()
    qtbot.keyClicks(window.find_bar.query, "Glimmerpox")
    qtbot.keyClick(window.find_bar.query, Qt.Key.Key_Return)
    assert window.find_bar.results.count() >= 1
    window.find_bar.results.itemActivated.emit(window.find_bar.results.item(0))
    assert window.navigator.current_stage() != "header"
    focused = window.focusWidget()
    text = focused.toPlainText() if hasattr(focused, "toPlainText") else focused.text()
    assert "Glimmerpox" in text


def test_history_and_checks_arrive_just_after_the_first_paint(qtbot, example_file, forms):
    window = MainWindow(forms, remember_window=False, defer_secondary=True)
    qtbot.addWidget(window)
    window.open_file(example_file)
    assert window.history_panel is None
    assert window.analysis.latest is None
    window.show()
    qtbot.waitUntil(lambda: window.history_panel is not None, timeout=5000)
    qtbot.waitUntil(lambda: window.analysis.latest is not None, timeout=10000)
    tabs = [window.panels.tabText(i) for i in range(window.panels.count())]
    assert tabs[:3] == ["Findings", "Flags", "Preview"] and "History" in tabs
    assert "Compliant" in window.analysis_label.text()


def test_open_can_bring_the_history_tab_forward(qtbot, example_file, forms):
    """`riskwright open FILE --panel history`: the tab arrives after the first paint, and is then shown."""
    window = MainWindow(forms, remember_window=False, defer_secondary=True)
    qtbot.addWidget(window)
    window.open_file(example_file)
    window.show_panel("history")
    window.show()
    qtbot.waitUntil(lambda: window.panels.currentWidget() is getattr(window, "history_panel", None), timeout=5000)


def test_tab_from_the_parts_list_enters_the_form(window, qtbot):
    window.show_stage("retrospective")
    window.activateWindow()
    window.navigator.setFocus()
    qtbot.keyClick(window.navigator, Qt.Key.Key_Tab)
    first = window.current_page().fields.rows["retrospective.review_date"]
    assert QApplication.focusWidget() is first.binding.widget
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # a date field is left in one Tab
    second = window.current_page().fields.rows["retrospective.predicted_well"]
    assert QApplication.focusWidget() is second.binding.widget  # the next answer, never a sensitivity chip


def test_plain_start_with_a_damaged_last_file_still_opens_the_window(isolated_home, tmp_path):
    broken = tmp_path / "last.rwa"
    broken.write_bytes(b"not sqlite at all")
    settings = AppSettings()
    settings.add_recent_file(broken)
    settings.sync()
    # Poll until the window has reported the damaged file (or 60 s pass): a fixed delay flakes on a busy machine.
    script = ("import sys, time; from PySide6.QtCore import QTimer; from PySide6.QtWidgets import QApplication;"
              "import app.ui.main as m; qapp = QApplication([]); started = time.monotonic();\n"
              "def errors(): return [w.last_error for w in QApplication.topLevelWidgets()"
              " if getattr(w, 'last_error', '')]\n"
              "def poll():\n"
              "    if errors() or time.monotonic() - started > 60:\n"
              "        print('error:', errors()); QApplication.instance().exit(7)\n"
              "timer = QTimer(); timer.timeout.connect(poll); timer.start(100)\n"
              "sys.exit(m.run_app(None, None))")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 7, result.stderr  # the window ran until we closed it
    assert "not a Riskwright assessment" in result.stdout
    assert broken.read_bytes() == b"not sqlite at all"


def test_cycles_are_collected_on_the_gui_thread_never_on_a_worker(qtbot) -> None:
    """A Qt object destroyed by the cycle collector on a worker thread can deadlock the window
    (app.ui.gc_guard): the app turns automatic collection off and the GUI thread collects on a timer."""
    import gc
    import threading
    import weakref

    from app.ui.main import _application
    _application()
    assert not gc.isenabled()
    where: list[threading.Thread] = []

    class Node:
        pass

    def garbage_made_on_a_worker() -> None:
        node = Node()
        node.itself = node  # type: ignore[attr-defined]
        weakref.finalize(node, lambda: where.append(threading.current_thread()))
        del node
        ballast.extend([] for _ in range(5000))  # live objects well past the first generation's threshold

    ballast: list[list[int]] = []
    worker = threading.Thread(target=garbage_made_on_a_worker)
    worker.start()
    worker.join()
    assert where == [], "nothing was collected on the worker"
    qtbot.waitUntil(lambda: bool(where), timeout=10_000)  # at a pause, or after four seconds at most
    assert where == [threading.main_thread()]
