"""Paste 1 MB into a field of an assessment, then type 200 words into it: file size and time per save.

``python history_size_probe.py FILE`` (FILE is changed). Prints one line of
``key=value`` figures, the last line of output:

* ``start_mb`` — the file before;
* ``paste_mb`` — after one save of the field with 1 MB of text pasted in;
* ``typed_mb`` — after 200 more saves, each one word longer (the window saves
  a finished word at once in short texts, and at every pause in long ones;
  200 saves is a person pausing after each word);
* ``paste_ms`` / ``save_ms`` — the paste's save, and the median of the 200;
* ``verify_s`` — ``verify`` of the whole file afterwards (it replays every entry).

It uses the store directly (``AssessmentFile.apply``: the same save the window
makes for every commit), so it runs with any version of the code via PYTHONPATH.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

FIELD = "header.scope"
WORDS = 200


def pasted_text(size: int = 1_000_000) -> str:
    """About ``size`` characters of invented prose in paragraphs (no real content)."""
    words = ("the", "variant", "was", "scored", "against", "a", "held-out", "set", "of", "synthetic", "tasks",
             "and", "compared", "with", "baseline", "runs", "over", "three", "seeds", "zorvex", "quellin")
    lines: list[str] = []
    total = 0
    index = 0
    while total < size:
        line = " ".join(words[(index * 7 + k * 3) % len(words)] for k in range(14)) + f" (row {index})."
        line = line if index % 6 else ""  # a blank line between paragraphs
        lines.append(line)
        total += len(line) + 1
        index += 1
    return "\n".join(lines)[:size]


def main(path: Path) -> None:
    os.environ.setdefault("RISKWRIGHT_ASSESSOR", "Probe")
    from app.model import Address, SetValue
    from app.store.file import AssessmentFile
    from app.store.verification import verify_file

    address = Address.parse(FIELD)
    start = path.stat().st_size
    with AssessmentFile.open(path) as rwa:
        before = rwa.document.get(address) or ""
        text = before + "\n\n" + pasted_text()
        began = time.perf_counter()
        rwa.apply(SetValue(address, text))
        paste_ms = (time.perf_counter() - began) * 1000
    pasted = path.stat().st_size
    middle = len(text) // 2
    middle = text.index("\n", middle) if "\n" in text[middle:] else middle
    times: list[float] = []
    with AssessmentFile.open(path) as rwa:
        for number in range(WORDS):
            text = text[:middle] + f" word{number}" + text[middle:]
            middle += len(f" word{number}")
            began = time.perf_counter()
            rwa.apply(SetValue(address, text))
            times.append((time.perf_counter() - began) * 1000)
    typed = path.stat().st_size
    began = time.perf_counter()
    verdict = verify_file(path)
    verify_s = time.perf_counter() - began
    assert verdict.intact, verdict.problems[:3]
    print(f"start_mb={start / 1e6:.2f} paste_mb={pasted / 1e6:.2f} typed_mb={typed / 1e6:.2f} "
          f"paste_ms={paste_ms:.1f} save_ms={statistics.median(times):.1f} verify_s={verify_s:.2f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
