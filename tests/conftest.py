"""Shared fixtures. Qt runs offscreen and settings never touch the real home folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from durability_helpers import DRIVE_KINDS
from hypothesis import settings
from profiles import PROFILE

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Property tests without their own example count: hypothesis's default (100) normally, more in the
# extended profile (tests/profiles.py).
settings.register_profile("normal", settings.get_profile("default"))
settings.register_profile("extended", max_examples=500)
settings.load_profile(PROFILE)


@pytest.fixture(scope="session", autouse=True)
def _collect_garbage_on_the_main_thread():  # type: ignore[no-untyped-def]
    """As the app does (app.ui.gc_guard): no cycle collection on worker threads, where it can destroy a Qt
    object off its thread and deadlock against the GUI thread; the main thread collects between tests."""
    import gc
    gc.disable()
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def _collect_between_tests():  # type: ignore[no-untyped-def]
    yield
    from app.ui.gc_guard import collect_due
    collect_due()


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point settings, data and config folders at a temp folder for every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    return home


@pytest.fixture
def forms():
    from app.content.forms import load_forms
    return load_forms()


@pytest.fixture(scope="session")
def _example_templates(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    """Where ``example_file`` keeps the examples it has written: a folder, and assessor name -> file."""
    return tmp_path_factory.mktemp("example-templates"), {}


@pytest.fixture
def example_file(tmp_path: Path, _example_templates: tuple[Path, dict[str, Path]]) -> Path:
    """A fresh copy of the bundled example assessment.

    Writing the example takes a quarter of a second and about 200 tests ask for one, so it is written
    once per assessor name (the history's first entry names whoever created the file: the test's
    RISKWRIGHT_ASSESSOR or settings) and copied byte for byte into each test's own folder.
    """
    from app.interchange.examples import write_example
    from app.store.identity import assessor_name
    folder, written = _example_templates
    who = assessor_name()
    if who not in written:
        template = folder / f"example-{len(written)}.rwa"
        write_example(template)
        written[who] = template
    path = tmp_path / "example.rwa"
    shutil.copyfile(written[who], path)
    return path


@pytest.fixture
def open_window(qtbot, example_file: Path, forms):
    """Open the example in a real main window (offscreen) and wait until it is shown."""
    def open_(remember_window: bool = False):  # type: ignore[no-untyped-def]
        from app.ui.window import MainWindow
        window = MainWindow(forms, remember_window=remember_window)
        qtbot.addWidget(window)
        assert window.open_file(example_file)
        window.show()
        qtbot.waitExposed(window)
        return window
    return open_


@pytest.fixture(autouse=True)
def questions_must_be_answered(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """In window tests, a question the window asks (unsaved work, a file open elsewhere) fails the test
    unless the test answers it by replacing ``ask``: offscreen, a modal box would wait forever."""
    if "qtbot" not in request.fixturenames:
        return
    from app.ui.file_access import InUseDialog, LeaveDialog

    def unexpected(cls, *_args):  # type: ignore[no-untyped-def]
        raise AssertionError(f"unexpected {cls.__name__}: the test must answer it (replace {cls.__name__}.ask)")
    monkeypatch.setattr(LeaveDialog, "ask", classmethod(unexpected))
    monkeypatch.setattr(InUseDialog, "ask", classmethod(unexpected))


@pytest.fixture(params=DRIVE_KINDS)
def drive(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A small drive the test fills up or write-protects: a real tmpfs where this machine lets us mount
    one (skipped elsewhere), and always a plain folder with the same faults injected (durability_helpers.Drive)."""
    from durability_helpers import small_drive
    with small_drive(request.param, tmp_path / "drive", monkeypatch) as drive:
        yield drive
