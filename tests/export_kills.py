"""Kill ``riskwright export`` mid-way, again and again, and look for the unscanned report (#11 case 9).

A public export writes the finished report to a temp file, scans that file
for leaks and only then moves it into place; until the scan passes the temp
file is the complete, unscanned report. A crash must leave it nowhere a sync
tool or a colleague looks (the target's folder), only in the private staging
folder (0700, the file 0600), and the next start of the program removes it.

``random`` kills at a uniformly random moment of an export (the issue's "8 of
70"); ``targeted`` waits until the temp file exists and kills at once — the
worst moment there is.
"""

from __future__ import annotations

import os
import random
import signal
import stat
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class ExportKills:
    kills: int = 0
    beside_target: int = 0
    """Kills after which something other than the finished report sat in the target's folder."""
    staged: int = 0
    """Kills after which the temp file was left in the private staging folder."""
    not_private: int = 0
    """Of those, left readable by others (file not 0600 or folder not 0700)."""
    after_next_start: int = 0
    """Kills whose leftovers (anywhere) survived the next start of the program."""
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.kills} kills: beside the target {self.beside_target}, in the private staging folder "
                f"{self.staged} (readable by others: {self.not_private}), still there after the next start "
                f"{self.after_next_start}")


def _staging(env: dict[str, str]) -> Path:
    return Path(env["RISKWRIGHT_CACHE_DIR"]) / "staging"


def _staged_files(env: dict[str, str]) -> list[Path]:
    root = _staging(env)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def export_kill_runs(source: Path, work: Path, kills: int, seed: int = 1, targeted: bool = False,
                     audience: str = "public", fmt: str = "pdf") -> ExportKills:
    """Run ``kills`` exports of ``source`` into ``work/Sync``, each killed with SIGKILL."""
    env = dict(os.environ, RISKWRIGHT_CACHE_DIR=str(work / "cache"))
    target_dir = work / "Sync"
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"report.{fmt}"
    command = [sys.executable, "-m", "app.cli", "export", str(source), "--audience", audience, "--format", fmt,
               "-o", str(target)]
    duration = 0.0
    if not targeted:
        started = time.monotonic()
        subprocess.run(command, env=env, check=True, capture_output=True)
        duration = time.monotonic() - started
        target.unlink()
    rng = random.Random(seed)
    stats = ExportKills()
    for run in range(kills):
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if targeted:
            deadline = time.monotonic() + 120
            while not _staged_files(env) and not [p for p in target_dir.iterdir() if p != target]:
                if process.poll() is not None or time.monotonic() > deadline:
                    stats.problems.append(f"run {run}: the export ended before a temp file appeared")
                    break
                time.sleep(0.005)
        else:
            time.sleep(rng.uniform(0.1, duration))
        process.send_signal(signal.SIGKILL)
        process.wait()
        stats.kills += 1
        if [p for p in target_dir.iterdir() if p != target]:
            stats.beside_target += 1
        staged = _staged_files(env)
        if staged:
            stats.staged += 1
            modes = {stat.S_IMODE(p.stat().st_mode) for p in staged}
            folders = {stat.S_IMODE(p.parent.stat().st_mode) for p in staged}
            stats.not_private += modes != {0o600} or folders != {0o700}
        subprocess.run([sys.executable, "-m", "app.cli", "frameworks"], env=env, capture_output=True)  # next start
        left = _staged_files(env) + [p for p in target_dir.iterdir() if p != target]
        stats.after_next_start += bool(left)
        for path in left:
            path.unlink()
        target.unlink(missing_ok=True)
    return stats
