"""GUI-thread CPU while typing into a 1 MB text of the large example; run by ``bench_long_text.py``.

``python long_text_probe.py FILE`` (FILE is changed). A text of about a megabyte
with a marked passage every fifty paragraphs is put into ``header.scope`` (as a
paste would), then, in the window: 60 keystrokes in the middle of it, the save
of those keystrokes, and one undo. Prints one line: ``key_ms`` (median
GUI-thread CPU per keystroke), ``key_max_ms``, ``save_ms`` (the save),
``undo_ms`` (the undo, with the editor following it).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

FIELD = "header.scope"


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def long_text() -> str:
    return "\n".join(
        f"Paragraph {n}: the zorvex variant scored on synthetic tasks"
        + (f" and [[hazard:bio]]quellin step {n}[[/hazard]] was noted." if n % 50 == 0 else ".")
        for n in range(17000))


def main(path: Path) -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from app.content.forms import load_forms
    from app.model import Address, SetValue
    from app.ui.window import MainWindow
    window = MainWindow(load_forms(), remember_window=False)
    assert window.open_file(path)
    window.show()
    deadline = time.monotonic() + 120
    while (window.analysis is None or window.analysis.latest is None) and time.monotonic() < deadline:
        wait(50)
    window.session.apply(SetValue(Address.parse(FIELD), long_text()), "Paste")
    wait(2000)
    assert window.go_to(FIELD)
    editor = window.focusWidget()
    cursor = editor.textCursor()  # type: ignore[union-attr]
    cursor.setPosition(len(editor.toPlainText()) // 2)  # type: ignore[union-attr]
    editor.setTextCursor(cursor)  # type: ignore[union-attr]
    wait(1500)
    keys = []
    for _ in range(60):
        started = time.thread_time()
        QTest.keyClicks(editor, "w")
        keys.append(time.thread_time() - started)
    started = time.thread_time()
    window.session.flush()
    save_ms = (time.thread_time() - started) * 1000
    wait(1500)
    started = time.thread_time()
    window.undo_action.trigger()
    undo_ms = (time.thread_time() - started) * 1000
    print(f"key_ms={statistics.median(keys) * 1000:.2f} key_max_ms={max(keys) * 1000:.2f} save_ms={save_ms:.1f} "
          f"undo_ms={undo_ms:.1f}", flush=True)
    window.close()
    app.quit()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
