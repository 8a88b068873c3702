"""File size after pasting 1 MB into a field of the large example and typing 200 words, before and now.

Run on purpose: ``pytest tests/benchmarks/bench_history_size.py -m benchmark -s``.
The measurement is ``history_size_probe.py`` (see there what is counted); this
runs it against main before compact history entries (``BEFORE``) and the code
now, in one run. Issue 16 item 5: one save of a 1 MB paste grew the file by
2 MB, and every later save of that text by 2 MB more.
"""

from __future__ import annotations

from pathlib import Path

from before_after import CHECKOUT, environment, timed_run, unpack

BEFORE = "8dbe4ff"
"""main before history entries of long texts were compact (issue 16 item 5)."""
PROBE = Path(__file__).resolve().parent / "history_size_probe.py"


def _probe(tree: Path, folder: Path) -> dict[str, float]:
    path = folder / f"large-{tree.name}.rwa"
    timed_run(tree, ["-m", "app.cli", "example", str(path), "--size", "large"])
    _took, printed = timed_run(tree, [str(PROBE), str(path)], environment(tree, RISKWRIGHT_ASSESSOR="Probe"))
    line = printed.strip().splitlines()[-1]
    return {key: float(value) for key, value in (part.split("=") for part in line.split())}


def test_file_size_after_a_paste_and_typing_before_and_now(tmp_path: Path) -> None:
    before = _probe(unpack(tmp_path, BEFORE, "before-compact"), tmp_path)
    now = _probe(CHECKOUT, tmp_path)
    for name, figures in (("before", before), ("now", now)):
        print(f"\n{name}: {figures['start_mb']:.2f} MB -> paste {figures['paste_mb']:.2f} MB -> 200 words "
              f"{figures['typed_mb']:.2f} MB; save of the paste {figures['paste_ms']:.0f} ms, per word "
              f"{figures['save_ms']:.0f} ms (median); verify {figures['verify_s']:.2f} s")
    assert now["paste_mb"] - now["start_mb"] < 1.3  # the text itself, once
    assert now["typed_mb"] - now["paste_mb"] < 1.5  # no copy per save
