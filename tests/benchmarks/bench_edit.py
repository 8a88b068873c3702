"""GUI-thread work per committed edit in the large example, before issue 13 and now (one run).

Run on purpose: ``pytest tests/benchmarks/bench_edit.py -m benchmark -s``. The
measurement itself is ``edit_probe.py`` (see there what is counted); this runs
it against the code before issue 13 (``before_after.BEFORE``) and the code now.
Target (issue 13): at most 5 ms of GUI-thread work per committed edit.
"""

from __future__ import annotations

from pathlib import Path

from before_after import CHECKOUT, environment, timed_run, unpack_before

BUDGET_MS = 5.0
PROBE = Path(__file__).resolve().parent / "edit_probe.py"


def _probe(tree: Path, folder: Path) -> dict[str, float]:
    path = folder / f"large-{tree.name}.rwa"
    timed_run(tree, ["-m", "app.cli", "example", str(path), "--size", "large"])
    home = folder / f"home-{tree.name}"
    env = environment(tree, HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
                      XDG_DATA_HOME=str(home / "data"), XDG_CACHE_HOME=str(home / "cache"))
    _took, printed = timed_run(tree, [str(PROBE), str(path)], env)
    line = printed.strip().splitlines()[-1]
    return {key: float(value) for key, value in (part.split("=") for part in line.split())}


def test_gui_thread_time_per_committed_edit_before_and_now(tmp_path: Path) -> None:
    before = _probe(unpack_before(tmp_path), tmp_path)
    now = _probe(CHECKOUT, tmp_path)
    print(f"\nGUI-thread CPU per committed edit in the large example: before {before['per_edit_ms']:.1f} ms "
          f"(median edit {before['median_edit_ms']:.1f} ms, commit call {before['commit_ms']:.1f} ms), "
          f"now {now['per_edit_ms']:.1f} ms (median edit {now['median_edit_ms']:.1f} ms, slowest "
          f"{now['max_edit_ms']:.1f} ms, commit call {now['commit_ms']:.1f} ms); budget {BUDGET_MS:.0f} ms")
    assert now["per_edit_ms"] <= BUDGET_MS
