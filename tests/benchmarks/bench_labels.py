"""What labels on derived text cost (issue 11, "Cost: exporting the large example is no slower than before").

Run on purpose: ``pytest tests/benchmarks/bench_labels.py -m benchmark -s``.

Three revisions in one run, on the same large example: main just before the labels landed, main with only
the labels commits on top of it (so the two differ by labels alone), and the checkout ("now", with whatever
main gained since). Figures are CPU seconds of the process (user + system): on a shared two-core machine the
wall clock mostly measures waiting.

* building the report model in process (the check with labelled messages, rendering every message for its
  edition), internal and public, best of 3;
* ``riskwright export`` of the large example, public and internal, Markdown (best of 3) and PDF (best of 2).
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
from pathlib import Path


from before_after import CHECKOUT, environment, unpack

REVISIONS = {"before labels": "c4b596e", "labels landed": "6439274"}
"""main just before the labels (951d048); main with the labels commits and their golden files on top."""

MODEL_BUILD = """
import time
from app.interchange.examples import large_document
from app.export.pipeline import build_for_audience
doc = large_document()
for audience in ("internal", "public"):
    build_for_audience(doc, audience)  # caches (forms, frameworks, fonts) warm
    best = min(_time(lambda: build_for_audience(doc, audience)) for _ in range(3))
    print(f"{audience} {best:.3f}")
"""
TIMER = """
import time
def _time(work):
    started = time.process_time()
    work()
    return time.process_time() - started
"""


def _cpu(tree: Path, arguments: list[str]) -> tuple[float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run([sys.executable, *arguments], capture_output=True, text=True, env=environment(tree),
                            cwd=tree)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), result.stdout


def test_report_model_and_exports_of_the_large_example_before_and_after_labels(tmp_path: Path) -> None:
    trees = {name: unpack(tmp_path, revision) for name, revision in REVISIONS.items()}
    trees["now"] = CHECKOUT
    source = tmp_path / "large.rwa"
    _cpu(trees["before labels"], ["-m", "app.cli", "example", str(source), "--size", "large"])
    copies = {name: tmp_path / f"large-{index}.rwa" for index, name in enumerate(trees)}
    for copy in copies.values():  # one each: a newer version may upgrade the file format
        shutil.copyfile(source, copy)
    for tree in trees.values():
        _cpu(tree, ["-m", "app.cli", "--version"])  # bytecode caches
    print()
    for name, tree in trees.items():
        _, printed = _cpu(tree, ["-c", TIMER + MODEL_BUILD])
        figures = dict(line.split() for line in printed.splitlines() if line.strip())
        print(f"{name:13} report model of the large example: internal {figures['internal']} s, "
              f"public {figures['public']} s CPU (best of 3, in process)")
    for audience in ("public", "internal"):
        for fmt, runs in (("md", 3), ("pdf", 2)):
            for name, tree in trees.items():
                output = tmp_path / f"{name}-{audience}.{fmt}"
                took = [_cpu(tree, ["-m", "app.cli", "export", str(copies[name]), "--audience", audience,
                                    "--format", fmt, "-o", str(output)])[0] for _ in range(runs)]
                written = "" if output.exists() else " — REFUSED, nothing written"
                print(f"{name:13} {audience:8} {fmt:3} export: {min(took):5.2f} s CPU (best of {runs}){written}")
