"""Run the real app on a file and type into one field without ever pausing, reporting each keystroke.

``python tests/gui_typist.py FILE FIELD INTERVAL_MS`` starts Riskwright exactly as
``riskwright open FILE`` does, waits for the window, puts the cursor at the end
of FIELD and types one character every INTERVAL_MS (shorter than the typing
pause), printing ``typed N T`` — N characters typed so far, wall-clock time T —
after each key. The parent kills it at a moment of its choosing.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def main(path: str, field: str, interval_ms: int) -> int:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    import app.ui.main as launcher

    count = 0

    def begin() -> None:
        window = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow")
        window.show_stage(field.split(".", 1)[0])
        page = window.current_page()
        widget = next(row.binding.widget for row in page.all_rows() if row.spec.path == field)
        widget.setFocus()
        if hasattr(widget, "moveCursor"):
            widget.moveCursor(QTextCursor.MoveOperation.End)
        else:
            widget.end(False)
        print("ready", flush=True)

        def key() -> None:
            nonlocal count
            QTest.keyClick(widget, ALPHABET[count % len(ALPHABET)], Qt.KeyboardModifier.NoModifier)
            count += 1
            print(f"typed {count} {time.time():.3f}", flush=True)

        timer = QTimer(window)
        timer.setInterval(interval_ms)
        timer.timeout.connect(key)
        timer.start()

    launcher._application()  # the timer below needs the application's event loop to exist
    QTimer.singleShot(1500, begin)
    return launcher.run_app(path, None)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
