"""Killing the app (logout, `kill`) leaves nothing behind: the window closes, its workers exit."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start(example_file: Path) -> tuple[subprocess.Popen, set[int]]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", RISKWRIGHT_REPORT_SHOWN="1")
    app = subprocess.Popen([sys.executable, "-m", "app.cli", "open", str(example_file)], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert app.stdout is not None
    assert app.stdout.readline().startswith("shown_at=")
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 2:
        time.sleep(0.2)
        workers = {pid for pid in _children(app.pid) if "spawn_main" in
                   (Path("/proc") / str(pid) / "cmdline").read_bytes().decode(errors="replace")}
    assert workers, "the worker processes did not start"
    return app, workers


def _gone(pids: set[int], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(_alive(pid) for pid in pids):
            return True
        time.sleep(0.2)
    return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_the_app_and_its_workers_end_when_killed(example_file, how):
    app, workers = _start(example_file)
    app.send_signal(how)
    app.wait(timeout=30)
    assert _gone(workers, 10), "worker processes outlived the window"
