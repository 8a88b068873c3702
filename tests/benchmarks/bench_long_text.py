"""Typing into a 1 MB text of the large example, before passages were regions and now, in one run.

Run on purpose: ``pytest tests/benchmarks/bench_long_text.py -m benchmark -s``.
The measurement is ``long_text_probe.py``; ``BEFORE`` is main before issue 16
item 3 (``bench_history_size.BEFORE``: span markup shown as text; the editor re-read the whole text on every
keystroke to find word ends, and an undo replaced the whole text).
"""

from __future__ import annotations

from pathlib import Path

from bench_history_size import BEFORE
from before_after import CHECKOUT, environment, timed_run, unpack

PROBE = Path(__file__).resolve().parent / "long_text_probe.py"


def _probe(tree: Path, folder: Path) -> dict[str, float]:
    path = folder / f"large-{tree.name}.rwa"
    timed_run(tree, ["-m", "app.cli", "example", str(path), "--size", "large"])
    home = folder / f"home-{tree.name}"
    env = environment(tree, HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
                      XDG_DATA_HOME=str(home / "data"), XDG_CACHE_HOME=str(home / "cache"))
    _took, printed = timed_run(tree, [str(PROBE), str(path)], env)
    line = printed.strip().splitlines()[-1]
    return {key: float(value) for key, value in (part.split("=") for part in line.split())}


def test_typing_into_a_megabyte_before_and_now(tmp_path: Path) -> None:
    before = _probe(unpack(tmp_path, BEFORE, "before-compact"), tmp_path)
    now = _probe(CHECKOUT, tmp_path)
    for name, figures in (("before", before), ("now", now)):
        print(f"\n{name}: keystroke {figures['key_ms']:.2f} ms (max {figures['key_max_ms']:.1f}), save "
              f"{figures['save_ms']:.0f} ms, undo {figures['undo_ms']:.0f} ms (GUI-thread CPU)")
    assert now["key_ms"] <= 2.0
