"""The quarterly update of a portfolio of large assessments: 20 and 200 files, public PDF, before and now.

Run on purpose: ``pytest tests/benchmarks/bench_quarterly.py -m benchmark -s``. The files are generated
from the large example (``app.portfolio.synthetic``); each side runs ``riskwright export-portfolio``
in a process of its own: *before* is the code this change started from (``BEFORE``, unpacked from git,
``before_after``), *now* this checkout. Figures: wall seconds, CPU seconds of the command and its worker
processes together, and the largest resident set of any one of its processes (the command's or a
worker's: ``ru_maxrss`` of its waited-for children, read through a small wrapper process per run).
Both sides must write the same bytes. The machine is shared: compare CPU, and wall only on a quiet
machine. 200 files before take about four minutes of one core.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.portfolio.synthetic import write_portfolio
from before_after import CHECKOUT, environment, unpack

BEFORE = "1fd379e"
"""main before the quarterly update read its files on worker processes."""
SIZES = (20, 200)
COMMAND = ["-m", "app.cli", "export-portfolio", "--audience", "public", "--format", "pdf", "--quarter", "2026-Q4",
           "--as-of", "2026-12-01"]
_MEASURED = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": done.returncode, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                  "rss_mb": usage.ru_maxrss / 1024, "err": done.stderr[-2000:]}))
"""
"""Runs the command and reports its own figures: a fresh process per run, so ``ru_maxrss`` is this run's."""


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    made = {}
    for count in SIZES:
        folder = tmp_path_factory.mktemp(f"quarterly{count}")
        started = time.perf_counter()
        write_portfolio(folder, count)
        print(f"\ngenerated {count} large assessments in {time.perf_counter() - started:.1f} s")
        made[count] = folder
    return made


def _measured(tree: Path, folder: Path, output: Path) -> dict[str, float]:
    result = subprocess.run([sys.executable, "-c", _MEASURED, sys.executable, *COMMAND, str(folder), "-o",
                             str(output)], capture_output=True, text=True, env=environment(tree), cwd=tree)
    figures = json.loads(result.stdout)
    assert figures["rc"] == 0, f"{tree}: {figures['err']}"
    return figures


def test_the_public_quarterly_update_before_and_now(folders: dict[int, Path],
                                                    tmp_path_factory: pytest.TempPathFactory) -> None:
    scratch = tmp_path_factory.mktemp("quarterly-runs")
    trees = {"before": unpack(scratch, BEFORE, "before"), "now": CHECKOUT}
    figures: dict[tuple[str, int], dict[str, float]] = {}
    for count, folder in folders.items():
        for side, tree in trees.items():
            output = scratch / f"{side}-{count}.pdf"
            figures[(side, count)] = _measured(tree, folder, output)
        assert (scratch / f"before-{count}.pdf").read_bytes() == (scratch / f"now-{count}.pdf").read_bytes()
    print(f"\npublic PDF quarterly update on {os.cpu_count()} cores (one run each; load average "
          f"{os.getloadavg()[0]:.1f}):")
    print(f"{'files':>6} {'side':>7} {'wall s':>7} {'CPU s':>7} {'max RSS MB':>11} {'wall ratio':>11} "
          f"{'CPU ratio':>10}")
    for count in SIZES:
        before = figures[("before", count)]
        for side in trees:
            run = figures[(side, count)]
            print(f"{count:>6} {side:>7} {run['wall']:>7.1f} {run['cpu']:>7.1f} {run['rss_mb']:>11.0f} "
                  f"{run['wall'] / before['wall']:>11.2f} {run['cpu'] / before['cpu']:>10.2f}")
