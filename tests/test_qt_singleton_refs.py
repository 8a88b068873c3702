"""Qt calls that take references to None/True away (PySide6 6.12 on CPython 3.11) must not abort the app
(app/ui/__init__.py): many void calls and signal emits, then a normal exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import sys
import app.ui  # noqa: F401  (what any use of the window imports first)
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QLabel


class Emitter(QObject):
    changed = Signal(bool)


def main() -> None:
    app = QApplication(sys.argv[:1])
    label = QLabel()
    emitter = Emitter()
    seen = []
    emitter.changed.connect(seen.append)
    for _ in range({n}):
        label.setText("x")  # returns None
        emitter.changed.emit(True)  # returns True
    assert len(seen) == {n}
    del app


if __name__ == "__main__":
    main()
"""


def test_many_qt_calls_then_a_clean_exit(tmp_path: Path) -> None:
    script = tmp_path / "calls.py"
    script.write_text(SCRIPT.format(n=200_000))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env,
                            cwd=tmp_path, timeout=120)
    assert result.returncode == 0, (result.returncode, result.stderr[-2000:])
