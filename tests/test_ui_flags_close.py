"""Closing the window while a flag re-scan still runs on its worker thread (it may be waiting on the file)
does not make the window wait for it; the re-scan's own connection to the file is closed all the same."""

from __future__ import annotations

import threading
import time


def test_closing_the_flag_watch_does_not_wait_for_a_running_re_scan(open_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    qtbot.waitUntil(lambda: window.flag_watch is not None and window.flag_watch.ready, timeout=30000)
    watch = window.flag_watch
    reader = window.session.assessment.open_reader()
    watch._reader = reader
    holding, release = threading.Event(), threading.Event()

    def running_re_scan() -> None:  # what a re-scan waiting on a locked file looks like to close()
        with watch._computing:
            holding.set()
            release.wait(10)

    worker = threading.Thread(target=running_re_scan)
    worker.start()
    holding.wait(5)
    started = time.monotonic()
    watch.close()
    waited = time.monotonic() - started
    release.set()
    worker.join(10)
    assert waited < 2.0, f"close() waited {waited:.1f} s for the re-scan"
    assert watch._reader is reader  # still the re-scan's: it closes it as it ends
    watch._drop_reader()  # as the re-scan's worker does when it ends and sees the watch closed
    assert watch._reader is None
