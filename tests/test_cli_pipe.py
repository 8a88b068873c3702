"""A reader that stops early (`riskwright scan FILE | head`) ends the command quietly, without a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_a_closed_pipe_ends_scan_without_a_traceback(example_file: Path) -> None:
    process = subprocess.Popen([sys.executable, "-m", "app.cli", "scan", str(example_file)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # before the command has written anything: every write meets a closed pipe
    errors = process.stderr.read().decode()
    assert process.wait(timeout=120) == 2
    assert "Traceback" not in errors and "BrokenPipeError" not in errors, errors
