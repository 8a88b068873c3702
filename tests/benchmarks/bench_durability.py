"""Issue 12 figures, run on purpose: `pytest tests/benchmarks/bench_durability.py -m benchmark -s`.

* 200 random SIGKILLs during edits through AssessmentFile.apply: every file opens and verifies, nothing
  acknowledged is lost.
* Import time of 5k / 20k / 150k records (linear: the time per record stays flat).
* 20 SIGKILLs of the real app (Xvfb) while typing without a pause: nothing typed more than 1 s earlier lost.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kill_harness import kill_runs  # noqa: E402


def test_two_hundred_kills(example_file):
    started = time.perf_counter()
    stats = kill_runs(example_file, kills=200, seed=12, max_delay=0.8)
    print(f"\n{stats.summary()} in {time.perf_counter() - started:.0f} s")
    assert stats.problems == [], stats.problems[:5]
    assert stats.kills == 200


def records_yaml(count: int) -> str:
    lines = ["riskwright: 1", "header:", "  model:", "    name: Import benchmark", "pre_deployment:",
             "  evaluations:"]
    for index in range(count):
        lines += [f"  - id: ev-{index + 1}", "    category: cybersecurity", f"    name: suite item {index + 1}",
                  "    score: 0.5", f"    description: a short fictional description number {index}"]
    return "\n".join(lines) + "\n"


def test_import_is_linear_in_records(tmp_path):
    from app.content.forms import load_forms
    from app.interchange import load_document
    from app.store import AssessmentFile
    forms = load_forms()
    per_record = {}
    for count in (5_000, 20_000, 150_000):
        text = records_yaml(count)
        started = time.perf_counter()
        document = load_document(text, "bench.yaml", forms)
        parsed = time.perf_counter() - started
        AssessmentFile.create(tmp_path / f"{count}.rwa", document).close()
        total = time.perf_counter() - started
        per_record[count] = total / count
        print(f"\n{count:>7} records ({len(text) / 1e6:.1f} MB): parse {parsed:.2f} s, parse + write {total:.2f} s, "
              f"{per_record[count] * 1e6:.0f} µs per record")
    assert per_record[150_000] < 3 * per_record[5_000]


def test_twenty_kills_while_typing_in_the_window(example_file):
    from typing_kills import kill_while_typing
    started = time.perf_counter()
    stats = kill_while_typing(example_file, kills=20, seed=12)
    print(f"\n{stats.summary()} in {time.perf_counter() - started:.0f} s")
    assert stats.problems == [], stats.problems[:5]
