"""A few random kills during edits in the normal suite; 200 of them in tests/benchmarks/bench_durability.py."""

from __future__ import annotations

from kill_harness import kill_runs


def test_kills_during_edits_lose_nothing_acknowledged_and_every_file_opens(example_file):
    stats = kill_runs(example_file, kills=6, seed=3, max_delay=0.6)
    assert stats.problems == [], stats.summary()
    assert stats.kills == 6 and stats.lost == 0 and stats.unopenable == 0 and stats.not_verified == 0
