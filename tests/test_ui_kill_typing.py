"""Kill the real app (Xvfb when installed) while someone types without pausing: nothing older than 1 s is lost.

Three kills here; tests/benchmarks/bench_durability.py runs 20.
"""

from __future__ import annotations

from typing_kills import kill_while_typing


def test_killing_the_app_while_typing_loses_at_most_the_last_second(example_file):
    stats = kill_while_typing(example_file, kills=3)
    print(stats.summary())
    assert stats.problems == [], stats.summary()
    assert stats.kills == 3 and stats.typed > 20
