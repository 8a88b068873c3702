"""Start the desktop app: ``riskwright`` and ``riskwright open FILE [--screenshot OUT.png]``.

Start-up is kept short on purpose: only the first page of the form is built
before the window is shown, and the checks run right after the first paint.
With no file named, the app reopens the last file, or — on the very first start
— a personal copy of the bundled example, so the README's first command shows a
full assessment.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QMessageLogContext, QtMsgType, QTimer, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

from app import __version__
from app.session.start import start_file
from app.ui.settings import AppSettings

EXIT_OK = 0
EXIT_CANNOT_RUN = 2
SCREENSHOT_WAIT_MS = 30000
"""The longest ``--screenshot`` waits for checks, flags and preview so they are in the picture."""
SCREENSHOT_POLL_MS = 100


_QUIET = ("This plugin does not support propagateSizeHints()",)
"""Qt warnings that say nothing to a person (the offscreen platform's, printed on every window)."""


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    if message not in _QUIET:
        sys.stderr.write(f"{message}\n")


def _application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        qInstallMessageHandler(_qt_message)
        app = QApplication(sys.argv[:1])
    app.setApplicationName("Riskwright")
    app.setOrganizationName("Riskwright")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("org.riskwright.Riskwright")  # matches packaging/*.desktop
    from app.ui.gc_guard import collect_on_this_thread
    if app.property("collects_garbage") is None:
        app.setProperty("collects_garbage", True)
        collect_on_this_thread(app)
    from app.ui.theme import apply_theme
    apply_theme(app)
    return app


def run_app(path: str | None, screenshot: str | None, stage: str | None = None,
            panel: str | None = None) -> int:
    asked = _hold_termination()
    app = _application()
    settings = AppSettings()
    from app.content.errors import ContentError, ContentErrors
    from app.store import StoreError
    from app.session.forms_cache import startup_forms
    try:
        forms = startup_forms()
    except (ContentError, ContentErrors) as error:
        return _fail(screenshot, "The form definitions are broken", str(error), asked)
    if stage and stage not in forms.stages:
        return _fail(screenshot, "Unknown stage", f"no stage {stage!r}; stages are {', '.join(forms.stages)}", asked)
    assessment = None
    problem = None
    try:
        target = Path(path) if path else start_file(settings.last_file())
        from app.ui.file_access import open_for_window
        # A screenshot cannot answer "open read-only or a copy?": it reads.
        assessment = open_for_window(target, None, (lambda *_: ("read", True)) if screenshot else None)
    except (StoreError, OSError) as error:
        problem = str(error)
        if path or screenshot:
            return _fail(screenshot, "Cannot open the assessment", problem, asked)

    from app.ui.window import MainWindow
    window = MainWindow(forms, settings, remember_window=not screenshot, defer_secondary=True)
    window.after_first_paint(_start_worker_processes)
    if assessment is not None:
        window.set_assessment(assessment)
    else:
        # Plain `riskwright` and the last file went bad: say so, and offer the empty window's
        # New / Open / example buttons rather than refusing to start.
        window.after_first_paint(lambda: window.show_error("Cannot reopen the last assessment",
                                                           problem or ""))
    if stage:
        window.show_stage(stage)
    if panel:
        window.show_panel(panel)
        if panel == "preview":
            window.after_first_paint(window.preview_panel.refresh)
    window.show()
    if os.environ.get("RISKWRIGHT_REPORT_SHOWN"):
        window.after_first_paint(_report_shown, first=True)
    if screenshot:
        _take_screenshot(app, window, screenshot)
    _close_on_termination(window, asked)
    code = app.exec()
    from app.session import offload
    offload.shutdown()
    return code


def run_portfolio(places: list[str], as_of: str | None, screenshot: str | None) -> int:
    """The Portfolio window on its own (``riskwright portfolio DIR --window``); rows open in a main window."""
    from datetime import date
    asked = _hold_termination()
    app = _application()
    from app.content.errors import ContentError, ContentErrors
    from app.session.forms_cache import startup_forms
    try:
        forms = startup_forms()
    except (ContentError, ContentErrors) as error:
        return _fail(screenshot, "The form definitions are broken", str(error), asked)
    from app.ui.window import MainWindow
    main = MainWindow(forms, AppSettings(), remember_window=not screenshot)
    window = main.open_portfolio([Path(place) for place in places], date.fromisoformat(as_of) if as_of else None)
    # The main window stays hidden until a row is opened; closing the last visible window ends the app.
    if screenshot:
        def grab(_portfolio: object) -> None:
            QTimer.singleShot(200, lambda: app.exit(EXIT_OK if window.grab().save(screenshot) else EXIT_CANNOT_RUN))
        window.refreshed.connect(grab)
    _close_on_termination(window, asked)
    code = app.exec()
    from app.session import offload
    offload.shutdown()
    return code


def _termination_signals() -> list[int]:
    import signal
    return [number for number in (signal.SIGTERM, getattr(signal, "SIGHUP", None)) if number is not None]


def _hold_termination() -> list[int]:
    """Note a SIGTERM / SIGHUP that comes while the window is being made, to close it once it exists.

    The file is opened (and its edit lock taken) before the window is made, and making
    the window takes a second or more on a busy machine. Python's own answer to SIGTERM
    in that time is to end at once, leaving the lock file behind (the next program takes
    a stale lock over, but says it found one). The signals that came are listed in the
    returned list; ``_close_on_termination`` acts on them.
    """
    import signal
    import threading
    asked: list[int] = []

    def noted(signum: int, _frame: object) -> None:
        asked.append(signum)
        # A question asked before the window exists (the file is open elsewhere: read-only or a copy?) would
        # wait for an answer nobody gives: it is cancelled, as the person's Cancel would.
        modal = QApplication.activeModalWidget() if QApplication.instance() is not None else None
        if modal is not None:
            QTimer.singleShot(0, getattr(modal, "reject", modal.close))

    if threading.current_thread() is threading.main_thread():
        for number in _termination_signals():
            signal.signal(number, noted)
    return asked


def _let_termination_through(asked: list[int]) -> None:
    """No window will close itself (start-up failed): a termination signal ends the program again, at once
    if one has come already."""
    import signal
    import threading
    if threading.current_thread() is not threading.main_thread():
        return
    for number in _termination_signals():
        signal.signal(number, signal.SIG_DFL)
    if asked:
        os.kill(os.getpid(), asked[0])


def _close_on_termination(window, asked: list[int]) -> None:  # type: ignore[no-untyped-def]
    """SIGTERM / SIGHUP (logout, `kill`) close the window as the Close command would.

    Python runs signal handlers only between bytecodes, and Qt's event loop runs
    in C++; a light timer hands the interpreter control twice a second so a
    signal is noticed. Closing saves pending typing and waits for a running export.
    A signal that came while the window was being made (``asked``) closes it as soon
    as the event loop runs.
    """
    import signal
    import threading
    if threading.current_thread() is not threading.main_thread():
        return

    def close(_signum: int, _frame: object) -> None:
        window.closing_without_asking = True  # nobody is there to answer a question
        window.close()
        # Queued: quit() does nothing while no event loop runs (a signal just before app.exec()), and the loop
        # would then run on with no window; the queued call quits it as soon as it runs.
        QTimer.singleShot(0, QApplication.quit)

    for number in _termination_signals():
        signal.signal(number, close)
    if asked:
        QTimer.singleShot(0, lambda: close(asked[0], None))
    tick = QTimer(window)
    tick.setInterval(500)
    tick.timeout.connect(lambda: None)
    tick.start()


def _start_worker_processes() -> None:
    from app.session import offload
    offload.warm_up()


def _report_shown() -> None:
    """Print the wall-clock time right after the window's first paint (start-up benchmark)."""
    print(f"shown_at={time.time():.6f}", flush=True)


def _take_screenshot(app: QApplication, window, out: str) -> None:  # type: ignore[no-untyped-def]
    """Grab the window once the first check, the flag scan and (if shown) the preview are done."""
    waited = 0

    def settled() -> bool:
        if window.analysis is None or window.analysis.latest is None:
            return False
        if window.flag_watch is not None and not window.flag_watch.ready and not window.flag_watch.error:
            return False
        preview = window.lazy_panels["preview"].panel
        return not (preview is not None and preview.rendering)

    def poll() -> None:
        nonlocal waited
        waited += SCREENSHOT_POLL_MS
        if settled() or waited >= SCREENSHOT_WAIT_MS:
            QTimer.singleShot(200, grab)
        else:
            QTimer.singleShot(SCREENSHOT_POLL_MS, poll)

    def grab() -> None:
        if not window.grab().save(out):
            print(f"riskwright: cannot write the screenshot to {out}", file=sys.stderr)
            app.exit(EXIT_CANNOT_RUN)
            return
        window.close()
        app.exit(EXIT_OK)

    QTimer.singleShot(SCREENSHOT_POLL_MS, poll)


def _fail(screenshot: str | None, title: str, message: str, asked: list[int]) -> int:
    print(f"riskwright: {message}", file=sys.stderr)
    _let_termination_through(asked)
    if not screenshot and QApplication.instance():
        QMessageBox.critical(None, title, message)
    return EXIT_CANNOT_RUN
