"""Two exports killed at the worst moment in the normal suite; 70 random and 20 targeted kills in
tests/benchmarks/bench_export_kills.py."""

from __future__ import annotations

from pathlib import Path

from export_kills import export_kill_runs


def test_a_killed_export_leaves_no_unscanned_report_where_anyone_looks(example_file: Path, tmp_path: Path) -> None:
    stats = export_kill_runs(example_file, tmp_path / "kills", kills=2, targeted=True, fmt="md")
    assert stats.problems == [], stats.problems
    assert (stats.kills, stats.beside_target, stats.not_private, stats.after_next_start) == (2, 0, 0, 0), \
        stats.summary()
    assert stats.staged == 2  # positive control: the kill did land while the unscanned report existed
