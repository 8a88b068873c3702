"""Kill the app while someone types without pausing; count what was typed more than a second earlier and lost."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterator

TYPIST = Path(__file__).resolve().parent / "gui_typist.py"
FIELD = "header.scope"


@contextmanager
def display() -> Iterator[dict[str, str]]:
    """An Xvfb display for the app (xcb, as on a desktop), or the offscreen platform when Xvfb is missing."""
    if shutil.which("Xvfb") is None:
        yield dict(os.environ, QT_QPA_PLATFORM="offscreen")
        return
    number = 90 + os.getpid() % 400
    server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1400x900x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    try:
        yield dict(os.environ, QT_QPA_PLATFORM="xcb", DISPLAY=f":{number}")
    finally:
        server.terminate()
        server.wait(timeout=30)


@dataclass
class TypingKills:
    kills: int = 0
    typed: int = 0
    lost_older_than_a_second: int = 0
    unopenable: int = 0
    not_verified: int = 0
    worst_unsaved_seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.kills} kills while typing, {self.typed} characters typed, "
                f"{self.lost_older_than_a_second} typed more than 1 s before a kill lost, "
                f"{self.unopenable} unopenable, {self.not_verified} failed verify, "
                f"longest unsaved tail {self.worst_unsaved_seconds:.2f} s")


def _line_within(process: subprocess.Popen[str], seconds: float) -> str:
    """The next line the process prints, or "" when it prints nothing for ``seconds`` (or has ended)."""
    import select
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], seconds)
    return process.stdout.readline() if ready else ""


def kill_while_typing(path: Path, kills: int, seed: int = 5, interval_ms: int = 110) -> TypingKills:
    from app.store import AssessmentFile, StoreError
    from app.store.verification import verify_file
    rng = random.Random(seed)
    stats = TypingKills()
    with display() as env:
        for run in range(kills):
            with AssessmentFile.open(path, "read") as before:
                start = before.document.get(FIELD) or ""
            typist = subprocess.Popen([sys.executable, str(TYPIST), str(path), FIELD, str(interval_ms)], env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            assert typist.stdout is not None
            line = _line_within(typist, 90.0)
            if line.strip() != "ready":
                typist.kill()
                stats.problems.append(f"run {run}: the app did not start: {typist.stderr.read()[-800:]}")
                continue
            times: list[float] = []
            stop_after = rng.uniform(1.5, 4.0)
            began = time.monotonic()
            while time.monotonic() - began < stop_after:
                line = _line_within(typist, 5.0)
                if line.startswith("typed "):
                    times.append(float(line.split()[2]))
            killed_at = time.time()
            os.kill(typist.pid, signal.SIGKILL)
            rest, _ = typist.communicate(timeout=60)
            times += [float(item.split()[2]) for item in rest.splitlines() if item.startswith("typed ")]
            times = [t for t in times if t <= killed_at]
            stats.kills += 1
            stats.typed += len(times)
            try:
                with AssessmentFile.open(path, "read") as after:
                    saved = after.document.get(FIELD) or ""
            except StoreError as error:
                stats.unopenable += 1
                stats.problems.append(f"run {run}: {error}")
                break
            kept = len(saved) - len(start)
            must_keep = sum(1 for t in times if t <= killed_at - 1.0)
            if kept < must_keep or not saved.startswith(start):
                stats.lost_older_than_a_second += must_keep - max(kept, 0)
                stats.problems.append(f"run {run}: {kept} of {len(times)} characters kept, {must_keep} required")
            if kept < len(times):
                stats.worst_unsaved_seconds = max(stats.worst_unsaved_seconds, killed_at - times[max(kept, 0)])
            if not verify_file(path).intact:
                stats.not_verified += 1
                stats.problems.append(f"run {run}: the file does not verify")
    return stats
